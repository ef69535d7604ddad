"""Per-pixel restoration states and change classes (the maps behind design-based estimation).

:func:`state_map` reads every pixel of the accounting units (zones split by projects, see
:func:`~geo_revival.restoration.accounting_units`) with the planned use of its unit and the rule
set, exactly as :func:`~geo_revival.restoration.account` does with areas: pixels belong to a unit
by the overlay's pixel-centre rule, so per zone the state map counts the same pixels as
``account(...).status``. :func:`change_classes` turns two years of it into one change-class map,
the strata of a sample (:func:`geo_revival.estimation.estimate_reclaimed_area`).

Encodings (``uint8``; ``0`` = nodata: outside every unit or land-cover nodata):

========  ===================  ==========================================================
code      state (``STATE_CODES``)
========  ===================  ==========================================================
1         ``damaged``
2         ``restored``
3         ``neutral``
========  ===================  ==========================================================

========  ===================  ==========================================================
code      change class         from state -> to state (``CHANGE_CLASSES``)
========  ===================  ==========================================================
1         ``reclaimed``        damaged -> restored (the flow ``reclaimed_area`` counts)
2         ``newly_damaged``    restored or neutral -> damaged (``newly_damaged``)
3         ``stable_restored``  restored -> restored
4         ``stable_damaged``   damaged -> damaged
5         ``other``            damaged -> neutral, neutral -> restored or neutral,
                               restored -> neutral
========  ===================  ==========================================================

Both maps carry the codes CF-style (``flag_values``, ``flag_meanings``) in their attrs, with the
rule set's name and hash. Re-exported by :mod:`geo_revival.restoration`.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Sequence
from os import PathLike
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely
import xarray as xr
from rasterio.enums import MergeAlg
from rasterio.features import rasterize
from rasterio.windows import Window

from geo_revival.exceptions import CoverageWarning, SchemaError
from geo_revival.landcover import Legend, as_landcover
from geo_revival.overlay import prepare_overlay
from geo_revival.restoration._rules import FLOW_STATES, STATES, RuleSet, load_rules
from geo_revival.restoration._units import accounting_units
from geo_revival.validation import zones_first

__all__ = ["CHANGE_CLASSES", "STATE_CODES", "change_classes", "state_map"]

#: State -> pixel code of :func:`state_map` (0 = nodata).
STATE_CODES: dict[str, int] = {state: code for code, state in enumerate(STATES, start=1)}

#: Change class -> pixel code of :func:`change_classes` (0 = nodata).
CHANGE_CLASSES: dict[str, int] = {
    "reclaimed": 1,
    "newly_damaged": 2,
    "stable_restored": 3,
    "stable_damaged": 4,
    "other": 5,
}

#: (from state, to state) -> change class; pairs not listed are "other". Reclaimed and newly
#: damaged are the flows of :func:`~geo_revival.restoration.reclaimed_area`.
_CHANGE_OF: dict[tuple[str, str], str] = {
    **{
        pair: flow
        for flow, (sources, targets) in FLOW_STATES.items()
        for pair in itertools.product(sources, targets)
    },
    ("restored", "restored"): "stable_restored",
    ("damaged", "damaged"): "stable_damaged",
}

_NODATA = 0


def _flags(codes: dict[str, int]) -> dict[str, Any]:
    return {"flag_values": list(codes.values()), "flag_meanings": " ".join(codes)}


def _window(geoms: npt.NDArray[Any], grid: Any) -> Window:
    """Smallest pixel window of the grid holding every geometry (clipped to the grid)."""
    t = grid.transform
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    col0 = max(0, math.floor((xmin - t.c) / t.a))
    col1 = min(grid.width, math.ceil((xmax - t.c) / t.a))
    row0 = max(0, math.floor((ymax - t.f) / t.e))
    row1 = min(grid.height, math.ceil((ymin - t.f) / t.e))
    return Window(col0, row0, col1 - col0, row1 - row0)


def _unit_index(
    units: gpd.GeoDataFrame, geoms: npt.NDArray[Any], shape: tuple[int, int], transform: Any
) -> npt.NDArray[np.int32]:
    """Burn unit ``i`` as ``i + 1`` with the overlay's centre rule; raise if units overlap."""
    burn = {"out_shape": shape, "transform": transform, "fill": 0, "all_touched": False}
    hits = rasterize(((g, 1) for g in geoms), merge_alg=MergeAlg.add, dtype=np.uint16, **burn)
    if (hits > 1).any():
        masks = [rasterize([(g, 1)], dtype=np.uint8, **burn).astype(bool) for g in geoms]
        shared = [
            (units["unit_id"].iloc[i], units["unit_id"].iloc[j], int((masks[i] & masks[j]).sum()))
            for i in range(len(masks))
            for j in range(i + 1, len(masks))
            if (masks[i] & masks[j]).any()
        ]
        raise SchemaError(
            f"zones overlap: units share pixels {shared[:5]} (unit, unit, pixels). A state map "
            "holds one state per pixel, so map overlapping zones separately (one call per zone, "
            "e.g. zones[zones.zone_id == 'a']) or leave the enclosing zone out."
        )
    index = rasterize(
        ((g, i + 1) for i, g in enumerate(geoms)), dtype=np.int32, merge_alg=MergeAlg.replace,
        **burn,
    )
    return np.asarray(index, dtype=np.int32)


