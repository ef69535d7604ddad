"""Progress against the plans: treated area and restoration rates compared with their targets.

Targets come from the plan-facts file (:func:`geo_revival.plan.plan_targets`); which zones count for
each indicator and the width of the "on track" band come from ``data/progress_indicators.csv``.
Nothing here types a target into code.

- **Treated area** (已有沉陷区治理面积, 重点采煤沉陷区治理面积): area *reclaimed* since the base
  year, i.e. damaged in the base year and restored in year *t* (transitions base year -> *t*),
  summed over the zones of the indicator, against a linear trajectory from 0 in the base year
  (the year before the plan period) to the target at the end of the period.
- **Rates** (采煤沉陷区治理和生态修复率, 历史遗留矿山（区）环境恢复治理率): :func:`restoration_rate`
  of the group's summed areas against the plan's values by year; between two plan years the
  reference is interpolated linearly (``reference_kind="trajectory"``).
- **Projection**: ordinary least squares line through the yearly values, extrapolated to the
  requested years with a Student-t prediction interval (:func:`project_trend`).
- **Error-adjusted values** (``reference=`` a reference sample, :mod:`geo_revival.plan._adjusted`):
  for every year the sample covers, ``value`` is the design-based estimate (treated area: the
  stratified estimator of Olofsson et al. 2014 eqs. 9-11 on the change classes; rates: the
  combined ratio estimator, Cochran 1977 §6.11 / Stehman 2014 eqs. 26-28) with its SE and 95 %
  confidence interval (``lower``, ``upper``), and ``map_value`` the map count;
  ``estimate_basis`` says ``adjusted`` or ``unadjusted map count``.
- **Projection**: ordinary least squares line through the yearly *map* values, extrapolated to the
  requested years with a Student-t prediction interval (:func:`project_trend`). When the last
  observed year is adjusted, the line is shifted by that year's adjustment (estimate − map
  count, i.e. the map's bias is assumed to stay as it is) and the two uncertainties are added as
  independent variances: ``SE² = (PI half-width / t)² + SE²_sample``, interval ``± t · SE`` with
  the trend's ``t(1 − α/2, n_years − 2)``.
- **p_target_met**: probability that the true value meets the reference (``≥ reference``)
  given the estimate and its SE: ``F((value − reference) / SE)``, ``F`` the standard normal, or
  Student's t with ``n − H`` df (sample) / ``n_years − 2`` df (projection) below 30 df. NaN for
  unadjusted map counts (a map count has no error model).
- **Status**: for adjusted values from the interval: ``ahead`` / ``behind`` when the whole
  interval lies above / below the band ``reference ± tolerance``, ``on_track`` when it lies in
  the band, ``undetermined`` when it straddles an edge of the band. For unadjusted map counts
  from the point value: ``ahead`` / ``on_track`` / ``behind`` when it is above / within / below
  the band.

Examples
--------
>>> treated_trajectory("subsidence_treated_area").set_index("year").loc[2023, "reference"]
np.float64(25670.4)
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from geo_revival.exceptions import PlanLookupError, ProgressWarning, SchemaError
from geo_revival.plan._adjusted import ReferenceInput, adjusted_estimates, read_reference
from geo_revival.plan._targets import plan_targets, zone_catalogue
from geo_revival.provenance import provenance
from geo_revival.restoration import aggregate_zones, reclaimed_area, restoration_rate

__all__ = [
    "p_target_met",
    "progress",
    "progress_indicators",
    "project_trend",
    "rate_trajectory",
    "treated_trajectory",
]

_INDICATORS = Path(str(files("geo_revival") / "data" / "progress_indicators.csv"))


def progress_indicators() -> pd.DataFrame:
    """Return the indicators :func:`progress` measures, their zone categories and tolerance.

    Examples
    --------
    >>> table = progress_indicators().set_index("indicator_id")
    >>> table.loc["key_subsidence_treated_area", "measure"]
    'treated_area'
    """
    df = pd.read_csv(_INDICATORS, comment="#", dtype={"tolerance": float})
    df["zone_categories"] = df["zone_categories"].str.split(";").map(tuple)
    df.attrs["provenance"] = provenance("progress_indicators", inputs=[_INDICATORS])
    return df


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


def _observed_rows(
    observed: pd.Series, members: list[str], is_area: bool, base: int
) -> pd.DataFrame:
    """Map counts of one indicator as observed rows, marked unadjusted."""
    years = observed.index.astype(int)
    basis = np.where(is_area & (years == base), "baseline (0 by definition)", UNADJUSTED)
    return pd.DataFrame(
        {
            "year": years,
            "kind": "observed",
            "estimate_basis": basis,
            "value": observed.to_numpy(float),
            "lower": np.nan,
            "upper": np.nan,
            "se": np.nan,
            "df": np.nan,
            "map_value": observed.to_numpy(float),
            "n_sample": pd.array([pd.NA] * len(observed), dtype="Int64"),
            "note": f"{len(members)} zone(s)",
        }
    )


def _apply_adjusted(rows: pd.DataFrame, adjusted: pd.DataFrame, ind: str) -> pd.DataFrame:
    """Replace map counts by the estimates of the years the reference sample covers."""
    rows = rows.copy()
    for adj in adjusted.to_dict("records"):
        at = rows.index[rows["year"] == adj["year"]]
        if len(at) == 0:
            warnings.warn(
                f"{ind}: the reference sample covers {adj['year']}, which the accounting does "
                "not; those units are not used.",
                ProgressWarning,
                stacklevel=3,
            )
            continue
        rows.loc[at, "note"] = rows.loc[at, "note"] + "; " + str(adj["note"])
        if pd.isna(adj["value"]):
            continue
        for col in ("value", "se", "lower", "upper", "df"):
            rows.loc[at, col] = float(adj[col])
        rows.loc[at, "n_sample"] = int(adj["n_sample"])
        rows.loc[at, "estimate_basis"] = ADJUSTED
    return rows


def _projection_rows(rows: pd.DataFrame, ahead: list[int], confidence: float) -> pd.DataFrame:
    """Trend of the map values; shifted to the adjusted level of the last year when there is one.

    The shift assumes the map's bias stays as measured in the last sampled year; the trend's
    prediction variance and the sampling variance of that level are added (independent).
    """
    proj = project_trend(
        rows["year"].to_numpy(int), rows["map_value"].to_numpy(float), ahead, confidence=confidence
    )
    n_years = int(proj["n_years"].iloc[0])
    proj = proj.drop(columns="n_years").assign(
        kind="projected", estimate_basis=UNADJUSTED, se=np.nan, df=np.nan,
        map_value=proj["value"], n_sample=pd.array([pd.NA] * len(proj), dtype="Int64"),
    )
    last = rows.sort_values("year").iloc[-1]
    if last["estimate_basis"] != ADJUSTED or n_years < 3:
        return proj
    q = float(stats.t.ppf(0.5 + confidence / 2, n_years - 2))
    se = np.sqrt(((proj["upper"] - proj["value"]) / q) ** 2 + float(last["se"]) ** 2)
    value = proj["value"] + float(last["value"]) - float(last["map_value"])
    return proj.assign(
        value=value, lower=value - q * se, upper=value + q * se, se=se, df=n_years - 2,
        estimate_basis=f"{ADJUSTED} level + map trend",
        note=proj["note"] + f"; level adjusted by the {int(last['year'])} reference sample "
        "(trend and sampling variances added)",
    )


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


def _check_classified(table: pd.DataFrame, column: str, function: str, what: str) -> None:
    if column not in table.columns or "zone_id" not in table.columns:
        raise SchemaError(
            f"{what} must be a geo_revival.restoration.{function}(...) result with 'zone_id' "
            f"and '{column}' columns; got columns {list(table.columns)}."
        )


def _observed(
    measure: str,
    groups: dict[str, str],
    status: pd.DataFrame,
    transitions: pd.DataFrame | None,
    base_year: int,
    rate_definition: str,
    treated: str,
) -> pd.Series:
    """Yearly observed values of one indicator for one zone group."""
    if measure == "restoration_rate" and rate_definition == "state":
        rate = restoration_rate(aggregate_zones(status, groups))
        return rate.set_index("year")["restoration_rate"]
    assert transitions is not None  # checked by the caller
    from_base = transitions[transitions["from_year"] == base_year]
    if from_base.empty:
        raise SchemaError(
            f"no state transitions from the base year {base_year}; pass state_transitions of the "
            f"year pairs ({base_year}, t) for every year t to measure progress since {base_year}."
        )
    aggregated = aggregate_zones(from_base, groups)
    if measure == "restoration_rate":
        rate = restoration_rate(aggregated, definition="baseline", base_year=base_year)
        return rate.set_index("year")["restoration_rate"]
    flows = reclaimed_area(aggregated).set_index("to_year")[f"{treated}_area_mu"]
    return pd.concat([pd.Series({base_year: 0.0}), flows]).rename_axis("year")


def progress(
    status: pd.DataFrame,
    transitions: pd.DataFrame | None,
    zones: pd.DataFrame,
    *,
    indicators: Sequence[str] | None = None,
    base_year: int | None = None,
    rate_definition: Literal["state", "baseline"] = "state",
    treated: Literal["reclaimed", "net_reclaimed"] = "reclaimed",
    projection_years: Iterable[int] = (2025, 2027),
    confidence: float = 0.95,
    tolerances: Mapping[str, float] | None = None,
    reference: ReferenceInput | None = None,
) -> pd.DataFrame:
    """Compare measured treated area and restoration rates with the plan targets.

    Parameters
    ----------
    status
        :func:`geo_revival.restoration.restoration_status` result (per ``zone_id`` and year).
    transitions
        :func:`geo_revival.restoration.state_transitions` result with the year pairs
        ``(base_year, t)``; needed for treated area and for ``rate_definition="baseline"``.
        ``None`` skips those indicators with a :class:`ProgressWarning`.
    zones
        Table with ``zone_id`` and ``category``; each indicator sums the areas of the zones of
        its categories (``data/progress_indicators.csv``), so those zones must not overlap
        each other (the plan's subsidence and mining zones do not).
    indicators
        Indicator ids to report (default: all of ``progress_indicators()``).
    base_year
        Year from which treated area is counted (default: the year before each target period,
        2020 for the 14th FYP).
    rate_definition
        Passed to :func:`~geo_revival.restoration.restoration_rate`.
    treated
        ``"reclaimed"`` (damaged -> restored since the base year) or ``"net_reclaimed"``
        (minus land newly damaged since).
    projection_years
        Years to project to; years up to the last observed year are not projected.
    confidence
        Coverage of the projection's prediction interval.
    tolerances
        ``{indicator_id: half-width}`` in the indicator's unit (mu or fraction), replacing the
        shipped relative/absolute bands.
    reference
        A reference sample (table or filled-in response sheet path, see
        :func:`geo_revival.estimation.design_reference_sample`): the years it covers get
        error-adjusted values with SE and confidence interval (coverage ``confidence``), the
        others stay map counts. ``None``: every value is an unadjusted map count.

    Returns
    -------
    pandas.DataFrame
        One row per indicator, year and ``kind`` (``observed`` / ``projected``):
        ``indicator_id, name_zh, name_en, year, kind, estimate_basis, value, lower, upper, se,
        map_value, n_sample, unit, reference, reference_kind, margin, margin_mu, margin_pp,
        tolerance, p_target_met, status, zone_ids, note``. ``value`` is the figure the status
        uses: the error-adjusted estimate where ``estimate_basis`` is ``adjusted`` (projections:
        ``adjusted level + map trend``), else the map count (``unadjusted map count``);
        ``map_value`` is always the map count; ``lower``/``upper`` the confidence (observed) or
        prediction (projected) interval; ``se`` its standard error.
        ``margin = value - reference``; ``margin_mu`` for areas, ``margin_pp`` (percentage points)
        for rates; ``status`` is ``ahead``, ``on_track``, ``behind``, ``undetermined`` (adjusted
        values whose interval straddles an edge of the band) or NA (no reference).

    Warns
    -----
    ProgressWarning
        When an indicator has no zones, fewer zones than the plan lists for its categories, or
        no transitions.

    Examples
    --------
    >>> import pandas as pd
    >>> from geo_revival.restoration import restoration_status
    >>> areas = pd.DataFrame({"zone_id": "mine", "year": [2020, 2021, 2022, 2023],
    ...                       "generic_class": "forest", "area_m2": 1.0})
    >>> damaged = areas.assign(generic_class="barren", area_m2=[3.0, 2.6, 2.2, 1.8])
    >>> status = restoration_status(pd.concat([areas, damaged]), planned_use="forest")
    >>> zones = pd.DataFrame({"zone_id": ["mine"], "category": ["industrial_mining_zone"]})
    >>> p = progress(status, None, zones, indicators=["legacy_mine_restoration_rate"])
    >>> p.loc[p["year"] == 2022, ["value", "reference", "status", "estimate_basis"]].values.tolist()
    [[0.3125, 0.39, 'behind', 'unadjusted map count']]
    """
    _check_classified(status, "state", "restoration_status", "status")
    if transitions is not None:
        _check_classified(transitions, "from_state", "state_transitions", "transitions")
    if not {"zone_id", "category"} <= set(zones.columns):
        raise SchemaError("zones needs 'zone_id' and 'category' columns.")
    projection_years = tuple(projection_years)
    table = progress_indicators()
    if indicators is not None:
        unknown = sorted(set(indicators) - set(table["indicator_id"]))
        if unknown:
            raise PlanLookupError(
                f"unknown indicator(s) {unknown}; progress measures {list(table['indicator_id'])}."
            )
        table = table[table["indicator_id"].isin(indicators)]
    catalogue = zone_catalogue()
    targets = plan_targets()  # read once for every indicator
    sample = read_reference(reference) if reference is not None else None
    parts = []
    for spec in table.to_dict("records"):
        ind = str(spec["indicator_id"])
        categories = list(spec["zone_categories"])
        members = sorted(zones.loc[zones["category"].isin(categories), "zone_id"])
        planned = int(catalogue["category"].isin(categories).sum())
        if not members:
            warnings.warn(
                f"{ind}: no zones of categories {categories}; indicator skipped.",
                ProgressWarning,
                stacklevel=2,
            )
            continue
        if len(members) < planned:
            warnings.warn(
                f"{ind}: {len(members)} zone(s) of categories {categories} given, "
                f"the plan lists {planned}; the plan-wide reference is compared with a part.",
                ProgressWarning,
                stacklevel=2,
            )
        needs_pairs = spec["measure"] == "treated_area" or rate_definition == "baseline"
        if needs_pairs and transitions is None:
            warnings.warn(
                f"{ind}: needs state transitions from the base year; indicator skipped.",
                ProgressWarning,
                stacklevel=2,
            )
            continue
        is_area = spec["measure"] == "treated_area"
        plan_rows = _plan_rows(ind, targets)
        reference_values = (
            _treated_trajectory(plan_rows) if is_area else _rate_trajectory(plan_rows)
        )
        if base_year is not None:
            base = base_year
        elif is_area:  # the year before the target period
            base = int(reference_values["year"].iloc[0])
        elif transitions is not None:  # a "baseline" rate counts from the first transition year
            base = int(transitions["from_year"].min())
        else:  # "state" rates do not use a base year
            base = int(status["year"].min())
        observed = _observed(
            str(spec["measure"]),
            dict.fromkeys(members, ind),
            status,
            transitions,
            base,
            rate_definition,
            treated,
        )
        rows = _observed_rows(observed, members, is_area, base)
        if sample is not None:
            adjusted = adjusted_estimates(
                sample, {ind: (str(spec["measure"]), members)}, base_year={ind: base},
                treated=treated, rate_definition=rate_definition, confidence=confidence,
            )
            rows = _apply_adjusted(rows, adjusted, ind)
        ahead = [y for y in projection_years if y > rows["year"].max()]
        if ahead:
            proj = _projection_rows(rows, ahead, confidence)
            bounds = (0.0, 1.0) if not is_area else (0.0, np.inf)
            proj[["value", "lower", "upper"]] = proj[["value", "lower", "upper"]].clip(*bounds)
            rows = pd.concat([rows, proj])
        parts.append(_compare(rows, reference_values, spec, tolerances, members, plan_rows.iloc[0]))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=_COLUMNS)
    out.attrs["provenance"] = provenance(
        "progress",
        parameters={
            "indicators": list(table["indicator_id"]),
            "base_year": base_year,
            "rate_definition": rate_definition,
            "treated": treated,
            "projection_years": list(projection_years),
            "confidence": confidence,
            "tolerances": dict(tolerances or {}),
            "reference": None if sample is None else {
                "n": len(sample), "years": sorted(int(y) for y in sample["to_year"].unique()),
                "source": reference if isinstance(reference, (str, Path)) else "table",
            },
        },
        inputs=[_INDICATORS],
        legend=status.attrs.get("provenance", {}).get("legend"),
        rule_set=status.attrs.get("provenance", {}).get("rule_set"),
        rule_set_sha256=status.attrs.get("provenance", {}).get("rule_set_sha256"),
        targets=targets.attrs.get("provenance"),
        # The status's own record (and through it e.g. whether the land cover is simulated).
        upstream=status.attrs.get("provenance") or None,
    )
    return out
