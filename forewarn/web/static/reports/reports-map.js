// Reports as points on the zoomable world map: the public map (/reports/map) and the
// reviewers' map on /reports/queue. The points come from the page's JSON twin (same filters),
// named in the container's data-points attribute (the CSP allows no inline data scripts).
(function () {
  "use strict";
  var box = document.getElementById("reports-map");
  if (!box || !window.fetch || !window.ForewarnWorldMap) { return; }

  function draw(topo, data) {
    var map = window.ForewarnWorldMap.create(box, topo, {map: box.getAttribute("data-label")});
    var shown = 0;
    (data.reports || []).forEach(function (r) {
      if (r.latitude === null || r.longitude === null || r.latitude === undefined) { return; }
      var a = document.createElementNS("http://www.w3.org/2000/svg", "a");
      a.setAttribute("href", r.url || ("#r-" + r.reference));
      var c = map.point(r.latitude, r.longitude, {"class": "report-point", "data-r": "1.2",
                                                  "data-reference": r.reference});
      var title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = r.reference + " \u2014 " + (r.place || "") + ": " +
        (r.summary || r.what || "").slice(0, 120);
      c.appendChild(title);
      c.parentNode.replaceChild(a, c); a.appendChild(c);
      shown += 1;
    });
    box.setAttribute("data-shown", String(shown));
    box.hidden = false;
  }

  Promise.all([window.ForewarnWorldMap.load(box.getAttribute("data-topology")),
               fetch(box.getAttribute("data-points"), {credentials: "same-origin"})
                 .then(function (r) { return r.json(); })])
    .then(function (both) { if (both[0]) { draw(both[0], both[1]); } })
    .catch(function () { box.setAttribute("data-error", "1"); });
})();
