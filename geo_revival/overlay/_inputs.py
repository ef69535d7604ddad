"""Overlay inputs: zones and land cover validated once and brought onto the raster's grid.

:func:`prepare_overlay` is the shared first step of every overlay and of the per-pixel state
maps; the helpers here resolve years, pairs and nodata codes.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from os import PathLike
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely
import xarray as xr
from pyproj import CRS, Transformer

from geo_revival.crs import geodesic_area, planar_area_factor, require_crs
from geo_revival.exceptions import (
    CoverageWarning,
    InvalidGeometryError,
    NoOverlapError,
    SchemaError,
)
from geo_revival.grid import Grid
from geo_revival.landcover import Legend, as_landcover, get_legend, pixel_area
from geo_revival.validation import check_option, check_zone_ids
from geo_revival.zones import as_zones, check_coordinates

__all__ = ["OverlayInputs", "prepare_overlay"]

Coverage = Literal["centre", "exact"]
OnMissing = Literal["raise", "warn"]
Pairs = Literal["consecutive", "all"] | Sequence[tuple[int, int]]
COVERAGES = ("centre", "exact")
ON_MISSING = ("raise", "warn")
PAIRS = ("consecutive", "all")

#: Densified zone edges are at most this many raster pixels long before reprojection.
_SEGMENT_PIXELS = 4.0
#: Shares below this are treated as 0 (floating-point noise of polygon clipping).
_SHARE_TOL = 1e-9


@dataclass(frozen=True)
class OverlayInputs:
    """Validated inputs, zones in the raster's CRS, and the raster's grid facts."""

    ids: npt.NDArray[Any]
    geoms: npt.NDArray[np.object_]
    present: npt.NDArray[np.bool_]
    zone_area_m2: npt.NDArray[np.float64]
    inside_area_m2: npt.NDArray[np.float64]
    landcover: xr.DataArray
    years: tuple[int, ...]
    grid: Grid
    legend: Legend
    nodata: frozenset[int]
    area_constant: float | None
    row_area: npt.NDArray[np.float64] | None


def prepare_overlay(
    zones: gpd.GeoDataFrame | str | PathLike[str],
    landcover: xr.DataArray,
    id_column: str = "zone_id",
    years: Sequence[int] | None = None,
    on_missing: OnMissing = "raise",
    *,
    quiet: bool = False,
) -> OverlayInputs:
    """Validate zones and land cover once and bring the zones onto the raster's grid.

    The shared first step of every overlay and of the per-pixel state maps
    (:func:`geo_revival.restoration.state_map`), so that both refuse the same bad inputs.

    Parameters
    ----------
    zones
        Zone layer with a CRS and the ``id_column`` column (or its path, see
        :func:`~geo_revival.zones.as_zones`).
    landcover
        Land cover, normalised by :func:`~geo_revival.landcover.as_landcover`.
    id_column
        Name of the zone identifier column.
    years
        Years to use (``None``: all).
    on_missing
        ``"raise"`` or ``"warn"`` for zones that do not overlap the raster.
    quiet
        Say nothing about missing zones (used by :func:`coverage_report`, which reports them).

    Returns
    -------
    OverlayInputs
        Zone ids and geometries in the raster's CRS, their areas inside and outside the
        raster, the grid, legend, nodata codes and pixel areas.

    Examples
    --------
    >>> import geopandas as gpd, numpy as np, shapely, xarray as xr, rioxarray  # noqa: F401
    >>> lc = xr.DataArray(np.ones((1, 2, 2), "uint8"), dims=("year", "y", "x"),
    ...                   coords={"year": [2020], "y": [15.0, 5.0], "x": [5.0, 15.0]},
    ...                   attrs={"legend": "clcd"}).rio.write_crs("EPSG:32650")
    >>> zones = gpd.GeoDataFrame({"zone_id": ["a"]}, geometry=[shapely.box(0, 0, 20, 20)],
    ...                          crs="EPSG:32650")
    >>> prepare_overlay(zones, lc, "zone_id", None, "raise").years
    (2020,)
    """
    check_option(on_missing, ON_MISSING, "on_missing")
    zones = require_crs(as_zones(zones), what="zones")
    ids = _zone_ids(zones, id_column)
    lc = as_landcover(landcover)
    raster_crs = CRS.from_user_input(lc.rio.crs)
    grid = Grid.of(lc)
    geoms = _to_raster_crs(zones, raster_crs, grid)
    extent = shapely.box(*grid.bounds)
    zone_area = _area_m2(geoms, raster_crs)
    inside_area = _area_m2(shapely.intersection(geoms, extent), raster_crs)
    present = shapely.intersects(geoms, extent) & (inside_area > 0)
    if not present.all():
        # Coordinates that cannot be in the zones' CRS are the cause, not the location (the
        # area of use is not checked: small test grids near 0, 0 are legitimate here).
        check_coordinates(
            zones[~present], [str(i) for i in ids[~present]], "zones", area_of_use=False
        )
    if not present.all() and not quiet:
        missing = ", ".join(map(str, ids[~present][:10]))
        msg = (
            f"{(~present).sum()} zone(s) do not overlap the raster (e.g. {missing}); raster "
            f"bounds {tuple(round(b, 6) for b in extent.bounds)} in {raster_crs.to_string()}. "
            "Check that zones and land cover cover the same area, or pass on_missing='warn' "
            "to leave such zones out."
        )
        if on_missing == "raise":
            raise NoOverlapError(msg)
        warnings.warn(msg, CoverageWarning, stacklevel=3)
    area = pixel_area(lc)
    constant = float(area) if area.ndim == 0 else None
    row_area = None if constant is not None else np.asarray(area.values, np.float64)
    return OverlayInputs(
        ids=ids,
        geoms=geoms,
        present=present,
        zone_area_m2=zone_area,
        inside_area_m2=inside_area,
        landcover=lc,
        years=tuple(_years_of(lc, years)),
        grid=grid,
        legend=get_legend(lc.attrs["legend"]),
        nodata=_nodata(lc),
        area_constant=constant,
        row_area=row_area,
    )


def _zone_ids(zones: gpd.GeoDataFrame, id_column: str) -> npt.NDArray[Any]:
    ids = check_zone_ids(zones, id_column)
    geoms = zones.geometry.to_numpy()
    bad = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    bad |= ~np.isin(shapely.get_type_id(geoms), [3, 6])  # Polygon, MultiPolygon
    bad |= ~shapely.is_valid(geoms)
    if bad.any():
        raise InvalidGeometryError(
            f"zones {ids[bad].tolist()[:10]} have empty, non-polygonal or invalid geometry; "
            "repair them (geo_revival.load_zones or shapely.make_valid) or drop them"
        )
    return ids


def _years_of(lc: xr.DataArray, years: Sequence[int] | None) -> list[int]:
    available = [int(y) for y in lc["year"].values]
    if years is None:
        return available
    wanted = [int(y) for y in years]
    if len(set(wanted)) != len(wanted):
        # Each repeat would be counted again: duplicate rows, not an error anyone would see.
        raise SchemaError(f"years {wanted} repeat a year; give each year once")
    unknown = sorted(set(wanted) - set(available))
    if unknown:
        raise SchemaError(f"years {unknown} are not in the land cover (years: {available})")
    return wanted


def _select_years(setup: OverlayInputs, years: Sequence[int]) -> OverlayInputs:
    return OverlayInputs(**{**setup.__dict__, "years": tuple(_years_of(setup.landcover, years))})


def _nodata(lc: xr.DataArray) -> frozenset[int]:
    codes = set(get_legend(lc.attrs["legend"]).nodata)
    if lc.rio.nodata is not None and not np.isnan(lc.rio.nodata):
        codes.add(int(lc.rio.nodata))
    return frozenset(codes)


def _to_raster_crs(zones: gpd.GeoDataFrame, crs: CRS, grid: Grid) -> npt.NDArray[Any]:
    """Zone geometries in the raster CRS; edges densified first so that they stay true."""
    zone_crs = CRS.from_user_input(zones.crs)
    geoms = zones.geometry.to_numpy()
    if zone_crs.equals(crs):
        return np.asarray(geoms, dtype=object)
    # A pixel's size expressed in zone-CRS units, at the raster centre.
    to_zone = Transformer.from_crs(crs, zone_crs, always_xy=True)
    t = grid.transform
    cx, cy = t @ (grid.width / 2, grid.height / 2)
    xs, ys = to_zone.transform([cx, cx + t.a], [cy, cy + t.e])
    pixel = float(np.hypot(xs[1] - xs[0], ys[1] - ys[0]))
    dense = shapely.segmentize(geoms, _SEGMENT_PIXELS * pixel)
    out = gpd.GeoSeries(dense, crs=zone_crs).to_crs(crs).to_numpy()
    return np.asarray(shapely.make_valid(out), dtype=object)


def _area_m2(geoms: npt.NDArray[Any], crs: CRS) -> npt.NDArray[np.float64]:
    """Planar area for projected CRSs (like the pixel areas), geodesic for lon/lat."""
    if crs.is_projected:
        return np.asarray(shapely.area(geoms) * planar_area_factor(crs), np.float64)
    return geodesic_area(gpd.GeoSeries(geoms, crs=crs)).to_numpy()


def _resolve_pairs(pairs: Pairs, years: tuple[int, ...]) -> list[tuple[int, int]]:
    ordered = sorted(years)
    if isinstance(pairs, str):
        if pairs == "consecutive":
            out = list(itertools.pairwise(ordered))
            if len(ordered) > 2:
                out.append((ordered[0], ordered[-1]))
        elif pairs == "all":
            out = [(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :]]
        else:
            check_option(pairs, PAIRS, "pairs (or give a list of (from_year, to_year))")
    else:
        out = [(int(a), int(b)) for a, b in pairs]
        if len(set(out)) != len(out):
            # Repeated pairs would be summed into one row: every count doubled.
            raise SchemaError(f"pairs {out} repeat a pair; give each pair once")
    if not out:
        raise SchemaError(f"transitions need at least two years; the land cover has {ordered}")
    unknown = sorted({y for p in out for y in p} - set(years))
    if unknown:
        raise SchemaError(f"years {unknown} are not in the land cover (years: {ordered})")
    return out


