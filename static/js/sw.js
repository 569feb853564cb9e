/* The service worker of Primero RO (served at /sw.js, scope: the whole site; docs/offline.md).

   It keeps no data of its own and sees no key: the pages put into its cache what is
   needed to register without a connection (the registration page in ro, uk and en, the
   static files, the icons; static/js/offline.js) and it serves them when the network
   fails. Signed-in pages are otherwise never stored. Sending queued registrations is
   done by the pages, which hold the worker's key. */
"use strict";
var CACHE = "primero-offline-v1";
var SETTINGS = "/__offline/settings";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function cached(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request, { ignoreSearch: true, ignoreVary: true });
  });
}

// The page to show when a navigation fails: the offline registration page in the
// language the worker last used (the pages write it in SETTINGS).
function offlinePage(request) {
  return cached(request).then(function (found) {
    if (found) return found;
    return cached(SETTINGS).then(function (settings) {
      if (!settings) return Response.error();
      return settings.json().then(function (s) {
        return cached(s.form.replace("{lang}", s.language)).then(function (page) {
          return page || Response.error();
        });
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0 || url.pathname === "/manifest.webmanifest") {
    // The network first (a new version is used at once), the cache when it fails.
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && url.pathname.indexOf("/static/") === 0) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return cached(request).then(function (found) { return found || Response.error(); });
    }));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () { return offlinePage(request); }));
  }
});
