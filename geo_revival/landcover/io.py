"""Reading and writing land-cover series; pixel areas.

Public functions: :func:`open_landcover`, :func:`pixel_area`, :func:`write_landcover`,
:func:`read_zone_windows`, :func:`check_codes`.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from pyproj import CRS

from geo_revival.exceptions import MissingCRSError, UnsupportedCRSError

__all__ = ["pixel_area"]


def _crs_of(da: xr.DataArray) -> CRS:
    crs = da.rio.crs
    if crs is None:
        raise MissingCRSError(
            "the raster has no CRS, so its pixel area is unknown; attach one with "
            "da.rio.write_crs(...) or open it with open_landcover(..., crs=...)"
        )
    return CRS.from_user_input(crs)


def _zone_area_factor(lat_rad: np.ndarray, e2: float) -> np.ndarray:
    """Return q(φ) of the ellipsoid: the area from the equator to φ is Δλ · b²/2 · q(φ)."""
    s = np.sin(lat_rad)
    if e2 == 0.0:  # sphere: the limit of the ellipsoidal formula
        return 2.0 * s
    e = math.sqrt(e2)
    return s / (1.0 - e2 * s * s) + np.log((1.0 + e * s) / (1.0 - e * s)) / (2.0 * e)


def pixel_area(da: xr.DataArray) -> xr.DataArray:
    """Area of the pixels of ``da`` in square metres.

    * **Projected CRS**: every pixel has the same area in the projection plane,
      ``|a·e − b·d|`` of the affine transform times the square of the linear unit in metres.
      It is returned as a 0-d DataArray. This is the true ground area only for equal-area
      projections (e.g. CLCD's Albers); conformal ones (UTM, Gauss–Krüger) differ from it by
      their scale factor squared (< 0.1 % inside a Gauss–Krüger 3° zone).
    * **Geographic CRS** (lon/lat): the exact area of each cell on the CRS's ellipsoid, which
      depends on latitude only; returned as a 1-D DataArray along ``y``. For the band between
      latitudes φ1 and φ2 and a width Δλ (radians) the area is
      ``Δλ · b²/2 · [q(φ2) − q(φ1)]`` with
      ``q(φ) = sin φ / (1 − e² sin² φ) + ln((1 + e sin φ) / (1 − e sin φ)) / (2e)``.

    Either result broadcasts against ``(year, y, x)`` in xarray arithmetic.

    Parameters
    ----------
    da : xarray.DataArray
        A raster with CRS and transform attached (rioxarray), e.g. from :func:`open_landcover`.

    Returns
    -------
    xarray.DataArray
        Named ``pixel_area_m2`` with ``attrs["units"] == "m2"``.

    Raises
    ------
    MissingCRSError
        If ``da`` has no CRS.
    UnsupportedCRSError
        If the CRS is neither projected nor geographic, or a geographic grid is rotated.

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray  # noqa: F401
    >>> da = xr.DataArray(np.zeros((2, 2), "uint8"), dims=("y", "x"),
    ...                   coords={"y": [0.5, -0.5], "x": [0.5, 1.5]}).rio.write_crs("EPSG:4326")
    >>> float(pixel_area(da)[0]) / 1e6  # 1° x 1° cell at the equator, km²
    12308.463893975...
    """
    crs = _crs_of(da)
    t = da.rio.transform(recalc=False)
    if crs.is_projected:
        factors = [ax.unit_conversion_factor for ax in crs.axis_info[:2]]
        area = abs(t.a * t.e - t.b * t.d) * factors[0] * factors[1]
        return xr.DataArray(
            area, name="pixel_area_m2", attrs={"units": "m2", "method": "planar (projected CRS)"}
        )
    if not crs.is_geographic:
        raise UnsupportedCRSError(
            f"pixel_area supports projected or geographic CRSs, not {crs.name!r}"
        )
    if t.b != 0 or t.d != 0:
        raise UnsupportedCRSError(
            "pixel_area does not support rotated lon/lat grids; warp the raster to a north-up grid"
        )
    to_rad = crs.axis_info[0].unit_conversion_factor  # radians per angular unit
    ellps = crs.ellipsoid
    if ellps is None:
        raise UnsupportedCRSError(f"the CRS {crs.name!r} declares no ellipsoid")
    a = ellps.semi_major_metre
    b = ellps.semi_minor_metre
    e2 = 1.0 - (b * b) / (a * a)
    ny = da.sizes["y"]
    # Row edges from the transform (exact), not from rounded coordinate values.
    rows = np.arange(ny + 1, dtype="float64")
    edges = np.clip((t.f + rows * t.e) * to_rad, -math.pi / 2, math.pi / 2)
    q = _zone_area_factor(edges, e2)
    area = abs(t.a * to_rad) * b * b / 2.0 * np.abs(np.diff(q))
    coords = {"y": da["y"].values} if "y" in da.coords else {}
    return xr.DataArray(
        area,
        dims=("y",),
        coords=coords,
        name="pixel_area_m2",
        attrs={"units": "m2", "method": f"ellipsoidal ({ellps.name}) per row"},
    )
