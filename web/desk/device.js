// What this device knows, in memory for speed (an offline verdict reads no
// database) and in IndexedDB for the next start. Screens read `state` and
// listen for "change" events; sync.js and door.js write it.

import { importKeys, eventTag, validity } from "./judge.js";
import * as store from "./store.js";

export const state = {
  device: null, // {token, token_id, name, event, checkpoint, direction}
  event: null,
  checkpoints: [],
  keys: new Map(), // kid → CryptoKey
  eventTag: "",
  window: null, // {from, until} in ms
  revoked: new Map(), // badge id → highest revoked serial
  seen: new Map(), // badge id → highest serial seen (roster, scans)
  passes: new Map(), // badge id → {badge_id, inside, at}
  roster: new Map(), // badge id → roster item
  photos: new Map(), // badge id → photo URL the stored thumbnail came from
  queued: new Map(), // badge id → scans of it waiting in the queue
  pending: 0,
  presence: null, // last GET …/presence answer
  presenceAt: null,
  lastSync: null,
  conflicts: 0,
  syncProblem: "",
  reachable: true,
  sounds: true,
};

export const events = new EventTarget();

// changed tells the screens what changed: "device", "data", "queue",
// "connection", "presence", "roster".
export function changed(what) {
  events.dispatchEvent(new CustomEvent("change", { detail: what }));
}

export function online() {
  return navigator.onLine && state.reachable;
}

export function checkpoint() {
  return state.checkpoints.find((c) => c.code === state.device?.checkpoint) ?? null;
}

export function seeSerial(badgeId, serial) {
  if (!(state.seen.get(badgeId) >= serial)) {
    state.seen.set(badgeId, serial);
  }
}

// setEvent takes a fresh event and what follows from it.
export async function setEvent(event) {
  state.event = event;
  state.eventTag = await eventTag(event.code);
  state.window = validity(event);
}

export async function setKeys(items) {
  state.keys = await importKeys(items);
}

// load reads what the device stored into memory: the desk can start, and
// judge, before the server has answered anything.
export async function load() {
  const [device, event, checkpoints, keys, lastSync, conflicts, presence, sounds] = await store.kv.many(
    ["device", "event", "checkpoints", "keys", "lastSync", "conflicts", "presence", "sounds"]);
  if (!device) {
    return false;
  }
  state.device = device;
  state.checkpoints = checkpoints ?? [];
  state.lastSync = lastSync ?? null;
  state.conflicts = conflicts ?? 0;
  state.sounds = sounds ?? true;
  if (presence) {
    state.presence = presence.answer;
    state.presenceAt = presence.at;
  }
  if (event) {
    await setEvent(event);
  }
  if (keys) {
    await setKeys(keys);
  }
  const [revoked, passes, roster, photoKeys, queue] = await Promise.all([
    store.getAll("revoked"), store.getAll("passes"), store.getAll("roster"), photoIndex(), store.getAll("queue")]);
  state.revoked = new Map(revoked.map((r) => [r.badge_id, r.serial]));
  state.passes = new Map(passes.map((p) => [p.badge_id, p]));
  state.roster = new Map(roster.map((r) => [r.badge_id, r]));
  state.photos = photoKeys;
  for (const r of roster) {
    seeSerial(r.badge_id, r.serial);
  }
  for (const p of passes) {
    if (p.serial !== undefined) {
      seeSerial(p.badge_id, p.serial);
    }
  }
  state.queued = new Map();
  for (const s of queue) {
    noteQueued(s.badge_id, 1);
  }
  state.pending = queue.length;
  return true;
}

// photoIndex lists which thumbnail each badge has, without reading them.
async function photoIndex() {
  const index = new Map();
  for (const p of await store.getAll("photos")) {
    index.set(p.badge_id, p.url);
  }
  return index;
}

export function noteQueued(badgeId, delta) {
  if (!badgeId) {
    return;
  }
  const n = (state.queued.get(badgeId) ?? 0) + delta;
  if (n > 0) {
    state.queued.set(badgeId, n);
  } else {
    state.queued.delete(badgeId);
  }
}

// notePass remembers what an accepted scan did to a badge, unless this
// device already knows something newer of it; it returns the pass for the
// caller to store (null: nothing new), so that a batch is one write.
export function notePass(badgeId, serial, direction, at) {
  seeSerial(badgeId, serial);
  const prior = state.passes.get(badgeId);
  if (prior && prior.at > at) {
    return null;
  }
  const pass = { badge_id: badgeId, serial, inside: direction === "in", at };
  state.passes.set(badgeId, pass);
  return pass;
}

// forget empties memory: the device was signed out.
export function forget() {
  Object.assign(state, {
    device: null, event: null, checkpoints: [], keys: new Map(), eventTag: "", window: null,
    revoked: new Map(), seen: new Map(), passes: new Map(), roster: new Map(), photos: new Map(),
    queued: new Map(), pending: 0, presence: null, presenceAt: null, lastSync: null, conflicts: 0,
    syncProblem: "", reachable: true,
  });
}