def state_table(
    uses: Sequence[str], legend: Any, nodata: frozenset[int], rules: RuleSet
) -> npt.NDArray[np.uint8]:
    """State code per (unit + 1, class code) for every code of the legend.

    Row 0 (no unit), nodata codes and codes the legend does not know (up to the largest legend
    or nodata code, plus one column past it for anything larger) are 0 (nodata).
    """
    top = max([*legend.codes, *(c for c in nodata if c >= 0)]) + 2
    table = np.zeros((len(uses) + 1, top), dtype=np.uint8)
    generic = legend.generic_map()
    for u, use in enumerate(uses, start=1):
        for code in legend.codes:
            if code not in nodata and code >= 0:
                table[u, code] = STATE_CODES[rules.state(generic[code], use)]
    return table


def lookup_states(
    table: npt.NDArray[np.uint8], units: npt.NDArray[Any], values: npt.NDArray[Any]
) -> npt.NDArray[np.uint8]:
    """``table[units, values]``; codes outside the table (negative or too large) give 0."""
    codes = np.asarray(values)
    inside = (codes >= 0) & (codes < table.shape[1])
    return np.where(inside, table[units, np.where(inside, codes, 0)], 0).astype(np.uint8)


def _state_lookup(
    values: npt.NDArray[Any],
    index: npt.NDArray[np.int32],
    uses: Sequence[str],
    legend: Any,
    nodata: frozenset[int],
    rules: RuleSet,
) -> npt.NDArray[np.uint8]:
    """State code of every pixel: a table (unit, class code) -> state, indexed per pixel."""
    inside = index > 0
    codes = np.unique(values[:, inside])
    legend.check_codes([c for c in codes.tolist() if c not in nodata], strict=True)
    table = state_table(uses, legend, nodata, rules)
    out = np.zeros(values.shape, dtype=np.uint8)
    out[:, inside] = lookup_states(table, index[inside][None, :], values[:, inside])
    return out


def state_map(
    zones: gpd.GeoDataFrame | str | PathLike[str],
    landcover: xr.DataArray,
    *,
    projects: gpd.GeoDataFrame | str | PathLike[str] | None = None,
    rules: str | RuleSet = "default",
    legend: str | Legend | None = None,
    years: Sequence[int] | None = None,
) -> xr.DataArray:
    """Restoration state of every pixel of the zones, per year.

    Each pixel is read with the planned use of its accounting unit (a project's use overrides
    its zone's, as in :func:`~geo_revival.restoration.account`) and the rule set. Pixels belong
    to a unit when their centre does (the overlay's ``coverage="centre"`` rule), so the pixels
    of each state per zone equal ``account(zones, landcover, projects=...).status``.

    Parameters
    ----------
    zones, projects
        GeoDataFrames with ``zone_id``, ``planned_use`` and a CRS (projects optional), or zone
        file paths (:func:`~geo_revival.zones.as_zones`). Zones must not overlap (a pixel has
        one state); map nested zones in separate calls.
    landcover
        Land-cover series as :func:`geo_revival.open_landcover` returns it, or any DataArray
        :func:`~geo_revival.landcover.as_landcover` accepts.
    rules
        Rule set name, TOML path or :class:`~geo_revival.restoration.RuleSet`.
    legend
        Legend of the codes when ``landcover.attrs`` names none.
    years
        Years to map (default: all); for arrays without years, the year of each layer.

    Returns
    -------
    xarray.DataArray
        ``restoration_state``, ``uint8``, dims ``(year, y, x)`` on the land-cover grid cut to the
        zones' bounding box: 1 damaged, 2 restored, 3 neutral, 0 nodata (outside the zones or
        land-cover nodata); CRS and nodata set via rioxarray. attrs: ``flag_values``,
        ``flag_meanings``, ``rule_set``, ``rule_set_sha256``, ``legend``, ``simulated``.

    Raises
    ------
    SchemaError
        Zones overlap, or bad zone / land-cover inputs (see :func:`geo_revival.class_areas`).
    LegendError
        Land-cover codes the legend does not know.

    Warns
    -----
    CoverageWarning
        Zones reach beyond the raster or hold land-cover nodata pixels.

    Notes
    -----
    Unlike the overlay's block-wise counting, the map is built in memory for the zones'
    bounding box: about 2 bytes per pixel and year (land cover read plus states), e.g. 140 MB
    for six years of the 30 m demo grid. Pass ``years=[start, end]`` when only two are needed.

    Examples
    --------
    >>> import numpy as np, rioxarray  # noqa: F401
    >>> from shapely.geometry import box
    >>> lc = xr.DataArray(np.array([[[5, 1], [6, 1]]], "uint8"), dims=("year", "y", "x"),
    ...                   coords={"year": [2020], "y": [15.0, 5.0], "x": [5.0, 15.0]},
    ...                   attrs={"legend": "clcd"}).rio.write_crs("EPSG:4548")
    >>> zones = gpd.GeoDataFrame({"zone_id": ["z"], "planned_use": ["cropland"]},
    ...                          geometry=[box(0, 0, 20, 20)], crs=4548)
    >>> state_map(zones, lc).values.tolist()  # water damaged, cropland restored, forest neutral
    [[[1, 2], [3, 2]]]
    """
    zones, landcover = zones_first(zones, landcover, "state_map")
    landcover = as_landcover(landcover, legend=legend, years=years)
    ruleset = load_rules(rules)
    units = accounting_units(zones, projects)
    setup = prepare_overlay(units, landcover, "unit_id", None, "raise")
    partial = setup.inside_area_m2 < setup.zone_area_m2 * (1 - 1e-9)
    if partial.any():
        warnings.warn(
            f"units {setup.ids[partial].tolist()[:5]} reach beyond the land-cover raster; their "
            "pixels outside it are not mapped (nodata).",
            CoverageWarning,
            stacklevel=2,
        )
    window = _window(setup.geoms, setup.grid)
    lc = setup.landcover.sel(year=list(setup.years)).rio.isel_window(window)
    index = _unit_index(units, setup.geoms, lc.shape[1:], lc.rio.transform(recalc=True))
    values = np.asarray(lc.values)
    uses = [str(u) for u in units["planned_use"]]
    states = _state_lookup(values, index, uses, setup.legend, setup.nodata, ruleset)
    missing = int(((states == _NODATA) & (index > 0)).sum())
    if missing:
        warnings.warn(
            f"{missing} pixel-years inside the zones are land-cover nodata; they are nodata in "
            "the state map (and left out of any estimate drawn from it).",
            CoverageWarning,
            stacklevel=2,
        )
    out = lc.copy(data=states).rename("restoration_state")
    out.encoding = {}
    out.attrs = {
        "long_name": "restoration state",
        **_flags(STATE_CODES),
        "rule_set": ruleset.name,
        "rule_set_sha256": ruleset.sha256,
        "legend": landcover.attrs.get("legend"),
        "simulated": bool(landcover.attrs.get("simulated", False)),
    }
    return out.rio.write_nodata(_NODATA, encoded=False)


