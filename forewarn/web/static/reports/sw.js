// Service worker of the public report form (served as /report/sw.js, scope /report): keeps
// the form, its scripts, styles and the world outlines in a cache so the form opens without a
// connection. Network first (a fresh form and challenge when online), the cache when offline.
// Reports written offline are queued by offline.js in IndexedDB, not here: nothing is posted
// by the worker, and nothing but the form's own files is cached.
"use strict";
var CACHE = "forewarn-report-v1";
var PRECACHE = ["/report", "/report/world.json", "/static/style.css",
                "/static/reports/reports.css", "/static/reports/pow.js",
                "/static/reports/worldmap.js", "/static/reports/map-picker.js",
                "/static/reports/offline.js"];

function cacheable(url) {
  return url.origin === self.location.origin &&
    (url.pathname === "/report" || url.pathname === "/report/world.json" ||
     url.pathname.indexOf("/static/") === 0);
}

function keep(urls) {
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (u) {
      return cache.add(u).catch(function () { return null; });  // e.g. no map data here
    }));
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(keep(PRECACHE).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (!cacheable(url)) { return; }  // the API, challenges and reviewers' pages: network only
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request).then(function (hit) {
      // The form in another language falls back to any cached copy of the form.
      return hit || caches.match(request, {ignoreSearch: true});
    }).then(function (hit) { return hit || Response.error(); });
  }));
});

// The page names the files it uses (offline.js), so they are cached whatever the language.
self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.cache) || [];
  urls = urls.filter(function (u) { return cacheable(new URL(u, self.location.origin)); });
  event.waitUntil(keep(urls).then(function () {
    if (event.source) { event.source.postMessage({cached: urls.length}); }
  }));
});
