"""Design-based area of change classes when a reference raster exists: any map, or reclaimed area.

:func:`estimate_change_area` stratifies by a map of (change) classes, draws the sample, reads the
reference classes from a raster and estimates (:func:`estimate_areas`). For
:func:`estimate_reclaimed_area` the strata are the mapped change classes: the states and change
classes come from :func:`geo_revival.restoration.state_map` and
:func:`~geo_revival.restoration.change_classes` (the rules live there). Re-exported by
:mod:`geo_revival.estimation`.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
import xarray as xr

from geo_revival.estimation._design import AllocationMethod, allocate_sample
from geo_revival.estimation._sampling import draw_sample, reference_from_raster, stratum_areas
from geo_revival.estimation._tables import estimate_areas
from geo_revival.exceptions import EstimationError, GridMismatchError
from geo_revival.restoration import CHANGE_CLASSES, change_classes, state_map
from geo_revival.validation import renamed_keywords

__all__ = ["estimate_change_area", "estimate_reclaimed_area"]


@renamed_keywords(unit="areas_unit")
def estimate_change_area(
    mapped: xr.DataArray,
    reference: xr.DataArray,
    n: int | None = None,
    *,
    seed: int,
    allocation: Mapping[Hashable, int] | pd.Series | None = None,
    method: AllocationMethod = "olofsson",
    min_per_stratum: int | None = None,
    areas_unit: str = "mu",
    classes: Sequence[Hashable] | None = None,
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Design-based area of each (change) class when a reference raster exists.

    Stratifies by the mapped classes, allocates ``n`` units (:func:`allocate_sample`), draws the
    sample (:func:`draw_sample`), reads each unit's reference class from ``reference``
    (:func:`reference_from_raster`) and estimates (:func:`estimate_areas`). For simulations and
    the demo (reference = the simulated truth) or a reference map of higher quality; with
    reference data interpreted by people, use the response sheet functions instead.

    Parameters
    ----------
    mapped
        Single-layer raster of mapped classes, e.g. change classes such as reclaimed / newly
        damaged / stable (the strata and the map assessed), projected CRS in metres.
    reference
        Reference classes in the same CRS (e.g. the truth change classes).
    n
        Total sample size; not needed when ``allocation`` is given.
    seed
        Seed of the sample (:func:`draw_sample`).
    allocation
        Sample size per stratum; default ``allocate_sample(n, areas, method=method, ...)``.
    method, min_per_stratum
        Passed to :func:`allocate_sample`.
    areas_unit
        Unit the strata areas are measured in (the result has m², ha and mu columns in any
        case).
    classes
        Passed to :func:`estimate_areas`.

    Returns
    -------
    tuple of pandas.DataFrame and geopandas.GeoDataFrame
        The estimates (:func:`estimate_areas`) and the sample with its reference classes.

    Examples
    --------
    >>> import numpy as np, rioxarray  # noqa: F401
    >>> coords = {"y": (np.arange(20)[::-1] + 0.5) * 30.0, "x": (np.arange(20) + 0.5) * 30.0}
    >>> truth = xr.DataArray(np.repeat([0, 1], 200).reshape(20, 20), dims=("y", "x"),
    ...                      coords=coords).rio.write_crs(4548)
    >>> est, sample = estimate_change_area(truth, truth, 40, seed=0, min_per_stratum=10)
    >>> est["area_mu"].round(1).tolist(), est["area_mu_se"].tolist()
    ([270.0, 270.0], [0.0, 0.0])
    """
    areas = stratum_areas(mapped, unit=areas_unit)
    given = allocation is not None
    if allocation is None:
        if n is None:
            raise EstimationError("give the total sample size n or an allocation per stratum.")
        allocation = allocate_sample(n, areas, method=method, min_per_stratum=min_per_stratum)
    sample = draw_sample(mapped, allocation, seed=seed)
    sample = reference_from_raster(sample, reference)
    estimates = estimate_areas(sample, areas, areas_unit=areas_unit, classes=classes)
    estimates.attrs["provenance"]["parameters"].update(
        {"seed": seed, "allocation": {k: int(v) for k, v in dict(allocation).items()},
         "method": "given" if given else method}
    )
    return estimates, sample



def _change_map(
    zones: gpd.GeoDataFrame,
    landcover: xr.DataArray,
    projects: gpd.GeoDataFrame | None,
    rules: Any,
    start: int,
    end: int,
) -> xr.DataArray:
    states = state_map(zones, landcover, projects=projects, rules=rules, years=[start, end])
    return change_classes(states, start, end)


