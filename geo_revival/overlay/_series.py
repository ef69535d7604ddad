"""All years in one pass: class areas, consecutive transitions and a per-pixel summary.

The one-pass companion of :func:`~geo_revival.overlay.class_areas` and
:func:`~geo_revival.overlay.transitions` for long series (decades of annual land cover): each
block of the stack is read once. :func:`filter_flips` removes one-year A→B→A flips first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from os import PathLike
from typing import Any

import geopandas as gpd
import pandas as pd
import xarray as xr

from geo_revival.exceptions import SchemaError
from geo_revival.landcover import Legend, as_landcover
from geo_revival.overlay import _engine as engine
from geo_revival.overlay._inputs import OnMissing, _nodata, prepare_overlay
from geo_revival.overlay._tables import (
    _count,
    _finish,
    _label,
    _provenance,
    _valid,
    _warn_coverage,
)
from geo_revival.overlay._tally import Plan, Trajectory
from geo_revival.overlay._tally import filter_flips as _filter_stack
from geo_revival.validation import renamed_keywords
from geo_revival.zones import as_zones

__all__ = ["OverlaySeries", "filter_flips", "overlay_series"]


@dataclass(frozen=True)
class OverlaySeries:
    """Result of :func:`overlay_series`: every table from one read of each block."""

    class_areas: pd.DataFrame  #: as :func:`class_areas`, every year
    transitions: pd.DataFrame  #: as :func:`transitions` for the consecutive pairs
    summary: pd.DataFrame  #: ``zone_id, key, pixels, area_*`` of ``trajectory=`` (else empty)
    filtered: pd.DataFrame | None  #: ``zone_id, year, pixels, area_*`` the flip filter changed


@renamed_keywords(zone_id="id_column")
def overlay_series(
    zones: gpd.GeoDataFrame | str | PathLike[str],
    landcover: xr.DataArray,
    *,
    id_column: str = "zone_id",
    legend: str | Legend | None = None,
    years: Sequence[int] | None = None,
    trajectory: Trajectory | None = None,
    flip_filter: bool = False,
    on_missing: OnMissing = "raise",
    strict: bool = True,
    progress: bool = False,
    client: Any = None,
) -> OverlaySeries:
    """Class areas of every year and transitions of consecutive years, in one pass.

    Each block of the stack is read once for all years (centre rule); memory is bounded by
    threads x block pixels x years, cost is linear in pixels x years. Open long series with
    chunks small enough for that, e.g. ``open_landcover(..., chunks=2048)`` for 20-40 years.

    Parameters
    ----------
    zones, landcover, id_column, legend, years, on_missing, strict, progress, client
        As for :func:`class_areas`.
    trajectory : Trajectory, optional
        Count restoration trajectories too: a state table per zone (row ``i + 1`` for the zone
        at position ``i`` of ``zones``) and the persistence rule; each pixel's trajectory over
        all years (after the flip filter) is counted per zone as an integer ``key`` (decoded by
        :func:`geo_revival.restoration_series`, which builds the table from its rule set).
    flip_filter : bool
        Remove one-year flips (A -> B -> A) before counting, see :func:`filter_flips`.
        Off by default; its effect is in ``filtered``.

    Returns
    -------
    OverlaySeries
        ``class_areas`` and ``transitions`` with the columns of :func:`class_areas` and
        :func:`transitions` (consecutive pairs only), ``summary`` and ``filtered`` (pixels
        changed by the flip filter per zone and year; ``None`` when the filter is off).

    Examples
    --------
    >>> import geopandas as gpd, numpy as np, xarray as xr, rioxarray  # noqa: F401
    >>> from shapely.geometry import box
    >>> lc = xr.DataArray(np.array([[[1, 2], [3, 3]], [[5, 2], [3, 3]], [[1, 2], [3, 3]]], "uint8"),
    ...                   dims=("year", "y", "x"),
    ...                   coords={"year": [2020, 2021, 2022], "y": [15.0, 5.0], "x": [5.0, 15.0]},
    ...                   attrs={"legend": "clcd"}).rio.write_crs("EPSG:4548")
    >>> zones = gpd.GeoDataFrame({"zone_id": ["a"]}, geometry=[box(0, 10, 20, 20)], crs=4548)
    >>> out = overlay_series(zones, lc, flip_filter=True)
    >>> out.filtered[["year", "pixels"]].values.tolist()  # 1 -> 5 -> 1: 2021 set back to 1
    [[2021, 1]]
    >>> out.transitions["from_code"].tolist(), out.transitions["to_code"].tolist()
    ([1, 2, 1, 2], [1, 2, 1, 2])
    """
    zones = as_zones(zones)
    landcover = as_landcover(landcover, legend=legend, years=years)
    setup = prepare_overlay(zones, landcover, id_column, None, on_missing)
    if len(setup.years) < 2:
        raise SchemaError(f"a series needs at least two years; the land cover has {setup.years}")
    n = len(setup.years)
    plan = Plan(
        years=tuple(range(n)),
        pairs=tuple((i, i + 1) for i in range(n - 1)),
        trajectory=trajectory,
        flip_nodata=tuple(sorted(setup.nodata)) if flip_filter else None,
    )
    years_counts, pairs_counts, keys, filtered = _count(setup, plan, "centre", progress, client)
    _warn_coverage(setup, years_counts, ["code"])
    areas = _label(_valid(years_counts, setup, ["code"]), setup, strict,
                   [("code", "class_name", "generic_class")])
    areas = _finish(areas.rename(columns={"code": "class_code"}), setup,
                    ["zone_id", "year", "class_code", "class_name", "generic_class"])
    moves = _label(
        _valid(pairs_counts, setup, ["code", "code2"]),
        setup,
        strict,
        [("code", "from_name", "from_generic"), ("code2", "to_name", "to_generic")],
    )
    moves = moves.rename(columns={"year2": "to_year", "code": "from_code", "code2": "to_code"})
    moves = _finish(
        moves,
        setup,
        ["zone_id", "from_year", "to_year", "from_code", "to_code", "from_name", "to_name",
         "from_generic", "to_generic"],
        year_column="from_year",
    )
    params = {"years": list(setup.years), "id_column": id_column, "flip_filter": flip_filter}
    for name, table in (("class_areas", areas), ("transitions", moves)):
        table.attrs["provenance"] = _provenance(f"overlay_series.{name}", setup, **params)
    return OverlaySeries(
        class_areas=areas,
        transitions=moves,
        summary=_finish(keys, setup, ["zone_id", "key"]),
        filtered=_finish(filtered, setup, ["zone_id", "year"]) if flip_filter else None,
    )


def filter_flips(landcover: xr.DataArray) -> xr.DataArray:
    """Land cover with one-year flips (a pixel A -> B -> A) removed, lazily.

    Annual land-cover products flicker: a pixel classified cropland, then water for one year,
    then cropland again is more often a classification error than a pond that came and went.
    Rule (deterministic, in year order): a year takes the class of the year before it (as
    already filtered) when that equals the class of the year after it and differs from its
    own, and all three are valid (not nodata). The first and last years never change, and a
    class that lasts two years or more is kept: ``A B A`` -> ``A A A``, ``A B A B A`` ->
    ``A A A A A``, ``A B B A`` and ``A <nodata> A`` unchanged. Off by default everywhere;
    :func:`overlay_series` and :func:`geo_revival.restoration_series` report the area it changed.

    Parameters
    ----------
    landcover : xarray.DataArray
        Land cover ``(year, y, x)`` as for :func:`class_areas`, at least three years.

    Returns
    -------
    xarray.DataArray
        Same grid, dtype and attrs (plus ``flip_filter``), dask-backed, all years in one chunk.

    Examples
    --------
    >>> import numpy as np, rioxarray  # noqa: F401
    >>> codes = np.array([1, 5, 1, 5, 1, 1, 5, 5, 1], "uint8")
    >>> lc = xr.DataArray(np.tile(codes[:, None, None], (1, 2, 2)), dims=("year", "y", "x"),
    ...                   coords={"year": list(range(2000, 2009)), "y": [15.0, 5.0],
    ...                           "x": [5.0, 15.0]},
    ...                   attrs={"legend": "clcd"}).rio.write_crs("EPSG:4548")
    >>> filter_flips(lc).values[:, 0, 0].tolist()
    [1, 1, 1, 1, 1, 1, 5, 5, 1]
    """
    lc = as_landcover(landcover)
    if lc.sizes["year"] < 3:
        raise SchemaError(f"the flip filter needs at least three years, not {lc.sizes['year']}")
    data = engine.as_dask(lc).rechunk({0: -1})
    nodata = tuple(sorted(_nodata(lc)))
    out = lc.copy(data=data.map_blocks(_filter_stack, nodata, dtype=data.dtype))
    out.attrs = {**lc.attrs, "flip_filter": "one-year flips A-B-A removed"}
    return out


# -- validation and preparation ---------------------------------------------------------------
