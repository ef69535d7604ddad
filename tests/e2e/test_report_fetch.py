"""`geo-revival report --landcover esa_worldcover --zones FILE`: the report fetches its land
cover (from a loopback server laid out like the WorldCover bucket) and credits the product."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
from affine import Affine
from shapely.geometry import box
from typer.testing import CliRunner

from tests import fetch_fixtures
from tests.fetch_fixtures import write_tif

server = fetch_fixtures.server  # fixture

# Stand-ins for tile N33E117 (Xuzhou) in 2020 and 2021: 400 x 400 px of 0.0005° from
# 117.1 E, 34.4 N, random WorldCover classes. The real tiles are not in ../shared/data.
CODES = np.array([10, 30, 40, 50, 60, 80], "uint8")


@pytest.mark.slow
def test_report_fetches_landcover_and_credits_the_product(server, tmp_path):
    from geo_revival.cli import app

    rng = np.random.default_rng(13)
    for year, version in ((2020, "v100"), (2021, "v200")):
        arr = CODES[rng.integers(0, len(CODES), (400, 400))]
        path = write_tif(tmp_path / f"{year}.tif", arr,
                         Affine(0.0005, 0, 117.1, 0, -0.0005, 34.4), "EPSG:4326")  # fmt: skip
        name = f"ESA_WorldCover_10m_{year}_{version}_N33E117_Map.tif"
        server.routes[f"/{version}/{year}/map/{name}"] = path
    zones = gpd.GeoDataFrame(
        {"zone_id": ["Z1", "Z2"], "name_zh": ["甲", "乙"], "name_en": ["A", "B"],
         "category": ["key_subsidence", "general_subsidence"],
         "planned_use": ["forest", "cropland"]},
        geometry=[box(117.12, 34.25, 117.15, 34.28), box(117.16, 34.30, 117.19, 34.33)],
        crs="EPSG:4326",
    )  # fmt: skip
    zones.to_file(tmp_path / "zones.gpkg")
    out = tmp_path / "report"
    with pytest.warns(Warning):  # 2020 (v100) and 2021 (v200): ProductVersionWarning
        result = CliRunner().invoke(app, [
            "report", "--zones", str(tmp_path / "zones.gpkg"), "--landcover", "esa_worldcover",
            "--years", "2020,2021", "--base-url", server.url, "--cache-dir", str(tmp_path / "c"),
            "--out", str(out), "--quiet",
        ])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert server.log.count() > 0
    prov = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    assert prov["simulated"] is False
    assert "10.5281/zenodo.7254221" in prov["sources"]["credit 引用"]
    assert server.url + "/v200/2021/map/" in prov["sources"]["land cover 土地覆盖"]
    cached = [p for p in prov["inputs"] if "/c/esa_worldcover/" in p]
    assert len(cached) == 2  # the fetched windows, with their SHA-256
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Zanaga" in index and "SIMULATED" not in index
    assert "ESA WorldCover project 2021" in (out / "progress_map.html").read_text(encoding="utf-8")
    assert "ESA WorldCover project 2021" in (out / "figures" / "map_landscape.svg").read_text(
        encoding="utf-8"
    )  # the print map's credit line
    assert not list(out.rglob("*simulated*"))
