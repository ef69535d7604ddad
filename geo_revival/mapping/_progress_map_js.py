"""Browser side of :func:`geo_revival.mapping.progress_map`: one Leaflet script, no plugins.

It draws the zones (choropleth restyled per year), district context, land-cover images per
year, a layer control, a year slider, a before/after swipe and the legends. Everything it
needs arrives in one JSON object ``cfg`` built in Python.
"""

from __future__ import annotations

SCRIPT = r"""
(function () {
  var map = {{ this._parent.get_name() }};
  var cfg = {{ this.config }};
  var T = cfg.text;
  var current = cfg.year;

  function pane(name, z) { map.createPane(name); map.getPane(name).style.zIndex = z; return name; }
  var lcPane = pane('gr-landcover', 340), beforePane = pane('gr-before', 350);
  var districtPane = pane('gr-districts', 390);
  map.getPane(districtPane).style.pointerEvents = 'none';

  // Land cover: one image per year; the group shows the selected year's image.
  var images = {};
  cfg.landcover.images.forEach(function (im) {
    images[im.year] = L.imageOverlay(im.url, im.bounds,
      {pane: lcPane, opacity: 0.9, interactive: false, className: 'gr-lc gr-lc-' + im.year});
  });
  var landcover = L.layerGroup();
  var before = null;
  if (cfg.landcover.base_year !== null) {
    var b = cfg.landcover.images.filter(function (im) {
      return im.year === cfg.landcover.base_year;
    })[0];
    before = L.imageOverlay(b.url, b.bounds, {pane: beforePane, opacity: 0.9, interactive: false,
                                             className: 'gr-lc-before'});
  }

  var districts = null;
  if (cfg.districts) {
    districts = L.geoJSON(cfg.districts, {pane: districtPane, interactive: false,
      style: {color: '#555', weight: 1.2, dashArray: '4 3', fill: false}});
  }

  function fillOf(f) {
    var c = f.properties._fill[String(current)];
    return c === undefined ? cfg.nodata_color : c;
  }
  function styleOf(f) {
    return {fillColor: fillOf(f), fillOpacity: 0.8, color: '#222', weight: 1.3,
            className: 'gr-zone'};
  }
  var zones = L.geoJSON(cfg.zones, {
    style: styleOf,
    onEachFeature: function (f, layer) {
      layer.bindTooltip(function () {
        var v = f.properties._label[String(current)];
        return '<b>' + f.properties._title + '</b><br>' + T.value + ' ' + current + ': ' +
               (v === undefined ? T.nodata : v);
      }, {sticky: true});
      layer.bindPopup(f.properties._popup, {maxWidth: 460, maxHeight: 320});
      layer.on('mouseover', function () { layer.setStyle({weight: 3}); });
      layer.on('mouseout', function () { layer.setStyle({weight: 1.3}); });
    }
  });

  // Zone numbers, the same as on the print map (one per part: 8a, 8b ...).
  var numbers = L.layerGroup(cfg.numbers.map(function (n) {
    return L.marker(n.latlng, {interactive: false, keyboard: false, icon: L.divIcon({
      className: 'gr-num', html: '<span>' + n.label + '</span>', iconSize: null})});
  }));

  if (cfg.landcover.images.length) { landcover.addTo(map); }
  if (districts) { districts.addTo(map); }
  zones.addTo(map);
  numbers.addTo(map);

  // A tooltip never covers an open popup: tooltips are hidden while one is open.
  map.on('popupopen', function () { map.getPane('tooltipPane').style.display = 'none'; });
  map.on('popupclose', function () { map.getPane('tooltipPane').style.display = ''; });

  var overlays = {};
  overlays[T.zones] = zones;
  overlays[T.numbers] = numbers;
  if (cfg.landcover.images.length) { overlays[T.landcover] = landcover; }
  if (districts) { overlays[T.districts] = districts; }
  L.control.layers(null, overlays, {collapsed: true, position: 'topright'}).addTo(map);

  // Panels fold away (click their heading) so that they never have to hide a zone.
  function foldable(d) {
    L.DomEvent.disableClickPropagation(d);
    L.DomEvent.disableScrollPropagation(d);
    d.addEventListener('toggle', function () { fit(); });
    return d;
  }
  var title = L.control({position: 'topleft'});
  title.onAdd = function () {
    var d = L.DomUtil.create('details', 'gr-title');
    d.open = true;
    d.innerHTML = '<summary>' + cfg.title_html + '</summary>';
    return foldable(d);
  };
  title.addTo(map);

  // Legends.
  var legend = L.control({position: 'bottomright'});
  var legendBody;
  legend.onAdd = function () {
    var d = L.DomUtil.create('details', 'gr-legend');
    d.open = true;
    d.innerHTML = '<summary>' + T.legend + '</summary><div class="gr-legend-body"></div>';
    legendBody = d.querySelector('.gr-legend-body');
    return foldable(d);
  };
  legend.addTo(map);
  function drawLegend() {
    var h = '<div class="gr-legend-title">' + T.value_title + ' ' + current + '</div>';
    cfg.classes.forEach(function (c) {
      h += '<div><i style="background:' + c.color + '"></i>' + c.label + '</div>';
    });
    h += '<div><i style="background:' + cfg.nodata_color + '"></i>' + T.nodata + '</div>';
    if (cfg.landcover.images.length && map.hasLayer(landcover)) {
      var lc = cfg.landcover.classes.filter(function (c) {
        return c.years.indexOf(shownYear()) >= 0 ||
          (comparing() && c.years.indexOf(cfg.landcover.base_year) >= 0);
      });
      h += '<div class="gr-legend-title gr-legend-lc">' + T.landcover + '</div>' +
        '<div class="gr-lc-items">';
      lc.forEach(function (c) {
        h += '<div><i style="background:' + c.color + '"></i>' + c.label + '</div>';
      });
      h += '</div>';
    }
    legendBody.innerHTML = h;
  }

  // Year slider and before/after switch.
  var ctl = L.control({position: 'topright'});
  var slider, yearLabel, compareBox, lcNote;
  ctl.onAdd = function () {
    var d = L.DomUtil.create('div', 'gr-years');
    L.DomEvent.disableClickPropagation(d);
    L.DomEvent.disableScrollPropagation(d);
    d.innerHTML = '<div class="gr-legend-title">' + T.year +
      ': <span class="gr-year-label"></span></div>' +
      '<input class="gr-year-slider" type="range" min="0" max="' + (cfg.years.length - 1) +
      '" step="1" value="' + cfg.years.indexOf(current) + '">' +
      '<div class="gr-ticks">' +
      cfg.years.map(function (y) { return '<span>' + y + '</span>'; }).join('') +
      '</div><div class="gr-lc-note"></div>' +
      (before ? '<label><input class="gr-compare" type="checkbox"> ' + T.compare + '</label>' : '');
    slider = d.querySelector('.gr-year-slider');
    yearLabel = d.querySelector('.gr-year-label');
    compareBox = d.querySelector('.gr-compare');
    lcNote = d.querySelector('.gr-lc-note');
    L.DomEvent.on(slider, 'input change', function () { setYear(cfg.years[+slider.value]); });
    if (compareBox) {
      L.DomEvent.on(compareBox, 'change', function () { setCompare(compareBox.checked); });
    }
    return d;
  };
  ctl.addTo(map);

  function shownYear() {
    // The latest land-cover year not after the selected year.
    var ys = cfg.landcover.images.map(function (im) { return im.year; })
      .filter(function (y) { return y <= current; });
    return ys.length ? ys[ys.length - 1] : null;
  }
  function comparing() { return compareBox && compareBox.checked; }

  function setYear(y) {
    current = y;
    yearLabel.textContent = String(y);
    slider.value = String(cfg.years.indexOf(y));
    zones.setStyle(styleOf);
    landcover.clearLayers();
    var s = shownYear();
    if (s !== null) { landcover.addLayer(images[s]); }
    if (before && comparing()) { landcover.addLayer(before); }
    if (lcNote) {
      lcNote.textContent = cfg.landcover.images.length ?
        (s === null ? T.no_landcover : (s === y ? '' : T.landcover_of + ' ' + s)) : '';
    }
    drawLegend();
    clip();
  }

  // Before/after swipe: the base-year image is clipped to the left of a draggable divider.
  var swipe = L.DomUtil.create('div', 'gr-swipe', map.getContainer());
  swipe.innerHTML = '<div class="gr-swipe-line">' +
    '<div class="gr-swipe-handle" title="拖动 drag">◀▶</div>' +
    '<span class="gr-swipe-left"></span><span class="gr-swipe-right"></span></div>';
  var line = swipe.querySelector('.gr-swipe-line');
  var handle = swipe.querySelector('.gr-swipe-handle');
  var split = 0.5, dragging = false;
  swipe.style.display = 'none';
  L.DomEvent.on(handle, 'pointerdown', function (e) {
    dragging = true; handle.setPointerCapture(e.pointerId); L.DomEvent.stop(e);
  });
  L.DomEvent.on(handle, 'pointermove', function (e) {
    if (!dragging) { return; }
    var r = map.getContainer().getBoundingClientRect();
    split = Math.min(0.98, Math.max(0.02, (e.clientX - r.left) / r.width));
    clip();
  });
  L.DomEvent.on(handle, 'pointerup pointercancel', function () { dragging = false; });
  L.DomEvent.disableClickPropagation(handle);

  function clip() {
    var left = map.getPane(beforePane), right = map.getPane(lcPane);
    if (!comparing()) {
      left.style.clip = ''; right.style.clip = ''; swipe.style.display = 'none'; return;
    }
    swipe.style.display = 'block';
    var size = map.getSize(), x = size.x * split;
    var nw = map.containerPointToLayerPoint([0, 0]), se = map.containerPointToLayerPoint(size);
    // CSS clip: rect(top, right, bottom, left) in the panes' own (layer) coordinates.
    left.style.clip = 'rect(' + [nw.y, nw.x + x, se.y, nw.x].join('px,') + 'px)';
    right.style.clip = 'rect(' + [nw.y, se.x, se.y, nw.x + x].join('px,') + 'px)';
    line.style.left = x + 'px';
    swipe.querySelector('.gr-swipe-left').textContent = cfg.landcover.base_year;
    swipe.querySelector('.gr-swipe-right').textContent = shownYear() === null ? '' : shownYear();
  }
  function setCompare(on) {
    if (on && !map.hasLayer(landcover)) { landcover.addTo(map); }
    setYear(current);
  }
  map.on('move zoom resize', clip);
  map.on('overlayadd overlayremove', drawLegend);

  // Fit the zones into the part of the window that the panels leave free.
  function fit() {
    var c = map.getContainer().getBoundingClientRect(), top = 0, right = 0, left = 0, bottom = 0;
    var panels = map.getContainer().querySelectorAll('.leaflet-control');
    Array.prototype.forEach.call(panels, function (el) {
      var r = el.getBoundingClientRect();
      if (r.width === 0) { return; }
      var cx = r.left + r.width / 2 - c.left, cy = r.top + r.height / 2 - c.top;
      // Panels in the top corners push the zones down, those at the right push them left.
      if (cy < c.height / 2) { top = Math.max(top, r.bottom - c.top); }
      if (cx > c.width / 2 && cy >= c.height / 2) { right = Math.max(right, c.right - r.left); }
      if (cx < c.width / 2 && cy >= c.height / 2) { bottom = Math.max(bottom, c.bottom - r.top); }
    });
    // When the panels would leave less than half the window, let them overlap the margin instead.
    if (c.width - right < c.width / 2) { right = 0; }
    if (c.height - top - bottom < c.height / 2) { top = 0; bottom = 0; }
    map.fitBounds(zones.getBounds(), {paddingTopLeft: [left + 12, top + 12],
                                      paddingBottomRight: [right + 12, bottom + 12]});
  }
  setYear(current);
  fit();
  // Hooks for tests and embedding pages.
  window.geoRevivalMap = {
    map: map, zones: zones, landcover: landcover, numbers: numbers, setYear: setYear, fit: fit,
    setCompare: function (on) {
      if (compareBox) { compareBox.checked = on; setCompare(on); }
    }
  };
})();
"""

