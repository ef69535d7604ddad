"""Do the zone coordinates fit the CRS they declare? Refuse them at load when they cannot.

A GeoJSON holding metres but declaring EPSG:4326, lon/lat written in the wrong order, or
garbage such as 1e15 otherwise give NaN areas and empty overlays much later, where the error
blames "no overlap" instead of the CRS.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely
from pyproj import CRS, Transformer

from geo_revival.exceptions import CRSMismatchError

#: Zones may reach this many degrees beyond their CRS's area of use (e.g. a UTM or
#: Gauss-Krüger zone used a little outside its strip) before they count as "far outside".
AREA_OF_USE_MARGIN_DEG = 10.0

_FIX = (
    "Read the file with geopandas, relabel it with gdf.set_crs('EPSG:....', "
    "allow_override=True) naming the CRS the numbers are really in, and pass that GeoDataFrame "
    "(or fix the CRS in the file)."
)


def _example(values: npt.NDArray[np.float64]) -> str:
    """Format the first value as the user would recognise it (520300, 117.21, 1e+15)."""
    v = float(values.ravel()[0])
    return f"{v:.10g}" if abs(v) < 1e7 else f"{v:.3g}"


def _describe_geographic(
    ids: list[str], xy: npt.NDArray[np.float64], crs: CRS
) -> str | None:
    """Describe what out-of-range lon/lat values look like (``None`` if they are in range)."""
    x, y = xy[:, 0], xy[:, 1]
    bad = (np.abs(x) > 180) | (np.abs(y) > 90)
    if not bad.any():
        return None
    where = f"zones {ids}: " if ids else ""
    start = f"The zones declare {crs.name} (longitude/latitude in degrees), but {where}"
    bx, by = x[bad], y[bad]
    largest = float(np.max(np.abs(xy[bad])))
    if largest > 1e7:
        return (
            f"{start}values like {_example(xy[bad].ravel())} are far beyond any map coordinate "
            f"(corrupt or unit-less numbers). {_FIX}"
        )
    if largest > 1000:
        return (
            f"{start}values like {_example(xy[bad].ravel())} look like metres (a projected CRS "
            "such as a UTM or Gauss-Kruger zone), not degrees: the file declares EPSG:4326 by "
            f"mistake (a common GeoJSON error). {_FIX}"
        )
    if (np.abs(by) <= 180).all() and (np.abs(bx) <= 90).all():
        return (
            f"{start}y values like {_example(by)} exceed ±90 while x stays within ±90: longitude "
            "and latitude look swapped (x must be the longitude, y the latitude). Swap them, "
            "e.g. with shapely.ops.transform(lambda x, y: (y, x), geom)."
        )
    return (
        f"{start}values like {_example(xy[bad].ravel())} lie outside ±180 (x) / ±90 (y), so "
        f"they are not degrees. {_FIX}"
    )


def _lonlat_bounds(
    xy: npt.NDArray[np.float64], crs: CRS
) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the points in WGS84 degrees; None if they do not convert."""
    (left, bottom), (right, top) = xy.min(axis=0), xy.max(axis=0)
    to_wgs = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    try:
        out = to_wgs.transform_bounds(left, bottom, right, top, errcheck=True)
    except Exception:  # any projection failure means the points are not in this CRS
        return None
    return out if np.isfinite(out).all() else None


def check_coordinates(
    zones: gpd.GeoDataFrame, ids: list[str], where: str, *, area_of_use: bool = True
) -> None:
    """Raise :class:`CRSMismatchError` when coordinates cannot be in the zones' CRS.

    Refused: non-finite coordinates; values outside ±180/±90 in a geographic CRS; and layers
    more than :data:`AREA_OF_USE_MARGIN_DEG` degrees outside their CRS's area of use (unless
    ``area_of_use`` is false). The message says what the values look like (metres, swapped
    lon/lat, garbage).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> metres = gpd.GeoDataFrame(geometry=[box(520300, 3800000, 521300, 3801000)], crs=4326)
    >>> try:
    ...     check_coordinates(metres, ["a"], "my.geojson")
    ... except CRSMismatchError as err:
    ...     print(str(err).split(': ')[1][:35])
    values like 521300 look like metres
    """
    crs = CRS.from_user_input(zones.crs)
    geoms = np.asarray(zones.geometry.values, dtype=object)
    per_zone = shapely.get_num_coordinates(geoms)
    xy = shapely.get_coordinates(geoms)
    if xy.size == 0:
        return
    owner = np.repeat(np.arange(len(geoms)), per_zone)

    def zones_of(bad: npt.NDArray[np.bool_]) -> list[str]:
        return [ids[i] for i in np.unique(owner[bad])][:10]

    finite: npt.NDArray[np.bool_] = np.asarray(np.isfinite(xy).all(axis=1))
    if not finite.all():
        raise CRSMismatchError(
            f"The zones ({where}) have non-finite coordinates (NaN or infinity) in zones "
            f"{zones_of(~finite)}: no CRS can place them. Fix or drop these geometries."
        )
    if crs.is_geographic:
        bad = (np.abs(xy[:, 0]) > 180) | (np.abs(xy[:, 1]) > 90)
        text = _describe_geographic(zones_of(bad), xy, crs)
        if text is not None:
            raise CRSMismatchError(f"{text} ({where})")
    area = crs.area_of_use
    if area is None or not area_of_use:
        return
    lonlat = _lonlat_bounds(xy, crs)
    m = AREA_OF_USE_MARGIN_DEG
    if lonlat is not None:
        west, south, east, north = lonlat
        inside = (
            west >= area.west - m and east <= area.east + m
            and south >= area.south - m and north <= area.north + m
        )  # fmt: skip
        if inside or area.east < area.west:  # areas across the antimeridian: not checked
            return
    found = (
        "cannot be converted to longitude/latitude"
        if lonlat is None
        else "lie at {0:.4g}..{2:.4g} E, {1:.4g}..{3:.4g} N".format(*lonlat)
    )
    raise CRSMismatchError(
        f"The zones ({where}) declare {crs.name}, whose area of use is {area.name} "
        f"({area.west:.4g}..{area.east:.4g} E, {area.south:.4g}..{area.north:.4g} N), but "
        f"their coordinates (values like {_example(xy.ravel())}) {found}: far outside it. The "
        f"numbers are probably in another CRS or unit. {_FIX}"
    )
