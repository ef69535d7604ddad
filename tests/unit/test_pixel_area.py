"""pixel_area: exact planar areas for projected grids, ellipsoidal areas for lon/lat grids."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr
from affine import Affine
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pyproj import Geod

from geo_revival.exceptions import AreaDistortionWarning, GridMismatchError, MissingCRSError
from geo_revival.landcover.io import pixel_area
from tests.geodesy_reference import gauss_legendre_cell

# WGS84 1 deg x 1 deg cells. Hand values: Gauss-Legendre (50 nodes) integral of the ellipsoid
# area element a^2 (1 - e^2) cos(phi) / (1 - e^2 sin^2 phi)^2 over the cell, times 1 deg in
# radians; pyproj.Geod on a densified polygon agrees to 1e-13.
EQUATOR_CELL_M2 = 12_308_463_893.9754
LAT34_CELL_M2 = 10_187_811_966.5998


def grid(transform: Affine, shape: tuple[int, int], crs: str | None) -> xr.DataArray:
    ny, nx = shape
    da = xr.DataArray(np.zeros(shape, "uint8"), dims=("y", "x"))
    da = da.rio.write_transform(transform)
    da = da.assign_coords(
        y=transform.f + (np.arange(ny) + 0.5) * transform.e,
        x=transform.c + (np.arange(nx) + 0.5) * transform.a,
    )
    return da.rio.write_crs(crs) if crs else da


@pytest.mark.parametrize(
    ("top", "expected"), [(1.0, EQUATOR_CELL_M2), (35.0, LAT34_CELL_M2)], ids=["equator", "34N"]
)
def test_one_degree_cell_wgs84(top: float, expected: float) -> None:
    da = grid(Affine(1.0, 0, 116.0, 0, -1.0, top), (1, 3), "EPSG:4326")
    area = pixel_area(da)
    assert area.dims == ("y",)
    assert area.attrs["units"] == "m2"
    assert float(area[0]) == pytest.approx(expected, rel=1e-6)
    # Independent method: geodesic polygon with densified parallels.
    n = 20001
    lons = np.r_[np.linspace(0, 1, n), np.linspace(1, 0, n)]
    lats = np.r_[np.full(n, top - 1), np.full(n, top)]
    geod_area, _ = Geod(ellps="WGS84").polygon_area_perimeter(lons, lats)
    assert float(area[0]) == pytest.approx(abs(geod_area), rel=1e-9)


def test_geographic_area_depends_on_latitude_only() -> None:
    da = grid(Affine(0.05, 0, 116.0, 0, -0.05, 35.0), (20, 4), "EPSG:4326")
    area = pixel_area(da)
    assert np.all(np.diff(area.values) > 0), "cells grow towards the equator"
    assert (da + area).dims == ("y", "x")  # broadcasts over the grid
    np.testing.assert_allclose(area["y"], da["y"])


@settings(max_examples=40, deadline=None)
@example(lat=-88.0, height=0.001, width=1.0)  # thin row near a pole: q(φ2) - q(φ1) cancelled
@given(
    lat=st.floats(-89.0, 88.0),
    height=st.floats(0.001, 1.0),
    width=st.floats(0.001, 2.0),
)
def test_geographic_matches_quadrature(lat: float, height: float, width: float) -> None:
    top = min(lat + height, 90.0)
    da = grid(Affine(width, 0, 0.0, 0, -(top - lat), top), (1, 1), "EPSG:4326")
    expected = gauss_legendre_cell(lat, top, width, 6378137.0, 1 / 298.257223563)
    assert float(pixel_area(da)[0]) == pytest.approx(expected, rel=1e-9)


def test_rows_sum_to_whole_globe() -> None:
    # Ellipsoid surface 510,065,621.718 km^2 (Moritz 1980, "Geodetic Reference System 1980";
    # GRS80 and WGS84 differ in 1/f by 1e-9 relative, far below the tolerance here).
    da = grid(Affine(1.0, 0, -180.0, 0, -1.0, 90.0), (180, 360), "EPSG:4326")
    total = float(pixel_area(da).sum()) * 360
    assert total == pytest.approx(510_065_621.7e6, rel=1e-9)


def test_other_ellipsoid_is_used() -> None:
    # Clarke 1866 (a = 6378206.4, 1/f = 294.978698213898), as declared by MODIS CMG files.
    crs = 'GEOGCS["unknown",DATUM["clarke",SPHEROID["Clarke 1866",6378206.4,294.978698213898]],'
    crs += 'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]'
    da = grid(Affine(1.0, 0, 0.0, 0, -1.0, 35.0), (1, 1), crs)
    expected = gauss_legendre_cell(34, 35, 1, 6378206.4, 1 / 294.978698213898)
    assert float(pixel_area(da)[0]) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(
    ("crs", "transform", "expected"),
    [
        ("EPSG:32650", Affine(30.0, 0, 500000, 0, -30.0, 3800000), 900.0),  # UTM 30 m
        ("EPSG:4548", Affine(10.0, 0, 500000, 0, -10.0, 3800000), 100.0),  # CGCS2000 GK 117E
        ("EPSG:32650", Affine(20.0, 0, 0, 0, -5.0, 0), 100.0),  # non-square pixels
        ("EPSG:32650", Affine(3.0, 4.0, 0, -4.0, 3.0, 0), 25.0),  # rotated: |ae - bd|
        # US survey feet, inside California zone 3 (so that the projection is not stretched)
        ("EPSG:2227", Affine(10.0, 0, 6e6, 0, -10.0, 2.1e6), 100.0 * 0.3048006096012192**2),
    ],
)
def test_projected_area(crs: str, transform: Affine, expected: float) -> None:
    da = grid(transform, (3, 2), crs)
    area = pixel_area(da)
    assert area.ndim == 0
    assert float(area) == pytest.approx(expected, rel=1e-12)
    assert (da + area).shape == (3, 2)


def test_web_mercator_areas_warn_equal_area_and_gauss_kruger_do_not() -> None:
    # Xuzhou (117.2 E, 34.3 N) in Web Mercator: the plane is sec²(34.3°) ≈ 1.465 x the ground.
    mercator = grid(Affine(30.0, 0, 13_046_000, 0, -30.0, 4_070_000), (2, 2), "EPSG:3857")
    with pytest.warns(AreaDistortionWarning, match=r"not equal-area.* 1\.46\d* m² of ground"):
        pixel_area(mercator)
    albers = "+proj=aea +lat_1=25 +lat_2=47 +lon_0=105 +ellps=WGS84 +units=m"  # CLCD's Albers
    for crs, transform in [
        ("EPSG:4548", Affine(30.0, 0, 520_000, 0, -30.0, 3_800_000)),
        (albers, Affine(30.0, 0, 1_000_000, 0, -30.0, 3_900_000)),
    ]:
        with warnings.catch_warnings():
            warnings.simplefilter("error", AreaDistortionWarning)
            pixel_area(grid(transform, (2, 2), crs))


def test_missing_crs() -> None:
    da = grid(Affine(30.0, 0, 0, 0, -30.0, 0), (2, 2), None)
    with pytest.raises(MissingCRSError, match="no CRS"):
        pixel_area(da)


def test_rotated_geographic_refused() -> None:
    da = grid(Affine(0.6, 0.8, 0, -0.8, 0.6, 0), (2, 2), "EPSG:4326")
    with pytest.raises(GridMismatchError, match="rotated"):
        pixel_area(da)
