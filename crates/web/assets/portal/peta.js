// Aduan public map: draws the public reports listed below it (the list is the map's
// text alternative and all there is without this script).
(function () {
  "use strict";
  document.documentElement.classList.add("has-js");
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  L.Icon.Default.imagePath = "/assets/vendor/";
  var map = L.map(el).setView([-2.5, 118], 5);
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
        L.marker([p.lat, p.long], { title: p.title }).addTo(map).bindPopup(popup);
        bounds.push([p.lat, p.long]);
      });
      if (bounds.length) map.fitBounds(bounds, { maxZoom: 14, padding: [20, 20] });
    })
    .catch(function () {});
})();
