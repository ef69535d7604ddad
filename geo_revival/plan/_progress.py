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

The reference values and the trend come from ``_references``
(:func:`treated_trajectory`, :func:`rate_trajectory`, :func:`project_trend`); the
probability that a target is met and the status of each row from ``_verdict``
(:func:`p_target_met`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from geo_revival.exceptions import PlanLookupError, ProgressWarning, SchemaError
from geo_revival.plan._adjusted import ReferenceInput, adjusted_estimates, read_reference
from geo_revival.plan._references import (
    _plan_rows,
    _rate_trajectory,
    _treated_trajectory,
    project_trend,
)
from geo_revival.plan._targets import plan_targets, zone_catalogue
from geo_revival.plan._verdict import _COLUMNS, ADJUSTED, UNADJUSTED, _compare
from geo_revival.provenance import provenance
from geo_revival.restoration import aggregate_zones, reclaimed_area, restoration_rate

__all__ = ["progress", "progress_indicators"]

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
