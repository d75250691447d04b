// A zoomable world map drawn from world-atlas TopoJSON (served by Forewarn itself, so it works
// offline; no tiles). Equirectangular: x = longitude + 180, y = 90 - latitude in a 360 x 180
// plane; zooming narrows the SVG viewBox. Used by the location picker on /report, the public
// map /reports/map and the reviewers' map on /reports/queue.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var W = 360, H = 180, MAX_ZOOM = 256;

  function decodeArcs(topo) {
    var t = topo.transform;
    return topo.arcs.map(function (arc) {
      var x = 0, y = 0;
      return arc.map(function (p) {
        if (!t) { return p; }
        x += p[0]; y += p[1];
        return [x * t.scale[0] + t.translate[0], y * t.scale[1] + t.translate[1]];
      });
    });
  }

  function ringPath(pts, shift) {
    return "M" + pts.map(function (p) {
      return (p[0] + 180 + shift).toFixed(3) + "," + (90 - p[1]).toFixed(3);
    }).join("L") + "Z";
  }

  function landPath(topo) {
    var arcs = decodeArcs(topo), d = [];
    topo.objects.countries.geometries.forEach(function (g) {
      var polys = g.type === "Polygon" ? [g.arcs] : g.type === "MultiPolygon" ? g.arcs : [];
      polys.forEach(function (poly) {
        poly.forEach(function (ring) {
          var pts = [];
          ring.forEach(function (i) {
            pts = pts.concat(i < 0 ? arcs[~i].slice().reverse() : arcs[i]);
          });
          // A ring crossing the 180th meridian (Russia, Fiji) would draw a band across the
          // world: keep its longitudes continuous and draw it again a world-width away.
          var lo = pts[0][0], min = lo, max = lo;
          pts = pts.map(function (p) {
            var x = p[0];
            while (x - lo > 180) { x -= 360; }
            while (lo - x > 180) { x += 360; }
            lo = x; min = Math.min(min, x); max = Math.max(max, x);
            return [x, p[1]];
          });
          d.push(ringPath(pts, 0));
          if (min < -180) { d.push(ringPath(pts, 360)); }
          if (max > 180) { d.push(ringPath(pts, -360)); }
        });
      });
    });
    return d.join("");
  }

  function el(name, attrs) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  function button(text, label) {
    var b = document.createElement("button");
    b.type = "button"; b.textContent = text; b.setAttribute("aria-label", label);
    return b;
  }

  // BOX gets the map; returns an object to add points and read the scale.
  function create(box, topo, labels) {
    labels = labels || {};
    var view = {x: 0, y: 0, w: W, h: H};
    var svg = el("svg", {viewBox: "0 0 360 180", role: "img", "class": "worldmap"});
    svg.setAttribute("aria-label", labels.map || "World map");
    svg.appendChild(el("rect", {x: -360, y: -180, width: 1080, height: 540, "class": "sea"}));
    svg.appendChild(el("path", {d: landPath(topo), "class": "land"}));
    var layer = el("g", {"class": "points"});
    svg.appendChild(layer);
    var listeners = [];

    function zoom() { return W / view.w; }
    function apply() {
      svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" "));
      var r = 3 / zoom();
      Array.prototype.forEach.call(layer.childNodes, function (c) {
        c.setAttribute("r", c.getAttribute("data-r") * r);
      });
      box.setAttribute("data-zoom", zoom().toFixed(2));
      listeners.forEach(function (f) { f(); });
    }
    function zoomAt(factor, cx, cy) {
      var k = Math.min(MAX_ZOOM, Math.max(1, zoom() * factor));
      var w = W / k, h = H / k;
      if (cx === undefined) { cx = view.x + view.w / 2; cy = view.y + view.h / 2; }
      var fx = (cx - view.x) / view.w, fy = (cy - view.y) / view.h;
      view = {x: cx - fx * w, y: cy - fy * h, w: w, h: h};
      view.x = Math.min(W - w, Math.max(0, view.x));
      view.y = Math.min(H - h, Math.max(0, view.y));
      apply();
    }
    function toPlane(ev) {
      var pt = svg.createSVGPoint(); pt.x = ev.clientX; pt.y = ev.clientY;
      return pt.matrixTransform(svg.getScreenCTM().inverse());
    }
    // Degrees covered by one screen pixel at the current zoom.
    function degreesPerPixel() {
      var width = svg.getBoundingClientRect().width || W;
      return view.w / width;
    }

    svg.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var p = toPlane(ev);
      zoomAt(ev.deltaY < 0 ? 1.5 : 1 / 1.5, p.x, p.y);
    }, {passive: false});
    var drag = null, moved = false;
    svg.addEventListener("pointerdown", function (ev) {
      drag = {x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y}; moved = false;
    });
    svg.addEventListener("pointermove", function (ev) {
      if (!drag) { return; }
      var dpp = degreesPerPixel(), dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 4) { moved = true; }
      if (!moved) { return; }
      view.x = Math.min(W - view.w, Math.max(0, drag.vx - dx * dpp));
      view.y = Math.min(H - view.h, Math.max(0, drag.vy - dy * dpp));
      apply();
    });
    window.addEventListener("pointerup", function () { drag = null; });

    var controls = document.createElement("div");
    controls.className = "map-controls";
    var zin = button("+", labels.zoomIn || "Zoom in");
    var zout = button("\u2212", labels.zoomOut || "Zoom out");
    var reset = button("\u21ba", labels.reset || "Whole world");
    zin.className = "zoom-in"; zout.className = "zoom-out"; reset.className = "zoom-reset";
    zin.addEventListener("click", function () { zoomAt(2); });
    zout.addEventListener("click", function () { zoomAt(0.5); });
    reset.addEventListener("click", function () { view = {x: 0, y: 0, w: W, h: H}; apply(); });
    controls.appendChild(zin); controls.appendChild(zout); controls.appendChild(reset);
    box.appendChild(controls);
    box.appendChild(svg);

    var api = {
      svg: svg,
      zoom: zoom,
      degreesPerPixel: degreesPerPixel,
      zoomAt: zoomAt,
      centreOn: function (lat, lon, k) {
        zoomAt(k / zoom(), lon + 180, 90 - lat);
        var w = view.w, h = view.h;
        view.x = Math.min(W - w, Math.max(0, lon + 180 - w / 2));
        view.y = Math.min(H - h, Math.max(0, 90 - lat - h / 2));
        apply();
      },
      onChange: function (f) { listeners.push(f); },
      // A click that was not the end of a drag, as latitude/longitude.
      onPick: function (f) {
        svg.addEventListener("click", function (ev) {
          if (moved) { return; }
          var p = toPlane(ev);
          f(90 - p.y, p.x - 180);
        });
      },
      point: function (lat, lon, attrs) {
        var c = el("circle", attrs || {});
        c.setAttribute("cx", lon + 180); c.setAttribute("cy", 90 - lat);
        c.setAttribute("data-r", c.getAttribute("data-r") || "1");
        c.setAttribute("r", c.getAttribute("data-r") * 3 / zoom());
        layer.appendChild(c);
        return c;
      },
      clear: function () { while (layer.firstChild) { layer.removeChild(layer.firstChild); } }
    };
    apply();
    return api;
  }

  function load(url) {
    return fetch(url).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (t) { return t && t.objects && t.objects.countries ? t : null; });
  }

  window.ForewarnWorldMap = {create: create, load: load};
})();
