// The offline judge: how a door device decides a scan without the server,
// from docs/badge-code.md and api/openapi.yaml (POST …/scans). Pure functions of their
// arguments (the clock, the keys and the device's knowledge are passed in),
// so that a test can hold them against the Go verifier.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
export const CODE_CHARS = 156;
export const CODE_BYTES = 97;
const SIGNED_BYTES = 33;
const VERSION = 1;

// normalize takes what a scanner or a person typed: scanners add CR/LF and
// spaces, and a scanner set to another layout or a caps-lock key gives
// lower case; the code itself is upper case only.
export function normalize(typed) {
  return String(typed).trim().toUpperCase();
}

// readings are the texts a typed code may stand for, in the order to try:
// as typed, then with Y and Z swapped (a scanner sending US key positions
// to a German keyboard layout, or the reverse). Only a reading whose
// signature verifies is ever accepted, so the swap cannot let a wrong code
// in: a forged code would need a valid signature either way.
export function readings(typed) {
  const asTyped = normalize(typed);
  const swapped = asTyped.replace(/[YZ]/g, (c) => (c === "Y" ? "Z" : "Y"));
  return swapped === asTyped ? [asTyped] : [asTyped, swapped];
}

// decode turns the 156 characters into the 97 bytes, or null. The last
// character carries one data bit and four zero bits; nonzero padding bits
// would give a badge a second spelling, so they make the code invalid.
export function decode(text) {
  if (text.length !== CODE_CHARS) {
    return null;
  }
  const out = new Uint8Array(CODE_BYTES);
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const v = ALPHABET.indexOf(text[i]);
    if (v < 0) {
      return null;
    }
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
      acc &= (1 << bits) - 1;
    }
  }
  return n === CODE_BYTES && acc === 0 ? out : null;
}

export function hex(bytes) {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

function uuid(bytes) {
  const h = hex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// parse reads the fields of decoded bytes; it checks nothing.
export function parse(bytes) {
  return {
    version: bytes[0],
    kid: hex(bytes.subarray(1, 5)),
    tag: hex(bytes.subarray(5, 13)),
    badgeId: uuid(bytes.subarray(13, 29)),
    serial: new DataView(bytes.buffer, bytes.byteOffset + 29, 4).getUint32(0),
  };
}

function base64Bytes(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) {
    out[i] = bin.charCodeAt(i);
  }
  return out;
}

// importKeys turns GET …/badge-keys items into verification keys by key
// id. The kid is computed from the key rather than trusted (the format's
// advice): a mislabelled key verifies nothing.
export async function importKeys(items, subtle = crypto.subtle) {
  const keys = new Map();
  for (const item of items) {
    if (item.algorithm !== "Ed25519") {
      continue;
    }
    let raw;
    try {
      raw = base64Bytes(item.public_key);
    } catch {
      continue;
    }
    if (raw.length !== 32) {
      continue;
    }
    const kid = hex(new Uint8Array(await subtle.digest("SHA-256", raw)).subarray(0, 4));
    if (kid === item.kid) {
      keys.set(kid, await subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]));
    }
  }
  return keys;
}

// verifyReading checks one reading (steps 1–5 of the format): the claim it
// makes when its signature verifies, else null.
export async function verifyReading(text, keys, subtle = crypto.subtle) {
  const bytes = decode(text);
  if (!bytes || bytes[0] !== VERSION) {
    return null;
  }
  const claim = parse(bytes);
  const key = keys.get(claim.kid);
  if (!key) {
    return null;
  }
  const ok = await subtle.verify({ name: "Ed25519" }, key, bytes.subarray(SIGNED_BYTES), bytes.subarray(0, SIGNED_BYTES));
  return ok ? { code: text, ...claim } : null;
}

// verify tries each reading of a typed code: the claim of the first that
// verifies (its code field is the reading to send to the server), or null.
export async function verify(typed, keys, subtle = crypto.subtle) {
  for (const text of readings(typed)) {
    const claim = await verifyReading(text, keys, subtle);
    if (claim) {
      return claim;
    }
  }
  return null;
}

