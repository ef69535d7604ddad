"""Print maps: A4 layouts, furniture, classes, files (PNG 300 dpi, PDF, SVG) and errors."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import matplotlib
import numpy as np
import pytest
from matplotlib.text import Text
from PIL import Image

from geo_revival.exceptions import MissingCRSError, SchemaError
from geo_revival.mapping._classify import classify
from geo_revival.mapping._furniture import nice_length
from geo_revival.mapping.static import save_figure, static_map
from tests.unit import _mapping_data as md

matplotlib.use("Agg")


def _texts(fig) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(Text) if t.get_visible())


@pytest.mark.parametrize(
    ("layout", "size_mm"), [("landscape", (297, 210)), ("portrait", (210, 297))]
)
def test_a4_layouts(layout: str, size_mm: tuple[int, int]) -> None:
    fig = static_map(md.zones(), md.rates(), layout=layout)
    w, h = fig.get_size_inches() * 25.4
    assert (round(w), round(h)) == size_mm


def test_furniture_and_simulated_label() -> None:
    fig = static_map(md.zones(), md.rates(), landcover=md.landcover(), year=2024)
    text = _texts(fig)
    assert "2024" in text  # title names the year
    assert "模拟数据" in text and "simulated" in text.lower()
    assert "km" in text  # scale bar
    assert "N\n北" in text  # north arrow
    assert "°E" in text and "°N" in text  # graticule labels
    assert "1e6" not in text  # no offset text in metres next to degree ticks
    assert "Source" in text and "geo-revival" in text
    # legend classes: the plan's 75.2 % and 78 % are class edges
    assert "75.2–78" in text and "78–100" in text
    # land cover legend lists the classes present in 2024: no water (5) any more
    assert "耕地 Cropland" in text and "水体 Water" not in text


def test_not_simulated_says_nothing_about_simulation() -> None:
    fig = static_map(md.zones(), md.rates(), landcover=md.landcover(simulated=False))
    assert "simulated" not in _texts(fig).lower()


def test_simulated_results_are_labelled_without_landcover() -> None:
    # Restoration results from simulated land cover say so only in their provenance chain.
    rates = md.rates()
    rates.attrs["provenance"] = {
        "function": "restoration_rate", "upstream": {"function": "class_areas", "simulated": True}
    }
    text = _texts(static_map(md.zones(), rates))
    assert "模拟数据" in text and "simulated" in text.lower()


def test_zone_colours_follow_the_classes() -> None:
    fig = static_map(md.zones(), md.rates(), year=2020)
    classes = classify(md.rates()["restoration_rate"], "restoration_rate")
    # 2020 rates z1=0.5, z2=0.3, z3=0.7 fall in classes 50–70, 25–50, 70–75.2 (index 2, 1, 3);
    # zones are drawn largest first: z3 (0.15° x 0.1°), z2 (0.1° x 0.1°), z1 (0.1° x 0.08°).
    expected = [classes.colors[i] for i in (3, 1, 2)]
    ax = fig.axes[0]
    coll = next(c for c in ax.collections if len(c.get_paths()) == 3)
    got = [matplotlib.colors.to_hex(fc, keep_alpha=False) for fc in coll.get_facecolors()]
    assert got == expected


@pytest.mark.parametrize(
    ("span_m", "expected"), [(37_000, 5_000), (9_000, 1_000), (120_000, 20_000)]
)
def test_scale_bar_length(span_m: float, expected: float) -> None:
    assert nice_length(span_m) == expected


def test_save_png_pdf_svg(tmp_path) -> None:
    fig = static_map(md.zones(), md.rates(), layout="landscape")
    paths = save_figure(fig, tmp_path / "map", dpi=300)
    assert [p.suffix for p in paths] == [".png", ".pdf", ".svg"]
    with Image.open(paths[0]) as im:
        w, h = im.size  # A4 at 300 dpi is 3507.9 x 2480.3 px
        assert abs(w - 3508) <= 1 and abs(h - 2480) <= 1
        assert round(im.info["dpi"][0]) == 300
    assert paths[1].read_bytes().startswith(b"%PDF")
    assert ET.parse(paths[2]).getroot().tag.endswith("svg")


def test_errors() -> None:
    zones = md.zones()
    with pytest.raises(MissingCRSError, match="no coordinate reference system"):
        static_map(zones.set_crs(None, allow_override=True), md.rates())
    with pytest.raises(SchemaError, match="restoration_rate"):
        static_map(zones, md.rates().drop(columns="restoration_rate"))
    with pytest.raises(SchemaError, match="no rows for year 1999"):
        static_map(zones, md.rates(), year=1999)
    with pytest.raises(ValueError, match="landscape"):
        static_map(zones, md.rates(), layout="A3")  # type: ignore[arg-type]


def test_inputs_not_modified() -> None:
    zones, rates = md.zones(), md.rates()
    before_z, before_r = zones.copy(), rates.copy()
    static_map(zones, rates)
    assert zones.equals(before_z) and rates.equals(before_r)


def test_many_zones_are_numbered_with_a_key() -> None:
    import geopandas as gpd
    from shapely.geometry import box

    zones = gpd.GeoDataFrame(
        {
            "zone_id": [f"z{i}" for i in range(8)],
            "name_zh": [f"区块{i}" for i in range(8)],
            "name_en": [f"Zone {i}" for i in range(8)],
            "restoration_rate": np.linspace(0.1, 0.9, 8),
        },
        geometry=[box(117 + 0.05 * i, 34.2, 117.04 + 0.05 * i, 34.3) for i in range(8)],
        crs="EPSG:4326",
    )
    text = _texts(static_map(zones))
    assert "区块 Zones" in text
    for i in range(8):  # numbers follow the order of the zones table
        assert f"{i + 1} 区块{i} Zone {i}" in text