CSS = """
.leaflet-container, .leaflet-container .gr-title, .leaflet-container .gr-legend,
.leaflet-container .gr-years, .leaflet-container .gr-swipe span {
  font-family: "GeoRevival CJK", "Helvetica Neue", Arial, sans-serif; }
.gr-title { background: rgba(255,255,255,0.92); padding: 6px 10px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); font-size: 15px; line-height: 1.35; max-width: 420px; }
.gr-title summary, .gr-legend summary { cursor: pointer; }
.gr-legend summary { font-weight: bold; }
.gr-legend:not([open]), .gr-title:not([open]) { max-width: 180px; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }
/* No focus rectangle around a clicked zone; keyboard users still get Leaflet's popup. */
.leaflet-container path.leaflet-interactive:focus, .leaflet-container svg:focus,
.leaflet-interactive:focus { outline: none; }
.gr-num span { display: inline-block; transform: translate(-50%, -50%); background: #fff;
  border: 1px solid #222; border-radius: 7px; padding: 0 3px; font: 11px/14px Arial, sans-serif;
  color: #111; white-space: nowrap; pointer-events: none; }
.gr-caveat { background: #fff4d6; border-left: 3px solid #d9a400; padding: 4px 6px;
  margin: 4px 0; font-size: 12px; max-width: 420px; }
.gr-title small { color: #a00; font-weight: bold; }
.gr-legend { max-width: 330px; }
.gr-legend, .gr-years { background: rgba(255,255,255,0.94); padding: 6px 10px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); font-size: 12px; line-height: 1.5; }
.gr-legend i { display: inline-block; width: 14px; height: 11px; margin-right: 6px;
  border: 1px solid #777; vertical-align: middle; }
.gr-legend-title { font-weight: bold; margin-bottom: 2px; }
.gr-legend-lc { margin-top: 6px; }
.gr-lc-items { display: grid; grid-template-columns: auto auto; column-gap: 10px; }
.gr-years { width: 230px; }
.gr-year-slider { width: 100%; }
.gr-ticks { display: flex; justify-content: space-between; font-size: 10px; color: #444; }
.gr-lc-note { font-size: 11px; color: #555; min-height: 2px; }
.gr-swipe { position: absolute; inset: 0; z-index: 450; pointer-events: none; }
.gr-swipe-line { position: absolute; top: 0; bottom: 0; width: 3px; margin-left: -1px;
  background: #fff; box-shadow: 0 0 4px rgba(0,0,0,0.6); }
.gr-swipe-handle { position: absolute; top: 45%; left: -21px; width: 44px; height: 26px;
  line-height: 26px; text-align: center; border-radius: 13px; background: #fff; color: #333;
  box-shadow: 0 0 4px rgba(0,0,0,0.6); cursor: ew-resize; pointer-events: auto;
  font-size: 11px; user-select: none; touch-action: none; }
.gr-swipe span { position: absolute; top: calc(45% + 34px); background: rgba(0,0,0,0.65);
  color: #fff; padding: 1px 6px; border-radius: 3px; font-size: 12px; font-weight: bold; }
.gr-swipe-left { right: 8px; }
.gr-swipe-right { left: 8px; }
.gr-popup table { border-collapse: collapse; font-size: 12px; }
.gr-popup th, .gr-popup td { border-bottom: 1px solid #ddd; padding: 2px 6px; text-align: right; }
.gr-popup th:first-child, .gr-popup td:first-child { text-align: left; }
"""
