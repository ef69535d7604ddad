"""Golden overlay tests on the real ESA WorldCover tile N00E006, 2020 (v100) -> 2021 (v200).

Reference values are the per-class pixel counts in ``shared/data/esa-worldcover-n00e006/SOURCE.md``
(counted over the full tiles, independently of this package).

The São Tomé island polygon is made here, deterministically, from the 2020 map: the land pixels
(any class except 80 permanent water; 0 = ocean/no data) of the window 6.4-6.85 E, 0-0.5 N are
read at 1/8 resolution (about 75 m), vectorised with :func:`rasterio.features.shapes`, the largest
polygon (the island, not the islets) is kept, buffered by 0.005 deg (about 550 m) to take in the
coast and simplified. Its counts are checked against an independent computation (GDAL rasterize
of the same polygon on the same window + numpy counts), and island + rest of tile against
SOURCE.md.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import rasterio.features
from rasterio.enums import Resampling
from rasterio.windows import Window, from_bounds
from shapely.geometry import box, shape

from geo_revival.exceptions import CoverageWarning, ProductVersionWarning
from geo_revival.landcover.io import open_landcover
from geo_revival.overlay import class_areas, transitions
from geo_revival.overlay._engine import COVERAGE_TOLERANCE

# SOURCE.md, "Pixel counts 2020 -> 2021".
SOURCE_COUNTS = {
    10: (10_800_572, 10_819_361),
    20: (3_004, 778),
    30: (391_758, 392_489),
    40: (7_462, 4_672),
    50: (131_868, 181_604),
    60: (205_654, 124_660),
    80: (153_118_102, 153_136_048),
    90: (10_120, 4_390),
    95: (99, 4_637),
}
TILE_PIXELS = 36_000 * 36_000
ISLAND_WINDOW = (6.4, 0.0, 6.85, 0.5)  # lon/lat bounds around São Tomé island


def _paths(shared_data: Path) -> list[Path]:
    folder = shared_data / "esa-worldcover-n00e006"
    return [
        folder / "ESA_WorldCover_10m_2020_v100_N00E006_Map.tif",
        folder / "ESA_WorldCover_10m_2021_v200_N00E006_Map.tif",
    ]


@pytest.fixture(scope="module")
def worldcover(shared_data: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProductVersionWarning)  # v100 vs v200: expected here
        return open_landcover(_paths(shared_data), legend="esa_worldcover", chunks=2048)


@pytest.fixture(scope="module")
def island(shared_data: Path) -> gpd.GeoDataFrame:
    with rasterio.open(_paths(shared_data)[0]) as src:
        window = from_bounds(*ISLAND_WINDOW, transform=src.transform)
        window = window.round_offsets().round_lengths()
        shape_out = (int(window.height) // 8, int(window.width) // 8)
        land = src.read(1, window=window, out_shape=shape_out, resampling=Resampling.nearest)
        transform = src.window_transform(window) @ rasterio.Affine.scale(
            window.width / shape_out[1], window.height / shape_out[0]
        )
    mask = (land != 0) & (land != 80)
    polygons = [
        shape(geom)
        for geom, value in rasterio.features.shapes(mask.astype(np.uint8), transform=transform)
        if value == 1
    ]
    outline = max(polygons, key=lambda g: g.area).buffer(0.005).simplify(0.001)
    return gpd.GeoDataFrame({"zone_id": ["sao_tome"]}, geometry=[outline], crs="EPSG:4326")


def _independent_counts(shared_data: Path, geom) -> dict[int, np.ndarray]:
    """Class counts per year and the 2020 x 2021 cross-table, straight from GDAL + numpy."""
    arrays = []
    for path in _paths(shared_data):
        with rasterio.open(path) as src:
            w = from_bounds(*geom.bounds, transform=src.transform)
            row0, col0 = int(np.floor(w.row_off)) - 1, int(np.floor(w.col_off)) - 1
            row1 = int(np.ceil(w.row_off + w.height)) + 1
            col1 = int(np.ceil(w.col_off + w.width)) + 1
            window = Window.from_slices((max(row0, 0), row1), (max(col0, 0), col1))
            arrays.append(src.read(1, window=window))
            transform = src.window_transform(window)
    inside = rasterio.features.rasterize(
        [(geom, 1)], out_shape=arrays[0].shape, transform=transform, all_touched=False
    ).astype(bool)
    a, b = (x[inside].astype(np.int64) for x in arrays)
    return {
        "2020": np.bincount(a, minlength=256),
        "2021": np.bincount(b, minlength=256),
        "pairs": np.bincount(a * 256 + b, minlength=256 * 256).reshape(256, 256),
    }


def test_island_polygon_is_sao_tome(island):
    lon0, lat0, lon1, lat1 = island.total_bounds
    area_km2 = island.to_crs("EPSG:32632").area.iloc[0] / 1e6
    # São Tomé island: about 6.46-6.76 E, 0.0-0.41 N, 850-860 km² of land (+ the coastal buffer).
    assert 6.4 < lon0 < 6.5 and 6.7 < lon1 < 6.8 and 0.0 <= lat0 < 0.05 and 0.38 < lat1 < 0.46
    assert 850 < area_km2 < 1000


def test_island_counts_match_independent_rasterize(shared_data, worldcover, island):
    expected = _independent_counts(shared_data, island.geometry.iloc[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)  # the coastal buffer holds ocean (0)
        areas = class_areas(island, worldcover)
        trans = transitions(island, worldcover)
    for year in (2020, 2021):
        got = areas[areas.year == year].set_index("class_code")["pixels"].to_dict()
        want = {c: int(n) for c, n in enumerate(expected[str(year)]) if n and c != 0}
        assert got == want
    got_pairs = {(r.from_code, r.to_code): r.pixels for r in trans.itertuples()}
    pairs = expected["pairs"]
    want_pairs = {
        (int(i), int(j)): int(pairs[i, j])
        for i, j in zip(*np.nonzero(pairs), strict=True)
        if i != 0 and j != 0
    }
    assert got_pairs == want_pairs
    names = areas.set_index("class_code")["class_name"].to_dict()
    assert names[10] == "Tree cover" and names[50] == "Built-up"


@pytest.mark.slow
def test_island_and_rest_of_tile_reproduce_source_counts(worldcover, island):
    # Two zones that partition the tile: together they must give SOURCE.md's full-tile counts.
    tile = box(6.0, 0.0, 9.0, 3.0)
    rest = tile.difference(island.geometry.iloc[0])
    zones = gpd.GeoDataFrame(
        {"zone_id": ["sao_tome", "rest_of_tile", "whole_tile"]},
        geometry=[island.geometry.iloc[0], rest, tile],
        crs="EPSG:4326",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)  # ocean pixels are nodata (0)
        areas = class_areas(zones, worldcover)
        trans = transitions(zones[zones.zone_id == "whole_tile"], worldcover)
    per_zone = areas.pivot_table(
        index=["year", "class_code"], columns="zone_id", values="pixels", aggfunc="sum"
    ).fillna(0)
    expected = pd.Series(
        {
            (year, code): n
            for code, counts in SOURCE_COUNTS.items()
            for year, n in zip((2020, 2021), counts, strict=True)
        }
    )
    whole = per_zone["whole_tile"].astype(np.int64)
    parts = (per_zone["sao_tome"] + per_zone["rest_of_tile"]).astype(np.int64)
    assert whole.to_dict() == expected.to_dict()
    assert parts.to_dict() == expected.to_dict()

    whole_trans = trans
    # Both years have the same valid pixels (SOURCE totals are equal), so every valid pixel
    # appears in the cross-table; SOURCE says 0.036 % of all pixels differ.
    assert whole_trans.pixels.sum() == sum(n for n, _ in SOURCE_COUNTS.values())
    changed = whole_trans.loc[whole_trans.from_code != whole_trans.to_code, "pixels"].sum()
    assert round(100 * changed / TILE_PIXELS, 3) == 0.036
    # Areas: the tile spans 0-3 N, so geodesic pixel areas are close to (9.27 m)^2.
    row = areas[(areas.zone_id == "whole_tile") & (areas.year == 2020) & (areas.class_code == 10)]
    assert row.area_m2.iloc[0] / row.pixels.iloc[0] == pytest.approx(85.5, rel=0.01)


@pytest.mark.slow
def test_island_exact_mode_matches_exactextract_on_the_files(shared_data, worldcover, island):
    # exactextract reads the tiles itself: frac x count sums coverage fractions per class,
    # and with coverage_weight=none counts the pixels the polygon touches.
    from exactextract import exact_extract

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        got = class_areas(island, worldcover, coverage="exact")
    ops = ["unique", "frac", "count"]
    for year, path in zip((2020, 2021), _paths(shared_data), strict=True):
        ref = exact_extract(str(path), island, ops, output="pandas").iloc[0]
        codes = [int(c) for c in ref["unique"]]
        fractions = {c: f * ref["count"] for c, f in zip(codes, ref["frac"], strict=True) if c}
        # Touched pixels: exactextract's per-cell fractions above the documented tolerance
        # (its count(coverage_weight=none) also counts the ~1e-13 crumbs that the raster-made
        # coastline, running along pixel boundaries, leaves on the pixels beyond it).
        cells = exact_extract(str(path), island, ["values", "coverage"], output="pandas")
        values = np.concatenate(list(cells["values"]))
        touched = np.concatenate(list(cells["coverage"])) > COVERAGE_TOLERANCE
        found, counts = np.unique(values[touched & (values != 0)], return_counts=True)
        pixels = dict(zip(found.tolist(), counts.tolist(), strict=True))
        table = got[got.year == year].set_index("class_code")
        assert set(table.index) == set(pixels)
        assert table["pixels"].to_dict() == pixels, year
        assert table["coverage_fraction"].to_dict() == pytest.approx(fractions, rel=1e-6)
        # Touched pixels include the coastline's partial ones: more than the fraction sum.
        assert (table["pixels"] >= table["coverage_fraction"]).all()
    # Geodesic pixel area near the equator at 1/12000 deg: about (9.27 m)^2.
    per_pixel = got["area_m2"].sum() / got["coverage_fraction"].sum()
    assert per_pixel == pytest.approx(85.9, rel=0.01)
