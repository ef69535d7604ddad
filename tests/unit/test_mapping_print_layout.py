"""Print-map layout checks measured on the rendered page (display coordinates, pixels).

- no zone-label box overlaps a zone polygon other than the part it names (when it lies inside
  it) or a zone containing that part (a whole-district zone), on the demo zones;
- every part of a multi-part zone carries its own label (``8a``, ``8b`` …);
- no ink closer than 5 mm to any paper edge, on the demo map and on a 21-class CORINE map;
- legends and key stay inside the page and do not overlap each other or the map.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401
import shapely
import xarray as xr
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.legend import Legend as MplLegend
from matplotlib.text import Text
from PIL import Image
from shapely.geometry import Polygon, box

from geo_revival.mapping.static import static_map

LABEL = re.compile(r"^(\d+)([a-z]*)$")
MAP_CRS = "EPSG:4548"


@pytest.fixture(scope="module")
def demo() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, pd.DataFrame]:
    from geo_revival.demo import load_xuzhou

    d = load_xuzhou()
    rates = pd.DataFrame(
        {
            "zone_id": d.zones["zone_id"],
            "year": 2025,
            "restoration_rate": np.linspace(0.1, 0.95, len(d.zones)),
        }
    )
    return d.zones, d.districts, rates


def _parts(zones: gpd.GeoDataFrame) -> dict[str, Polygon]:
    """Label -> part polygon, numbered independently of the code under test."""
    out = {}
    for i, geom in enumerate(zones.to_crs(MAP_CRS).geometry, start=1):
        parts = sorted(getattr(geom, "geoms", [geom]), key=lambda g: -g.area)
        for k, part in enumerate(parts):
            out[str(i) if len(parts) == 1 else f"{i}{'abcdefghijklmnopqrstuvwxyz'[k]}"] = part
    return out


def _label_boxes(fig) -> dict[str, shapely.Polygon]:
    renderer = FigureCanvasAgg(fig).get_renderer()
    ax = fig.axes[0]
    boxes = {}
    for t in ax.texts:
        m = LABEL.match(t.get_text())
        if m and t.get_bbox_patch() is not None:
            b = t.get_bbox_patch().get_window_extent(renderer)
            boxes[t.get_text()] = box(b.x0, b.y0, b.x1, b.y1)
    return boxes


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["landscape", "portrait"])
def test_demo_labels_hide_no_zone(demo, layout: str) -> None:
    zones, districts, rates = demo
    fig = static_map(zones, rates, districts=districts, layout=layout, crs=MAP_CRS)
    ax = fig.axes[0]
    parts = _parts(zones)
    boxes = _label_boxes(fig)
    assert set(boxes) == set(parts), "every zone part has exactly one label"
    assert len(parts) == 31  # 11 zones, 3+4+5+2+1+1+1+11+1+1+1 parts
    display = {k: shapely.transform(p, ax.transData.transform) for k, p in parts.items()}
    for name, b in boxes.items():
        own = display[name]
        for other, poly in display.items():
            if not b.intersects(poly) or b.touches(poly):
                continue
            if other == name:
                assert own.contains(b), f"label {name} straddles the edge of its own zone"
            else:
                assert poly.contains(own), f"label {name} covers part of zone {other}"
    # and boxes do not overlap each other
    names = list(boxes)
    for i, a in enumerate(names):
        for c in names[i + 1 :]:
            assert boxes[a].intersection(boxes[c]).area < 1.0, (a, c)


def _ink_margins_mm(path, dpi: int) -> tuple[float, float, float, float]:
    im = np.asarray(Image.open(path).convert("L"))
    ink = np.argwhere(im < 250)
    (top, left), (bottom, right) = ink.min(0), ink.max(0)
    h, w = im.shape
    mm = 25.4 / dpi
    return left * mm, (w - 1 - right) * mm, top * mm, (h - 1 - bottom) * mm


def corine_case() -> tuple[gpd.GeoDataFrame, xr.DataArray]:
    """SIMULATED: a municipality-like zone in Swiss LV95 (EPSG:2056) and 21 CORINE classes."""
    ang = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    r = 4000 + 900 * np.sin(3 * ang)
    zone = Polygon(
        np.column_stack([2_600_000 + r * np.cos(ang), 1_200_000 + 0.8 * r * np.sin(ang)])
    )
    zones = gpd.GeoDataFrame(
        {"zone_id": ["m"], "name_en": ["Simulated municipality"], "category": ["other"]},
        geometry=[zone],
        crs="EPSG:2056",
    )
    codes = (np.arange(16 * 14) % 21 + 1).reshape(14, 16).repeat(4, 0).repeat(4, 1)
    da = xr.DataArray(
        np.stack([codes, codes]).astype("uint8"),
        dims=("year", "y", "x"),
        coords={
            "year": [2006, 2012],
            "y": 1_207_000 - 250 * np.arange(56) - 125,
            "x": 2_592_000 + 250 * np.arange(64) + 125,
        },
        attrs={"legend": "corine_grid", "simulated": True},
    )
    return zones, da.rio.write_crs("EPSG:2056").rio.write_nodata(48)


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["landscape", "portrait"])
@pytest.mark.parametrize("case", ["demo", "corine"])
def test_ink_stays_5mm_from_every_edge(demo, tmp_path, layout: str, case: str) -> None:
    if case == "demo":
        zones, districts, rates = demo
        # the report's title when a reference sample is given: long, it must wrap
        title = (
            "采煤沉陷区治理和生态修复率 Restoration rate · 2025 — 全部沉陷区 all subsidence "
            "zones: 校正 adjusted 75.3 % (95 % CI 74.5–76.2 %), 制图 map 74.3 %; zone colours: "
            "map counts"
        )
        fig = static_map(
            zones, rates, districts=districts, layout=layout, crs=MAP_CRS, title=title
        )
    else:
        zones, lc = corine_case()
        fig = static_map(zones.assign(restoration_rate=0.5), landcover=lc, layout=layout)
    dpi = 100
    fig.savefig(tmp_path / "m.png", dpi=dpi)
    margins = _ink_margins_mm(tmp_path / "m.png", dpi)
    assert min(margins) >= 5.0, f"ink margins left/right/top/bottom (mm): {margins}"
    # The legends fit the page: none leaves it or runs into the map.
    renderer = FigureCanvasAgg(fig).get_renderer()
    page = fig.bbox
    map_box = fig.axes[0].get_window_extent(renderer)
    legends = [a for a in fig.legends if isinstance(a, MplLegend)]
    assert legends
    boxes = [leg.get_window_extent(renderer) for leg in legends]
    for b in boxes:
        assert page.x0 < b.x0 and b.x1 < page.x1 and page.y0 < b.y0 and b.y1 < page.y1
        assert not b.overlaps(map_box)
    for i, a in enumerate(boxes):
        for c in boxes[i + 1 :]:
            assert not a.overlaps(c)


def test_corine_legend_lists_21_classes_uncut() -> None:
    zones, lc = corine_case()
    fig = static_map(zones.assign(restoration_rate=0.5), landcover=lc)
    lc_legend = next(leg for leg in fig.legends if "Land cover" in leg.get_title().get_text())
    texts = [t.get_text().replace("\n", " ") for t in lc_legend.get_texts()]
    assert len(texts) == 21
    # wrapped, never cut: each label holds its class's whole English name
    from geo_revival.landcover.legend import get_legend

    leg = get_legend("corine_grid")
    for code, text in zip(range(1, 22), texts, strict=True):
        assert leg.class_name(code) in text.replace("- ", "-")


def test_credit_names_only_what_is_drawn() -> None:
    zones, lc = corine_case()
    fig = static_map(zones.assign(restoration_rate=0.5), landcover=lc)
    credit = next(t.get_text() for t in fig.findobj(Text) if "Source" in t.get_text())
    assert "cnmaps" not in credit and "Boundaries" not in credit  # no districts drawn
    assert "CORINE" in credit and "CH1903+ / LV95" in credit
    lc.attrs["citation"] = "EEA (2020) CLC2012 v2020_20u1"
    credit = next(
        t.get_text()
        for t in static_map(zones.assign(restoration_rate=0.5), landcover=lc).findobj(Text)
        if "Source" in t.get_text()
    )
    assert "EEA (2020) CLC2012 v2020_20u1" in credit.replace("\n", " ")
