"""Verdict of each progress row: probability the target is met, status, and the output table.

:func:`_compare` joins the observed and projected rows of one indicator with its reference
values and rates them into the columns of :func:`geo_revival.plan.progress` (``_COLUMNS``):

- **p_target_met**: probability that the true value meets the reference (``≥ reference``)
  given the estimate and its SE: ``F((value − reference) / SE)``, ``F`` the standard normal, or
  Student's t with ``n − H`` df (sample) / ``n_years − 2`` df (projection) below 30 df. NaN for
  unadjusted map counts (a map count has no error model).
- **Status**: for adjusted values from the interval: ``ahead`` / ``behind`` when the whole
  interval lies above / below the band ``reference ± tolerance``, ``on_track`` when it lies in
  the band, ``undetermined`` when it straddles an edge of the band. For unadjusted map counts
  from the point value: ``ahead`` / ``on_track`` / ``behind`` when it is above / within / below
  the band.

``ADJUSTED`` / ``UNADJUSTED`` are the ``estimate_basis`` labels of the rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from geo_revival.exceptions import SchemaError

__all__ = ["p_target_met"]

ADJUSTED = "adjusted"
UNADJUSTED = "unadjusted map count"


def _status(
    value: np.ndarray,
    reference: np.ndarray,
    tolerance: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    use_interval: np.ndarray,
) -> list[Any]:
    out: list[Any] = []
    for v, r, t, lo, hi, ci in zip(
        value, reference, tolerance, lower, upper, use_interval, strict=True
    ):
        if np.isnan(v) or np.isnan(r):
            out.append(pd.NA)
        elif ci and not (np.isnan(lo) or np.isnan(hi)):
            if lo > r + t:
                out.append("ahead")
            elif hi < r - t:
                out.append("behind")
            elif lo >= r - t and hi <= r + t:
                out.append("on_track")
            else:
                out.append("undetermined")
        elif v > r + t:
            out.append("ahead")
        elif v < r - t:
            out.append("behind")
        else:
            out.append("on_track")
    return out


def p_target_met(
    value: np.ndarray | float,
    reference: np.ndarray | float,
    se: np.ndarray | float,
    df: np.ndarray | float,
) -> np.ndarray:
    """Probability that the true value is at least ``reference``, given estimate and SE.

    ``F((value − reference) / SE)`` with ``F`` Student's t (``df`` degrees of freedom) below
    30 df, else the standard normal; 1 or 0 when ``SE = 0``; NaN without SE or reference.

    Examples
    --------
    >>> p_target_met(0.76, 0.76, 0.01, 1000).round(3).tolist()
    [0.5]
    >>> p_target_met(31510.0, 33900.0, 1200.0, 500).round(3).tolist()  # 2 SE short
    [0.023]
    """
    v, r, s, d = np.broadcast_arrays(*(np.atleast_1d(np.asarray(a, float)) for a in
                                       (value, reference, se, df)))
    out = np.full(v.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (v - r) / s
    ok = np.isfinite(v) & np.isfinite(r) & np.isfinite(s) & (s > 0)
    small = ok & (d < 30)
    out[small] = stats.t.cdf(z[small], d[small])
    out[ok & ~small] = stats.norm.cdf(z[ok & ~small])
    exact = np.isfinite(v) & np.isfinite(r) & (s == 0)
    out[exact] = (v[exact] >= r[exact]).astype(float)
    return out


_COLUMNS = [
    "indicator_id",
    "name_zh",
    "name_en",
    "year",
    "kind",
    "estimate_basis",
    "value",
    "lower",
    "upper",
    "se",
    "map_value",
    "n_sample",
    "unit",
    "reference",
    "reference_kind",
    "margin",
    "margin_mu",
    "margin_pp",
    "tolerance",
    "p_target_met",
    "status",
    "zone_ids",
    "note",
]


def _compare(
    rows: pd.DataFrame,
    reference: pd.DataFrame,
    spec: Mapping[Any, Any],
    tolerances: Mapping[str, float] | None,
    members: list[str],
    plan: pd.Series,
) -> pd.DataFrame:
    """Join observed/projected rows of one indicator with its reference values and rate them."""
    ind = str(spec["indicator_id"])
    out = rows.merge(reference.drop(columns="unit"), on="year", how="left")
    ref = out["reference"].to_numpy(float)
    if tolerances is not None and ind in tolerances:
        tol = np.full(len(out), float(tolerances[ind]))
    elif spec["tolerance_kind"] == "relative":
        tol = float(spec["tolerance"]) * np.abs(ref)
    elif spec["tolerance_kind"] == "absolute":
        tol = np.full(len(out), float(spec["tolerance"]))
    else:
        raise SchemaError(f"{ind}: tolerance_kind must be 'relative' or 'absolute'.")
    margin = out["value"].to_numpy(float) - ref
    is_area = spec["measure"] == "treated_area"
    out = out.assign(
        indicator_id=ind,
        name_zh=plan["name_zh"],
        name_en=plan["name_en"],
        unit=str(reference["unit"].iloc[0]),
        margin=margin,
        margin_mu=margin if is_area else np.nan,
        margin_pp=np.nan if is_area else margin * 100,
        tolerance=np.where(np.isnan(ref), np.nan, tol),
        p_target_met=p_target_met(out["value"], ref, out["se"], out["df"]),
        status=_status(
            out["value"].to_numpy(float), ref, tol, out["lower"].to_numpy(float),
            out["upper"].to_numpy(float),
            out["estimate_basis"].str.startswith(ADJUSTED).to_numpy(bool),
        ),
        zone_ids=";".join(members),
    )
    return out[_COLUMNS]
