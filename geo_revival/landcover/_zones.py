"""Reading only the part of a land-cover series that each zone covers."""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Iterator
from os import PathLike
from typing import Any

import geopandas as gpd
import shapely
import xarray as xr

from geo_revival.crs import require_crs
from geo_revival.exceptions import CoverageWarning, NoOverlapError
from geo_revival.landcover._coerce import as_landcover


def _as_geoseries(zones: Any, crs: Any, id_column: str) -> gpd.GeoSeries:
    if isinstance(zones, gpd.GeoDataFrame):
        keys = zones[id_column] if id_column in zones.columns else zones.index
        series = gpd.GeoSeries(zones.geometry.values, index=list(keys), crs=zones.crs)
    elif isinstance(zones, gpd.GeoSeries):
        series = zones
    else:
        series = gpd.GeoSeries(list(zones), crs=crs)
    return require_crs(series, crs, what="zones")


def _window(bounds: tuple[float, float, float, float], da: xr.DataArray) -> tuple[slice, slice]:
    """Row/column slices of the pixels that the bounding box touches (clipped to the raster)."""
    t = da.rio.transform()
    minx, miny, maxx, maxy = bounds
    # Pixel coordinates of the box corners; a tiny tolerance avoids an extra row/column when a
    # zone edge falls exactly on a pixel edge.
    c0, c1 = sorted(((minx - t.c) / t.a, (maxx - t.c) / t.a))
    r0, r1 = sorted(((maxy - t.f) / t.e, (miny - t.f) / t.e))
    eps = 1e-6
    cols = slice(max(0, math.floor(c0 + eps)), min(da.sizes["x"], math.ceil(c1 - eps)))
    rows = slice(max(0, math.floor(r0 + eps)), min(da.sizes["y"], math.ceil(r1 - eps)))
    return rows, cols


def read_zone_windows(
    zones: Any,
    source: Any,
    *,
    legend: Any = None,
    years: Any = None,
    crs: Any = None,
    id_column: str = "zone_id",
    **open_kwargs: Any,
) -> Iterator[tuple[Hashable, xr.DataArray]]:
    """Yield, zone by zone, the in-memory window of land cover that covers the zone's bounds.

    Only the data intersecting each zone's bounding box is read: the series is opened (or
    used) lazily and each window is sliced before it is computed, so dask reads only the
    chunks the window touches. Opened from files here, the chunks are the files' own blocks,
    so no more than the blocks intersecting the zone are read. Pixels inside the window but
    outside the polygon are kept: masking and partial-pixel weights are the overlay's job.

    Parameters
    ----------
    zones : GeoDataFrame, GeoSeries, sequence of shapely geometries, or a zone file path
        Zones in any CRS (transformed to the raster's); plain geometries need ``crs``; paths
        are read with :func:`geo_revival.zones.as_zones`.
    source : xarray.DataArray or sources accepted by :func:`open_landcover`
        A land-cover series (any array :func:`as_landcover` accepts), or files to open.
    legend : str or Legend, optional
        Legend of the codes (required for files, and for arrays whose attrs name none).
    years : sequence of int, optional
        Years (see :func:`as_landcover`; for files, :func:`open_landcover`).
    crs : CRS-like, optional
        CRS of plain geometries.
    id_column : str
        Column of a GeoDataFrame whose values label the windows (default ``zone_id``; the index
        is used when the column is absent).
    **open_kwargs
        Passed to :func:`open_landcover` when ``source`` is not a DataArray.

    Yields
    ------
    (key, xarray.DataArray)
        The zone's key and its ``(year, y, x)`` window, loaded into memory, with CRS and
        transform attached.

    Raises
    ------
    MissingCRSError
        Zones or raster without CRS.
    SchemaError
        Land cover :func:`as_landcover` refuses (no legend, wrong dims, ...).
    NoOverlapError
        No zone overlaps the raster.

    Warns
    -----
    CoverageWarning
        For each zone that lies entirely outside the raster (it is skipped), and for each zone
        that extends beyond it (its window holds only the covered part).

    Examples
    --------
    >>> for zone_id, window in read_zone_windows(zones, da):  # doctest: +SKIP
    ...     print(zone_id, window.shape)
    """
    from geo_revival.landcover.io import open_landcover
    from geo_revival.zones import as_zones

    if isinstance(zones, xr.DataArray) or (
        isinstance(source, (gpd.GeoDataFrame, gpd.GeoSeries))
        and not isinstance(zones, (gpd.GeoDataFrame, gpd.GeoSeries))
    ):
        warnings.warn(
            "read_zone_windows(source, zones, ...) is deprecated; call "
            "read_zone_windows(zones, source, ...) as every function taking both does",
            DeprecationWarning,
            stacklevel=2,
        )
        zones, source = source, zones
    if isinstance(zones, (str, PathLike)):
        zones = as_zones(zones)
    if isinstance(source, xr.DataArray):
        da = as_landcover(source, legend=legend, years=years)
    else:
        open_kwargs.setdefault("chunks", "blocks")
        da = open_landcover(source, legend=legend, years=years, **open_kwargs)
    series = _as_geoseries(zones, crs, id_column).to_crs(da.rio.crs)
    extent = shapely.box(*da.rio.bounds())
    any_overlap = False
    for key, geom in series.items():
        if geom is None or geom.is_empty:
            warnings.warn(f"zone {key!r} has no geometry; skipped", CoverageWarning, stacklevel=2)
            continue
        rows, cols = _window(geom.bounds, da)
        if rows.stop <= rows.start or cols.stop <= cols.start:
            warnings.warn(
                f"zone {key!r} lies outside the land-cover raster; skipped",
                CoverageWarning,
                stacklevel=2,
            )
            continue
        any_overlap = True
        if not extent.contains(geom):
            warnings.warn(
                f"zone {key!r} extends beyond the land-cover raster; its window holds only the "
                "part inside",
                CoverageWarning,
                stacklevel=2,
            )
        window = da.isel(y=rows, x=cols).compute()
        window.attrs = dict(da.attrs)
        yield key, window
    if not any_overlap:
        raise NoOverlapError(
            "no zone overlaps the land-cover raster; check that zones and raster cover the "
            "same area (and that the zones' CRS is right)"
        )

