// What the desk keeps on the device, in IndexedDB, so that a device that
// loaded the desk once can judge scans after a reload with no network, and
// no scan judged here is lost before the server has answered for it.
//
// Stores:
//   kv       settings and cached server data by name (device, event, the
//            roster as one list — one read at start, not thousands — …)
//   queue    scans judged on the device, oldest first, until uploaded
//   revoked  per badge, the highest revoked serial from the feed
//   passes   per badge, what this device last saw it do (inside or not)
//   photos   the roster's thumbnails as Blobs, keyed "badge id/serial";
//            kv "photoKeys" lists them, written with them

export const DB_NAME = "accredit-desk";
const DB_VERSION = 3;

let db = null;
// After a wipe nothing may write again until a new enrolment allows it: a
// request still in flight from the signed-out session would otherwise
// recreate the database it was deleted from.
let wiped = false;

function done(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function finished(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error("transaction aborted"));
    tx.onerror = () => reject(tx.error);
  });
}

export async function open() {
  if (wiped) {
    throw new Error("this device was signed out");
  }
  if (db) {
    return db;
  }
  const req = indexedDB.open(DB_NAME, DB_VERSION);
  req.onupgradeneeded = (ev) => {
    const d = req.result;
    const has = (name) => d.objectStoreNames.contains(name);
    if (!has("kv")) {
      d.createObjectStore("kv");
    }
    if (!has("queue")) {
      d.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
    }
    if (!has("revoked")) {
      d.createObjectStore("revoked", { keyPath: "badge_id" });
    }
    if (!has("passes")) {
      d.createObjectStore("passes", { keyPath: "badge_id" });
    }
    // Before version 3 the roster was a store of its own and thumbnails
    // were keyed otherwise: both are fetched again. The queue is never
    // touched by an upgrade.
    if (has("roster")) {
      d.deleteObjectStore("roster");
    }
    if (ev.oldVersion < 3 && has("photos")) {
      d.deleteObjectStore("photos");
    }
    if (!d.objectStoreNames.contains("photos")) {
      d.createObjectStore("photos");
    }
  };
  db = await done(req);
  // Another tab deleting the database (signing out) must not be blocked by
  // this one holding it open.
  db.onversionchange = () => close();
  return db;
}

// allow lets a new enrolment store again after a wipe.
export function allow() {
  wiped = false;
}

export function close() {
  if (db) {
    db.close();
    db = null;
  }
}

// run gives fn the object stores of one transaction and resolves with
// fn's result once the transaction has committed. strict waits until the
// write is on disk, not only handed to the system: for the queue, where a
// verdict on the screen must be a scan that survives a power cut.
async function run(names, mode, fn, durability = "default") {
  const d = await open();
  const tx = d.transaction(names, mode, { durability });
  const stores = Object.fromEntries([names].flat().map((n) => [n, tx.objectStore(n)]));
  const result = fn(stores);
  await finished(tx);
  return result instanceof IDBRequest ? result.result : result;
}

export const kv = {
  get: (key) => run("kv", "readonly", (s) => s.kv.get(key)),
  set: (key, value) => run("kv", "readwrite", (s) => void s.kv.put(value, key)),
  del: (key) => run("kv", "readwrite", (s) => void s.kv.delete(key)),
  // many reads several keys in one transaction: the desk's start.
  many: (keys) => run("kv", "readonly", (s) => keys.map((k) => s.kv.get(k))).then((reqs) => reqs.map((r) => r.result)),
};

export function getAll(name) {
  return run(name, "readonly", (s) => s[name].getAll());
}

export function count(name) {
  return run(name, "readonly", (s) => s[name].count());
}

export function get(name, key) {
  return run(name, "readonly", (s) => s[name].get(key));
}

export function putAll(name, values) {
  return run(name, "readwrite", (s) => {
    for (const v of values) {
      s[name].put(v);
    }
  });
}

// photos changes the thumbnails held (adds {key, blob} pairs, deletes
// keys) and writes the list of what is held in the same transaction, so
// that the list never names a thumbnail that is not there.
export function photos(add, remove, held) {
  return run(["photos", "kv"], "readwrite", (s) => {
    for (const p of add) {
      s.photos.put(p.blob, p.key);
    }
    for (const k of remove) {
      s.photos.delete(k);
    }
    s.kv.put([...held], "photoKeys");
  });
}

export function deleteKeys(name, keys) {
  return run(name, "readwrite", (s) => {
    for (const k of keys) {
      s[name].delete(k);
    }
  });
}

export function clear(...names) {
  return run(names, "readwrite", (s) => {
    for (const n of names) {
      s[n].clear();
    }
  });
}

export const queue = {
  add: (scan) => run("queue", "readwrite", (s) => void s.queue.add(scan), "strict"),
  // oldest returns up to n scans in the order they were made.
  oldest: (n) => run("queue", "readonly", (s) => s.queue.getAll(null, n)),
  remove: (seqs) => deleteKeys("queue", seqs),
  count: () => count("queue"),
};

// wipe forgets everything the device stored: its token, the roster, the
// photos and the queue.
export async function wipe() {
  wiped = true;
  close();
  await new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onsuccess = req.onerror = () => resolve();
    // Blocked: another tab still has it open; its versionchange handler
    // closes it and the deletion then goes through.
    req.onblocked = () => {};
  });
}
