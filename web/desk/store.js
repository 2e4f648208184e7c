// What the desk keeps on the device, in IndexedDB, so that a device that
// loaded the desk once can judge scans after a reload with no network, and
// no scan judged here is lost before the server has answered for it.
//
// Stores:
//   kv       settings and cached server data by name (device, event, …)
//   queue    scans judged on the device, oldest first, until uploaded
//   revoked  per badge, the highest revoked serial from the feed
//   passes   per badge, what this device last saw it do (inside or not)
//   roster   per badge, name, delegation and category (offline_roster only)
//   photos   per badge, the roster's thumbnail as a Blob

export const DB_NAME = "accredit-desk";
const DB_VERSION = 1;

let db = null;

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
  if (db) {
    return db;
  }
  const req = indexedDB.open(DB_NAME, DB_VERSION);
  req.onupgradeneeded = () => {
    const d = req.result;
    d.createObjectStore("kv");
    d.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
    d.createObjectStore("revoked", { keyPath: "badge_id" });
    d.createObjectStore("passes", { keyPath: "badge_id" });
    d.createObjectStore("roster", { keyPath: "badge_id" });
    d.createObjectStore("photos", { keyPath: "badge_id" });
  };
  db = await done(req);
  // Another tab deleting the database (signing out) must not be blocked by
  // this one holding it open.
  db.onversionchange = () => close();
  return db;
}

export function close() {
  if (db) {
    db.close();
    db = null;
  }
}

// run gives fn the object stores of one transaction and resolves with
// fn's result once the transaction has committed: a scan is queued when
// its transaction is durable, not when the request succeeded.
async function run(names, mode, fn) {
  const d = await open();
  const tx = d.transaction(names, mode, mode === "readwrite" ? { durability: "strict" } : undefined);
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
  add: (scan) => run("queue", "readwrite", (s) => void s.queue.add(scan)),
  // oldest returns up to n scans in the order they were made.
  oldest: (n) => run("queue", "readonly", (s) => s.queue.getAll(null, n)),
  remove: (seqs) => deleteKeys("queue", seqs),
  count: () => count("queue"),
};

// wipe forgets everything the device stored: its token, the roster, the
// photos and the queue.
export async function wipe() {
  close();
  await new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onsuccess = req.onerror = () => resolve();
    // Blocked: another tab still has it open; its versionchange handler
    // closes it and the deletion then goes through.
    req.onblocked = () => {};
  });
}
