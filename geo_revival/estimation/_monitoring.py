"""The reference sample of a monitoring year: design, expected precision, points, response sheet.

:func:`design_reference_sample` does in one call what a monitoring year needs before the
interpreters start: strata = the mapped change classes between the base year and the
monitoring year (:func:`geo_revival.restoration.change_classes`), the sample size that gives a
chosen 95 % CI half-width on the treated (reclaimed) area, its allocation, the points and a
response sheet (CSV + GeoPackage). :func:`expected_ci` answers the inverse question.

Expected precision of the treated area ``Â = Σ_h A_h p̂_h`` (``p̂_h`` = share of units of
stratum ``h`` whose reference change class is *reclaimed*), from anticipated shares ``p_h``:
``SE(Â)² = Σ_h A_h² p_h (1 − p_h) / n_h`` (Cochran 1977 eq. 5.6 without fpc; Olofsson et al.
2014 eq. 10 × A²). ``p_h`` is the anticipated user's accuracy of the *reclaimed* stratum and,
for the other strata, the anticipated share of reclaimed land they omit (map errors of
omission). The sample size starts from Olofsson et al. (2014) eq. 13 / Cochran (1977) eq. 5.25,
``n = (Σ_h W_h S_h)² / S(p̂)²`` with ``S_h = sqrt(p_h (1 − p_h))`` and
``S(p̂) = half-width / (1.96 · A)`` (the size under Neyman allocation), and is then raised until
the chosen allocation, with its floor per stratum, reaches the half-width.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import xarray as xr

from geo_revival.estimation._design import AllocationMethod, allocate_sample, sample_size
from geo_revival.estimation._sampling import draw_sample, stratum_areas, write_response_sheet
from geo_revival.exceptions import EstimationError
from geo_revival.landcover import pixel_area
from geo_revival.provenance import provenance
from geo_revival.restoration import CHANGE_CLASSES, accounting_units, change_classes, state_map
from geo_revival.units import convert
from geo_revival.validation import zones_first

__all__ = ["ReferenceDesign", "design_reference_sample", "expected_ci"]

#: Anticipated share of true *reclaimed* land per mapped change-class stratum. ASSUMPTIONS for
#: planning only (the user's accuracy of the reclaimed class and plausible omission into the
#: other strata); replace them with the figures of a previous year's sample when there is one.
DEFAULT_RECLAIMED_SHARE: dict[str, float] = {
    "reclaimed": 0.80,
    "newly_damaged": 0.02,
    "stable_restored": 0.03,
    "stable_damaged": 0.08,
    "other": 0.03,
}

_Z95 = 1.959963984540054


@dataclass(frozen=True)
class ReferenceDesign:
    """What :func:`design_reference_sample` returns (see there)."""

    strata: xr.DataArray  #: mapped change classes (the strata), codes of ``CHANGE_CLASSES``
    design: pd.DataFrame  #: per stratum: areas, anticipated share, allocation
    expected: pd.DataFrame  #: :func:`expected_ci` of the allocation
    sample: gpd.GeoDataFrame  #: the points, one row per unit, columns of the response sheet
    paths: dict[str, Path] = field(default_factory=dict)  #: response sheet files, if written


def _shares(share: Mapping[Hashable, float] | pd.Series | None, strata: pd.Index) -> pd.Series:
    given = dict(share) if share is not None else {}
    names = {code: name for name, code in CHANGE_CLASSES.items()}
    values = []
    for h in strata:  # the stratum's own key first, then its class name, then the default
        name = names.get(h, h)
        values.append(given.get(h, given.get(name, DEFAULT_RECLAIMED_SHARE.get(name, np.nan))))
    out = pd.Series(values, index=strata, dtype=float)
    if out.isna().any() or ((out < 0) | (out > 1)).any():
        raise EstimationError(
            f"anticipated reclaimed shares must be given in [0, 1] for every stratum; got "
            f"{out.to_dict()}."
        )
    return out


def expected_ci(
    strata_areas: Mapping[Hashable, float] | pd.Series,
    allocation: Mapping[Hashable, int] | pd.Series,
    *,
    reclaimed_share: Mapping[Hashable, float] | pd.Series | None = None,
    unit: str = "m2",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Return the expected SE and CI half-width of the treated area for an allocation.

    ``SE(Â)² = Σ_h A_h² p_h (1 − p_h) / n_h`` (module docstring; no fpc, as in the estimate).

    Parameters
    ----------
    strata_areas
        Area of each change-class stratum (codes 1-5 or names), in ``unit``.
    allocation
        Sample units per stratum (same keys).
    reclaimed_share
        Anticipated share of true reclaimed land per stratum (default
        ``DEFAULT_RECLAIMED_SHARE``, documented assumptions).
    unit
        Unit of ``strata_areas``.
    confidence
        Coverage of the interval (normal quantile).

    Returns
    -------
    pandas.DataFrame
        One row: ``n``, ``expected_area_mu`` (Σ A_h p_h), ``se_mu``, ``half_width_mu``,
        ``relative_half_width``.

    Examples
    --------
    Strata reclaimed (1) and other (5) of 1000 and 9000 mu, default shares p = 0.8 and 0.03,
    50 units each: area 1000·0.8 + 9000·0.03 = 1070 mu;
    SE² = 1000²·0.16/50 + 9000²·0.0291/50 = 50342 → SE = 224.4 mu.

    >>> e = expected_ci({1: 1000.0, 5: 9000.0}, {1: 50, 5: 50}, unit="mu")
    >>> e[["n", "expected_area_mu", "se_mu"]].round(1).values.tolist()
    [[100.0, 1070.0, 224.4]]
    """
    from scipy import stats

    areas = pd.Series(dict(strata_areas), dtype=float)
    alloc = pd.Series(dict(allocation), dtype=float).reindex(areas.index)
    if alloc.isna().any() or (alloc < 2).any():
        raise EstimationError(
            f"the allocation must give every stratum at least 2 units; got {alloc.to_dict()}."
        )
    p = _shares(reclaimed_share, areas.index)
    a_mu = convert(areas.to_numpy(float), unit, "mu")
    se = float(np.sqrt(np.sum(a_mu**2 * p.to_numpy() * (1 - p.to_numpy()) / alloc.to_numpy())))
    expected = float(np.sum(a_mu * p.to_numpy()))
    half = float(stats.norm.ppf(0.5 + confidence / 2)) * se
    return pd.DataFrame({
        "n": [int(alloc.sum())], "expected_area_mu": [expected], "se_mu": [se],
        "half_width_mu": [half], "relative_half_width": [half / expected if expected else np.nan],
    })


