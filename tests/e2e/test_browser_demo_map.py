"""The demo zones in the interactive map, in headless Chromium (no network).

Panels (title, legend, year slider, layer switch) cover no zone; every zone part carries the
number it has on the print map; clicking a zone draws no focus rectangle; no tooltip shows
while a popup is open; the whole-district zone's popup explains its area.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo_revival.mapping.interactive import progress_map, save_map
from tests.e2e._chromium import open_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OVERLAPS = """(function () {
  var ctl = Array.from(document.querySelectorAll('.leaflet-control'))
    .map(function (e) { return e.getBoundingClientRect(); })
    .filter(function (r) { return r.width > 0; });
  var zs = Array.from(document.querySelectorAll('path.gr-zone'))
    .map(function (e) { return e.getBoundingClientRect(); });
  var n = 0;
  ctl.forEach(function (c) { zs.forEach(function (z) {
    if (c.left < z.right && z.left < c.right && c.top < z.bottom && z.top < c.bottom) { n++; }
  }); });
  return n;
})()"""

CLICK = """(function () {
  var path = document.querySelectorAll('path.gr-zone')[0];
  var r = path.getBoundingClientRect();
  var id = 'xz_jiawang_resource_depleted_city';
  var layer = window.geoRevivalMap.zones.getLayers()
    .find(function (l) { return l.feature.properties.zone_id === id; });
  layer.fire('mouseover', {latlng: layer.getBounds().getCenter()});
  layer.openTooltip(layer.getBounds().getCenter());
  layer.getElement().dispatchEvent(new MouseEvent('click', {bubbles: true,
    clientX: r.left + 2, clientY: r.top + 2}));
  layer.getElement().focus();
  layer.openPopup();
  var el = document.activeElement;
  return [getComputedStyle(el).outlineStyle,
          getComputedStyle(window.geoRevivalMap.map.getPane('tooltipPane')).display,
          document.querySelector('.leaflet-popup-content').innerText];
})()"""


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    from geo_revival.demo import load_xuzhou

    d = load_xuzhou()
    rates = pd.DataFrame(
        {
            "zone_id": d.zones["zone_id"],
            "year": 2025,
            "restoration_rate": np.linspace(0.1, 0.95, len(d.zones)),
        }
    )
    m = progress_map(d.zones, rates, districts=d.districts, simulated=True)
    return save_map(m, tmp_path_factory.mktemp("demo_map") / "progress_map.html")


def test_demo_map_panels_numbers_focus_tooltip(page: Path) -> None:
    result = open_page(
        page,
        screenshot="progress_map_demo.png",
        wait_for="path.gr-zone",
        count={"zones": "path.gr-zone", "numbers": ".gr-num"},
        evaluate={
            "overlaps": OVERLAPS,
            "labels": "Array.from(document.querySelectorAll('.gr-num')).map(e => e.innerText)",
            "title": "document.title",
            "click": CLICK,
        },
    )
    assert result.errors == [] and result.network_requests == []
    assert result.counts["zones"] == 11
    assert result.values["overlaps"] == 0, "a panel covers a zone"
    # 11 zones, 31 parts; numbers as on the print map (zone row, letter by decreasing area)
    assert result.counts["numbers"] == 31
    labels = set(result.values["labels"])
    assert {"1a", "1b", "1c", "8a", "8k", "11"} <= labels and "8l" not in labels
    assert "simulated" in result.values["title"]
    outline, tooltip_display, popup = result.values["click"]
    assert outline == "none"
    assert tooltip_display == "none"
    assert "612" in popup and "749" in popup and "administrative boundary" in popup
