/* A map of the places in the catalogue's list (progressive enhancement).
 *
 * The list of places (ul.place-list) is the page's way to say where events are: it works
 * without scripts, without tiles and with any assistive technology. This script only adds
 * a Leaflet map above it, with one marker per place of the list. Markers are buttons in
 * the tab order (Leaflet's keyboard support); Enter opens the place's events and moves the
 * focus to its first link; Escape closes it and gives the focus back to the marker.
 */
(function () {
  "use strict";

  var box = document.getElementById("events-map");
  if (!box || !window.L || !box.dataset.tiles) {
    return;
  }
  var items = document.querySelectorAll(".place-list > li[data-place-lat]");
  if (!items.length) {
    return;
  }

  function attribution() {
    var link = document.createElement("a");
    link.href = box.dataset.attributionUrl || "#";
    link.rel = "noopener noreferrer";
    link.textContent = box.dataset.attribution || "";
    return link.outerHTML;
  }

  box.hidden = false;
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", box.dataset.label || "");
  var map = L.map(box, { scrollWheelZoom: false });
  map.attributionControl.setPrefix(false);
  L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: attribution() }).addTo(map);

  var bounds = [];
  var openMarker = null;
  items.forEach(function (item) {
    var position = [parseFloat(item.dataset.placeLat), parseFloat(item.dataset.placeLng)];
    if (isNaN(position[0]) || isNaN(position[1])) {
      return;
    }
    var name = item.dataset.placeName || "";
    var content = document.createElement("div");
    var title = document.createElement("p");
    title.className = "map-popup-title";
    title.textContent = name;
    content.appendChild(title);
    var events = item.querySelector("ul");
    if (events) {
      content.appendChild(events.cloneNode(true));
    }
    var marker = L.marker(position, { title: name, alt: name, keyboard: true }).addTo(map);
    marker.bindPopup(content);
    marker.on("popupopen", function () {
      openMarker = marker;
      var first = content.querySelector("a");
      if (first) {
        first.focus();
      }
    });
    marker.on("popupclose", function () {
      if (openMarker === marker) {
        openMarker = null;
      }
    });
    bounds.push(position);
  });
  if (!bounds.length) {
    box.hidden = true;
    return;
  }
  map.fitBounds(bounds, { maxZoom: 15, padding: [32, 32] });

  box.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && openMarker) {
      var marker = openMarker;
      map.closePopup();
      if (marker.getElement()) {
        marker.getElement().focus();
      }
    }
  }, true);  // before Leaflet's own Escape handling, which forgets the open popup
})();