def _size_for(
    areas: pd.Series,
    p: pd.Series,
    half_width_mu: float,
    method: AllocationMethod,
    floor: int,
    max_n: int,
) -> tuple[int, int, pd.Series]:
    """(eq. 13 size, size reaching the half-width under the allocation, allocation)."""
    total_mu = float(convert(float(areas.sum()), "m2", "mu"))
    target_se = half_width_mu / _Z95 / total_mu
    others = {h: float(p[h]) for h in areas.index if h != CHANGE_CLASSES["reclaimed"]}
    reclaimed = CHANGE_CLASSES["reclaimed"]
    if reclaimed not in areas.index:
        raise EstimationError(
            "no pixel is mapped as reclaimed: there is no treated area to design for."
        )
    n0 = sample_size(areas, {reclaimed: float(p[reclaimed])}, target_se=target_se,
                     target_class=reclaimed, class_proportions=others)
    users = p.to_dict()  # S_h = sqrt(p_h (1 − p_h)) is what Neyman allocation needs

    def alloc(n: int) -> pd.Series:
        return allocate_sample(n, areas, method=method, min_per_stratum=floor,
                               users_accuracy=users if method == "neyman" else None)

    def half(n: int) -> float:
        return float(expected_ci(areas, alloc(n), reclaimed_share=p)["half_width_mu"].iloc[0])

    low = max(n0, floor * len(areas))
    high = low
    while half(high) > half_width_mu:
        if high >= max_n:
            raise EstimationError(
                f"a half-width of {half_width_mu} mu needs more units than the {max_n} pixels; "
                "ask for a wider interval."
            )
        high = min(2 * high, max_n)
    while low < high:  # smallest n reaching the half-width (monotone up to rounding)
        mid = (low + high) // 2
        if half(mid) <= half_width_mu:
            high = mid
        else:
            low = mid + 1
    return n0, high, alloc(high)