// eventTag is the first 8 bytes of SHA-256("accredit-event:" + code), hex.
export async function eventTag(eventCode, subtle = crypto.subtle) {
  const digest = await subtle.digest("SHA-256", new TextEncoder().encode("accredit-event:" + eventCode));
  return hex(new Uint8Array(digest).subarray(0, 8));
}

// wallClock is what a clock in timeZone shows at the instant ms.
function wallClock(ms, timeZone) {
  const parts = {};
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
    hour: "numeric", minute: "numeric", second: "numeric",
  });
  for (const p of format.formatToParts(new Date(ms))) {
    parts[p.type] = Number(p.value);
  }
  return parts;
}

// offsetAt is how far the wall clock of timeZone is ahead of UTC at the
// instant ms, in milliseconds.
function offsetAt(ms, timeZone) {
  const w = wallClock(ms, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

// zoned is the instant a wall clock in timeZone shows the given time,
// found as Go's time.Date finds it (the server's rule, so that device and
// server agree to the second): guess with the offset at the wall time read
// as UTC; when that instant has another offset (a clock change in
// between), use the offset at the instant. Fields may overflow (day 32),
// as in Go.
function zoned(timeZone, y, mo, d, h = 0, mi = 0, s = 0) {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const first = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(first, timeZone);
}

function dateFields(date) {
  return date.split("-").map(Number);
}

// zonedMidnight is the instant 00:00 of a YYYY-MM-DD date in timeZone.
export function zonedMidnight(date, timeZone) {
  const [y, m, d] = dateFields(date);
  return zoned(timeZone, y, m, d);
}

// validity is the badges' window of an event as the server computes it
// (domain.Event.BadgeValidity): badges_valid_from/until when set, else
// starts_on 00:00 to the end of ends_on in the event's time zone. The end
// is ends_on's midnight moved a day on by the wall clock, as Go's AddDate
// moves it: on a day that starts with a clock change the server's window
// ends an hour off true midnight, and the device must agree with it.
export function validity(event) {
  const tz = event.timezone;
  const from = event.badges_valid_from ? Date.parse(event.badges_valid_from) : zonedMidnight(event.starts_on, tz);
  let until;
  if (event.badges_valid_until) {
    until = Date.parse(event.badges_valid_until);
  } else {
    const w = wallClock(zonedMidnight(event.ends_on, tz), tz);
    until = zoned(tz, w.year, w.month, w.day + 1, w.hour, w.minute, w.second);
  }
  return { from, until };
}

function refused(reason) {
  return { result: "rejected", reason, repeat: false, notes: [] };
}

// judge decides a scan in the server's order (api/openapi.yaml, POST …/scans): code → event →
// revocation and serial → validity window → checkpoint category →
// anti-passback. claim is what verify returned (null: not a valid code);
// known is what the device knows:
//   eventTag      the event's tag (hex)
//   revoked       highest revoked serial of the badge, or undefined
//   seen          highest serial of the badge seen so far, or undefined
//   now           the device's time (ms)
//   window        {from, until} from validity()
//   categories    the checkpoint's categories ([] admits all)
//   category      the holder's category from the roster, or undefined
//   direction     "in" or "out"
//   antiPassback  the event's setting
//   inside        whether this device last let the badge in
// A check the device cannot make (no roster: no category) is named in
// notes and never refuses.
export function judge(claim, known) {
  if (!claim) {
    return refused("invalid_code");
  }
  if (claim.tag !== known.eventTag) {
    return refused("wrong_event");
  }
  if ((known.revoked !== undefined && claim.serial <= known.revoked) || (known.seen !== undefined && claim.serial < known.seen)) {
    return refused("revoked");
  }
  if (!(known.now >= known.window.from && known.now < known.window.until)) {
    return refused("outside_validity");
  }
  const notes = [];
  if (known.categories.length > 0) {
    if (known.category === undefined) {
      notes.push("category_unchecked");
    } else if (!known.categories.includes(known.category)) {
      return refused("checkpoint_denied");
    }
  }
  const again = known.direction === "in" && known.inside;
  if (again && known.antiPassback) {
    return { ...refused("already_inside"), notes };
  }
  return { result: "accepted", reason: "", repeat: again, notes };
}