def _check_states(states: xr.DataArray, years: tuple[int, int]) -> None:
    if not isinstance(states, xr.DataArray) or states.attrs.get("flag_meanings") != " ".join(
        STATE_CODES
    ):
        raise SchemaError(
            "change_classes needs a state_map result (a DataArray whose flag_meanings are "
            f"{' '.join(STATE_CODES)!r}); build it with state_map(zones, landcover, ...)."
        )
    if "year" not in states.dims:
        raise SchemaError(f"the state map has no 'year' dimension (dims {states.dims}).")
    available = [int(y) for y in states["year"].values]
    absent = [y for y in years if y not in available]
    if absent:
        raise SchemaError(f"years {absent} are not in the state map (years: {available}).")
    if years[0] >= years[1]:
        raise SchemaError(f"start ({years[0]}) must be before end ({years[1]}).")


def change_classes(states: xr.DataArray, start: int, end: int) -> xr.DataArray:
    """Change class of every pixel between two years of a :func:`state_map`.

    Parameters
    ----------
    states
        :func:`state_map` result holding both years.
    start, end
        The two years, ``start < end``.

    Returns
    -------
    xarray.DataArray
        ``restoration_change``, ``uint8``, dims ``(y, x)``: 1 reclaimed (damaged -> restored),
        2 newly damaged (restored or neutral -> damaged), 3 stable restored, 4 stable damaged,
        5 other; 0 nodata (nodata in either year). attrs as the state map's plus
        ``from_year`` and ``to_year``.

    Examples
    --------
    >>> import numpy as np
    >>> s = xr.DataArray(np.array([[[1, 2, 3, 0]], [[2, 1, 1, 2]]], "uint8"),
    ...                  dims=("year", "y", "x"), coords={"year": [2020, 2025]},
    ...                  attrs={"flag_meanings": "damaged restored neutral"})
    >>> change_classes(s, 2020, 2025).values.tolist()
    [[1, 2, 2, 0]]
    """
    _check_states(states, (int(start), int(end)))
    table = np.zeros((len(STATES) + 1, len(STATES) + 1), dtype=np.uint8)
    for a, code_a in STATE_CODES.items():
        for b, code_b in STATE_CODES.items():
            table[code_a, code_b] = CHANGE_CLASSES[_CHANGE_OF.get((a, b), "other")]
    before = states.sel(year=int(start), drop=True)
    after = states.sel(year=int(end), drop=True)
    out = before.copy(data=table[before.values, after.values]).rename("restoration_change")
    out.attrs = {
        **{k: v for k, v in states.attrs.items() if k not in ("flag_values", "flag_meanings")},
        "long_name": "restoration change class",
        **_flags(CHANGE_CLASSES),
        "from_year": int(start),
        "to_year": int(end),
    }
    return out.rio.write_nodata(_NODATA, encoded=False)
