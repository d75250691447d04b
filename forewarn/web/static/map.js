/* Forewarn world map: a choropleth of forecast risk drawn from world-atlas TopoJSON.
 *
 * No libraries: a compact TopoJSON decoder and the Equal Earth projection (Šavrič, Patterson &
 * Jenny 2018; equal-area, so big countries do not look riskier). Data comes from the URLs in the
 * container's data-* attributes (the page's CSP forbids inline scripts). Keyboard: every country
 * with a forecast is focusable, in rank order; Enter opens its page.
 */
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  var A1 = 1.340264, A2 = -0.081106, A3 = 0.000893, A4 = 0.003796, M = Math.sqrt(3) / 2;
  var RAD = Math.PI / 180;
  var SOUTH = -58, NORTH = 84; // latitudes shown (Antarctica is not drawn); CSS aspect matches

  function equalEarth(lon, lat) {
    var l = lon * RAD, p = lat * RAD;
    var t = Math.asin(M * Math.sin(p)), t2 = t * t, t6 = t2 * t2 * t2;
    return [l * Math.cos(t) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2))),
            t * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))];
  }

  /* TopoJSON: arcs are delta-encoded, quantized integer positions. */
  function decodeArcs(topo) {
    var tf = topo.transform, sx = tf ? tf.scale[0] : 1, sy = tf ? tf.scale[1] : 1;
    var tx = tf ? tf.translate[0] : 0, ty = tf ? tf.translate[1] : 0;
    return topo.arcs.map(function (arc) {
      var x = 0, y = 0;
      return arc.map(function (p) {
        if (tf) { x += p[0]; y += p[1]; } else { x = p[0]; y = p[1]; }
        return [x * sx + tx, y * sy + ty];
      });
    });
  }

  function ring(arcs, indexes) {
    var pts = [];
    indexes.forEach(function (i, k) {
      var a = i >= 0 ? arcs[i] : arcs[~i].slice().reverse();
      pts = pts.concat(k ? a.slice(1) : a);
    });
    return pts;
  }

  function polygons(arcs, g) {
    var polys = g.type === "Polygon" ? [g.arcs] : g.type === "MultiPolygon" ? g.arcs : [];
    return polys.map(function (p) { return p.map(function (r) { return ring(arcs, r); }); });
  }

  /* Rings that cross the antimeridian (Russia, Fiji) are unwrapped to continuous longitudes
   * and drawn again shifted by 360°, both copies clipped to the map's outline. */
  function unwrap(pts) {
    var out = [], prev = null, shift = 0;
    pts.forEach(function (p) {
      if (prev !== null) {
        var d = p[0] + shift - prev;
        if (d > 180) shift -= 360; else if (d < -180) shift += 360;
      }
      prev = p[0] + shift;
      out.push([prev, p[1]]);
    });
    return out;
  }

  function pathData(polys, project) {
    var d = [];
    polys.forEach(function (poly) {
      var rings = poly.map(unwrap), lo = Infinity, hi = -Infinity;
      rings.forEach(function (r) { r.forEach(function (p) { lo = Math.min(lo, p[0]); hi = Math.max(hi, p[0]); }); });
      var shifts = [0];
      if (hi > 180) shifts.push(-360);
      if (lo < -180) shifts.push(360);
      shifts.forEach(function (s) {
        rings.forEach(function (r) {
          r.forEach(function (p, i) {
            var xy = project(p[0] + s, p[1]);
            d.push((i ? "L" : "M") + xy[0].toFixed(1) + "," + xy[1].toFixed(1));
          });
          d.push("Z");
        });
      });
    });
    return d.join("");
  }

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVGNS, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(e);
    return e;
  }

  function colourFor(bins, risk) {
    if (risk === null || risk === undefined) return null;
    for (var i = 0; i < bins.length; i++) {
      if (bins[i].hi === null || risk < bins[i].hi) return bins[i].colour;
    }
    return bins[bins.length - 1].colour;
  }

  function pct(v) {
    v = v * 100;
    return (v > 0 && v < 0.1 ? v.toFixed(2) : v.toFixed(1)) + "%";
  }

  function draw(box, topo, list) {
    var bins = JSON.parse(box.dataset.bins), top = +box.dataset.top || 30;
    var byIso = {};
    list.countries.forEach(function (c) { byIso[c.iso3] = c; });
    var total = list.countries.length;
    var arcs = decodeArcs(topo);
    var geoms = topo.objects.countries.geometries;

    var W = 960, xMax = equalEarth(180, 0)[0], yTop = equalEarth(0, NORTH)[1];
    var yBottom = equalEarth(0, SOUTH)[1], k = (W - 8) / (2 * xMax);
    var H = Math.ceil((yTop - yBottom) * k) + 8;
    var project = function (lon, lat) {
      var xy = equalEarth(lon, lat);
      return [W / 2 + xy[0] * k, 4 + (yTop - xy[1]) * k];
    };

    var svg = el("svg", {viewBox: "0 0 " + W + " " + H, "class": "world",
                         "aria-labelledby": "map-title", "aria-describedby": "map-alt"});
    var outline = [];
    for (var lat = -90; lat <= 90; lat += 2) outline.push([180, lat]);
    for (lat = 90; lat >= -90; lat -= 2) outline.push([-180, lat]);
    var sphere = outline.map(function (p, i) {
      var xy = project(p[0], p[1]);
      return (i ? "L" : "M") + xy[0].toFixed(1) + "," + xy[1].toFixed(1);
    }).join("") + "Z";
    var defs = el("defs", {}, svg);
    el("path", {d: sphere}, el("clipPath", {id: "map-clip"}, defs));
    el("path", {d: sphere, "class": "sphere"}, svg);
    var land = el("g", {"clip-path": "url(#map-clip)", "class": "countries"}, svg);
    var outlines = el("g", {"clip-path": "url(#map-clip)", "class": "top-outlines",
                            "aria-hidden": "true"}, svg);

    var features = geoms.map(function (g) {
      var iso3 = (g.properties || {}).iso3 || null;
      return {g: g, iso3: iso3, row: iso3 ? byIso[iso3] : null,
              geoName: (g.properties || {}).name || "Unknown"};
    });
    // Tab order follows the ranking; countries without a forecast come last and are not focusable.
    features.sort(function (a, b) {
      var ra = a.row ? a.row.rank : 1e6, rb = b.row ? b.row.rank : 1e6;
      return ra - rb || a.geoName.localeCompare(b.geoName);
    });

    var tip = document.getElementById("map-tooltip");
    function show(f, evt) {
      tip.textContent = "";
      var strong = document.createElement("strong");
      strong.textContent = f.row ? f.row.name : f.geoName;
      tip.appendChild(strong);
      var line = document.createElement("span");
      line.textContent = f.row ? "Risk " + pct(f.row.risk) + " · rank " + f.row.rank + " of " + total
        : "No forecast";
      tip.appendChild(line);
      if (f.row && f.row.top30) {
        var flag = document.createElement("span");
        flag.className = "tip-top";
        flag.textContent = "In the top " + top;
        tip.appendChild(flag);
      }
      if (f.row && f.geoName !== f.row.name && f.iso3 !== "XKX") {
        var note = document.createElement("span");
        note.className = "muted";
        note.textContent = "(map area: " + f.geoName + ")";
        tip.appendChild(note);
      }
      tip.hidden = false;
      var r = box.getBoundingClientRect(), x, y;
      if (evt && evt.clientX !== undefined && evt.type.indexOf("mouse") === 0) {
        x = evt.clientX - r.left; y = evt.clientY - r.top;
      } else {
        var b = evt.target.getBoundingClientRect();
        x = b.left + b.width / 2 - r.left; y = b.top + b.height / 2 - r.top;
      }
      var left = Math.min(Math.max(x + 14, 4), r.width - tip.offsetWidth - 4);
      tip.style.left = left + "px";
      tip.style.top = Math.max(y - tip.offsetHeight - 12, 4) + "px";
    }
    function hide() { tip.hidden = true; }

    features.forEach(function (f) {
      var d = pathData(polygons(arcs, f.g), project);
      var attrs = {d: d, "class": "country", fill: (f.row && colourFor(bins, f.row.risk)) || "#e6e6e6",
                   "data-iso3": f.iso3 || "", "data-name": f.row ? f.row.name : f.geoName};
      if (f.row) {
        attrs.tabindex = "0";
        attrs.role = "link";
        attrs["aria-label"] = f.row.name + ": risk " + pct(f.row.risk) + ", rank " + f.row.rank +
          " of " + total;
        attrs["class"] += f.row.top30 ? " has-data top" : " has-data";
      } else {
        attrs["aria-hidden"] = "true";
      }
      var p = el("path", attrs, land);
      if (f.row && f.row.top30) el("path", {d: d, "class": "top-outline"}, outlines);
      p.addEventListener("mouseenter", function (e) { show(f, e); });
      p.addEventListener("mousemove", function (e) { show(f, e); });
      p.addEventListener("mouseleave", hide);
      if (f.row) {
        var go = function () { window.location.href = "/countries/" + encodeURIComponent(f.iso3); };
        p.addEventListener("click", go);
        p.addEventListener("focus", function (e) { show(f, e); });
        p.addEventListener("blur", hide);
        p.addEventListener("keydown", function (e) {
          if (e.key === "Enter" || e.key === " ") { e.preventDefault(); go(); }
        });
      }
    });
    box.textContent = "";
    box.appendChild(svg);
    box.dataset.ready = "true";
  }

  function fail(box, message) {
    box.textContent = "";
    var p = document.createElement("p");
    p.className = "notice";
    p.textContent = message + " The ranked table below lists every country.";
    box.appendChild(p);
    box.dataset.ready = "error";
  }

  function getJSON(url) {
    return fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (r) {
        if (!r.ok) throw new Error(url + ": " + r.status);
        return r.json();
      });
  }

  function init() {
    var box = document.getElementById("world-map");
    if (!box) return;
    Promise.all([getJSON(box.dataset.topology), getJSON(box.dataset.watchlist)])
      .then(function (res) { draw(box, res[0], res[1]); })
      .catch(function (err) {
        fail(box, "The map could not be drawn (" + err.message + ").");
      });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
