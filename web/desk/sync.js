// Keeping the device's knowledge fresh and its queue empty: the event, its
// checkpoints and keys, the revocation feed (at least every 30 s while the
// server answers), the roster when the event allows one, presence, and the
// upload of scans judged on the device.

import { request, all, eventPath, Problem, Unreachable } from "./api.js";
import { state, changed, setEvent, setKeys, seeSerial, notePass, noteQueued, photoKey } from "./device.js";
import * as store from "./store.js";

const REVOCATIONS_EVERY = 15000;
const PRESENCE_EVERY = 30000;
const FULL_EVERY = 5 * 60000;
const TICK = 5000;
const RETRY_REFUSED_UPLOAD = 60000;
const BATCH = 1000; // the most scans/batch takes (api/openapi.yaml, POST …/scans/batch)
const THUMB_FETCHES = 6; // a browser's connections per host

let timer = null;
const last = { revocations: 0, presence: 0, full: 0, refusedUpload: 0 };
const running = {};

function path(rest) {
  return eventPath(state.device.event, rest);
}

// once runs job unless the same job is still running, and shares its
// promise with the callers meanwhile.
function once(name, job) {
  running[name] ??= job().finally(() => {
    running[name] = null;
  });
  return running[name];
}

export function reachable() {
  state.lastSync = new Date().toISOString();
  store.kv.set("lastSync", state.lastSync).catch(() => {});
  if (!state.reachable) {
    state.reachable = true;
    changed("connection");
    upload().catch(() => {});
  }
  changed("queue");
}

export function unreachable() {
  if (state.reachable) {
    state.reachable = false;
    changed("connection");
  }
}

// guard turns an unreachable server into the offline state, and lets a
// refusal through to the caller.
async function guard(job) {
  try {
    const v = await job();
    reachable();
    return v;
  } catch (err) {
    if (err instanceof Unreachable) {
      unreachable();
    }
    throw err;
  }
}

// refreshAll fetches everything the desk works from: at enrolment, at
// start, on "Sync now" and every few minutes.
export function refreshAll() {
  return once("all", () => guard(async () => {
    const [event, checkpoints, keys] = await Promise.all([
      request("GET", path()), all(path("/checkpoints")), request("GET", path("/badge-keys"))]);
    await setEvent(event);
    await setKeys(keys.items);
    state.checkpoints = checkpoints;
    await Promise.all([store.kv.set("event", event), store.kv.set("checkpoints", checkpoints), store.kv.set("keys", keys.items)]);
    last.full = Date.now();
    changed("data");
    await pollRevocations();
    await upload().catch(() => {});
    await refreshPresence().catch(() => {});
    // The roster follows in the background: thousands of thumbnails must
    // not keep a freshly enrolled desk from scanning.
    refreshRoster().catch(() => {});
  }));
}

// pollRevocations reads the feed from the device's cursor on: a listed
// (badge, serial) revokes that serial and every lower one.
export function pollRevocations() {
  return once("revocations", () => guard(async () => {
    let since = (await store.kv.get("revocationsCursor")) ?? "";
    for (;;) {
      const page = await request("GET", path(`/revocations?limit=500${since ? `&since=${encodeURIComponent(since)}` : ""}`));
      const raised = [];
      for (const r of page.items) {
        if (!(state.revoked.get(r.badge_id) >= r.serial)) {
          state.revoked.set(r.badge_id, r.serial);
          raised.push({ badge_id: r.badge_id, serial: r.serial });
        }
      }
      await store.putAll("revoked", raised);
      if (page.cursor && page.cursor !== since) {
        since = page.cursor;
        await store.kv.set("revocationsCursor", since);
      }
      if (page.items.length < 500) {
        break;
      }
    }
    last.revocations = Date.now();
  }));
}

export function refreshPresence() {
  return once("presence", () => guard(async () => {
    const answer = await request("GET", path("/presence"));
    state.presence = answer;
    state.presenceAt = new Date().toISOString();
    last.presence = Date.now();
    changed("presence");
    // The list names people: it is kept on the device only where the
    // event lets desks carry names (offline_roster); else the count alone.
    const kept = state.event?.offline_roster ? answer : { ...answer, items: [], by_delegation: {} };
    await store.kv.set("presence", { answer: kept, at: state.presenceAt });
  }));
}

let presenceSoon = null;

// presenceAfterScan refreshes the count shortly after a scan, once for a
// burst of scans rather than once per badge.
export function presenceAfterScan() {
  clearTimeout(presenceSoon);
  presenceSoon = setTimeout(() => refreshPresence().catch(() => {}), 1500);
}

async function dropRoster() {
  if (state.roster.size === 0 && state.photos.size === 0) {
    return;
  }
  state.roster = new Map();
  state.photos = new Set();
  await store.clear("photos");
  await store.kv.del("roster");
  await store.kv.del("photoKeys");
  changed("roster");
}

