"""Golden tests on the real MODIS MCD12C1 2019 file (IGBP, 0.05 deg, global).

Expected values: ``shared/data/modis-mcd12c1-2019/SOURCE.md``. The file declares a Clarke-1866
"unknown" datum (a MODIS CMG quirk); SOURCE.md says to treat it as WGS84 lon/lat, which we do
by passing ``crs="EPSG:4326"`` (open_landcover's ``crs=`` replaces a declared CRS).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from pyproj import Geod
from shapely.geometry import box

from geo_revival.landcover import check_codes, open_landcover, pixel_area, read_zone_windows
from geo_revival.landcover.legend import get_legend
from tests.geodesy_reference import gauss_legendre_cell

NAME = "MCD12C1.A2019001.006.2020220162300.tif"
# SOURCE.md: window 116.35-118.70 E, 33.70-35.00 N (Xuzhou prefecture bbox) = 26 x 47 px.
XUZHOU = box(116.35, 33.70, 118.70, 35.00)
XUZHOU_COUNTS = {12: 1072, 13: 98, 0: 24, 11: 14, 9: 8, 14: 4, 10: 2}


@pytest.fixture(scope="module")
def modis(shared_data: Path) -> xr.DataArray:
    return open_landcover(shared_data / "modis-mcd12c1-2019" / NAME, legend="modis_igbp_c1",
                          crs="EPSG:4326")  # fmt: skip


@pytest.fixture(scope="module")
def xuzhou(modis: xr.DataArray) -> xr.DataArray:
    ((_, window),) = list(read_zone_windows([XUZHOU], modis, crs="EPSG:4326"))
    return window


def test_opened_as_wgs84_series(modis: xr.DataArray) -> None:
    assert modis.sizes == {"year": 1, "y": 3600, "x": 7200}
    assert modis["year"].values.tolist() == [2019]  # from "A2019001" in the file name
    assert modis.attrs["version"] == ["006"]  # collection 6
    assert modis.rio.crs == "EPSG:4326"
    assert modis.rio.nodata == 255


def test_declared_datum_is_kept_without_crs(shared_data: Path) -> None:
    da = open_landcover(shared_data / "modis-mcd12c1-2019" / NAME, legend="modis_igbp_c1")
    assert "Clarke 1866" in da.rio.crs.to_wkt()


def test_all_igbp_codes_occur(modis: xr.DataArray) -> None:
    # SOURCE.md: "All 17 values occur in the file" (and no 255 fill: the grid is global).
    assert check_codes(modis) == ()
    assert set(np.unique(modis.values).tolist()) == set(range(17))


def test_xuzhou_window_counts(xuzhou: xr.DataArray) -> None:
    assert xuzhou.shape == (1, 26, 47)
    codes, counts = np.unique(xuzhou.values, return_counts=True)
    assert dict(zip(codes.tolist(), counts.tolist(), strict=True)) == XUZHOU_COUNTS
    legend = get_legend("modis_igbp_c1")
    names = {legend.class_name(c) for c in XUZHOU_COUNTS}
    assert names == {"Croplands", "Urban and built-up lands", "Water bodies",
                     "Permanent wetlands", "Savannas", "Cropland/natural vegetation mosaics",
                     "Grasslands"}  # fmt: skip
    assert legend.class_name(12, lang="zh") == "农田"
    assert legend.generic(13) == "built_up"


def test_xuzhou_pixel_areas_depend_on_latitude(xuzhou: xr.DataArray) -> None:
    area = pixel_area(xuzhou)
    assert area.dims == ("y",) and area.sizes["y"] == 26
    assert float(area[0]) == pytest.approx(gauss_legendre_cell(34.95, 35.00, 0.05), rel=1e-9)
    assert float(area[-1]) == pytest.approx(gauss_legendre_cell(33.70, 33.75, 0.05), rel=1e-9)
    assert np.all(np.diff(area.values) > 0)  # larger towards the equator
    # ~25.4 km2 per pixel here (SOURCE.md: "one pixel ~ 30 km2" is a round figure).
    assert 25.0e6 < float(area.mean()) < 25.8e6
    # The whole window equals the geodesic area of the box (parallels densified).
    n = 4001
    lons = np.r_[np.linspace(116.35, 118.70, n), np.linspace(118.70, 116.35, n)]
    lats = np.r_[np.full(n, 33.70), np.full(n, 35.00)]
    geod_area = abs(Geod(ellps="WGS84").polygon_area_perimeter(lons, lats)[0])
    total = float((area * xr.ones_like(xuzhou.isel(year=0), dtype=float)).sum())
    assert total == pytest.approx(geod_area, rel=1e-6)


def test_cropland_area_in_xuzhou_window(xuzhou: xr.DataArray) -> None:
    area = pixel_area(xuzhou)
    crop = float(area.where(xuzhou.isel(year=0) == 12).sum())
    # 1072 cropland pixels of ~25.4 km2 each: between the smallest and largest row area.
    assert 1072 * float(area.min()) < crop < 1072 * float(area.max())


def test_clarke_datum_changes_areas_only_slightly(shared_data: Path, xuzhou: xr.DataArray) -> None:
    declared = open_landcover(shared_data / "modis-mcd12c1-2019" / NAME, legend="modis_igbp_c1")
    ((_, window),) = list(read_zone_windows([XUZHOU], declared, crs="EPSG:4326"))
    ratio = pixel_area(window).values / pixel_area(xuzhou).values
    assert np.all(np.abs(ratio - 1) < 1e-3) and np.all(ratio != 1)
