"""Error-adjusted progress indicators from a reference sample (Olofsson et al. 2014).

A *reference sample* is a stratified random sample of pixels whose strata are the mapped change
classes between the base year and a monitoring year
(:func:`geo_revival.estimation.design_reference_sample` draws it), each unit with its reference
labels. One row per sample unit:

============================  ===================================================================
column                        meaning
============================  ===================================================================
``stratum``                   mapped change class (code 1-5 or name, ``CHANGE_CLASSES``)
``reference_class``           reference change class from ``from_year`` to ``to_year`` (code/name)
``reference_state``           reference state in ``to_year`` (damaged / restored / neutral);
                              optional: without it rates stay unadjusted
``zone_id``                   zone holding the unit (the indicator's domain)
``from_year``, ``to_year``    the year pair of the change classes
``stratum_area_m2``           area of the unit's stratum (``A_h``), or ``stratum_pixels`` with
                              ``pixel_area_m2``; ``stratum_pixels`` (``N_h``) also gives the fpc
============================  ===================================================================

Estimators (:mod:`geo_revival.estimation`, ``stratified_total`` / ``stratified_ratio``):

- **treated area** of the zones ``G`` of an indicator = total of
  ``y_u = 1[reference class = reclaimed] · 1[zone_u ∈ G]`` (minus ``1[newly damaged]`` for
  ``treated="net_reclaimed"``): Olofsson et al. (2014) eqs. 9-11 for the reclaimed class,
  restricted to a domain (Cochran 1977 §5A.14);
- **restoration rate** (``definition="state"``) = ``R̂ = Ŷ / X̂`` with
  ``y_u = 1[reference state = restored] · 1[zone_u ∈ G]`` and
  ``x_u = 1[reference state ∈ {restored, damaged}] · 1[zone_u ∈ G]``: the combined ratio
  estimator, ``V̂(R̂) = X̂⁻² Σ_h A_h² (1 − n_h/N_h) s²_dh / n_h``, ``d_u = y_u − R̂ x_u``
  (Cochran 1977 §6.11, eqs. 6.48-6.50; Stehman 2014 eqs. 26-28). The SE of a rate is therefore
  not built from two separate intervals: numerator and denominator come from the same units and
  their covariance enters through ``d``.

Intervals: ``estimate ± q · SE`` with ``q`` the normal quantile (1.96 for 95 %) or Student's t
with ``n − H`` df when that is below 30.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo_revival.estimation import (
    interval_multiplier,
    read_response_sheet,
    stratified_ratio,
    stratified_total,
)
from geo_revival.exceptions import ProgressWarning, SchemaError
from geo_revival.restoration import CHANGE_CLASSES, STATES
from geo_revival.units import convert

__all__ = ["adjusted_estimates", "read_reference"]

ReferenceInput = pd.DataFrame | str | PathLike[str]

_NAMES = {code: name for name, code in CHANGE_CLASSES.items()}
#: End state implied by each reference change class (``other`` allows restored or neutral).
_END_STATES = {
    "reclaimed": {"restored"},
    "newly_damaged": {"damaged"},
    "stable_restored": {"restored"},
    "stable_damaged": {"damaged"},
    "other": {"restored", "neutral"},
}


def _class_codes(values: pd.Series, column: str) -> np.ndarray:
    """Change-class codes from codes (1, "1", 1.0) or names ("reclaimed")."""
    out = np.zeros(len(values), dtype=np.int64)
    for i, raw in enumerate(values.tolist()):
        text = str(raw).strip()
        if text in CHANGE_CLASSES:
            out[i] = CHANGE_CLASSES[text]
            continue
        try:
            number = float(text)
        except ValueError:
            number = np.nan
        if not (np.isfinite(number) and number.is_integer() and int(number) in _NAMES):
            raise SchemaError(
                f"reference sample: {column} {raw!r} is not a change class; use a code 1-5 or "
                f"a name of {list(CHANGE_CLASSES)}."
            )
        out[i] = int(number)
    return out


def read_reference(reference: ReferenceInput) -> pd.DataFrame:
    """Read and check a reference sample: a table, or a filled-in response sheet (CSV/GPKG).

    Parameters
    ----------
    reference
        A DataFrame with the columns of the module docstring, or the path of a response sheet
        written by :func:`geo_revival.estimation.design_reference_sample` and filled in (a
        sheet written ``blind`` must first be read with
        :func:`~geo_revival.estimation.read_response_sheet` and its ``sample=``).

    Returns
    -------
    pandas.DataFrame
        A copy with ``stratum`` and ``reference_class`` as change-class codes,
        ``reference_state`` as text (or missing), ``stratum_area_m2`` filled in.

    Raises
    ------
    SchemaError
        Columns missing, labels that are not change classes or states, a reference state that
        contradicts the reference change class, strata with several areas.

    Examples
    --------
    >>> t = pd.DataFrame({"stratum": [1, 1, 3, 3], "reference_class": ["reclaimed", 4, 3, 3],
    ...                   "reference_state": ["restored", "damaged", "restored", "restored"],
    ...                   "zone_id": "z", "from_year": 2020, "to_year": 2025,
    ...                   "stratum_area_m2": [900.0, 900.0, 2700.0, 2700.0]})
    >>> read_reference(t)["reference_class"].tolist()
    [1, 4, 3, 3]
    """
    if isinstance(reference, pd.DataFrame):
        table = pd.DataFrame(reference).copy()
    else:
        classes: list[Any] = [*CHANGE_CLASSES.values(), *CHANGE_CLASSES]
        table = pd.DataFrame(read_response_sheet(Path(reference), classes=classes))
    needed = ["stratum", "reference_class", "zone_id", "from_year", "to_year"]
    missing = [c for c in needed if c not in table.columns]
    if "stratum_area_m2" not in table.columns and not {
        "stratum_pixels", "pixel_area_m2"
    } <= set(table.columns):
        missing.append("stratum_area_m2 (or stratum_pixels and pixel_area_m2)")
    if missing:
        raise SchemaError(
            f"reference sample lacks columns {missing}; draw it with "
            "geo_revival.estimation.design_reference_sample (has "
            f"{list(table.columns)[:12]})."
        )
    if table["reference_class"].isna().any():
        raise SchemaError(
            f"{int(table['reference_class'].isna().sum())} reference sample units have no "
            "reference_class; fill in every unit (or remove units missing at random)."
        )
    table["stratum"] = _class_codes(table["stratum"], "stratum")
    table["reference_class"] = _class_codes(table["reference_class"], "reference_class")
    if "stratum_area_m2" not in table.columns:
        table["stratum_area_m2"] = table["stratum_pixels"] * table["pixel_area_m2"]
    if "reference_state" in table.columns:
        state = table["reference_state"].astype("string").str.strip().str.lower()
        state = state.mask(state == "")
        bad = sorted(set(state.dropna()) - set(STATES))
        if bad:
            raise SchemaError(f"reference_state {bad} are not states; use one of {list(STATES)}.")
        if state.notna().any():
            ends = [_END_STATES[_NAMES[c]] for c in table["reference_class"]]
            clash = [
                int(i) for i, (s, ok) in enumerate(zip(state, ends, strict=True))
                if pd.notna(s) and s not in ok
            ]
            if clash:
                ids = table["sample_id"].iloc[clash].tolist() if "sample_id" in table else clash
                raise SchemaError(
                    f"reference_state contradicts reference_class at sample units {ids[:10]}: "
                    "e.g. a 'reclaimed' unit must be 'restored' in to_year. Fix the labels."
                )
        table["reference_state"] = state
    for col in ("from_year", "to_year"):
        table[col] = table[col].astype(int)
    per_stratum = table.groupby(["to_year", "stratum"])["stratum_area_m2"].nunique()
    if (per_stratum > 1).any():
        raise SchemaError("reference sample: a stratum has several stratum_area_m2 values.")
    return table


def _layout(sample: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    codes = sorted(sample["stratum"].unique())
    h = np.searchsorted(codes, sample["stratum"].to_numpy())
    first = sample.groupby("stratum").first().reindex(codes)
    areas = first["stratum_area_m2"].to_numpy(float)
    population = (
        first["stratum_pixels"].to_numpy(float) if "stratum_pixels" in sample.columns else None
    )
    return h, areas, population


def adjusted_estimates(
    reference: pd.DataFrame,
    domains: Mapping[str, tuple[str, Sequence[str]]],
    *,
    base_year: Mapping[str, int],
    treated: str = "reclaimed",
    rate_definition: str = "state",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Error-adjusted value, SE and interval of each indicator for each sampled year.

    Parameters
    ----------
    reference
        :func:`read_reference` result.
    domains
        ``{indicator_id: (measure, zone ids)}``; measure ``treated_area`` or
        ``restoration_rate``.
    base_year
        ``{indicator_id: year}`` treated area is counted from.
    treated, rate_definition, confidence
        As in :func:`geo_revival.plan.progress`.

    Returns
    -------
    pandas.DataFrame
        ``indicator_id, year, value, se, lower, upper, df, n_sample, note`` (areas in mu, rates
        as fractions); indicators or years the sample cannot inform have a ``note`` and NaN.
    """
    rows = []
    for to_year, sample in reference.groupby("to_year"):
        year = int(str(to_year))
        h, areas, population = _layout(sample)
        zone = sample["zone_id"].astype(str).to_numpy()
        ref = sample["reference_class"].to_numpy()
        for ind, (measure, members) in domains.items():
            g = np.isin(zone, list(members)).astype(float)
            note = f"reference sample of {len(sample)} units, {len(areas)} strata"
            unsampled = sorted(set(members) - set(zone))
            if unsampled:
                # Legitimate for a tiny zone; wrong if the design left the zone out.
                note += f"; no units in zones {unsampled}"
                warnings.warn(
                    f"{ind} {year}: the reference sample has no units in zones {unsampled}. If "
                    "its design did not cover them, their area is missing from the adjusted "
                    "estimate: design the sample over every zone of the indicator.",
                    ProgressWarning,
                    stacklevel=4,
                )
            estimate = None
            if measure == "treated_area":
                if int(sample["from_year"].iloc[0]) != base_year[ind]:
                    note = (
                        f"not adjusted: the sample's change classes start in "
                        f"{int(sample['from_year'].iloc[0])}, treated area counts from "
                        f"{base_year[ind]}"
                    )
                else:
                    y = g * (ref == CHANGE_CLASSES["reclaimed"])
                    if treated == "net_reclaimed":
                        y = y - g * (ref == CHANGE_CLASSES["newly_damaged"])
                    estimate = stratified_total(y, h, areas, population=population)
                    scale = convert(1.0, "m2", "mu")
            elif rate_definition != "state":
                note = "not adjusted: adjusted rates need rate_definition='state'"
            elif "reference_state" not in sample or sample["reference_state"].isna().any():
                note = "not adjusted: the reference sample has no reference_state for every unit"
            else:
                state = sample["reference_state"].to_numpy(dtype=object)
                y = g * (state == "restored")
                x = g * ((state == "restored") | (state == "damaged"))
                estimate = stratified_ratio(y, x, h, areas, population=population)
                scale = 1.0
            if estimate is None:
                rows.append({"indicator_id": ind, "year": year, "note": note,
                             "n_sample": len(sample)})
                continue
            q = interval_multiplier(estimate.df, confidence)
            value, se = float(estimate.value) * scale, float(estimate.se) * scale
            rows.append({
                "indicator_id": ind, "year": year, "value": value, "se": se,
                "lower": value - q * se, "upper": value + q * se, "df": estimate.df,
                "n_sample": len(sample), "n_domain": int(g.sum()), "note": note,
            })
    columns = ["indicator_id", "year", "value", "se", "lower", "upper", "df", "n_sample",
               "n_domain", "note"]
    return pd.DataFrame(rows).reindex(columns=columns)
