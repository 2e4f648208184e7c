// Every word the desk shows, in one place: translating the desk is
// translating this file. Elements in index.html name their text with
// data-text="key"; code takes it from here.

export const locale = "en-GB"; // 24-hour clock, day before month: what a Vienna desk reads

export const text = {
  documentTitle: "Security desk · accredit",
  appName: "Security desk",

  // Header and navigation
  checkpoint: "Checkpoint",
  direction: "Direction",
  directionIn: "Entry",
  directionOut: "Exit",
  online: "Online",
  offline: "Offline: this device judges the scans",
  connectionPending: (n) => ` · ${n} waiting`,
  openSettings: "Settings",
  openEvacuation: "Evacuation list",
  syncNow: "Sync now",
  signOut: "Sign out",
  updateReady: "New version: reload",

  // Scanning
  badgeCode: "Badge code",
  badgeCodeHint: "Scan a badge or type its code, then press Enter.",
  check: "Check",
  camera: "Camera",
  ready: "Ready: scan the next badge",
  checking: "Checking…",

  // Verdicts
  accepted: "Accepted",
  repeat: "Accepted again",
  repeatDetail: "Already inside: no exit scanned",
  rejected: "Rejected",
  iconAccepted: "✓",
  iconRepeat: "↻",
  iconRejected: "✕",
  reasons: {
    invalid_code: "Not a valid badge code",
    wrong_event: "Badge for another event",
    revoked: "Badge revoked or replaced by a newer print",
    outside_validity: "Badge not valid at this time",
    checkpoint_denied: "Category not admitted at this checkpoint",
    already_inside: "Already inside: no second entry without leaving",
  },
  unknownReason: (code) => `Refused (${code})`,
  judgedOnDevice: "Judged on this device: the server did not answer",
  notes: {
    category_unchecked: "Category not checked: this device holds no roster",
    holder_unknown: "Name and photo are not available on this device",
  },
  photoOf: (name) => `Photo of ${name}`,
  categories: {
    head_of_delegation: "Head of delegation",
    delegate: "Delegate",
    adviser: "Adviser",
    speaker: "Speaker",
    observer: "Observer",
    media: "Media",
    secretariat: "Secretariat",
    technical: "Technical",
  },
  scanProblem: (detail) => `The server refused this scan: ${detail}`,

  // Status
  insideNow: "Inside now",
  insideUnknown: "—",
  asOf: (time) => `as of ${time}`,
  pending: (n) => (n === 1 ? "1 scan waiting to upload" : `${n} scans waiting to upload`),
  lastSync: "Last sync",
  never: "never",
  conflicts: (n) => (n === 1 ? "1 uploaded scan judged differently by the server" : `${n} uploaded scans judged differently by the server`),
  syncProblem: (detail) => `Upload refused, the scans are kept: ${detail}`,

  // Enrolment
  enrolTitle: "Enrol this device",
  enrolIntro: "Open the enrolment link, or scan the enrolment QR code that the secretariat shows for this lane. You can also type the enrolment code.",
  enrolCode: "Enrolment code",
  enrol: "Enrol",
  enrolling: "Enrolling…",
  enrolFailed: "This enrolment code is unknown, already used or expired. Ask the secretariat for a new one.",
  enrolReplace: (n) => `This device still holds ${n} scans that were not uploaded. Enrolling again discards them.`,
  signedOutRevoked: "This device was signed out: its access was revoked or has expired. Ask the secretariat to enrol it again.",
  signedOutLost: (n) => (n === 1 ? "1 scan had not been uploaded." : `${n} scans had not been uploaded.`),
  signedOut: "This device is signed out.",
  loading: "Loading…",
  loadFailed: "The desk could not load its data. Check the connection and reload.",

  // Settings
  settingsTitle: "Settings",
  deviceName: "Device",
  event: "Event",
  sounds: "Sounds",
  save: "Save",
  cancel: "Cancel",
  close: "Close",
  chooseCheckpoint: "Choose the checkpoint of this lane.",
  noCheckpoints: "The event has no checkpoints yet. Ask the secretariat to create one.",
  rosterOn: (n) => `Roster on this device: ${n} badges with names and photos`,
  rosterOff: "No roster on this device: names and photos need the server",

  // Evacuation
  evacuationTitle: "Evacuation list",
  evacuationIntro: "Everyone whose last accepted scan was an entry, by delegation.",
  evacuationOffline: "The server cannot be reached: this is the last list received.",
  refresh: "Refresh",
  print: "Print",
  name: "Name",
  category: "Category",
  since: "Since",
  delegation: "Delegation",
  delegationCount: (code, n) => `${code}: ${n}`,
  nobodyInside: "Nobody is inside.",
  noList: "No list received yet.",

  // Sign out
  signOutTitle: "Sign out this device?",
  signOutIntro: "The device forgets its access, the roster, the photos and every stored scan. To use it again, enrol it with a new code.",
  signOutPending: (n) => (n === 1 ? "1 scan has not been uploaded yet and will be lost." : `${n} scans have not been uploaded yet and will be lost.`),
  signOutConfirm: "Sign out",

  // Camera
  cameraTitle: "Scan with the camera",
  cameraFailed: "The camera could not be opened.",

  // Errors from the API client
  errors: {
    timeout: "The server did not answer in time.",
    network: "The server cannot be reached.",
    server: (status) => `The server failed (HTTP ${status}).`,
    rateLimited: (seconds) => `Too many attempts. Try again in ${seconds} seconds.`,
  },
};

const timeFormat = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const clockFormat = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" });

export function time(date) {
  return timeFormat.format(date);
}

export function clock(date) {
  return clockFormat.format(date);
}

export function category(code) {
  return text.categories[code] ?? code.replaceAll("_", " ");
}

export function reason(code) {
  return text.reasons[code] ?? text.unknownReason(code);
}

// fill gives every element that names its text with data-text its words.
export function fill(root) {
  for (const el of root.querySelectorAll("[data-text]")) {
    const value = text[el.dataset.text];
    if (typeof value === "string") {
      el.textContent = value;
    }
  }
}
