"""The whole restoration accounting of zones (and projects) on a land-cover series: :func:`account`.

Splits zones by projects (``_units``), overlays every year and the year pairs, reads each unit
with its planned use (``_classify``) and returns the status (``_status``), flows and rates
(``_rates``) per zone as one :class:`Accounting`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from geo_revival.landcover import as_landcover
from geo_revival.restoration._classify import Rules
from geo_revival.restoration._rates import reclaimed_area, restoration_rate
from geo_revival.restoration._rules import load_rules
from geo_revival.restoration._status import restoration_status, state_transitions
from geo_revival.restoration._units import accounting_units, attach_units
from geo_revival.validation import check_option

__all__ = ["Accounting", "account"]


@dataclass(frozen=True)
class Accounting:
    """Everything :func:`account` computes, as tidy tables (see each function for columns)."""

    units: pd.DataFrame  #: :func:`accounting_units` (GeoDataFrame)
    class_areas: pd.DataFrame  #: overlay class areas per unit, with zone and planned use
    transitions: pd.DataFrame  #: overlay transitions per unit, with zone and planned use
    status: pd.DataFrame  #: :func:`restoration_status` per zone and year
    state_transitions: pd.DataFrame  #: :func:`state_transitions` per zone and year pair
    flows: pd.DataFrame  #: :func:`reclaimed_area` per zone and year pair
    rates: pd.DataFrame  #: :func:`restoration_rate` (``"state"``) per zone and year


def account(
    zones: Any,
    landcover: Any,
    *,
    projects: Any = None,
    rules: Rules = "default",
    legend: Any = None,
    years: Sequence[int] | None = None,
    base_year: int | None = None,
    coverage: Literal["centre", "exact"] = "centre",
) -> Accounting:
    """Run the whole restoration accounting of zones (and projects) on a land-cover series.

    Zones are split by projects (:func:`accounting_units`), the overlay engine counts class
    areas for every year and transitions for consecutive years and from ``base_year`` to every
    later year, and each unit is read with its own planned use before the results are summed
    per zone.

    Parameters
    ----------
    zones, projects
        GeoDataFrames with ``zone_id``, ``planned_use`` and a CRS (projects optional), or paths
        of zone files (:func:`geo_revival.zones.as_zones`).
    landcover
        Land cover as :func:`geo_revival.open_landcover` returns it, or any DataArray
        :func:`geo_revival.landcover.as_landcover` accepts.
    rules
        Rule set name, path or :class:`RuleSet`.
    legend, years
        For land cover that does not carry them, see :func:`geo_revival.landcover.as_landcover`.
    base_year
        First year of the cumulative pairs (default: the first year of ``landcover``, which
        needs at least two years).
    coverage
        Overlay pixel rule, see :func:`geo_revival.overlay.class_areas`.

    Returns
    -------
    Accounting
        Per-zone tables; per accounting unit, call e.g.
        ``restoration_status(result.class_areas, rules, id_column="unit_id")``. For one row per
        project, account the projects layer itself: ``account(projects, landcover)`` (a
        project is a zone with its own planned use; units of overlapping zones would count
        its pixels once per zone).

    Examples
    --------
    >>> import geopandas as gpd, numpy as np, xarray as xr, rioxarray  # noqa: F401
    >>> from shapely.geometry import box
    >>> water_to_crop = np.array([[[5, 5], [1, 1]], [[5, 1], [1, 1]]], "uint8")  # CLCD codes
    >>> lc = xr.DataArray(water_to_crop, dims=("year", "y", "x"),
    ...                   coords={"year": [2020, 2021], "y": [15.0, 5.0], "x": [5.0, 15.0]},
    ...                   attrs={"legend": "clcd"}).rio.write_crs("EPSG:4548")
    >>> zones = gpd.GeoDataFrame({"zone_id": ["z"], "planned_use": ["cropland"]},
    ...                          geometry=[box(0, 0, 20, 20)], crs=4548)
    >>> account(zones, lc).flows["reclaimed_area_m2"].tolist()
    [100.0]
    """
    from geo_revival.overlay import class_areas, transitions

    check_option(coverage, ("centre", "exact"), "coverage")
    landcover = as_landcover(landcover, legend=legend, years=years)
    units = accounting_units(zones, projects)
    years = sorted(int(y) for y in landcover["year"].to_numpy())
    base = years[0] if base_year is None else int(base_year)
    pairs = sorted({*itertools.pairwise(years), *((base, y) for y in years if y > base)})
    areas = attach_units(
        class_areas(units, landcover, id_column="unit_id", coverage=coverage), units
    )
    moves = attach_units(
        transitions(units, landcover, id_column="unit_id", pairs=pairs, coverage=coverage), units
    )
    ruleset = load_rules(rules)
    status = restoration_status(areas, ruleset)
    states = state_transitions(moves, ruleset)
    return Accounting(
        units=units,
        class_areas=areas,
        transitions=moves,
        status=status,
        state_transitions=states,
        flows=reclaimed_area(states),
        rates=restoration_rate(status),
    )
