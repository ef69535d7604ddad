"""Flows between restoration states and restoration rates per zone and year.

Definitions (documented in ``rules/README.md``):

- **reclaimed** (year pair): area that went damaged -> restored.
- **newly damaged**: area that went restored or neutral -> damaged.
- **net reclaimed** = reclaimed - newly damaged.
- **restored change** / **damaged change**: restored / damaged area in the later year minus the
  earlier one; restored change = (damaged|neutral -> restored) - (restored -> damaged|neutral).
- **restoration rate** (采煤沉陷区治理和生态修复率), ``definition="state"``:
  restored / (restored + damaged) in a year, neutral land left out; ``definition="baseline"``:
  reclaimed since the base year / (damaged in the base year + newly damaged since).

Examples
--------
>>> import pandas as pd
>>> areas = pd.DataFrame({"zone_id": ["z", "z"], "year": [2020, 2020],
...                       "generic_class": ["water", "cropland"], "area_m2": [3000.0, 1000.0]})
>>> restoration_rate(areas, "default", planned_use="cropland")["restoration_rate"].item()
0.25
>>> restoration_rate(areas, "default", planned_use="water")["restoration_rate"].item()
1.0
"""

from __future__ import annotations

import itertools
from typing import Literal

import numpy as np
import pandas as pd

from geo_revival.exceptions import SchemaError
from geo_revival.restoration._classify import PlannedUse, Rules, _classified, _kind, _provenance
from geo_revival.restoration._rules import FLOW_STATES, STATES
from geo_revival.restoration._status import restoration_status, state_transitions
from geo_revival.units import add_area_columns
from geo_revival.validation import check_option, renamed_keywords

__all__ = ["reclaimed_area", "restoration_rate"]

RateDefinition = Literal["state", "baseline"]

#: Flows of :func:`reclaimed_area`: name -> (from states, to states, sign).
_FLOWS: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...], int], ...]] = {
    "reclaimed": ((*FLOW_STATES["reclaimed"], 1),),
    "newly_damaged": ((*FLOW_STATES["newly_damaged"], 1),),
    "net_reclaimed": ((*FLOW_STATES["reclaimed"], 1), (*FLOW_STATES["newly_damaged"], -1)),
    "restored_change": (
        (("damaged", "neutral"), ("restored",), 1),
        (("restored",), ("damaged", "neutral"), -1),
    ),
    "damaged_change": (
        (("restored", "neutral"), ("damaged",), 1),
        (("damaged",), ("restored", "neutral"), -1),
    ),
}


def _check_rates(rates: pd.Series) -> None:
    """Guard: a rate is a share of an area, so it lies in [0, 1] (or is NaN: no denominator)."""
    values = rates.to_numpy(float)
    bad = ~np.isnan(values) & ((values < 0) | (values > 1 + 1e-12))
    if bad.any():
        raise SchemaError(
            f"restoration rates {values[bad][:5].tolist()} lie outside [0, 1], which is "
            "impossible for a share of an area: the input table is inconsistent (e.g. flows "
            "that do not add up to the areas). Rebuild it with geo_revival.overlay."
        )


def _ensure_state_transitions(
    table: pd.DataFrame, rules: Rules | None, planned_use: PlannedUse, id_column: str
) -> pd.DataFrame:
    if "from_state" in table.columns:
        _classified(table, rules, planned_use, id_column)  # rejects rules= on a classified table
        return table
    if _kind(table) != "transitions":
        raise SchemaError(
            "this needs a transitions table (from_generic/to_generic, from overlay.transitions) "
            "or a state_transitions result, not class areas."
        )
    return state_transitions(table, rules, planned_use, id_column=id_column)


@renamed_keywords(by="id_column")
def reclaimed_area(
    transitions: pd.DataFrame,
    rules: Rules | None = None,
    planned_use: PlannedUse = None,
    *,
    id_column: str = "zone_id",
) -> pd.DataFrame:
    """Reclaimed, newly damaged and net area per zone and year pair.

    Parameters
    ----------
    transitions
        ``overlay.transitions`` output (classified with ``rules``/``planned_use``) or a
        :func:`state_transitions` result (then pass neither).
    rules, planned_use, id_column
        As in :func:`restoration_status`.

    Returns
    -------
    pandas.DataFrame
        One row per ``<id_column>, from_year, to_year`` with ``<flow>_area_m2/_ha/_mu`` for
        each flow:
        ``reclaimed`` (damaged -> restored), ``newly_damaged`` (restored|neutral -> damaged),
        ``net_reclaimed`` (reclaimed - newly damaged), ``restored_change`` and ``damaged_change``
        (change of the restored / damaged area between the two years).

    Examples
    --------
    >>> t = pd.DataFrame({"zone_id": ["z", "z"], "from_year": [2020, 2020], "to_year": [2021, 2021],
    ...                   "from_generic": ["water", "cropland"], "to_generic": ["wetland", "water"],
    ...                   "area_m2": [1500.0, 3000.0]})
    >>> r = reclaimed_area(t, planned_use="water")
    >>> r[["reclaimed_area_mu", "newly_damaged_area_mu", "restored_change_area_mu"]].values.tolist()
    [[0.0, 0.0, 4.5]]
    """
    states = _ensure_state_transitions(transitions, rules, planned_use, id_column)
    keys = [id_column, "from_year", "to_year"]
    # One column per (from_state, to_state): each flow is a signed sum of columns.
    matrix = states.pivot_table(
        index=keys, columns=["from_state", "to_state"], values="area_m2", aggfunc="sum"
    )
    full = pd.MultiIndex.from_product([STATES, STATES], names=["from_state", "to_state"])
    matrix = matrix.reindex(columns=full, fill_value=0.0).fillna(0.0)
    out = matrix.index.to_frame(index=False)
    for flow, terms in _FLOWS.items():
        area = np.zeros(len(out))
        for from_states, to_states, sign in terms:
            for pair in itertools.product(from_states, to_states):
                area += sign * matrix[pair].to_numpy(float)
        out[f"{flow}_area_m2"] = area
        out = add_area_columns(out, f"{flow}_area_m2", prefix=f"{flow}_area")
    out.attrs["provenance"] = _provenance("reclaimed_area", states, None, planned_use, id_column)
    return out


