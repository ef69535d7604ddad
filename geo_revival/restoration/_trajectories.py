"""Restoration trajectories: when each pixel was damaged and when it was reclaimed.

The state of a pixel in a year is the one :func:`~geo_revival.restoration.state_map` gives
(land-cover class read with the planned use of its accounting unit and the rule set: 1 damaged,
2 restored, 3 neutral, 0 nodata). Over the years of a series each pixel gets:

* ``first_damaged_year``: the first year it is damaged (0: never).
* ``reclaimed_year``: the first year ``t`` after the first damaged year from which it is
  restored for ``persistence`` consecutive layers of the series (``t`` itself included;
  default 2, so one restored year between damaged ones is not yet reclamation). The last
  ``persistence - 1`` layers cannot start a reclamation: the curve is complete only up to
  the year ``persistence - 1`` layers before the last. Neutral years in between are allowed
  (damaged -> neutral -> restored is reclaimed in the restored year). 0: not reclaimed.
* ``state_changes``: how often the state changes between consecutive valid years (nodata
  years are skipped).
* ``trajectory_class`` (:data:`TRAJECTORY_CLASSES`): 1 ``never_damaged``; 2 ``still_damaged``
  (damaged, not reclaimed); 3 ``reclaimed`` (reclaimed and never damaged after the
  reclamation year); 4 ``relapsed`` (reclaimed, then damaged again in a later year, whatever
  happens after); 0 nodata (no valid year, or outside the zones).

A nodata year is neither damaged nor restored: it breaks a restored run. "Years" of the
persistence rule are layers of the series; with gaps between layers they are not calendar years.

:func:`trajectories` maps these lazily per pixel (a dask-backed Dataset, written as COGs by
:func:`write_trajectories`); :func:`restoration_series` reads each block of the stack once and
returns the accounting's class areas, consecutive transitions and flows together with the
trajectory counts per zone, including the reclaimed area by year of reclamation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from os import PathLike, fspath
from pathlib import Path
from typing import Any

import dask.array
import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
import xarray as xr

from geo_revival._kernels import MAX_LAYERS, decode_trajectory_keys, trajectory_pixels
from geo_revival.exceptions import OptionError, SchemaError
from geo_revival.landcover import Legend, as_landcover, write_classified
from geo_revival.overlay import Trajectory, filter_flips, overlay_series, prepare_overlay
from geo_revival.restoration._accounting import (
    reclaimed_area,
    restoration_status,
    state_transitions,
)
from geo_revival.restoration._rules import RuleSet, load_rules
from geo_revival.restoration._state_maps import (
    _unit_index,
    _window,
    lookup_states,
    state_table,
)
from geo_revival.restoration._units import accounting_units, attach_units
from geo_revival.units import add_area_columns
from geo_revival.validation import zones_first

__all__ = [
    "TRAJECTORY_CLASSES",
    "RestorationSeries",
    "restoration_series",
    "trajectories",
    "write_trajectories",
]

#: Trajectory class -> pixel code of ``trajectory_class`` (0 = nodata).
TRAJECTORY_CLASSES: dict[str, int] = {
    "never_damaged": 1,
    "still_damaged": 2,
    "reclaimed": 3,
    "relapsed": 4,
}
#: Colours of the classes in written COGs (RGBA).
_COLOURS: dict[int, tuple[int, int, int, int]] = {
    0: (0, 0, 0, 0),
    1: (190, 190, 190, 255),
    2: (215, 48, 39, 255),
    3: (26, 152, 80, 255),
    4: (253, 174, 97, 255),
}
#: Default persistence: restored for this many consecutive layers to count as reclaimed.
DEFAULT_PERSISTENCE = 2
#: Block edge (pixels) of numpy-backed land cover.
_BLOCK = 2048


def trajectory_arrays(
    states: npt.NDArray[Any], persistence: int
) -> tuple[
    npt.NDArray[np.int16], npt.NDArray[np.int16], npt.NDArray[np.uint8], npt.NDArray[np.uint8]
]:
    """First damaged layer, reclaimed layer (-1: none), changes and class of each pixel.

    ``states`` is ``(layer, ...)`` with at most :data:`MAX_LAYERS` layers; the rules are in
    the module docstring (computed by the compiled kernel that also counts them per zone).
    """
    n = states.shape[0]
    if n > MAX_LAYERS:
        raise SchemaError(
            f"trajectories handle at most {MAX_LAYERS} years, not {n}; split the series."
        )
    flat = np.asarray(states, np.uint8).reshape(n, -1)
    return tuple(  # type: ignore[return-value]
        a.reshape(states.shape[1:]) for a in trajectory_pixels(flat, persistence)
    )


def _decode(keys: npt.NDArray[Any], years: Sequence[int]) -> pd.DataFrame:
    cls, first, reclaimed = decode_trajectory_keys(keys, len(years))
    year_of = np.r_[0, np.asarray(years, np.int64)]
    names = np.array(["nodata", *TRAJECTORY_CLASSES], dtype=object)
    return pd.DataFrame(
        {
            "trajectory_class": names[cls],
            "first_damaged_year": year_of[first + 1],
            "reclaimed_year": year_of[reclaimed + 1],
        }
    )


def _check_persistence(persistence: int) -> int:
    if (
        isinstance(persistence, bool)
        or not isinstance(persistence, int | np.integer)
        or persistence < 1
    ):
        raise OptionError(
            f"persistence must be a whole number of years >= 1, not {persistence!r} "
            f"(default {DEFAULT_PERSISTENCE}: restored two years running)."
        )
    return int(persistence)


def _block(
    values: npt.NDArray[Any],
    *,
    geoms: npt.NDArray[Any],
    units: gpd.GeoDataFrame,
    transform: Any,
    chunks: tuple[tuple[int, ...], ...],
    table: npt.NDArray[np.uint8],
    legend: Any,
    nodata: frozenset[int],
    years: npt.NDArray[np.int64],
    persistence: int,
    block_id: tuple[int, ...],
) -> npt.NDArray[np.uint16]:
    """Trajectory layers ``(4, y, x)`` of one block of the stack ``values (year, y, x)``."""
    from affine import Affine

    row0 = sum(chunks[1][: block_id[1]])
    col0 = sum(chunks[2][: block_id[2]])
    index = _unit_index(units, geoms, values.shape[1:], transform * Affine.translation(col0, row0))
    codes = values[:, index > 0]
    legend.check_codes([c for c in np.unique(codes).tolist() if c not in nodata], strict=True)
    states = lookup_states(table, index[None], values)
    first, reclaimed, changes, cls = trajectory_arrays(states, persistence)
    year_of = np.r_[0, years].astype(np.uint16)
    return np.stack([year_of[first + 1], year_of[reclaimed + 1], changes, cls])


def trajectories(
    zones: gpd.GeoDataFrame,
    landcover: xr.DataArray,
    *,
    projects: gpd.GeoDataFrame | None = None,
    rules: str | RuleSet = "default",
    persistence: int = DEFAULT_PERSISTENCE,
    flip_filter: bool = False,
) -> xr.Dataset:
    """Per-pixel restoration trajectory over all years of a land-cover series, lazily.

    States are those of :func:`~geo_revival.restoration.state_map` (same units, centre rule
    and rule set); the trajectory rules are in :mod:`geo_revival.restoration` (module
    ``_trajectories``): first damaged year, reclaimed year with ``persistence``, state changes
    and class (never damaged / still damaged / reclaimed / relapsed).

    Parameters
    ----------
    zones, projects
        GeoDataFrames with ``zone_id``, ``planned_use`` and a CRS (projects optional); zones
        must not overlap (a pixel has one trajectory).
    landcover
        Land-cover series ``(year, y, x)`` as :func:`geo_revival.open_landcover` returns.
    rules
        Rule set name, TOML path or :class:`~geo_revival.restoration.RuleSet`.
    persistence
        Consecutive restored layers needed to count as reclaimed (default 2).
    flip_filter
        Remove one-year flips of the land cover first (:func:`geo_revival.filter_flips`).

    Returns
    -------
    xarray.Dataset
        dask-backed, on the land-cover grid cut to the zones' bounding box, dims ``(y, x)``:
        ``first_damaged_year`` and ``reclaimed_year`` (``uint16``, 0 none), ``state_changes``
        (``uint8``), ``trajectory_class`` (``uint8``, :data:`TRAJECTORY_CLASSES`, 0 nodata).
        Nothing is read until computed or written (:func:`write_trajectories`); memory per
        block is about 3 bytes x years x block pixels.

    Raises
    ------
    SchemaError
        Overlapping zones (on compute), fewer than two years, or bad inputs as for
        :func:`~geo_revival.restoration.state_map`.
    LegendError
        Land-cover codes the legend does not know (on compute).

    Examples
    --------
    >>> import numpy as np, rioxarray  # noqa: F401
    >>> from shapely.geometry import box
    >>> codes = np.array([1, 5, 5, 1, 1, 5], "uint8")  # CLCD cropland 1, water 5
    >>> lc = xr.DataArray(np.tile(codes[:, None, None], (1, 2, 2)), dims=("year", "y", "x"),
    ...                   coords={"year": list(range(2015, 2021)), "y": [15.0, 5.0],
    ...                           "x": [5.0, 15.0]},
    ...                   attrs={"legend": "clcd"}).rio.write_crs("EPSG:4548")
    >>> zones = gpd.GeoDataFrame({"zone_id": ["z"], "planned_use": ["cropland"]},
    ...                          geometry=[box(0, 0, 20, 20)], crs=4548)
    >>> t = trajectories(zones, lc).compute()
    >>> [int(t[v][0, 0]) for v in ("first_damaged_year", "reclaimed_year", "state_changes")]
    [2016, 2018, 3]
    >>> int(t["trajectory_class"][0, 0])  # water again in 2020: relapsed
    4
    """
    zones, landcover = zones_first(zones, landcover, "trajectories")
    k = _check_persistence(persistence)
    ruleset = load_rules(rules)
    units = accounting_units(zones, projects)
    setup = prepare_overlay(units, landcover, "unit_id", None, "raise")
    if len(setup.years) < 2:
        raise SchemaError(f"trajectories need at least two years, not {list(setup.years)}")
    lc = setup.landcover.sel(year=list(setup.years))
    if flip_filter:
        lc = filter_flips(lc)
    lc = lc.rio.isel_window(_window(setup.geoms, setup.grid))
    if isinstance(lc.data, dask.array.Array):
        data = lc.data.rechunk({0: -1})
    else:
        data = lc.chunk({"year": -1, "y": _BLOCK, "x": _BLOCK}).data
    uses = [str(u) for u in units["planned_use"]]
    table = state_table(uses, setup.legend, setup.nodata, ruleset)
    shapely.prepare(setup.geoms)
    block = partial(
        _block,
        geoms=setup.geoms,
        units=units,
        transform=lc.rio.transform(recalc=True),
        chunks=data.chunks,
        table=table,
        legend=setup.legend,
        nodata=setup.nodata,
        years=np.asarray(setup.years, np.int64),
        persistence=k,
    )
    layers = data.map_blocks(
        block,
        dtype=np.uint16,
        chunks=((4,), *data.chunks[1:]),
    )
    template = lc.isel(year=0, drop=True)
    attrs = {
        "rule_set": ruleset.name,
        "rule_set_sha256": ruleset.sha256,
        "legend": landcover.attrs.get("legend"),
        "simulated": bool(landcover.attrs.get("simulated", False)),
        "persistence": k,
        "flip_filter": bool(flip_filter),
        "years": [int(y) for y in setup.years],
    }
    names = {
        "first_damaged_year": ("uint16", "first year damaged (0: never)"),
        "reclaimed_year": ("uint16", f"first year restored {k} years running after damage"),
        "state_changes": ("uint8", "number of restoration-state changes"),
        "trajectory_class": ("uint8", "restoration trajectory class"),
    }
    variables = {}
    for i, (name, (dtype, long_name)) in enumerate(names.items()):
        da = template.copy(data=layers[i].astype(dtype)).rename(name)
        da.encoding = {}
        da.attrs = {"long_name": long_name, **attrs}
        if name == "trajectory_class":
            da.attrs.update(
                flag_values=list(TRAJECTORY_CLASSES.values()),
                flag_meanings=" ".join(TRAJECTORY_CLASSES),
            )
        variables[name] = da.rio.write_nodata(0, encoded=False)
    return xr.Dataset(variables, attrs=attrs)


def write_trajectories(
    traj: xr.Dataset, path: str | PathLike[str], *, force: bool = False
) -> list[Path]:
    """Write a :func:`trajectories` result as one Cloud-Optimized GeoTIFF per variable.

    ``path`` names the class map (colour table: grey never damaged, red still damaged, green
    reclaimed, orange relapsed; class names in its tags); the other variables go next to it as
    ``<stem>_<variable>.tif``. Written block by block
    (:func:`geo_revival.landcover.write_classified`).
    Simulated trajectories need ``simulated`` in the file name.

    Returns
    -------
    list of pathlib.Path
        The files written: class map first.

    Examples
    --------
    >>> write_trajectories(trajectories(zones, lc), "out/xuzhou_trajectory.tif")  # doctest: +SKIP
    """
    target = Path(fspath(path))
    out = []
    for name in ("trajectory_class", "first_damaged_year", "reclaimed_year", "state_changes"):
        da = traj[name]
        file = (
            target
            if name == "trajectory_class"
            else target.with_name(f"{target.stem}_{name}{target.suffix}")
        )
        classes = {0: "nodata", **{v: k for k, v in TRAJECTORY_CLASSES.items()}}
        out.append(
            write_classified(
                da,
                file,
                colormap=_COLOURS if name == "trajectory_class" else None,
                classes=classes if name == "trajectory_class" else None,
                description=str(da.attrs.get("long_name", name)),
                tags={k: str(v) for k, v in traj.attrs.items()},
                simulated=bool(traj.attrs.get("simulated", False)),
                force=force,
            )
        )
    return out


@dataclass(frozen=True)
class RestorationSeries:
    """Result of :func:`restoration_series` (tidy tables; areas in m², ha and mu)."""

    units: pd.DataFrame  #: :func:`~geo_revival.restoration.accounting_units`
    class_areas: pd.DataFrame  #: overlay class areas of every year per unit, with zone
    transitions: pd.DataFrame  #: overlay transitions of consecutive years per unit, with zone
    status: pd.DataFrame  #: damaged / restored / neutral area per zone and year
    flows: pd.DataFrame  #: reclaimed, newly damaged ... per zone and consecutive year pair
    trajectories: pd.DataFrame  #: area per zone, trajectory class, first damaged and reclaimed year
    reclaimed_by_year: pd.DataFrame  #: area per zone and year of reclamation (every year)
    flip_filter: pd.DataFrame | None  #: area the flip filter changed per zone and year


def restoration_series(
    zones: gpd.GeoDataFrame,
    landcover: xr.DataArray,
    *,
    projects: gpd.GeoDataFrame | None = None,
    rules: str | RuleSet = "default",
    persistence: int = DEFAULT_PERSISTENCE,
    flip_filter: bool = False,
    legend: str | Legend | None = None,
    years: Sequence[int] | None = None,
    progress: bool = False,
    client: Any = None,
) -> RestorationSeries:
    """Accounting and trajectories of every year of a series from one read of each block.

    Class areas of every year, transitions of consecutive years (and the accounting built on
    them, as :func:`~geo_revival.restoration.account` does) and the per-zone trajectory counts
    come from a single pass of the overlay engine (:func:`geo_revival.overlay_series`): memory
    is bounded by threads x block pixels x years, cost is linear in pixels x years. Runs on a
    ``dask.distributed`` cluster when ``client`` is given; nothing else in the call changes.

    Parameters
    ----------
    zones, projects, rules
        As for :func:`~geo_revival.restoration.account` (zones may overlap: each counts its
        pixels, as in the accounting).
    landcover
        Land-cover series ``(year, y, x)``, at least two years.
    persistence
        See :func:`trajectories`.
    flip_filter
        Remove one-year flips (:func:`geo_revival.filter_flips`) before counting: then every
        table (class areas, transitions, accounting and trajectories) is of the filtered land
        cover, and ``flip_filter`` reports the area it changed per zone and year.
    legend, years
        As for :func:`geo_revival.overlay_series` (through
        :func:`~geo_revival.landcover.as_landcover`): the legend when ``landcover.attrs``
        names none (e.g. a ``rioxarray.open_rasterio`` stack), and the year of each band, or
        the years to keep of a series that has them.
    progress, client
        Progress bar; dask.distributed client (see :func:`geo_revival.class_areas`).

    Returns
    -------
    RestorationSeries
        ``reclaimed_by_year`` (``zone_id, year, pixels, area_m2, area_ha, area_mu``: the area
        first reclaimed in each year, one row per zone and year after the first, including land
        that relapsed later) is the curve a reclamation target is read against;
        ``trajectories`` has the full detail (``zone_id, trajectory_class, first_damaged_year,
        reclaimed_year, pixels, area_*``), e.g. to leave relapsed land out.

    Examples
    --------
    >>> import numpy as np, rioxarray  # noqa: F401
    >>> from shapely.geometry import box
    >>> codes = np.array([[5, 5], [1, 5], [1, 1], [1, 1]], "uint8")  # water 5 -> cropland 1
    >>> lc = xr.DataArray(np.repeat(codes[:, None, :], 2, axis=1), dims=("year", "y", "x"),
    ...                   coords={"year": [2020, 2021, 2022, 2023], "y": [15.0, 5.0],
    ...                           "x": [5.0, 15.0]},
    ...                   attrs={"legend": "clcd"}).rio.write_crs("EPSG:4548")
    >>> zones = gpd.GeoDataFrame({"zone_id": ["z"], "planned_use": ["cropland"]},
    ...                          geometry=[box(0, 10, 20, 20)], crs=4548)  # top row only
    >>> r = restoration_series(zones, lc).reclaimed_by_year
    >>> r["year"].tolist(), r["area_m2"].tolist()
    ([2021, 2022, 2023], [100.0, 100.0, 0.0])
    """
    k = _check_persistence(persistence)
    ruleset = load_rules(rules)
    landcover = as_landcover(landcover, legend=legend, years=years)
    units = accounting_units(zones, projects)
    setup = prepare_overlay(units, landcover, "unit_id", None, "raise")
    uses = [str(u) for u in units["planned_use"]]
    table = state_table(uses, setup.legend, setup.nodata, ruleset)
    result = overlay_series(
        units,
        landcover,
        id_column="unit_id",
        trajectory=Trajectory(table, k),
        flip_filter=flip_filter,
        progress=progress,
        client=client,
    )
    areas = attach_units(result.class_areas, units)
    moves = attach_units(result.transitions, units)
    status = restoration_status(areas, ruleset)
    flows = reclaimed_area(state_transitions(moves, ruleset))
    years = list(setup.years)
    detail = attach_units(result.summary, units)
    detail = pd.concat(
        [detail.drop(columns="key"), _decode(detail["key"].to_numpy(), years)], axis=1
    )
    keys = ["zone_id", "trajectory_class", "first_damaged_year", "reclaimed_year"]
    detail = detail[detail["trajectory_class"] != "nodata"]
    traj = add_area_columns(
        detail.groupby(keys, as_index=False, sort=True)[["pixels", "area_m2"]].sum()
    )
    done = (
        traj[traj["reclaimed_year"] > 0]
        .groupby(["zone_id", "reclaimed_year"])[["pixels", "area_m2"]]
        .sum()
    )
    grid = pd.MultiIndex.from_product(
        [sorted(units["zone_id"].unique(), key=str), years[1:]], names=["zone_id", "year"]
    )
    curve = done.rename_axis(["zone_id", "year"]).reindex(grid, fill_value=0).reset_index()
    filtered = None
    if result.filtered is not None:
        f = attach_units(result.filtered, units)
        filtered = add_area_columns(
            f.groupby(["zone_id", "year"], as_index=False)[["pixels", "area_m2"]].sum()
        )
    return RestorationSeries(
        units=units,
        class_areas=areas,
        transitions=moves,
        status=status,
        flows=flows,
        trajectories=traj,
        reclaimed_by_year=add_area_columns(curve),
        flip_filter=filtered,
    )