def _with_zones(
    sample: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, projects: gpd.GeoDataFrame | None
) -> gpd.GeoDataFrame:
    units = accounting_units(zones, projects)[["unit_id", "zone_id", "planned_use", "geometry"]]
    units = units.to_crs(sample.crs)
    joined = gpd.sjoin(sample, units, how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")].drop(columns="index_right")
    if joined["zone_id"].isna().any():
        raise EstimationError(
            f"{int(joined['zone_id'].isna().sum())} sample points fall in no accounting unit; "
            "the strata and the zones disagree."
        )
    return joined


def design_reference_sample(
    zones: gpd.GeoDataFrame,
    mapped: xr.DataArray,
    *,
    start: int,
    end: int,
    seed: int,
    half_width_mu: float | None = None,
    n: int | None = None,
    projects: gpd.GeoDataFrame | None = None,
    rules: Any = "default",
    reclaimed_share: Mapping[Hashable, float] | pd.Series | None = None,
    method: AllocationMethod = "neyman",
    min_per_stratum: int = 50,
    path: str | PathLike[str] | None = None,
    overwrite: bool = False,
) -> ReferenceDesign:
    """Design and draw the reference sample of a monitoring year, and write its response sheet.

    1. Strata: change classes of the *mapped* land cover from ``start`` to ``end``
       (:func:`~geo_revival.restoration.state_map` and
       :func:`~geo_revival.restoration.change_classes`, same zones, projects and rules as the
       accounting).
    2. Size: the smallest ``n`` whose allocation gives a 95 % CI half-width of at most
       ``half_width_mu`` on the treated area (Olofsson et al. 2014 eq. 13 / Cochran 1977 eq.
       5.25 as the start, see the module docstring), unless ``n`` is given.
    3. Allocation (:func:`allocate_sample`): ``"neyman"`` with ``S_h = sqrt(p_h (1 − p_h))`` of the
       anticipated reclaimed shares, at least ``min_per_stratum`` units per stratum (50: the low
       end of what Olofsson et al. 2014 recommend, enough for each stratum's user's accuracy).
    4. Points (:func:`draw_sample`), with the zone, accounting unit and planned use of each,
       ``from_year``/``to_year``, stratum areas and empty ``reference_class`` and
       ``reference_state`` columns; written as CSV + GeoPackage when ``path`` is given
       (:func:`write_response_sheet`). Fill them in and pass the sheet to
       ``geo_revival.plan.progress(..., reference=...)``.

    Parameters
    ----------
    zones, projects, rules
        As in :func:`geo_revival.restoration.account` (zones must not overlap).
    mapped
        Mapped land-cover series ``(year, y, x)`` holding ``start`` and ``end``.
    start, end
        Base year and monitoring year.
    seed
        Seed of the sample.
    half_width_mu
        Wanted 95 % CI half-width of the treated area, in mu.
    n
        Total sample size instead of ``half_width_mu``.
    reclaimed_share
        Anticipated share of true reclaimed land per stratum (names or codes); defaults
        ``DEFAULT_RECLAIMED_SHARE`` are planning assumptions.
    method, min_per_stratum
        Allocation, see :func:`allocate_sample`.
    path, overwrite
        Base path of the response sheet (``.csv`` and ``.gpkg``).

    Returns
    -------
    ReferenceDesign
        ``strata``, ``design`` (per stratum: ``stratum``, ``change_class``, ``pixels``,
        ``area_m2``, ``area_mu``, ``reclaimed_share``, ``n``), ``expected``
        (:func:`expected_ci`, plus ``n_eq13``), ``sample``, ``paths``.

    Examples
    --------
    >>> from geo_revival.demo import load_xuzhou
    >>> demo = load_xuzhou()  # SIMULATED
    >>> pei = demo.zones[demo.zones["zone_id"] == "xz_peixian_key_subsidence"]
    >>> d = design_reference_sample(pei, demo.landcover, projects=demo.projects, start=2020,
    ...                             end=2025, half_width_mu=1500, seed=1)
    >>> bool(d.expected["half_width_mu"].item() <= 1500), int(d.design["n"].sum()) == len(d.sample)
    (True, True)
    """
    zones, mapped = zones_first(zones, mapped, "design_reference_sample")
    if (half_width_mu is None) == (n is None):
        raise EstimationError("give either half_width_mu (wanted precision) or n (sample size).")
    states = state_map(zones, mapped, projects=projects, rules=rules, years=[start, end])
    strata = change_classes(states, start, end)
    areas = stratum_areas(strata, unit="m2")
    p = _shares(reclaimed_share, areas.index)
    px = float(pixel_area(strata))
    if n is None:
        assert half_width_mu is not None
        n_eq13, total, alloc = _size_for(
            areas, p, float(half_width_mu), method, min_per_stratum, int(areas.sum() / px)
        )
    else:
        n_eq13, total = -1, int(n)
        alloc = allocate_sample(total, areas, method=method, min_per_stratum=min_per_stratum,
                                users_accuracy=p.to_dict() if method == "neyman" else None)
    expected = expected_ci(areas, alloc, reclaimed_share=p).assign(n_eq13=n_eq13)
    names = {code: name for name, code in CHANGE_CLASSES.items()}
    design = pd.DataFrame({
        "stratum": areas.index, "change_class": [names[h] for h in areas.index],
        "pixels": np.round(areas.to_numpy() / px).astype(int), "area_m2": areas.to_numpy(),
        "area_mu": convert(areas.to_numpy(), "m2", "mu"), "reclaimed_share": p.to_numpy(),
        "n": alloc.reindex(areas.index).to_numpy(),
    })
    sample = _with_zones(draw_sample(strata, alloc, seed=seed), zones, projects)
    sample["map_change_class"] = sample["map_class"].map(names)
    sample["from_year"], sample["to_year"] = int(start), int(end)
    sample["pixel_area_m2"] = px
    sample["stratum_area_m2"] = sample["stratum"].map(areas.to_dict()).astype(float)
    sample["reference_state"] = pd.Series([None] * len(sample), dtype="string",
                                          index=sample.index)
    simulated = bool(mapped.attrs.get("simulated", False))
    sample.attrs["simulated"] = simulated
    sample.attrs["provenance"] = provenance(
        "design_reference_sample",
        parameters={"start": int(start), "end": int(end), "seed": seed,
                    "half_width_mu": half_width_mu, "n": int(alloc.sum()), "method": method,
                    "min_per_stratum": min_per_stratum, "allocation": alloc.to_dict(),
                    "reclaimed_share": p.to_dict(), "zones": [str(z) for z in zones["zone_id"]]},
        rule_set=strata.attrs.get("rule_set"), rule_set_sha256=strata.attrs.get("rule_set_sha256"),
        legend=strata.attrs.get("legend"), simulated=simulated,
        method="Olofsson et al. (2014) eq. 13 / Cochran (1977) eq. 5.25; stratified random sample",
    )
    paths: dict[str, Path] = {}
    if path is not None:
        paths = write_response_sheet(sample, path, classes=list(CHANGE_CLASSES),
                                     overwrite=overwrite)
    return ReferenceDesign(strata=strata, design=design, expected=expected, sample=sample,
                           paths=paths)
