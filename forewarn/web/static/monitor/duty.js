// The duty officer's view refreshes itself: every N seconds it fetches /duty.json and
// rebuilds the four lists with DOM methods (no innerHTML, no inline script: the CSP allows
// only same-origin script files).
(function () {
  "use strict";
  var root = document.getElementById("duty");
  if (!root) { return; }
  var every = Math.max(2, parseInt(root.dataset.refresh || "60", 10)) * 1000;

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function link(href, text) { return el("a", text, {href: href}); }
  function hidden(name, value) { return el("input", null, {type: "hidden", name: name, value: value}); }
  function actionForm(alertId, action, label, value) {
    var f = el("form", null, {method: "post", action: "/monitor/alerts/" + alertId + "/act", "class": "inline"});
    f.appendChild(hidden("csrf_token", root.dataset.csrf || ""));
    f.appendChild(hidden("next", "/duty"));
    f.appendChild(hidden("action", action));
    if (value) { f.appendChild(hidden("value", value)); }
    var b = el("button", label, {type: "submit"});
    if (action === "acknowledge") { b.className = "ack"; }
    f.appendChild(b);
    return f;
  }
  function fill(id, items, empty, render) {
    var list = document.getElementById(id);
    if (!list) { return; }
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!items || !items.length) { list.appendChild(el("li", empty, {"class": "empty"})); return; }
    items.forEach(function (item) { list.appendChild(render(item)); });
  }
  function alertItem(a) {
    var li = el("li", null, {"data-alert": a.id});
    li.appendChild(link(a.url, a.country_name + " (" + a.country + ") · " + a.signal_label + " · " + a.day));
    var extra = ": " + a.count + " (expected " + Number(a.expected).toFixed(2) +
      (a.baseline !== "country" ? ", " + a.baseline + " baseline" : "") + ")" +
      (a.assigned_to ? " · assigned to " + a.assigned_to : "") + " · ";
    li.appendChild(document.createTextNode(extra));
    li.appendChild(link(a.documents_url, "documents"));
    if (root.dataset.canReview === "yes") {
      li.appendChild(document.createTextNode(" "));
      li.appendChild(actionForm(a.id, "acknowledge", "Acknowledge"));
      li.appendChild(actionForm(a.id, "assign", "Assign to me", root.dataset.username));
      li.appendChild(actionForm(a.id, "dismiss", "Dismiss"));
    }
    return li;
  }
  function render(data) {
    fill("duty-alerts", data.alerts, "No new alerts.", alertItem);
    var count = document.getElementById("alerts-count");
    if (count) { count.textContent = String((data.alerts || []).length); }
    fill("duty-rising", data.rising, "No country is rising.", function (r) {
      var li = el("li");
      li.appendChild(link(r.url, r.country_name + " (" + r.country + ")"));
      li.appendChild(document.createTextNode(": " + r.signal_label + " " + r.recent + " (weekly before: " + r.weekly_before + "; " + r.change + ")"));
      return li;
    });
    fill("duty-documents", data.documents, "No flagged documents.", function (d) {
      var li = el("li");
      li.appendChild(link(d.url, d.title));
      li.appendChild(document.createTextNode(" · "));
      li.appendChild(el("strong", d.label));
      li.appendChild(document.createTextNode(" · " + (d.country || "no country") + " · " + (d.language || "?") + " · " + d.published_at));
      return li;
    });
    if (data.reports === null) {
      fill("duty-reports", [], "Field reports are not installed.", null);
    } else {
      fill("duty-reports", data.reports, "No field reports you may see.", function (r) {
        var li = el("li");
        li.appendChild(link(r.url, r.reference));
        li.appendChild(document.createTextNode(" · " + r.status + " · " + (r.country || "") + " " + (r.place || "") + " · " + r.what));
        return li;
      });
    }
    var updated = document.getElementById("duty-updated");
    if (updated) { updated.textContent = data.generated_at; updated.setAttribute("datetime", data.generated_at); }
    root.dataset.refreshed = String((parseInt(root.dataset.refreshed || "0", 10)) + 1);
  }
  function refresh() {
    fetch(root.dataset.json, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(render)
      .catch(function () { /* keep the last view; try again at the next turn */ })
      .then(function () { window.setTimeout(refresh, every); });
  }
  window.setTimeout(refresh, every);
}());
