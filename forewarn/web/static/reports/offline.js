// Offline-first report form. A service worker (/report/sw.js) keeps the form available without
// a connection. When the device is offline, submitting the form puts the report, photos
// included, in a queue in this browser (IndexedDB) instead of losing it; the queue is sent
// as soon as the connection returns (through POST /api/reports, with a fresh security check),
// and each sent report leaves a receipt: its reference and the server's sha256 of each file,
// so the reporter can check that the files arrived unaltered. Texts come from the page's
// data-* attributes (translated by the server; the CSP allows no inline script).
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  var panel = document.getElementById("offline-queue");
  if (!form || !panel || !window.indexedDB || !window.fetch || !window.FormData) { return; }
  var T = function (name) { return panel.getAttribute("data-" + name) || name; };
  var SKIP = {csrf_token: 1, challenge_token: 1, pow_counter: 1, challenge_answer: 1};
  var sending = false;

  function db() {
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open("forewarn-reports", 1);
      open.onupgradeneeded = function () {
        open.result.createObjectStore("queue", {keyPath: "id", autoIncrement: true});
        open.result.createObjectStore("receipts", {keyPath: "reference"});
      };
      open.onsuccess = function () { resolve(open.result); };
      open.onerror = function () { reject(open.error); };
    });
  }

  function tx(store, mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(store, mode), result;
        result = work(t.objectStore(store));
        t.oncomplete = function () { resolve(result && result.result); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }

  function all(store) { return tx(store, "readonly", function (s) { return s.getAll(); }); }

  function text(tag, content, cls) {
    var e = document.createElement(tag);
    e.textContent = content;
    if (cls) { e.className = cls; }
    return e;
  }

  function show() {
    return Promise.all([all("queue"), all("receipts")]).then(function (both) {
      var queued = both[0] || [], receipts = both[1] || [];
      var list = document.getElementById("queued-reports");
      var done = document.getElementById("sent-reports");
      list.textContent = ""; done.textContent = "";
      queued.forEach(function (item) {
        var what = item.fields.filter(function (f) { return f[0] === "what"; })[0];
        var li = text("li", (what ? what[1] : "").slice(0, 80) + " — " +
                      (item.error ? T("refused") + ": " + item.error : T("waiting")));
        li.className = item.error ? "refused" : "queued";
        li.appendChild(text("span", " (" + item.files.length + " " + T("files") + ")"));
        list.appendChild(li);
      });
      receipts.sort(function (a, b) { return a.sentAt < b.sentAt ? 1 : -1; });
      receipts.forEach(function (r) {
        var li = document.createElement("li");
        li.className = "receipt";
        li.appendChild(text("strong", r.reference, "reference"));
        var files = document.createElement("ul");
        r.files.forEach(function (f) {
          var fl = text("li", (f.name || "") + " — sha256 ");
          fl.appendChild(text("code", f.sha256, "sha256"));
          files.appendChild(fl);
        });
        li.appendChild(files);
        done.appendChild(li);
      });
      document.getElementById("forget-receipts").hidden = !receipts.length;
      panel.hidden = !queued.length && !receipts.length;
      panel.setAttribute("data-queued", String(queued.length));
      panel.setAttribute("data-sent", String(receipts.length));
    });
  }

  function queue() {
    // Pairs, not a mapping: `categories` is sent once per ticked box.
    var fields = [], files = [];
    new FormData(form).forEach(function (value, key) {
      if (SKIP[key]) { return; }
      if (value instanceof File) {
        if (value.size || value.name) { files.push({name: value.name, type: value.type, blob: value}); }
      } else {
        fields.push([key, value]);
      }
    });
    return tx("queue", "readwrite", function (s) {
      return s.add({fields: fields, files: files, queuedAt: new Date().toISOString()});
    });
  }

  function cookie(name) {
    var found = document.cookie.split("; ").filter(function (c) {
      return c.indexOf(name + "=") === 0;
    })[0];
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  // One queued report: a fresh challenge, its proof of work, then the API.
  function send(item) {
    return fetch("/report.json", {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { if (!r.ok) { throw new Error("challenge " + r.status); } return r.json(); })
      .then(function (form) {
        return window.ForewarnPow.solve(form.challenge.token, form.challenge.bits)
          .then(function (counter) {
            var body = new FormData();
            var answers = {};
            item.fields.forEach(function (f) {
              // The API takes the custom questions' answers as one JSON object.
              if (f[0].indexOf("q_") === 0) { if (f[1]) { answers[f[0].slice(2)] = f[1]; } }
              else { body.append(f[0], f[1]); }
            });
            body.append("answers", JSON.stringify(answers));
            body.append("challenge_token", form.challenge.token);
            body.append("pow_counter", String(counter));
            item.files.forEach(function (f) { body.append("attachments", f.blob, f.name); });
            return fetch("/api/reports", {method: "POST", body: body, credentials: "same-origin",
                                          headers: {"X-CSRF-Token": cookie("forewarn_csrf")}});
          });
      })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (r.status === 201) {
            var files = (data.files || []).map(function (f, i) {
              return {name: item.files[i] ? item.files[i].name : "", sha256: f.sha256, size: f.size};
            });
            return tx("receipts", "readwrite", function (s) {
              return s.put({reference: data.reference, files: files,
                            sentAt: new Date().toISOString(), queuedAt: item.queuedAt});
            }).then(function () {
              return tx("queue", "readwrite", function (s) { return s.delete(item.id); });
            });
          }
          if (r.status >= 400 && r.status < 500 && r.status !== 429 && r.status !== 403) {
            // Refused (not a passing network fault): keep it visible with the reason.
            item.error = data.error || (data.detail && JSON.stringify(data.detail)) || String(r.status);
            return tx("queue", "readwrite", function (s) { return s.put(item); });
          }
          throw new Error("status " + r.status);  // try again later
        });
      });
  }

  function flush() {
    if (sending || !navigator.onLine || !window.ForewarnPow) { return Promise.resolve(); }
    sending = true;
    return all("queue").then(function (items) {
      return items.filter(function (i) { return !i.error; }).reduce(function (p, item) {
        return p.then(function () { return send(item); });
      }, Promise.resolve());
    }).catch(function () { /* offline again or server busy: the next attempt retries */ })
      .then(function () { sending = false; return show(); });
  }

  form.addEventListener("submit", function (ev) {
    if (navigator.onLine) { return; }  // online: the ordinary form post
    ev.preventDefault();
    queue().then(function () {
      form.reset();
      var note = document.getElementById("offline-status");
      note.textContent = T("queued-note");
      note.hidden = false;
      return show();
    });
  });
  // A receipt on a phone that is searched can put its owner at risk: let them remove it.
  document.getElementById("forget-receipts").addEventListener("click", function () {
    tx("receipts", "readwrite", function (s) { return s.clear(); }).then(show);
  });
  window.addEventListener("online", function () { flush(); });
  setInterval(flush, 30000);
  show().then(flush);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/report/sw.js", {scope: "/report"}).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      navigator.serviceWorker.addEventListener("message", function (ev) {
        if (ev.data && ev.data.cached !== undefined) {
          document.documentElement.setAttribute("data-offline-ready", "1");
        }
      });
      // This page and everything it loaded, in whichever language it is.
      var urls = [location.pathname + location.search].concat(
        performance.getEntriesByType("resource").map(function (e) { return e.name; }));
      reg.active.postMessage({cache: urls});
    }).catch(function () { /* no offline copy; the form still works online */ });
  }
})();
