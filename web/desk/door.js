// One scan, from the typed text to a verdict: online the server judges it;
// when the server does not answer within 2 seconds, or the browser is
// offline, this device judges it (judge.js) and queues it for upload.

import { request, eventPath, Problem, Unreachable } from "./api.js";
import { judge, normalize, verify } from "./judge.js";
import { state, changed, checkpoint, online, notePass, noteQueued, seeSerial, photoKey } from "./device.js";
import * as store from "./store.js";
import { text } from "./strings.js";
import { unreachable, reachable, upload, presenceAfterScan } from "./sync.js";

const ONLINE_WAIT = 2000; // docs/desk.md: then the device decides
const MAX_CODE = 512; // what the server takes; longer is no badge anyway

// A verdict is what the scan screen shows:
//   {result, reason, repeat, source: "server"|"device", notes: [],
//    holder: {name, delegation, category, photo, stored} | null}
// where photo is the server's photo path (or "stored") and stored the key
// of the roster's thumbnail when the device holds it.
// or {problem: "message"} when the server refused the request itself.

export async function scan(typed) {
  const typedCode = normalize(typed).slice(0, MAX_CODE);
  const cp = checkpoint();
  const direction = state.device.direction;
  const scanId = crypto.randomUUID();
  // The reading to send: the one whose signature verifies here, so that a
  // Y/Z-swapped scan reaches the server as the badge's real code.
  const claim = state.keys.size > 0 ? await verify(typedCode, state.keys) : null;
  const code = claim ? claim.code : typedCode;
  if (online()) {
    try {
      if (claim && state.queued.has(claim.badgeId)) {
        // The server must see this badge's queued scans first, or it would
        // judge them in the wrong order (an exit before the entry). A
        // refused upload is shown in the status; this scan goes on.
        await upload().catch((err) => {
          if (!(err instanceof Problem)) {
            throw err;
          }
        });
      }
      return await askServer(code, cp, direction, scanId);
    } catch (err) {
      if (err instanceof Problem) {
        return { problem: err.message };
      }
      if (!(err instanceof Unreachable)) {
        throw err;
      }
      unreachable();
    }
  }
  // The same scan_id goes into the queue: had the server recorded the scan
  // after all, the upload gets its first answer back and nothing twice.
  return judgeHere(code, claim, cp, direction, scanId);
}

async function askServer(code, cp, direction, scanId) {
  const body = { code, checkpoint: cp.code, direction, scan_id: scanId, device: state.device.name };
  const r = await request("POST", eventPath(state.device.event, "/scans"), { body, timeout: ONLINE_WAIT });
  reachable();
  if (r.result === "accepted" && r.badge) {
    const pass = notePass(r.badge.id, r.badge.serial, direction, Date.now());
    if (pass) {
      store.putAll("passes", [pass]).catch(() => {});
    }
  } else if (r.badge) {
    seeSerial(r.badge.id, r.badge.serial);
  }
  presenceAfterScan();
  const d = r.delegate;
  return {
    result: r.result, reason: r.reason ?? "", repeat: !!r.repeat, source: "server", notes: [],
    holder: d ? { name: d.display_name, delegation: d.delegation, category: d.category, photo: d.photo_url, stored: storedPhoto(r.badge) } : null,
  };
}

// storedPhoto is the key of the roster's thumbnail of a badge, if held:
// faster than asking the server for the photo.
function storedPhoto(badge) {
  const entry = badge ? state.roster.get(badge.id) : undefined;
  return entry && state.photos.has(photoKey(entry)) ? photoKey(entry) : null;
}

async function judgeHere(code, claim, cp, direction, scanId) {
  const now = Date.now();
  const badgeId = claim?.badgeId;
  const entry = badgeId ? state.roster.get(badgeId) : undefined;
  const verdict = judge(claim, {
    eventTag: state.eventTag,
    revoked: state.revoked.get(badgeId),
    seen: state.seen.get(badgeId),
    now,
    window: state.window ?? { from: 0, until: 0 },
    categories: cp.categories ?? [],
    category: entry?.category,
    direction,
    antiPassback: !!state.event?.anti_passback,
    inside: state.passes.get(badgeId)?.inside ?? false,
  });
  // The queue's write waits for the disk (tens of milliseconds on a busy
  // device); the verdict does not wait for it — the door's decision is
  // made — but the count of waiting scans does, and a write that fails is
  // shown, never passed over.
  store.queue.add({
    scan_id: scanId, code, checkpoint: cp.code, direction, device: state.device.name,
    scanned_at: new Date(now).toISOString(), device_result: verdict.result, device_reason: verdict.reason,
    badge_id: badgeId ?? null,
  }).then(() => {
    state.pending++;
    changed("queue");
  }, (err) => {
    noteQueued(badgeId, -1);
    if (state.device) {
      state.storeProblem = text.notStored(err?.message ?? String(err));
      changed("queue");
    }
  });
  noteQueued(badgeId, 1);
  if (claim) {
    const pass = verdict.result === "accepted" ? notePass(badgeId, claim.serial, direction, now) : null;
    seeSerial(badgeId, claim.serial);
    if (pass) {
      store.putAll("passes", [pass]).catch(() => {});
    }
  }
  const notes = [...verdict.notes];
  let holder = null;
  if (entry) {
    const stored = state.photos.has(photoKey(entry)) ? photoKey(entry) : null;
    holder = { name: entry.display_name, delegation: entry.delegation, category: entry.category, photo: stored && "stored", stored };
  } else if (claim && verdict.reason !== "wrong_event") {
    notes.push("holder_unknown");
  }
  return { result: verdict.result, reason: verdict.reason, repeat: verdict.repeat, source: "device", notes, holder };
}
