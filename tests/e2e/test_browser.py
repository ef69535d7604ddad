"""The interactive map in real headless Chromium with networking disabled.

Checks that the page loads, the zones are drawn as SVG paths, the year slider and the
before/after swipe work, and no JavaScript error or network request happens. The screenshot
goes to ``test-artifacts/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from geo_revival.mapping._classify import classify
from geo_revival.mapping.interactive import progress_map, save_map
from geo_revival.zones import load_districts
from tests.e2e._chromium import open_page
from tests.unit import _mapping_data as md

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    m = progress_map(md.zones(), md.rates(), landcover=md.landcover(), districts=load_districts())
    return save_map(m, tmp_path_factory.mktemp("browser") / "progress_map.html")


def test_harness_detects_cdn_and_js_errors(tmp_path: Path) -> None:
    """Control: a page that needs the network fails the checks below."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<script src="http://127.0.0.1:9/leaflet.js"></script>'
        "<script>L.map('x');</script>",
        encoding="utf-8",
    )
    result = open_page(bad, settle_s=0.2)
    assert result.network_requests == ["http://127.0.0.1:9/leaflet.js"]
    assert any("L is not defined" in e for e in result.errors)


def test_progress_map_offline(page: Path) -> None:
    classes = classify(md.rates()["restoration_rate"], "restoration_rate")
    result = open_page(
        page,
        screenshot="progress_map.png",
        wait_for="path.gr-zone",
        count={
            "zones": "path.gr-zone",
            "landcover": "img.gr-lc",
            "legend_rows": ".gr-legend i",
            "districts": ".leaflet-gr-districts-pane path",
        },
        evaluate={
            "fills_2024": "Array.from(document.querySelectorAll('path.gr-zone'))"
            ".map(p => p.getAttribute('fill')).sort()",
            "after_2020": "(window.geoRevivalMap.setYear(2020), "
            "Array.from(document.querySelectorAll('path.gr-zone'))"
            ".map(p => p.getAttribute('fill')).sort())",
            "compare": "(window.geoRevivalMap.setCompare(true), "
            "[document.querySelectorAll('img.gr-lc-before').length, "
            "document.querySelector('.leaflet-gr-before-pane').style.clip])",
            "font_loaded": "document.fonts.check('12px \"GeoRevival CJK\"', '贾汪区')",
            "popup": "(window.geoRevivalMap.zones.getLayers()"
            ".find(l => l.feature.properties.zone_id === 'z2').openPopup(), "
            "document.querySelector('.leaflet-popup-content').innerText)",
        },
    )
    assert result.errors == []
    assert result.network_requests == []
    assert result.counts["zones"] == 3
    assert result.counts["landcover"] == 1
    assert result.counts["districts"] == 14
    # 6 rate classes + no data + land-cover classes present
    assert result.counts["legend_rows"] >= 8
    # 2024: 0.8, 0.6, 0.76 -> classes 5, 2, 4; 2020: 0.5, 0.3, 0.7 -> classes 2, 1, 3
    assert result.values["fills_2024"] == sorted(classes.colors[i] for i in (5, 2, 4))
    assert result.values["after_2020"] == sorted(classes.colors[i] for i in (2, 1, 3))
    n_before, clip = result.values["compare"]
    assert n_before == 1 and clip.startswith("rect(")
    assert result.values["font_loaded"] is True
    popup = result.values["popup"]  # z2 = Peixian: 30 % in 2020, 60 % in 2024
    assert "沛县" in popup and "Peixian" in popup and "30.0 %" in popup and "60.0 %" in popup
    assert result.screenshot is not None and result.screenshot.stat().st_size > 10_000
