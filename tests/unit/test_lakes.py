"""Bundled lakes (Natural Earth, public domain): loaded, drawn, named, credited only in view."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from matplotlib.text import Text

from geo_revival import load_lakes, static_map


def _credit(fig) -> str:  # type: ignore[no-untyped-def]
    return next(t.get_text() for t in fig.findobj(Text) if "Source" in t.get_text())


def test_lakes_are_named_polygons_in_lon_lat() -> None:
    lakes = load_lakes()
    assert lakes.crs.to_epsg() == 4326
    assert {"洪泽湖", "太湖", "骆马湖", "微山湖"} <= set(lakes["name_zh"])
    assert lakes.geometry.is_valid.all() and lakes["name_en"].is_unique
    # Lake Tai's centre (about 120.2 E, 31.2 N, a well-known position) lies inside its outline.
    tai = lakes.loc[lakes["name_en"] == "Lake Tai", "geometry"].item()
    assert tai.contains(shapely.Point(120.2, 31.2))


@pytest.mark.parametrize(
    ("x0", "y0", "drawn"),
    # two zones either side of Weishan Lake (117.12-117.34 E, 34.47-34.76 N); Guangzhou: none
    [(116.95, 34.35, True),
     (113.0, 23.0, False)],
)
def test_lakes_drawn_named_and_credited_only_in_view(x0: float, y0: float, drawn: bool) -> None:
    zones = gpd.GeoDataFrame(
        {"zone_id": ["a", "b"], "name_zh": ["甲", "乙"], "restoration_rate": [0.5, 0.6]},
        geometry=[shapely.box(x0, y0, x0 + 0.1, y0 + 0.1),
                  shapely.box(x0 + 0.45, y0 + 0.45, x0 + 0.55, y0 + 0.55)],
        crs=4326,
    )
    fig = static_map(zones, lakes=load_lakes(), simulated=False)
    texts = [t.get_text() for t in fig.findobj(Text)]
    assert ("Natural Earth" in _credit(fig)) is drawn
    assert any("Weishan Lake" in t for t in texts) is drawn
