// Aduan public map: draws the public reports listed below it (the list is the map's
// text alternative and all there is without this script).
(function () {
  "use strict";
  document.documentElement.classList.add("has-js");
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  // Drawn on a canvas: hundreds of points stay light, and overlapping markers are not
  // separate tap targets (the list below the map is the accessible way to each report).
  var map = L.map(el, { preferCanvas: true }).setView([-2.5, 118], 5);
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  fetch(el.dataset.points, { headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : []; })
    .then(function (points) {
      var bounds = [];
      points.forEach(function (p) {
        var popup = document.createElement("div");
        var link = document.createElement("a");
        link.href = "/laporan/" + encodeURIComponent(p.tracking);
        link.textContent = p.title;
        var status = document.createElement("div");
        status.textContent = p.status;
        popup.appendChild(link);
        popup.appendChild(status);
        L.circleMarker([p.lat, p.long], { radius: 7, color: "#083b6b", weight: 2, fillColor: "#0b5394", fillOpacity: 0.8 })
          .addTo(map)
          .bindPopup(popup);
        bounds.push([p.lat, p.long]);
      });
      if (bounds.length) map.fitBounds(bounds, { maxZoom: 14, padding: [20, 20] });
    })
    .catch(function () {});
})();
