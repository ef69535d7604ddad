"""CRS handling: never assume a CRS, convert Chinese web-map coordinates, measure area.

- :func:`require_crs` — every layer must carry a CRS, or the caller passes ``crs=``.
- GCJ-02 (AMap, Tencent) and BD-09 (Baidu) are *obfuscated* lon/lat systems without EPSG code;
  they are offset from WGS84 by a few hundred metres inside China. :func:`gcj02_to_wgs84`,
  :func:`bd09_to_wgs84` and their inverses convert coordinate arrays; :func:`to_wgs84_geometries`
  converts whole layers. The inverses are iterative (error far below 0.5 m inside China).
  As in the published algorithm, points outside the rectangle ``72.004–137.8347 °E,
  0.8293–55.8271 °N`` are not offset and pass through unchanged.
- :func:`gk_zone_crs` / :func:`local_projected_crs` pick the CGCS2000 3-degree Gauss–Krüger zone
  (EPSG:4534–4554, no zone prefix in the easting) for metric work; :func:`geodesic_area` measures
  areas on the ellipsoid of the layer's geographic CRS.

Examples
--------
>>> lon, lat = wgs84_to_gcj02(116.404, 39.915)
>>> round(float(lon), 6), round(float(lat), 6)
(116.410244, 39.916404)
>>> gk_zone_crs(117.2).to_epsg()  # Xuzhou
4548
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal, TypeVar

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pyproj import CRS

from geo_revival.exceptions import (
    CRSMismatchError,
    MissingCRSError,
    UnsupportedCRSError,
)

__all__ = [
    "CHINA_BOUNDS",
    "Coords",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "coords_key",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "geodesic_area",
    "gk_zone_crs",
    "local_projected_crs",
    "out_of_china",
    "planar_area_factor",
    "quiet_cf_conversion",
    "require_crs",
    "to_wgs84_geometries",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

Coords = Literal["wgs84", "gcj02", "bd09"]


@contextmanager
def quiet_cf_conversion() -> Iterator[None]:
    """Silence pyproj's "... lost in conversion to CF" warnings inside the block (or function).

    rioxarray writes a CRS both as CF grid-mapping parameters and as full WKT (``crs_wkt``,
    which it reads back). CF has no parameter for some projections' details, e.g. the
    "angle from rectified to skew grid" of the Swiss LV95 oblique Mercator (EPSG:2056), and
    pyproj warns on every write, seven times per report. The WKT keeps the CRS whole, so the
    warning says nothing about our results. Usable as a decorator.

    Examples
    --------
    >>> with quiet_cf_conversion():
    ...     _ = CRS.from_epsg(2056).to_cf()
    """
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r".*lost in conversion to CF", category=UserWarning
        )
        yield


ArrayLike = npt.ArrayLike
FloatArray = npt.NDArray[np.float64]
G = TypeVar("G", gpd.GeoDataFrame, gpd.GeoSeries)

#: (west, south, east, north) of the rectangle inside which the GCJ-02 offset applies.
CHINA_BOUNDS = (72.004, 0.8293, 137.8347, 55.8271)

# Constants of the GCJ-02 algorithm: the Krasovsky 1940 ellipsoid it was defined on.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0
# Iterative inverses stop when the forward image is within this many degrees (~1 mm).
_TOL_DEG = 1e-8
_MAX_ITER = 50


def out_of_china(lon: ArrayLike, lat: ArrayLike) -> npt.NDArray[np.bool_]:
    """Return True where a point lies outside the rectangle in which GCJ-02 applies an offset.

    Examples
    --------
    >>> out_of_china([117.2, 2.35], [34.3, 48.86]).tolist()
    [False, True]
    """
    lon_a, lat_a = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    west, south, east, north = CHINA_BOUNDS
    return ~((lon_a >= west) & (lon_a <= east) & (lat_a >= south) & (lat_a <= north))


def _gcj_offset(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Offset (dlon, dlat) in degrees that GCJ-02 adds to a WGS84 point (no China test)."""
    x, y = lon - 105.0, lat - 35.0
    common = 20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)
    dlat = (
        -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
        + (common + 20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
        + (common + 20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    rad_lat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return dlon, dlat


def _as_arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    lon_a, lat_a = np.broadcast_arrays(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return lon_a.astype(float), lat_a.astype(float)  # copies: callers never see shared memory


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert WGS84 lon/lat to GCJ-02 (the published forward algorithm).

    Parameters
    ----------
    lon, lat
        Longitudes and latitudes in degrees (scalars or arrays of the same shape).

    Returns
    -------
    tuple of numpy.ndarray
        GCJ-02 ``(lon, lat)``; points outside China (:func:`out_of_china`) are returned unchanged.

    Examples
    --------
    >>> lon, lat = wgs84_to_gcj02(116.404, 39.915)
    >>> round(float(lat), 8)
    39.91640428
    """
    lon_a, lat_a = _as_arrays(lon, lat)
    dlon, dlat = _gcj_offset(lon_a, lat_a)
    inside = ~out_of_china(lon_a, lat_a)
    return np.where(inside, lon_a + dlon, lon_a), np.where(inside, lat_a + dlat, lat_a)


def _invert(
    forward: Any, lon: ArrayLike, lat: ArrayLike, start: tuple[FloatArray, FloatArray] | None = None
) -> tuple[FloatArray, FloatArray]:
    """Invert ``forward`` by fixed-point iteration: x <- x - (forward(x) - target)."""
    t_lon, t_lat = _as_arrays(lon, lat)
    x_lon, x_lat = (t_lon.copy(), t_lat.copy()) if start is None else start
    for _ in range(_MAX_ITER):
        f_lon, f_lat = forward(x_lon, x_lat)
        e_lon, e_lat = f_lon - t_lon, f_lat - t_lat
        x_lon, x_lat = x_lon - e_lon, x_lat - e_lat
        if np.all(np.abs(e_lon) < _TOL_DEG) and np.all(np.abs(e_lat) < _TOL_DEG):
            break
    return x_lon, x_lat


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert GCJ-02 lon/lat to WGS84 by iterating the forward transform (error < 1 cm).

    Points outside China are returned unchanged, as the forward transform leaves them.

    Examples
    --------
    >>> lon, lat = gcj02_to_wgs84(116.41024449916938, 39.91640428150164)
    >>> round(float(lon), 6), round(float(lat), 6)
    (116.404, 39.915)
    """
    t_lon, t_lat = _as_arrays(lon, lat)
    x_lon, x_lat = _invert(wgs84_to_gcj02, t_lon, t_lat)
    outside = out_of_china(t_lon, t_lat)
    return np.where(outside, t_lon, x_lon), np.where(outside, t_lat, x_lat)


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert GCJ-02 lon/lat to BD-09 (Baidu's published forward formula).

    Examples
    --------
    >>> lon, lat = gcj02_to_bd09(116.404, 39.915)
    >>> round(float(lon), 6), round(float(lat), 6)
    (116.410369, 39.921337)
    """
    x, y = _as_arrays(lon, lat)
    z = np.hypot(x, y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    bd_lon, bd_lat = z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006
    inside = ~out_of_china(x, y)
    return np.where(inside, bd_lon, x), np.where(inside, bd_lat, y)


def bd09_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert BD-09 lon/lat to GCJ-02: closed-form approximation refined by iteration."""
    b_lon, b_lat = _as_arrays(lon, lat)
    x, y = b_lon - 0.0065, b_lat - 0.006
    z = np.hypot(x, y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    start = (z * np.cos(theta), z * np.sin(theta))
    x_lon, x_lat = _invert(gcj02_to_bd09, b_lon, b_lat, start=start)
    outside = out_of_china(b_lon, b_lat)
    return np.where(outside, b_lon, x_lon), np.where(outside, b_lat, x_lat)


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert WGS84 lon/lat to BD-09 (via GCJ-02).

    Examples
    --------
    >>> lon, lat = bd09_to_wgs84(*wgs84_to_bd09(117.2, 34.3))
    >>> round(float(lon), 7), round(float(lat), 7)
    (117.2, 34.3)
    """
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert BD-09 lon/lat to WGS84 (via GCJ-02, both steps inverted iteratively).

    Parameters
    ----------
    lon, lat
        BD-09 (Baidu) longitude and latitude in degrees, scalars or arrays.

    Returns
    -------
    tuple of numpy.ndarray
        WGS84 longitude and latitude; points outside China are returned unchanged.

    Examples
    --------
    >>> lon, lat = bd09_to_wgs84(117.2125, 34.3100)  # a Baidu-map point in Xuzhou
    >>> bool(abs(lon - 117.2125) > 0.005)  # Baidu offsets are ~1 km here
    True
    """
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


_TO_WGS84 = {"gcj02": gcj02_to_wgs84, "bd09": bd09_to_wgs84}


def coords_key(coords: Coords | str) -> Coords:
    """Normalise a ``coords=`` value (``"GCJ-02"``, ``"bd_09"``...) to ``wgs84``/``gcj02``/``bd09``.

    Examples
    --------
    >>> coords_key("GCJ-02")
    'gcj02'
    """
    from geo_revival.validation import check_option  # validation imports this module

    key = str(coords).lower().replace("-", "").replace("_", "")
    check_option(key, ("wgs84", "gcj02", "bd09"), "coords")
    return key  # type: ignore[return-value]  # checked against the Literal's values above


def _crs_of(obj: Any) -> CRS | None:
    crs = getattr(obj, "crs", None)
    if crs is None and hasattr(obj, "rio"):  # xarray objects carry their CRS via rioxarray
        crs = obj.rio.crs
    return None if crs is None else CRS.from_user_input(crs)


def require_crs(obj: Any, crs: Any = None, *, what: str = "layer") -> Any:
    """Return ``obj`` with a known CRS, or raise :class:`MissingCRSError`.

    Parameters
    ----------
    obj
        A GeoDataFrame/GeoSeries (``.crs``) or an xarray object with a rioxarray CRS.
    crs
        The CRS to use when ``obj`` has none (anything :class:`pyproj.CRS` accepts). If ``obj``
        already has a different CRS, :class:`CRSMismatchError` is raised: reproject with
        ``to_crs`` instead of relabelling.
    what
        How to call ``obj`` in messages (e.g. ``"zones"``).

    Returns
    -------
    The same object when its CRS is already set, otherwise a copy with ``crs`` set.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> require_crs(gpd.GeoSeries([Point(117, 34)]), crs="EPSG:4326").crs.to_epsg()
    4326
    """
    current = _crs_of(obj)
    if current is None:
        if crs is None:
            raise MissingCRSError(
                f"The {what} has no coordinate reference system (CRS). geo-revival never assumes "
                "one: pass crs=..., e.g. crs='EPSG:4326' for WGS84 lon/lat or crs='EPSG:4548' "
                "for CGCS2000 / 3-degree Gauss-Kruger CM 117E. For AMap/Tencent (GCJ-02) or "
                "Baidu (BD-09) lon/lat, pass coords='gcj02' or coords='bd09' where accepted."
            )
        target = CRS.from_user_input(crs)
        if hasattr(obj, "set_crs"):
            return obj.set_crs(target)
        return obj.rio.write_crs(target)
    if crs is not None and not current.equals(CRS.from_user_input(crs), ignore_axis_order=True):
        raise CRSMismatchError(
            f"The {what} already has CRS {current.to_string()!r} but crs={crs!r} was given. "
            "Drop crs= to use the layer's own CRS, or reproject with .to_crs(...) first."
        )
    return obj


def _require_lonlat(obj: Any, coords: str, what: str) -> None:
    current = _crs_of(obj)
    if current is not None and not current.is_geographic:
        raise UnsupportedCRSError(
            f"coords={coords!r} describes lon/lat degrees, but the {what} has the projected CRS "
            f"{current.to_string()!r}. GCJ-02/BD-09 only exist as lon/lat: pass the layer in "
            "degrees, or drop coords= if the projected coordinates are true ones."
        )


def to_wgs84_geometries(data: G, coords: Coords | str, *, what: str = "layer") -> G:
    """Return a copy of a layer in GCJ-02/BD-09 lon/lat converted to WGS84 (EPSG:4326).

    Parameters
    ----------
    data
        GeoDataFrame or GeoSeries whose x/y are GCJ-02 or BD-09 longitudes/latitudes. Such data
        often come labelled EPSG:4326 or without CRS; either is accepted, a projected CRS is not.
    coords
        ``"gcj02"``, ``"bd09"`` or ``"wgs84"`` (then only the CRS check/label is applied).
    what
        How to call ``data`` in messages.

    Returns
    -------
    Same type as ``data``, a new object with CRS EPSG:4326; the input is not modified.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> out = to_wgs84_geometries(gpd.GeoSeries([Point(116.41024449916938, 39.91640428150164)]),
    ...                           "gcj02")
    >>> round(float(out.x[0]), 6), round(float(out.y[0]), 6), out.crs.to_epsg()
    (116.404, 39.915, 4326)
    """
    key = coords_key(coords)
    _require_lonlat(data, key, what)
    out = data.copy()
    if key != "wgs84":
        convert = _TO_WGS84[key]

        def _transform(xy: FloatArray) -> FloatArray:
            lon, lat = convert(xy[:, 0], xy[:, 1])
            return np.column_stack([lon, lat])

        geoms = shapely.transform(np.asarray(out.geometry.values, dtype=object), _transform)
        if isinstance(out, gpd.GeoDataFrame):
            out[out.geometry.name] = gpd.GeoSeries(geoms, index=out.index)
        else:
            out = gpd.GeoSeries(geoms, index=out.index, name=out.name)
    if _crs_of(out) is None or key != "wgs84":
        out = out.set_crs("EPSG:4326", allow_override=True)
    return out


def gk_zone_crs(lon: float) -> CRS:
    """Return the CGCS2000 3-degree Gauss–Krüger CRS whose zone contains ``lon``.

    These are EPSG:4534 (central meridian 75°E) to EPSG:4554 (135°E), the variants *without* the
    zone number prefixed to the easting (false easting 500 km).

    Raises
    ------
    UnsupportedCRSError
        If ``lon`` lies outside 73.5–136.5 °E, the range of those zones.

    Examples
    --------
    >>> gk_zone_crs(117.18).to_epsg()  # Xuzhou
    4548
    """
    if not np.isfinite(lon) or not 73.5 <= lon < 136.5:
        raise UnsupportedCRSError(
            f"Longitude {lon!r} lies outside the CGCS2000 3-degree Gauss-Kruger zones "
            "(73.5-136.5 E). Pass an explicit projected CRS, e.g. a UTM zone or an equal-area CRS."
        )
    central_meridian = int(np.floor(lon / 3.0 + 0.5)) * 3
    return CRS.from_epsg(4534 + (central_meridian - 75) // 3)


def local_projected_crs(data: Any, crs: Any = None) -> CRS:
    """Choose the CGCS2000 3-degree Gauss–Krüger zone for a layer (by its centre longitude).

    Parameters
    ----------
    data
        A GeoDataFrame/GeoSeries (its CRS is required, see :func:`require_crs`) or a longitude.
    crs
        CRS of ``data`` when it has none.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> local_projected_crs(gpd.GeoSeries([box(117.0, 34.2, 117.5, 34.5)], crs=4326)).to_epsg()
    4548
    """
    if isinstance(data, (int, float, np.floating, np.integer)):
        return gk_zone_crs(float(data))
    layer = require_crs(data, crs, what="layer")
    west, _, east, _ = layer.to_crs("EPSG:4326").total_bounds
    return gk_zone_crs(float((west + east) / 2.0))


def planar_area_factor(crs: Any) -> float:
    """Square metres in one square unit of a projected CRS's plane (1.0 for metre CRSs).

    Examples
    --------
    >>> planar_area_factor("EPSG:4548"), round(planar_area_factor("EPSG:2227"), 6)  # m; US ft
    (1.0, 0.092903)
    """
    projected = CRS.from_user_input(crs)
    if not projected.is_projected:
        raise UnsupportedCRSError(
            f"CRS {projected.to_string()!r} is not projected, so planar areas are not in metres; "
            "use geodesic_area or reproject to a projected CRS"
        )
    x_axis, y_axis = projected.axis_info[:2]
    return float(x_axis.unit_conversion_factor * y_axis.unit_conversion_factor)


def geodesic_area(geoms: Any, crs: Any = None) -> pd.Series:
    """Area of each geometry in m², measured on the ellipsoid (pyproj.Geod, Karney's method).

    Parameters
    ----------
    geoms
        GeoSeries, GeoDataFrame or sequence of shapely geometries. Projected layers are first
        converted to their own geographic CRS, so the area does not depend on the projection.
    crs
        CRS of ``geoms`` if they carry none (required then: see :func:`require_crs`).

    Returns
    -------
    pandas.Series
        Float areas in m² (0 for points and lines), named ``area_m2``, indexed like the input.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> a = geodesic_area(gpd.GeoSeries([box(117.0, 34.0, 117.01, 34.01)], crs="EPSG:4326"))
    >>> round(float(a.iloc[0]) / 1e6, 3)  # about 0.924 km x 1.109 km
    1.025
    """
    if isinstance(geoms, gpd.GeoDataFrame):
        series = geoms.geometry
    elif isinstance(geoms, gpd.GeoSeries):
        series = geoms
    else:
        series = gpd.GeoSeries(list(geoms))
    series = require_crs(series, crs, what="geometries")
    source = CRS.from_user_input(series.crs)
    geographic = source if source.is_geographic else source.geodetic_crs
    if geographic is None:
        raise UnsupportedCRSError(f"CRS {source.to_string()!r} has no datum to measure on.")
    if not source.is_geographic:
        series = series.to_crs(geographic)
    geod = geographic.get_geod()
    if geod is None:
        raise UnsupportedCRSError(f"CRS {geographic.to_string()!r} has no ellipsoid to measure on.")
    # Orient rings (exterior CCW, holes CW) so that signed ring areas combine correctly.
    oriented = shapely.orient_polygons(np.asarray(series.values, dtype=object))
    areas = [
        0.0 if g is None or g.is_empty else abs(geod.geometry_area_perimeter(g)[0])
        for g in oriented
    ]
    return pd.Series(areas, index=series.index, name="area_m2", dtype=float)
