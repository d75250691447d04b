// Location picker for the report form (progressive enhancement over the latitude/longitude
// fields, which work on their own). Zoom in to place the point more precisely: the
// coordinates get as many decimals as the zoom supports (none on the whole world, where a
// pixel is about 100 km), and the form says how precise the point is.
(function () {
  "use strict";
  var box = document.getElementById("map-picker");
  var lat = document.getElementById("latitude");
  var lon = document.getElementById("longitude");
  var note = document.getElementById("map-precision");
  if (!box || !lat || !lon || !window.fetch || !window.ForewarnWorldMap) { return; }

  // Decimals that a pixel at this zoom can honestly claim: the last digit is never finer
  // than a pixel (0.1 degree is about 11 km, whole degrees about 111 km).
  function decimals(dpp) {
    return Math.min(5, Math.max(0, Math.floor(-Math.log10(dpp))));
  }

  function draw(topo) {
    var map = window.ForewarnWorldMap.create(box, topo, {
      map: box.getAttribute("data-label"), zoomIn: box.getAttribute("data-zoom-in"),
      zoomOut: box.getAttribute("data-zoom-out"), reset: box.getAttribute("data-reset")});
    var pin = null;
    function show() {
      var la = parseFloat(lat.value), lo = parseFloat(lon.value);
      if (pin) { pin.parentNode.removeChild(pin); pin = null; }
      if (isNaN(la) || isNaN(lo)) { return; }
      pin = map.point(la, lo, {"class": "pin", "data-r": "1.2"});
    }
    map.onPick(function (la, lo) {
      var dpp = map.degreesPerPixel(), n = decimals(dpp);
      lat.value = la.toFixed(n); lon.value = lo.toFixed(n);
      if (note) {
        var km = Math.max(0.01, dpp * 111.32);
        note.textContent = note.getAttribute("data-template")
          .replace("%(km)s", km >= 10 ? km.toFixed(0) : km.toPrecision(2));
        note.hidden = false;
      }
      show();
    });
    lat.addEventListener("input", show); lon.addEventListener("input", show);
    var label = document.createElement("p");
    label.className = "help"; label.textContent = box.getAttribute("data-label");
    box.insertBefore(label, box.firstChild);
    box.hidden = false;
    show();
  }

  window.ForewarnWorldMap.load(box.getAttribute("data-topology") || "/report/world.json")
    .then(function (topo) { if (topo) { draw(topo); } })
    .catch(function () { /* the coordinate fields still work */ });
})();
