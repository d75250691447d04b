// Map picker for the report form (progressive enhancement): draws the world's countries
// (from /report/world.json, TopoJSON) in an equirectangular SVG; a tap fills the latitude and
// longitude fields, which work on their own without JavaScript. No third-party tiles.
(function () {
  "use strict";
  var box = document.getElementById("map-picker");
  var lat = document.getElementById("latitude");
  var lon = document.getElementById("longitude");
  if (!box || !lat || !lon || !window.fetch) { return; }
  var NS = "http://www.w3.org/2000/svg";
  var W = 360, H = 180;

  function decodeArcs(topo) {
    var t = topo.transform;
    return topo.arcs.map(function (arc) {
      var x = 0, y = 0;
      return arc.map(function (p) {
        x += p[0]; y += p[1];
        return t ? [x * t.scale[0] + t.translate[0], y * t.scale[1] + t.translate[1]] : p;
      });
    });
  }

  function ringPath(ring, arcs) {
    var pts = [];
    ring.forEach(function (i) {
      var a = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
      pts = pts.concat(a);
    });
    return "M" + pts.map(function (p) {
      return (p[0] + 180).toFixed(2) + "," + (90 - p[1]).toFixed(2);
    }).join("L") + "Z";
  }

  function draw(topo) {
    var arcs = decodeArcs(topo);
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", box.getAttribute("data-label"));
    var bg = document.createElementNS(NS, "rect");
    bg.setAttribute("width", W); bg.setAttribute("height", H); bg.setAttribute("class", "sea");
    svg.appendChild(bg);
    var d = "";
    topo.objects.countries.geometries.forEach(function (g) {
      var polys = g.type === "Polygon" ? [g.arcs] : g.type === "MultiPolygon" ? g.arcs : [];
      polys.forEach(function (poly) { poly.forEach(function (r) { d += ringPath(r, arcs); }); });
    });
    var land = document.createElementNS(NS, "path");
    land.setAttribute("d", d); land.setAttribute("class", "land");
    svg.appendChild(land);
    var pin = document.createElementNS(NS, "circle");
    pin.setAttribute("r", "2"); pin.setAttribute("class", "pin"); pin.style.display = "none";
    svg.appendChild(pin);

    function show() {
      var la = parseFloat(lat.value), lo = parseFloat(lon.value);
      if (isNaN(la) || isNaN(lo)) { pin.style.display = "none"; return; }
      pin.setAttribute("cx", lo + 180); pin.setAttribute("cy", 90 - la);
      pin.style.display = "";
    }
    svg.addEventListener("click", function (ev) {
      var pt = svg.createSVGPoint(); pt.x = ev.clientX; pt.y = ev.clientY;
      var p = pt.matrixTransform(svg.getScreenCTM().inverse());
      lat.value = (90 - p.y).toFixed(4); lon.value = (p.x - 180).toFixed(4);
      show();
    });
    lat.addEventListener("input", show); lon.addEventListener("input", show);
    var label = document.createElement("p");
    label.className = "help"; label.textContent = box.getAttribute("data-label");
    box.appendChild(label); box.appendChild(svg);
    box.hidden = false;
    show();
  }

  fetch("/report/world.json").then(function (r) { return r.ok ? r.json() : null; })
    .then(function (topo) { if (topo && topo.objects && topo.objects.countries) { draw(topo); } })
    .catch(function () { /* the coordinate fields still work */ });
})();
