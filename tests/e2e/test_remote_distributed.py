"""The cluster recipe of docs/cluster.md on this machine: land cover read over HTTP by the
worker processes of a LocalCluster gives the tables of the local run on the same files.

The files are served by the loopback HTTP server (127.0.0.1) in the test process; the workers
are separate processes that open the URLs themselves, so the GDAL settings must be made where
the blocks are read. The land cover is SIMULATED (random CLCD codes).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from affine import Affine
from shapely.geometry import box

from geo_revival.exceptions import CoverageWarning
from geo_revival.landcover import open_landcover
from geo_revival.overlay import class_areas
from geo_revival.restoration import restoration_series
from tests import fetch_fixtures
from tests.cluster_fixtures import local_client
from tests.fetch_fixtures import write_tif

server = fetch_fixtures.server  # fixture

pytestmark = [
    pytest.mark.slow,  # a cluster of worker processes takes a few seconds to start
    pytest.mark.filterwarnings("ignore::geo_revival.exceptions.CoverageWarning"),
]

YEARS = range(2015, 2021)
CRS = "EPSG:4548"
X0, Y0, PIXEL, SIZE = 500_000, 3_800_000, 30, 96


@pytest.fixture(scope="module")
def client():
    with local_client(1) as c:
        yield c


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    # Cropland 1 and water 5 (restored / damaged on planned cropland), forest 2, barren 7.
    rng = np.random.default_rng(5)
    codes = rng.choice(np.array([1, 2, 5, 7], np.uint8), size=(SIZE, SIZE))
    paths = []
    for year in YEARS:
        flip = rng.random((SIZE, SIZE)) < 0.2
        codes = np.where(flip, rng.choice(np.array([1, 2, 5, 7], np.uint8), (SIZE, SIZE)), codes)
        transform = Affine(PIXEL, 0, X0, 0, -PIXEL, Y0)
        paths.append(write_tif(tmp_path / f"simulated_clcd_{year}.tif", codes, transform, CRS))
    return paths


ZONES = gpd.GeoDataFrame(
    {"zone_id": ["a", "b"], "planned_use": ["cropland", "water"]},
    geometry=[
        box(X0, Y0 - SIZE * PIXEL, X0 + 40 * PIXEL, Y0),  # columns 0-39
        box(X0 + 40 * PIXEL, Y0 - 60 * PIXEL, X0 + SIZE * PIXEL, Y0),  # columns 40-95, rows 0-59
    ],
    crs=CRS,
)


def _urls(server, files: list[Path]) -> list[str]:
    for path in files:
        server.routes[f"/lc/{path.name}"] = path
    return [f"{server.url}/lc/{path.name}" for path in files]


def test_class_areas_and_restoration_series_on_urls_with_client(client, server, files):
    urls = _urls(server, files)
    remote = open_landcover(urls, legend="clcd", chunks=32, code_check="lazy")
    local = open_landcover([str(p) for p in files], legend="clcd", chunks=32)
    server.log.clear()  # from here on, every request comes from the worker process

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        got = class_areas(ZONES, remote, client=client)
        expected = class_areas(ZONES, local)
    pd.testing.assert_frame_equal(got, expected)
    # By hand: zone a holds 40 x 96 pixels, zone b 56 x 60, every year (no nodata).
    per_zone = got.groupby(["zone_id", "year"]).pixels.sum()
    assert set(per_zone.loc["a"]) == {40 * 96} and set(per_zone.loc["b"]) == {56 * 60}
    assert server.log.count("/lc/") > 0  # the worker read the URLs ...
    # ... and never listed their "folder": the GDAL settings were made in the worker.
    assert {p for _, p, _, _ in server.log.requests} <= {f"/lc/{p.name}" for p in files}

    series = restoration_series(ZONES, remote, client=client)
    reference = restoration_series(ZONES, local)
    for name in ("units", "class_areas", "transitions", "status", "flows", "trajectories",
                 "reclaimed_by_year"):  # fmt: skip
        pd.testing.assert_frame_equal(getattr(series, name), getattr(reference, name))
    assert series.reclaimed_by_year.pixels.sum() > 0  # something was reclaimed to compare
    assert series.class_areas.attrs["provenance"]["landcover_source"] == urls
