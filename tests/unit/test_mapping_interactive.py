"""Offline interactive map: no CDN, zone figures per year, land cover in the legend's colours."""

from __future__ import annotations

import base64
import io
import json
import re

import numpy as np
import pytest
from PIL import Image

from geo_revival.exceptions import MissingCRSError, SchemaError
from geo_revival.landcover.legend import get_legend
from geo_revival.mapping._classify import RATE_BREAKS, classify
from geo_revival.mapping._raster import landcover_png
from geo_revival.mapping.interactive import format_value, progress_map, save_map
from tests.unit import _mapping_data as md


def _config(m) -> dict:
    html = m.get_root().render()
    raw = re.search(r"var cfg = (\{.*?\});\n", html, re.S).group(1)
    return json.loads(raw.replace("<\\/", "</"))


@pytest.fixture(scope="module")
def html_and_cfg(tmp_path_factory):
    m = progress_map(md.zones(), md.rates(), landcover=md.landcover())
    path = save_map(m, tmp_path_factory.mktemp("map") / "map.html")
    return path.read_text(encoding="utf-8"), _config(m)


def test_no_network_references(html_and_cfg) -> None:
    html, _ = html_and_cfg
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?:", html)
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html
    assert 'version="1.9.4"' in html  # Leaflet inlined from django-js-lib-leaflet
    assert "@font-face" in html  # CJK subset font for machines without Chinese fonts


def test_zone_colours_and_labels_per_year(html_and_cfg) -> None:
    _, cfg = html_and_cfg
    classes = classify(md.rates()["restoration_rate"], "restoration_rate")
    # The plan's 75.2 % (2024 actual) and 78 % (2027 target) are class edges.
    assert classes.edges == RATE_BREAKS == (0.0, 0.25, 0.5, 0.7, 0.752, 0.78, 1.0)
    feats = {f["properties"]["zone_id"]: f["properties"] for f in cfg["zones"]["features"]}
    assert set(feats) == {"z1", "z2", "z3"}
    # z1: 0.5 (class 50–70, index 2) in 2020; 0.8 (class 78–100, index 5) in 2024
    assert feats["z1"]["_fill"] == {"2020": classes.colors[2], "2024": classes.colors[5]}
    assert feats["z3"]["_label"] == {"2020": "70.0 %", "2024": "76.0 %"}
    assert cfg["year"] == 2024 and cfg["years"] == [2020, 2024]


def test_popup_is_bilingual_with_the_zone_figures(html_and_cfg) -> None:
    _, cfg = html_and_cfg
    popup = next(f for f in cfg["zones"]["features"] if f["properties"]["zone_id"] == "z2")[
        "properties"
    ]["_popup"]
    assert "沛县" in popup and "Peixian" in popup
    assert "治理和生态修复率" in popup and "restoration rate" in popup
    assert "30.0 %" in popup and "60.0 %" in popup  # both years
    assert "540.0 mu" in popup  # restored area 2024


def test_simulated_in_title(html_and_cfg) -> None:
    _, cfg = html_and_cfg
    assert "simulated" in cfg["title_html"] and "模拟数据" in cfg["title_html"]


def test_landcover_image_uses_legend_colours() -> None:
    lc = md.landcover()
    legend = get_legend("clcd")
    url, bounds, present = landcover_png(lc.sel(year=2024), legend, max_size=200)
    img = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGBA")
    assert max(img.size) <= 201
    colours = {tuple(c[1]) for c in img.getcolors(maxcolors=1000)}
    expected = {legend[c].rgba for c in present} | {(0, 0, 0, 0)}
    assert colours == expected
    # Every CLCD code but water (became grassland in 2024) and nodata (0) is in the fixture.
    assert list(present) == [1, 2, 3, 4, 6, 7, 8, 9]
    # The image covers the raster's footprint (lat/lon bounds of the 15 km x 12 km grid).
    (s, w), (n, e) = bounds
    w0, s0, e0, n0 = lc.rio.transform_bounds("EPSG:4326")
    assert np.allclose([s, w, n, e], [s0, w0, n0, e0], atol=0.01)
    # The nodata block (top-left) is transparent.
    assert img.getpixel((1, 1))[3] == 0


@pytest.mark.parametrize(
    ("value", "column", "text"),
    [
        (0.7523, "restoration_rate", "75.2 %"),
        (42784.0, "treated_area_mu", "42,784.0 mu"),
        (float("nan"), "restoration_rate", "–"),
        (2024, "year", "2024"),
        ("water", "planned_use", "water"),
    ],
)
def test_format_value(value, column: str, text: str) -> None:
    assert format_value(value, column) == text


def test_area_choropleth_uses_quantile_classes() -> None:
    m = progress_map(md.zones(), md.rates(), value="restored_area_mu")
    cfg = _config(m)
    assert cfg["classes"][0]["label"].startswith("270")
    assert "（亩）" in cfg["text"]["value"] and "(mu)" in cfg["text"]["value"]


def test_errors() -> None:
    zones = md.zones()
    with pytest.raises(MissingCRSError):
        progress_map(zones.set_crs(None, allow_override=True), md.rates())
    with pytest.raises(SchemaError, match="restoration_rate"):
        progress_map(zones, md.rates().drop(columns="restoration_rate"))
    bad = md.rates().assign(zone_id=["z1", "z2", "zz"] * 2)
    with pytest.raises(SchemaError, match="zz"):
        progress_map(zones, bad)
    with pytest.raises(ValueError, match="1999"):
        progress_map(zones, md.rates(), year=1999)


def test_html_escapes_names() -> None:
    zones = md.zones()
    zones.loc[0, "name_en"] = "<script>alert(1)</script>"
    html = progress_map(zones, md.rates()).get_root().render()
    assert "<script>alert(1)" not in html


def test_popup_translates_codes() -> None:
    m = progress_map(md.zones(), md.rates())
    popup = next(
        f for f in _config(m)["zones"]["features"] if f["properties"]["zone_id"] == "z1"
    )["properties"]["_popup"]
    assert "宜水 water" in popup  # planned use of z1
    assert "重点采煤沉陷区 key coal-mining subsidence area" in popup


@pytest.mark.parametrize("simulated", [True, False])
def test_simulated_label_from_the_results_provenance(simulated: bool) -> None:
    # Restoration results carry the land cover's flag up their provenance chain.
    rates = md.rates()
    if simulated:
        rates.attrs["provenance"] = {"function": "restoration_rate",
                                     "upstream": {"function": "class_areas", "simulated": True}}
    html = progress_map(md.zones(), rates).get_root().render()
    assert ("模拟数据" in html) is simulated
