// Aduan filing form: the same form works without this script (the server refreshes
// the region lists and the suggestion on a round trip); with it, the lists fill as the
// citizen chooses, the category list can be searched, and a pin can be put on a map.
(function () {
  "use strict";
  document.documentElement.classList.add("has-js");
  var form = document.getElementById("report-form");
  if (!form) return;

  // Region cascade: province -> regency -> district -> village.
  var levels = ["province", "regency", "district", "village"].map(function (id) {
    return document.getElementById(id);
  });
  function clearFrom(index) {
    for (var i = index; i < levels.length; i++) {
      var select = levels[i];
      while (select.options.length > 1) select.remove(1);
      select.value = "";
    }
  }
  function fill(select, places) {
    places.forEach(function (p) {
      var option = document.createElement("option");
      option.value = p.code;
      option.textContent = p.name;
      select.appendChild(option);
    });
  }
  levels.forEach(function (select, index) {
    select.addEventListener("change", function () {
      clearFrom(index + 1);
      suggest();
      if (!select.value || index + 1 >= levels.length) return;
      fetch("/wilayah/" + encodeURIComponent(select.value), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (places) { fill(levels[index + 1], places); })
        .catch(function () {});
    });
  });
  function region() {
    for (var i = levels.length - 1; i >= 0; i--) if (levels[i].value) return levels[i].value;
    return "";
  }

  // Category search: hides the options that do not match what is typed.
  var category = document.getElementById("category");
  var search = document.getElementById("category-search");
  if (search && category) {
    search.addEventListener("input", function () {
      var words = search.value.toLowerCase().trim().split(/\s+/).filter(Boolean);
      var first = null;
      Array.prototype.forEach.call(category.options, function (option, i) {
        if (i === 0) return;
        var text = option.textContent.toLowerCase();
        var match = words.every(function (w) { return text.indexOf(w) >= 0; });
        option.hidden = !match;
        if (match && !first) first = option;
      });
      if (first && words.length) { category.value = first.value; suggest(); }
    });
    category.addEventListener("change", suggest);
  }

  // The routing rules' suggestion, offered with a button; never chosen silently.
  var target = document.getElementById("target_instansi");
  var hint = document.getElementById("suggestion");
  var lang = document.documentElement.lang === "en" ? "en" : "id";
  function suggest() {
    if (!hint || !target) return;
    var query = "kategori=" + encodeURIComponent(category ? category.value : "") + "&wilayah=" + encodeURIComponent(region());
    fetch("/saran-instansi?" + query, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (s) {
        hint.textContent = "";
        if (!s.code) return;
        hint.appendChild(document.createTextNode(lang === "en" ? "Suggested: " : "Saran: "));
        var strong = document.createElement("strong");
        strong.textContent = s.name;
        hint.appendChild(strong);
        hint.appendChild(document.createTextNode(" "));
        var use = document.createElement("button");
        use.type = "button";
        use.className = "link";
        use.textContent = lang === "en" ? "Use this agency" : "Pilih instansi ini";
        use.addEventListener("click", function () {
          if (!Array.prototype.some.call(target.options, function (o) { return o.value === s.code; })) {
            var option = document.createElement("option");
            option.value = s.code;
            option.textContent = s.name;
            target.appendChild(option);
          }
          target.value = s.code;
          target.focus();
        });
        hint.appendChild(use);
      })
      .catch(function () {});
  }

  // Optional pin on a map (Leaflet, served by this server; tiles from configuration).
  var mapEl = document.getElementById("map");
  var lat = document.getElementById("lat");
  var long = document.getElementById("long");
  if (mapEl && window.L && lat && long) {
    L.Icon.Default.imagePath = "/assets/vendor/";
    var has = lat.value && long.value;
    var map = L.map(mapEl).setView(has ? [+lat.value, +long.value] : [-2.5, 118], has ? 15 : 4);
    L.tileLayer(mapEl.dataset.tiles, { maxZoom: 19, attribution: mapEl.dataset.attribution }).addTo(map);
    var marker = has ? L.marker([+lat.value, +long.value]).addTo(map) : null;
    map.on("click", function (e) {
      var p = e.latlng.wrap();
      lat.value = p.lat.toFixed(6);
      long.value = p.lng.toFixed(6);
      if (marker) marker.setLatLng(p); else marker = L.marker(p).addTo(map);
    });
    var clear = document.getElementById("map-clear");
    if (clear) clear.addEventListener("click", function () {
      lat.value = "";
      long.value = "";
      if (marker) { map.removeLayer(marker); marker = null; }
    });
  }
})();
