// The desk's service worker: it keeps the desk's own files so that a
// device that loaded the desk once opens it with no network. The API
// (/v1) is never touched here: scans, keys and the roster go straight to
// the network, and the page decides what to do when it does not answer.
//
// VERSION is a hash of the files below; a test (TestDeskServiceWorkerVersion)
// recomputes it, so a changed file always reaches devices as a new cache.
const VERSION = "desk-0e6059f7e2ae1681";
const SHELL = [
  "./",
  "api.js",
  "app.js",
  "camera.js",
  "desk.css",
  "device.js",
  "dom.js",
  "door.js",
  "enrol.js",
  "evacuation.js",
  "icon-192.png",
  "icon-512.png",
  "icon.svg",
  "judge.js",
  "manifest.webmanifest",
  "queue.js",
  "scan.js",
  "settings.js",
  "sound.js",
  "store.js",
  "strings.js",
  "sync.js",
];

const scope = new URL(self.registration.scope);

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    // Where the browser can (Chromium's static routing), the API does not
    // even pass through this worker: one hop fewer on every scan.
    if (event.addRoutes) {
      await event.addRoutes({ condition: { urlPattern: new URLPattern({ pathname: "/v1/*" }) }, source: "network" }).catch(() => {});
    }
    const cache = await caches.open(VERSION);
    // reload: past the HTTP cache, so a new version gets new files.
    await cache.addAll(SHELL.map((f) => new Request(new URL(f, scope), { cache: "reload" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key !== VERSION) {
        await caches.delete(key);
      }
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) {
    return; // the API and anything else: network only
  }
  event.respondWith(shell(req, url));
});

// shell answers from the cache first. A file missing from it (the caches
// were wiped at sign-out) is fetched and kept again.
async function shell(req, url) {
  // The page itself, whatever fragment or query it was opened with.
  const key = req.mode === "navigate" && url.pathname === scope.pathname ? scope.href : url.origin + url.pathname;
  const cache = await caches.open(VERSION);
  const hit = await cache.match(key);
  if (hit) {
    return hit;
  }
  const res = await fetch(req);
  if (res.ok && SHELL.some((f) => new URL(f, scope).href === key)) {
    await cache.put(key, res.clone());
  }
  return res;
}