@renamed_keywords(by="id_column")
def restoration_rate(
    table: pd.DataFrame,
    rules: Rules | None = None,
    planned_use: PlannedUse = None,
    *,
    definition: RateDefinition = "state",
    base_year: int | None = None,
    id_column: str = "zone_id",
) -> pd.DataFrame:
    """Treatment and ecological-restoration rate (采煤沉陷区治理和生态修复率) per zone and year.

    Parameters
    ----------
    table
        For ``definition="state"``: ``overlay.class_areas`` output or a :func:`restoration_status`
        result. For ``"baseline"``: ``overlay.transitions`` output or a :func:`state_transitions`
        result that contains the pairs ``(base_year, year)``.
    rules, planned_use, id_column
        As in :func:`restoration_status` (only for unclassified tables).
    definition
        ``"state"``: restored / (restored + damaged) in each year; land that was never damaged
        but is in a restored state (e.g. cropland) counts as restored, so this reads like the
        plan's stock indicator. ``"baseline"``: reclaimed since ``base_year`` / (damaged in
        ``base_year`` + newly damaged since), i.e. the share of the land damaged at the start or
        since that has been brought to a restored state.
    base_year
        First year for ``"baseline"`` (default: the earliest ``from_year`` of the table).

    Returns
    -------
    pandas.DataFrame
        ``"state"``: ``<id_column>, year, restored_area_*, damaged_area_*, restoration_rate``.
        ``"baseline"``: ``<id_column>, base_year, year, reclaimed_area_*, baseline_damaged_area_*,
        newly_damaged_area_*, restoration_rate``. ``*`` = m2, ha, mu. Rates are fractions in
        [0, 1], NaN where the denominator is zero (no damaged or restored land).

    Examples
    --------
    >>> t = pd.DataFrame({"zone_id": ["z"] * 2, "from_year": [2020] * 2, "to_year": [2022] * 2,
    ...                   "from_generic": ["barren", "barren"], "to_generic": ["forest", "barren"],
    ...                   "area_m2": [1.0, 3.0]})
    >>> restoration_rate(t, planned_use="forest", definition="baseline")["restoration_rate"].item()
    0.25
    """
    check_option(definition, ("state", "baseline"), "definition")
    if definition == "state":
        if _kind(table) != "areas":
            raise SchemaError(
                "definition='state' needs class areas or a restoration_status result."
            )
        status = restoration_status(table, rules, planned_use, id_column=id_column)
        wide = status.pivot_table(
            index=[id_column, "year"], columns="state", values="area_m2", aggfunc="sum"
        )
        out = wide.reindex(columns=list(STATES), fill_value=0.0).reset_index()
        out = out.rename(columns={"restored": "restored_area_m2", "damaged": "damaged_area_m2"})
        out = out[[id_column, "year", "restored_area_m2", "damaged_area_m2"]]
        classified = status
        numerator = out["restored_area_m2"]
        denominator = out["restored_area_m2"] + out["damaged_area_m2"]
        columns: tuple[str, ...] = ("restored", "damaged")
    elif definition == "baseline":
        states = _ensure_state_transitions(table, rules, planned_use, id_column)
        first = int(states["from_year"].min()) if base_year is None else int(base_year)
        states = states[states["from_year"] == first]
        if states.empty:
            raise SchemaError(
                f"no transitions from base year {first}; overlay the pairs ({first}, year) first."
            )
        flows = reclaimed_area(states, id_column=id_column)
        damaged = states[states["from_state"] == "damaged"]
        base = damaged.groupby([id_column, "to_year"])["area_m2"].sum()
        out = flows[[id_column, "to_year", "reclaimed_area_m2", "newly_damaged_area_m2"]].copy()
        out["baseline_damaged_area_m2"] = base.reindex(
            pd.MultiIndex.from_frame(out[[id_column, "to_year"]]), fill_value=0.0
        ).to_numpy()
        out = out.rename(columns={"to_year": "year"})
        out.insert(1, "base_year", first)
        classified = states
        numerator = out["reclaimed_area_m2"]
        denominator = out["baseline_damaged_area_m2"] + out["newly_damaged_area_m2"]
        columns = ("reclaimed", "baseline_damaged", "newly_damaged")
    else:  # pragma: no cover - check_option above allows only the two
        raise AssertionError(definition)
    keys = [c for c in out.columns if not str(c).endswith("_area_m2")]
    for name in columns:
        out = add_area_columns(out, f"{name}_area_m2", prefix=f"{name}_area")
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = numerator.to_numpy(float) / denominator.to_numpy(float)
    out["restoration_rate"] = np.where(denominator.to_numpy(float) > 0, rate, np.nan)
    _check_rates(out["restoration_rate"])
    areas = [f"{name}_area_{unit}" for name in columns for unit in ("m2", "ha", "mu")]
    out = out[[*keys, *areas, "restoration_rate"]]
    out.columns.name = None
    out.attrs["provenance"] = _provenance(
        "restoration_rate",
        classified,
        None,
        planned_use,
        id_column,
        definition=definition,
        base_year=base_year,
    )
    return out.reset_index(drop=True)
