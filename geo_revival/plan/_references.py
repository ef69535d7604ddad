"""Reference values from the plan by year, and the trend projection of an observed series.

Targets come from the plan-facts file (:func:`geo_revival.plan.plan_targets`); nothing here types
a target into code.

- **Treated area** reference (:func:`treated_trajectory`): a linear trajectory from 0 in the
  base year (the year before the plan period) to the cumulative target at the end of the period.
- **Rate** reference (:func:`rate_trajectory`): the plan's values by year; between two plan years
  the reference is interpolated linearly (``reference_kind="trajectory"``).
- **Projection**: ordinary least squares line through the yearly values, extrapolated to the
  requested years with a Student-t prediction interval (:func:`project_trend`).

Examples
--------
>>> treated_trajectory("subsidence_treated_area").set_index("year").loc[2023, "reference"]
np.float64(25670.4)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from geo_revival.exceptions import PlanLookupError
from geo_revival.plan._targets import plan_targets

__all__ = ["project_trend", "rate_trajectory", "treated_trajectory"]


def _plan_rows(indicator_id: str, targets: pd.DataFrame | None = None) -> pd.DataFrame:
    targets = plan_targets() if targets is None else targets
    rows = targets[targets["indicator_id"] == indicator_id].sort_values("year")
    if rows.empty:
        raise PlanLookupError(f"the plan-facts file has no indicator {indicator_id!r}.")
    return rows


def treated_trajectory(indicator_id: str = "subsidence_treated_area") -> pd.DataFrame:
    """Linear trajectory of a cumulative treated-area target, from 0 in the base year.

    The base year is the year before the target period (2020 for the 14th FYP, 2021–2025).

    Returns
    -------
    pandas.DataFrame
        ``year, reference, reference_kind, unit``: ``baseline`` (0) in the base year,
        ``trajectory`` in between, ``target`` in the last year of the period.

    Examples
    --------
    >>> t = treated_trajectory("key_subsidence_treated_area")
    >>> t[["year", "reference"]].iloc[[0, -1]].values.tolist()
    [[2020.0, 0.0], [2025.0, 17788.0]]
    """
    return _treated_trajectory(_plan_rows(indicator_id))


def _treated_trajectory(rows: pd.DataFrame) -> pd.DataFrame:
    indicator_id = str(rows["indicator_id"].iloc[0])
    target = rows[rows["kind"] == "target"]
    if len(target) != 1 or pd.isna(target["period_start"].iloc[0]):
        raise PlanLookupError(
            f"{indicator_id!r} needs exactly one cumulative target with a period in the plan file."
        )
    total = float(target["value"].iloc[0])
    base, end = int(target["period_start"].iloc[0]) - 1, int(target["period_end"].iloc[0])
    years = np.arange(base, end + 1)
    kinds = ["baseline"] + ["trajectory"] * (len(years) - 2) + ["target"]
    return pd.DataFrame(
        {
            "year": years,
            "reference": total * (years - base) / (end - base),
            "reference_kind": kinds,
            "unit": str(target["unit"].iloc[0]),
        }
    )


def rate_trajectory(indicator_id: str = "subsidence_restoration_rate") -> pd.DataFrame:
    """Return the reference values of a rate by year, interpolated linearly between plan years.

    Returns
    -------
    pandas.DataFrame
        ``year, reference, reference_kind, unit``; ``reference_kind`` is the plan's kind
        (``baseline``, ``actual``, ``target``) or ``trajectory`` for interpolated years.

    Examples
    --------
    >>> t = rate_trajectory("legacy_mine_restoration_rate").set_index("year")
    >>> float(round(t.loc[2022, "reference"], 3)), t.loc[2022, "reference_kind"]
    (0.39, 'trajectory')
    """
    return _rate_trajectory(_plan_rows(indicator_id))


def _rate_trajectory(rows: pd.DataFrame) -> pd.DataFrame:
    indicator_id = str(rows["indicator_id"].iloc[0])
    rows = rows.dropna(subset=["year"])
    known = rows.set_index(rows["year"].astype(int))
    if known.index.duplicated().any():
        raise PlanLookupError(f"{indicator_id!r} has several values for one year in the plan file.")
    years = np.arange(known.index.min(), known.index.max() + 1)
    reference = np.interp(years, known.index.to_numpy(), known["value"].to_numpy(float))
    kinds = [str(known.loc[y, "kind"]) if y in known.index else "trajectory" for y in years]
    return pd.DataFrame(
        {
            "year": years,
            "reference": reference,
            "reference_kind": kinds,
            "unit": str(known["unit"].iloc[0]),
        }
    )


def project_trend(
    years: Sequence[int] | np.ndarray,
    values: Sequence[float] | np.ndarray,
    to_years: Iterable[int],
    *,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Extrapolate a yearly series with an OLS line and a Student-t prediction interval.

    For a new year x0 the interval is ŷ ± t(1 - α/2, n - 2) · s · √(1 + 1/n + (x0 - x̄)² / Sxx),
    with s the residual standard deviation: it covers next year's *value* (not only the line)
    under a linear trend with independent normal noise. It needs n ≥ 3 years; with 2 years the
    line is returned without an interval, with fewer no projection is made (``note`` says so).

    Parameters
    ----------
    years, values
        The observed series (NaN values are dropped).
    to_years
        Years to project to.
    confidence
        Coverage of the prediction interval.

    Returns
    -------
    pandas.DataFrame
        ``year, value, lower, upper, n_years, note``.

    Examples
    --------
    >>> p = project_trend([2020, 2021, 2022], [0.0, 1.0, 2.0], [2024])
    >>> p[["value", "lower", "upper"]].values.tolist()
    [[4.0, 4.0, 4.0]]
    """
    x = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    keep = ~np.isnan(y)
    x, y = x[keep], y[keep]
    targets = np.asarray(list(to_years), dtype=float)
    n = len(x)
    nan = np.full(len(targets), np.nan)
    if n < 2 or np.ptp(x) == 0:
        note = f"no projection: {n} year(s) observed, a trend needs at least 2 different years"
        return _projection(targets, nan, nan, nan, n, note)
    # Centred years keep the fit exact to rounding (years ~2020 squared lose digits).
    dx = x - x.mean()
    sxx = np.sum(dx**2)
    slope = np.sum(dx * (y - y.mean())) / sxx
    fitted = y.mean() + slope * (targets - x.mean())
    if n == 2:
        note = "line through 2 years; no interval (needs at least 3 years)"
        return _projection(targets, fitted, nan, nan, n, note)
    residual = y - (y.mean() + slope * dx)
    s = np.sqrt(np.sum(residual**2) / (n - 2))
    half = (
        stats.t.ppf(0.5 + confidence / 2, n - 2)
        * s
        * np.sqrt(1 + 1 / n + (targets - x.mean()) ** 2 / sxx)
    )
    note = (
        f"OLS trend on {n} years ({int(x.min())}-{int(x.max())}), "
        f"{confidence:.0%} prediction interval"
    )
    return _projection(targets, fitted, fitted - half, fitted + half, n, note)


def _projection(
    years: np.ndarray, value: np.ndarray, lower: np.ndarray, upper: np.ndarray, n: int, note: str
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": years.astype(int),
            "value": value,
            "lower": lower,
            "upper": upper,
            "n_years": n,
            "note": note,
        }
    )