def estimate_reclaimed_area(
    zones: gpd.GeoDataFrame,
    mapped: xr.DataArray,
    reference: xr.DataArray,
    *,
    start: int,
    end: int,
    seed: int,
    n: int | None = None,
    projects: gpd.GeoDataFrame | None = None,
    rules: Any = "default",
    allocation: Mapping[Hashable, int] | pd.Series | None = None,
    method: AllocationMethod = "olofsson",
    min_per_stratum: int | None = None,
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Reclaimed (and other change-class) area between two years, design-based, with 95 % CI.

    The mapped land cover gives each pixel of the zones a change class (reclaimed, newly
    damaged, stable restored, stable damaged, other; see
    :func:`~geo_revival.restoration.change_classes`); these are the strata. A stratified random
    sample is drawn, each unit's reference change class is read from the reference land cover
    with the same zones, projects and rules, and Olofsson et al. (2014) / Stehman (2014)
    estimators give each class's area with SE and interval (:func:`estimate_change_area`).

    With no reference raster (reference classes interpreted by people), build the strata with
    ``change_classes(state_map(...), start, end)`` and use :func:`draw_sample`,
    :func:`write_response_sheet`, :func:`read_response_sheet` and :func:`estimate_areas`.

    Parameters
    ----------
    zones, projects, rules
        As in :func:`geo_revival.restoration.state_map` (non-overlapping zones; GeoDataFrames
        or zone file paths).
    mapped
        Mapped land-cover series ``(year, y, x)`` (the map to stratify by and assess).
    reference
        Reference land cover on the same grid, e.g. the demo's truth series.
    start, end
        The year pair, ``start < end``.
    seed
        Seed of the sample.
    n
        Total sample size, allocated by ``method``; not needed when ``allocation`` is given.
    allocation
        Sample units per change-class code (1 reclaimed … 5 other), for every class mapped.
    method, min_per_stratum
        Passed to :func:`allocate_sample`.

    Returns
    -------
    tuple of pandas.DataFrame and geopandas.GeoDataFrame
        The :func:`estimate_areas` table, one row per change class, with ``change_class``
        (name) after ``class`` (code): ``area_mu``, ``area_mu_se``, ``area_mu_ci_low``,
        ``area_mu_ci_high`` (and ``_ha``, ``_m2``), ``mapped_area_*``, user's and producer's
        accuracy; and the sample with its reference classes. Provenance (rule set and hash,
        years, seed, allocation) in ``attrs``.

    Raises
    ------
    GridMismatchError
        ``mapped`` and ``reference`` are not on the same grid.
    EstimationError
        Allocation problems (a mapped class with too few pixels, see :func:`draw_sample`) or
        reference nodata at sample units.

    Examples
    --------
    >>> from geo_revival.demo import load_xuzhou
    >>> demo = load_xuzhou()  # SIMULATED
    >>> jiawang = demo.zones[demo.zones["zone_id"] == "xz_jiawang_key_subsidence"]
    >>> est, sample = estimate_reclaimed_area(
    ...     jiawang, demo.landcover, demo.truth, projects=demo.projects, start=2020, end=2025,
    ...     n=600, min_per_stratum=100, seed=0)
    >>> est["change_class"].tolist()
    ['reclaimed', 'newly_damaged', 'stable_restored', 'stable_damaged', 'other']
    >>> reclaimed = est.set_index("change_class").loc["reclaimed"]
    >>> bool(reclaimed["area_mu_ci_low"] < reclaimed["area_mu"] < reclaimed["area_mu_ci_high"])
    True
    """
    if isinstance(zones, xr.DataArray):  # the old order (mapped, reference, zones) still works
        warnings.warn(
            "estimate_reclaimed_area(mapped, reference, zones, ...) is deprecated; call "
            "estimate_reclaimed_area(zones, mapped, reference, ...)",
            DeprecationWarning,
            stacklevel=2,
        )
        zones, mapped, reference = reference, zones, mapped
    strata = _change_map(zones, mapped, projects, rules, start, end)
    truth = _change_map(zones, reference, projects, rules, start, end)
    if (
        strata.shape != truth.shape
        or strata.rio.transform() != truth.rio.transform()
        or strata.rio.crs != truth.rio.crs
    ):
        raise GridMismatchError(
            "mapped and reference land cover are not on the same grid (CRS, transform, shape); "
            "align the reference with reference.rio.reproject_match(mapped, "
            "resampling=Resampling.nearest) first."
        )
    codes: Sequence[int] = list(CHANGE_CLASSES.values())
    estimates, sample = estimate_change_area(
        strata, truth, n, seed=seed, allocation=allocation, method=method,
        min_per_stratum=min_per_stratum, areas_unit="m2", classes=codes,
    )
    names = {code: name for name, code in CHANGE_CLASSES.items()}
    estimates.insert(1, "change_class", estimates["class"].map(names))
    sample["map_change_class"] = sample["map_class"].map(names)
    sample["reference_change_class"] = sample["reference_class"].map(names)
    estimates.attrs["provenance"]["parameters"].update({
        "start": int(start), "end": int(end), "zones": [str(z) for z in zones["zone_id"]],
        "projects": None if projects is None else [str(p) for p in projects["zone_id"]],
    })
    estimates.attrs["provenance"].update({
        "function": "estimate_reclaimed_area",
        "rule_set": strata.attrs["rule_set"],
        "rule_set_sha256": strata.attrs["rule_set_sha256"],
        "legend": strata.attrs.get("legend"),
        "simulated": bool(strata.attrs.get("simulated") or truth.attrs.get("simulated")),
    })
    return estimates, sample
