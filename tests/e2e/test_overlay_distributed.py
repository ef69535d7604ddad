"""The overlay on a real dask.distributed LocalCluster (worker processes) gives the same numbers."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import box

from geo_revival.exceptions import CoverageWarning, ProductVersionWarning
from geo_revival.landcover.io import open_landcover
from geo_revival.overlay import class_areas, transitions
from tests.cluster_fixtures import local_client

# The 3x3 fixture of tests/unit/test_overlay.py, as files (10 m pixels, nodata 0).
YEARS = {
    2020: [[1, 1, 2], [1, 5, 2], [0, 5, 5]],
    2021: [[1, 8, 2], [1, 5, 5], [5, 5, 0]],
}


@pytest.fixture(scope="module")
def client():
    with local_client(2) as c:
        yield c


@pytest.fixture
def simulated_files(tmp_path: Path) -> list[Path]:
    paths = []
    for year, values in YEARS.items():
        path = tmp_path / f"simulated_clcd_{year}.tif"
        with rasterio.open(
            path, "w", driver="GTiff", width=3, height=3, count=1, dtype="uint8", nodata=0,
            crs="EPSG:4548", transform=from_origin(0, 30, 10, 10),
        ) as dst:
            dst.write(np.asarray(values, dtype=np.uint8), 1)
        paths.append(path)
    return paths


def test_hand_fixture_on_cluster(client, simulated_files):
    lc = open_landcover(simulated_files, legend="clcd", years=list(YEARS), chunks=2)
    zones = gpd.GeoDataFrame(
        {"zone_id": ["all", "top_left"]},
        geometry=[box(0, 0, 30, 30), box(0, 10, 20, 30)],
        crs="EPSG:4548",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        got = transitions(zones, lc, client=client)
        local = transitions(zones, lc)
    pd.testing.assert_frame_equal(got, local)
    counts = {(r.zone_id, r.from_code, r.to_code): r.pixels for r in got.itertuples()}
    # Counted by hand (see tests/unit/test_overlay.py).
    assert counts == {
        ("all", 1, 1): 2, ("all", 1, 8): 1, ("all", 2, 2): 1, ("all", 2, 5): 1, ("all", 5, 5): 2,
        ("top_left", 1, 1): 2, ("top_left", 1, 8): 1, ("top_left", 5, 5): 1,
    }


@pytest.mark.slow
def test_worldcover_island_on_cluster(client, shared_data):
    folder = shared_data / "esa-worldcover-n00e006"
    paths = sorted(folder.glob("ESA_WorldCover_10m_202*_Map.tif"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProductVersionWarning)
        lc = open_landcover(paths, legend="esa_worldcover", chunks=2048)
    # A box around São Tomé island (its coast and the ocean around it).
    zones = gpd.GeoDataFrame(
        {"zone_id": ["sao_tome_box"]}, geometry=[box(6.44, 0.0, 6.78, 0.42)], crs="EPSG:4326"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        on_cluster = class_areas(zones, lc, client=client, coverage="exact")
        local = class_areas(zones, lc, coverage="exact")
    pd.testing.assert_frame_equal(on_cluster, local)
    assert on_cluster.pixels.sum() > 9e6  # ~850 km² of land at ~85 m² per pixel
