"""Issue 12's done-when, tried as a new user would, on a real WorldCover 2021 window.

``gr.class_areas("zones.gpkg", rioxarray.open_rasterio("worldcover_2021.tif"),
legend="esa_worldcover_v200", years=[2021])`` must work and agree with the
``open_landcover`` path and with an independent count (rasterio rasterize + numpy).

The raster is a 600 x 600 pixel window (6.60-6.65 E, 0.30-0.35 N, São Tomé) cut from the shared
tile ``ESA_WorldCover_10m_2021_v200_N00E006_Map.tif`` into a temporary GeoTIFF.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import rasterio.features
import rioxarray
from rasterio.windows import from_bounds
from shapely.geometry import Polygon, box

import geo_revival as gr

TILE = "esa-worldcover-n00e006/ESA_WorldCover_10m_2021_v200_N00E006_Map.tif"
WINDOW = (6.60, 0.30, 6.65, 0.35)
LEGEND = "esa_worldcover_v200"


@pytest.fixture(scope="module")
def files(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("ecosystem")
    tif = folder / "worldcover_2021.tif"
    with rasterio.open(shared_data / TILE) as src:
        window = from_bounds(*WINDOW, src.transform)
        data = src.read(1, window=window)
        profile = {**src.profile, "width": data.shape[1], "height": data.shape[0],
                   "transform": src.window_transform(window), "blockxsize": 256,
                   "blockysize": 256}
    with rasterio.open(tif, "w", **profile) as dst:
        dst.write(data, 1)
    zones = gpd.GeoDataFrame(
        {"zone_id": ["square", "triangle"], "category": ["general_subsidence"] * 2},
        geometry=[
            box(6.605, 0.305, 6.625, 0.325),
            Polygon([(6.62, 0.31), (6.648, 0.31), (6.63, 0.348)]),
        ],
        crs="EPSG:4326",
    )
    path = folder / "zones.gpkg"
    zones.to_file(path)
    return path, tif


def _independent_counts(zones: Path, tif: Path) -> dict[tuple[str, int], int]:
    """Pixel-centre counts per zone and class: GDAL rasterize + numpy, no geo-revival."""
    out = {}
    layer = gpd.read_file(zones)
    with rasterio.open(tif) as src:
        data = src.read(1)
        for zone_id, geom in zip(layer["zone_id"], layer.geometry, strict=True):
            mask = rasterio.features.geometry_mask(
                [geom], out_shape=data.shape, transform=src.transform, invert=True
            )
            codes, counts = np.unique(data[mask], return_counts=True)
            out.update({(zone_id, int(c)): int(n) for c, n in zip(codes, counts, strict=True)
                        if c != 0})
    return out


def test_class_areas_from_paths_and_open_rasterio(files: tuple[Path, Path]) -> None:
    zones, tif = files
    got = gr.class_areas(
        str(zones), rioxarray.open_rasterio(tif), legend=LEGEND, years=[2021]
    )
    counts = {(z, c): n for z, c, n in zip(got.zone_id, got.class_code, got.pixels, strict=True)}
    assert counts == _independent_counts(zones, tif)
    assert set(got["year"]) == {2021}
    assert len(counts) >= 4  # the window holds several classes, not a trivial one

    # The open_landcover path gives the same table (areas included).
    expected = gr.class_areas(
        gr.load_zones(zones), gr.open_landcover(tif, legend=LEGEND, years=[2021])
    )
    columns = ["zone_id", "year", "class_code", "class_name", "pixels"]
    assert got[columns].equals(expected[columns])
    np.testing.assert_allclose(got["area_m2"], expected["area_m2"], rtol=1e-12)


def test_same_through_the_accessor_and_dask_chunks(files: tuple[Path, Path]) -> None:
    import geo_revival.accessor  # noqa: F401  (registers da.gr)

    zones, tif = files
    da = rioxarray.open_rasterio(tif, chunks={"x": 256, "y": 256})
    got = da.gr.class_areas(str(zones), legend=LEGEND, years=[2021])
    counts = {(z, c): n for z, c, n in zip(got.zone_id, got.class_code, got.pixels, strict=True)}
    assert counts == _independent_counts(zones, tif)


def test_same_through_the_command_line(files: tuple[Path, Path], tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from geo_revival.cli import app

    zones, tif = files
    out = tmp_path / "areas.csv"
    result = CliRunner().invoke(app, [
        "class-areas", str(zones), str(tif), "--legend", LEGEND, "-o", str(out),
        "--header", "names",
    ])
    assert result.exit_code == 0, result.output
    import pandas as pd

    got = pd.read_csv(out, encoding="utf-8-sig")
    assert set(got["year"]) == {2021}  # from the file name
    counts = {(z, c): n for z, c, n in zip(got.zone_id, got.class_code, got.pixels, strict=True)}
    assert counts == _independent_counts(zones, tif)