// refreshRoster keeps names, categories and thumbnails of the event's
// active badges, when and only when the event allows its desks to carry
// them (offline_roster); otherwise the device holds none.
export function refreshRoster() {
  return once("roster", async () => {
    if (!state.event?.offline_roster) {
      return dropRoster();
    }
    let items;
    try {
      items = await all(path("/roster"), { timeout: 30000 });
    } catch (err) {
      if (err instanceof Problem && err.status === 403) {
        return dropRoster();
      }
      throw err;
    }
    const wanted = new Set(items.filter((i) => i.photo_url).map(photoKey));
    const stale = [...state.photos].filter((k) => !wanted.has(k));
    await store.kv.set("roster", items);
    state.roster = new Map(items.map((i) => [i.badge_id, i]));
    for (const k of stale) {
      state.photos.delete(k);
    }
    await store.photos([], stale, state.photos);
    for (const i of items) {
      seeSerial(i.badge_id, i.serial);
    }
    changed("roster");
    performance.mark("desk:roster-entries", { detail: { entries: items.length } });
    await fetchThumbnails(items.filter((i) => i.photo_url && !state.photos.has(photoKey(i))));
    changed("roster");
    // For docs/performance.md: how long a desk takes to hold the roster.
    performance.mark("desk:roster-photos", { detail: { entries: items.length, photos: state.photos.size } });
  });
}

// fetchThumbnails downloads the roster's photos a few at a time and stores
// them in batches: one transaction per photo would be most of the time.
async function fetchThumbnails(todo) {
  let next = 0;
  let batch = [];
  const flush = async () => {
    const b = batch;
    batch = [];
    for (const p of b) {
      state.photos.add(p.key);
    }
    await store.photos(b, [], state.photos);
  };
  const worker = async () => {
    while (next < todo.length) {
      const item = todo[next++];
      if (!item.photo_url.startsWith("/v1/")) {
        continue;
      }
      try {
        const blob = await request("GET", item.photo_url, { as: "blob", timeout: 15000 });
        batch.push({ key: photoKey(item), blob });
      } catch (err) {
        if (err instanceof Unreachable) {
          throw err;
        }
        // A photo the server will not give (deleted meanwhile) is skipped;
        // the next refresh tries again.
      }
      if (batch.length >= 100) {
        await flush();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: THUMB_FETCHES }, worker));
  } finally {
    await flush();
  }
}

// wire is a queued scan as scans/batch takes it: the server refuses
// unknown fields, so the device's own notes stay behind.
function wire(s) {
  return {
    code: s.code, checkpoint: s.checkpoint, direction: s.direction, scan_id: s.scan_id,
    scanned_at: s.scanned_at, device: s.device, device_result: s.device_result,
  };
}

// upload sends the queue, oldest first, in batches; a scan leaves the
// queue only once the server has answered for it. A refused batch (a 4xx)
// stays, and the page says why.
export function upload() {
  return once("upload", async () => {
    for (;;) {
      const batch = await store.queue.oldest(BATCH);
      if (batch.length === 0) {
        break;
      }
      let answer;
      try {
        answer = await guard(() => request("POST", path("/scans/batch"), { body: { scans: batch.map(wire) }, timeout: 30000 }));
      } catch (err) {
        if (err instanceof Problem) {
          state.syncProblem = err.message;
          last.refusedUpload = Date.now();
          changed("queue");
        }
        throw err;
      }
      await settle(batch, answer.results ?? []);
    }
    if (state.syncProblem) {
      state.syncProblem = "";
      changed("queue");
    }
  });
}

async function settle(batch, results) {
  let conflicts = 0;
  const passes = [];
  for (let i = 0; i < batch.length; i++) {
    const s = batch[i];
    const r = results[i];
    if (r?.conflict) {
      conflicts++;
    }
    // The server's judgement is final: what it accepted moves the badge.
    const pass = r?.result === "accepted" && r.badge && notePass(r.badge.id, r.badge.serial, s.direction, Date.parse(s.scanned_at));
    if (pass) {
      passes.push(pass);
    }
  }
  await store.putAll("passes", passes);
  await store.queue.remove(batch.map((s) => s.seq));
  for (const s of batch) {
    noteQueued(s.badge_id, -1);
  }
  state.pending = Math.max(0, state.pending - batch.length);
  state.conflicts += conflicts;
  await store.kv.set("conflicts", state.conflicts);
  changed("queue");
}

// tick runs every few seconds: whatever is due, and, while the server does
// not answer, the revocation poll doubles as the probe that notices it
// is back.
function tick() {
  if (!state.device || !navigator.onLine) {
    return;
  }
  const now = Date.now();
  const quiet = () => {};
  if (now - last.full >= FULL_EVERY || !state.event) {
    refreshAll().catch(quiet);
    return;
  }
  if (!state.reachable || now - last.revocations >= REVOCATIONS_EVERY) {
    pollRevocations().catch(quiet);
  }
  if (state.reachable && now - last.presence >= PRESENCE_EVERY) {
    refreshPresence().catch(quiet);
  }
  if (state.reachable && state.pending > 0 && now - last.refusedUpload >= RETRY_REFUSED_UPLOAD) {
    upload().catch(quiet);
  }
}

export function start() {
  stop();
  timer = setInterval(tick, TICK);
  addEventListener("online", onOnline);
  addEventListener("offline", onOffline);
}

export function stop() {
  clearInterval(timer);
  clearTimeout(presenceSoon);
  timer = null;
  removeEventListener("online", onOnline);
  removeEventListener("offline", onOffline);
  Object.assign(last, { revocations: 0, presence: 0, full: 0, refusedUpload: 0 });
}

function onOnline() {
  changed("connection");
  pollRevocations().then(() => upload()).catch(() => {});
}

function onOffline() {
  changed("connection");
}

// syncNow is the guard's button: everything, now, including a refused
// upload once more.
export function syncNow() {
  last.refusedUpload = 0;
  return refreshAll();
}

export { Unreachable };
