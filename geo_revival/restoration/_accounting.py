"""Restoration accounting: land-cover tables -> damaged / restored / neutral land, flows and rates.

Works on the tidy tables of :mod:`geo_revival.overlay` (``class_areas``: one row per zone, year
and class with ``generic_class``; ``transitions``: one row per zone, year pair and class pair with
``from_generic``/``to_generic``) and a rule set (:func:`load_rules`). Each row is read with the
planned end use of its land: a string for all rows, a mapping ``zone_id -> use``, a table with
``zone_id`` and ``planned_use``, or a ``planned_use`` column already in the table (as
:func:`attach_units` writes it for project-aware accounting units).

Definitions (documented in ``rules/README.md``):

- **state** of land: ``damaged``, ``restored`` or ``neutral``, from its generic class and its
  planned use.
- **reclaimed** (year pair): area that went damaged -> restored.
- **newly damaged**: area that went restored or neutral -> damaged.
- **net reclaimed** = reclaimed - newly damaged.
- **restored change** / **damaged change**: restored / damaged area in the later year minus the
  earlier one; restored change = (damaged|neutral -> restored) - (restored -> damaged|neutral).
- **restoration rate** (采煤沉陷区治理和生态修复率), ``definition="state"``:
  restored / (restored + damaged) in a year, neutral land left out; ``definition="baseline"``:
  reclaimed since the base year / (damaged in the base year + newly damaged since).

Per pixel, :func:`state_map` maps the same states (codes :data:`STATE_CODES`) and
:func:`change_classes` the change between two years (codes :data:`CHANGE_CLASSES`), e.g. as
strata for :func:`geo_revival.estimation.estimate_reclaimed_area`.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from typing import Any, Literal

import numpy as np
import pandas as pd

from geo_revival.exceptions import RuleSetError, SchemaError
from geo_revival.landcover import GENERIC_CLASSES, as_landcover
from geo_revival.provenance import provenance
from geo_revival.restoration._rules import (
    FLOW_STATES,
    STATES,
    RuleSet,
    list_rule_sets,
    load_rules,
    planned_use_strings,
)
from geo_revival.restoration._state_maps import (
    CHANGE_CLASSES,
    STATE_CODES,
    change_classes,
    state_map,
)
from geo_revival.restoration._units import accounting_units, attach_units
from geo_revival.units import add_area_columns
from geo_revival.validation import check_option, renamed_keywords

__all__ = [
    "CHANGE_CLASSES",
    "STATES",
    "STATE_CODES",
    "Accounting",
    "RuleSet",
    "account",
    "accounting_units",
    "aggregate_zones",
    "attach_units",
    "change_classes",
    "classify_states",
    "list_rule_sets",
    "load_rules",
    "reclaimed_area",
    "restoration_rate",
    "restoration_status",
    "state_map",
    "state_transitions",
]

Rules = str | PathLike[str] | RuleSet
PlannedUse = str | None | Mapping[str, Any] | pd.DataFrame
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


def _require(table: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise SchemaError(
            f"{what} lacks column(s) {missing}; it has {list(table.columns)}. Pass a table of "
            "geo_revival.overlay (class_areas or transitions) or one with the same columns."
        )


def _kind(table: pd.DataFrame) -> Literal["areas", "transitions"]:
    if "generic_class" in table.columns or "state" in table.columns:
        return "areas"
    if {"from_generic", "to_generic"} <= set(table.columns) or "from_state" in table.columns:
        return "transitions"
    raise SchemaError(
        "table has neither 'generic_class' (class areas) nor 'from_generic'/'to_generic' "
        f"(transitions); columns are {list(table.columns)}."
    )


def _planned_use_per_row(table: pd.DataFrame, planned_use: PlannedUse, key: str) -> pd.Series:
    """Planned use of each row, ``""`` where none is planned."""
    if planned_use is None:
        if "planned_use" not in table.columns:
            raise SchemaError(
                "no planned use given and the table has no 'planned_use' column; pass "
                "planned_use='' (none), a use such as 'water', a mapping zone_id -> use, or a "
                "zones/units table with 'zone_id' and 'planned_use'."
            )
        uses = table["planned_use"]
    elif isinstance(planned_use, str):
        uses = pd.Series(planned_use, index=table.index)
    else:
        if isinstance(planned_use, pd.DataFrame):
            _require(planned_use, ("zone_id", "planned_use"), "planned-use table")
            if planned_use["zone_id"].duplicated().any():
                dups = sorted(planned_use.loc[planned_use["zone_id"].duplicated(), "zone_id"])
                raise SchemaError(f"planned-use table repeats zone_id(s) {dups[:10]}.")
            mapping = dict(zip(planned_use["zone_id"], planned_use["planned_use"], strict=True))
        else:
            mapping = dict(planned_use)
        absent = sorted(set(table[key]) - set(mapping), key=str)
        if absent:
            raise SchemaError(
                f"no planned use for {key}(s) {absent[:10]}; add them to the mapping "
                "(use '' for no planned use)."
            )
        uses = table[key].map(mapping)
    return planned_use_strings(uses)


def _states_of(classes: pd.Series, uses: pd.Series, rules: RuleSet) -> pd.Series:
    missing = classes.isna()
    if missing.any():
        raise RuleSetError(
            f"{int(missing.sum())} row(s) have no generic class (codes missing from the legend); "
            "add the codes to the legend or drop those rows before accounting."
        )
    unknown = sorted(set(classes.unique()) - set(GENERIC_CLASSES))
    if unknown:
        raise RuleSetError(
            f"rule set {rules.name!r} has no state for class(es) {unknown}; generic classes are "
            f"{list(GENERIC_CLASSES)}."
        )
    # One rule lookup per distinct (use, class) pair, not per row (series have ~10^6 rows).
    use_code, use_names = pd.factorize(uses)
    class_code, class_names = pd.factorize(classes)
    pair = use_code * len(class_names) + class_code
    found, row = np.unique(pair, return_inverse=True)
    states = np.array(
        [rules.state(class_names[p % len(class_names)], use_names[p // len(class_names)])
         for p in found],
        dtype=object,
    )
    return pd.Series(states[row], index=classes.index, dtype=object)


@renamed_keywords(by="id_column")
def classify_states(
    table: pd.DataFrame,
    rules: Rules = "default",
    planned_use: PlannedUse = None,
    *,
    id_column: str = "zone_id",
) -> pd.DataFrame:
    """Add the planned use and restoration state(s) to each row of an overlay table.

    Parameters
    ----------
    table
        ``class_areas`` (needs ``generic_class``) or ``transitions`` (needs ``from_generic``,
        ``to_generic``) output.
    rules
        Rule set name, TOML path or :class:`RuleSet`.
    planned_use
        ``""`` (none) or a planned use for all rows; a mapping ``{id_column value: use}``; a
        table with ``zone_id`` and ``planned_use``; or ``None`` to use the table's
        ``planned_use`` column.
    id_column
        Column that identifies the zone of a row.

    Returns
    -------
    pandas.DataFrame
        A copy with ``planned_use`` and ``state`` (class areas) or ``from_state`` and
        ``to_state`` (transitions).

    Examples
    --------
    >>> t = pd.DataFrame({"zone_id": ["z"], "from_generic": ["water"], "to_generic": ["wetland"]})
    >>> classify_states(t, planned_use="water")[["from_state", "to_state"]].values.tolist()
    [['restored', 'restored']]
    """
    ruleset = load_rules(rules)
    _require(table, (id_column,), "table")
    out = table.copy()
    out["planned_use"] = _planned_use_per_row(table, planned_use, id_column)
    if _kind(table) == "areas":
        _require(table, ("generic_class",), "class-area table")
        out["state"] = _states_of(table["generic_class"], out["planned_use"], ruleset)
    else:
        out["from_state"] = _states_of(table["from_generic"], out["planned_use"], ruleset)
        out["to_state"] = _states_of(table["to_generic"], out["planned_use"], ruleset)
    out.attrs["provenance"] = _provenance("classify_states", table, ruleset, planned_use, id_column)
    return out


def _provenance(
    function: str,
    table: pd.DataFrame,
    rules: RuleSet | None,
    planned_use: PlannedUse,
    id_column: str,
    **parameters: Any,
) -> dict[str, Any]:
    upstream = table.attrs.get("provenance", {})
    if rules is None:  # input already classified: its rule set travels on from its provenance
        rule_set, sha = upstream.get("rule_set"), upstream.get("rule_set_sha256")
    else:
        rule_set, sha = rules.name, rules.sha256
    if isinstance(planned_use, pd.DataFrame):
        planned_use = dict(zip(planned_use["zone_id"], planned_use["planned_use"], strict=True))
    return provenance(
        function,
        parameters={"planned_use": planned_use, "id_column": id_column, **parameters},
        legend=upstream.get("legend"),
        rule_set=rule_set,
        rule_set_sha256=sha,
        upstream=upstream or None,
    )


def _check_amounts(table: pd.DataFrame, id_column: str) -> None:
    """Refuse negative or missing areas/pixels: they would give rates above 1 or count as 0."""
    for column in ("area_m2", "pixels", "coverage_fraction"):
        if column not in table.columns:
            continue
        values = pd.to_numeric(table[column], errors="coerce").to_numpy(float)
        for problem, bad in (("NaN or infinite", ~np.isfinite(values)), ("negative", values < 0)):
            if bad.any():
                rows = table.loc[bad, [c for c in (id_column, "year", "from_year") if c in table]]
                raise SchemaError(
                    f"{int(bad.sum())} row(s) of the table have {problem} {column} (first: "
                    f"{rows.head(3).to_dict('records')}). Areas and pixel counts must be finite "
                    "and >= 0: a negative area makes rates exceed 1 and a NaN one would be "
                    "counted as 0. Fix or drop these rows (overlay tables never hold them)."
                )


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


def _classified(
    table: pd.DataFrame, rules: Rules | None, planned_use: PlannedUse, id_column: str
) -> tuple[pd.DataFrame, RuleSet | None]:
    """Return ``table`` with states, classifying it unless it already carries them."""
    _check_amounts(table, id_column)
    if "state" in table.columns or "from_state" in table.columns:
        if rules is not None or planned_use is not None:
            raise SchemaError(
                "the table already has restoration states (it is a restoration_status or "
                "state_transitions result); call without rules= and planned_use=."
            )
        return table, None
    ruleset = load_rules("default" if rules is None else rules)
    return classify_states(table, ruleset, planned_use, id_column=id_column), ruleset


def _sum_complete(table: pd.DataFrame, keys: list[str], state_cols: list[str]) -> pd.DataFrame:
    """Sum pixels and areas by ``keys + state_cols``, with explicit zero rows for absent states."""
    # exact-mode overlay tables also carry coverage_fraction; keep it when present
    values = [c for c in ("pixels", "coverage_fraction", "area_m2") if c in table.columns]
    _require(table, ("area_m2",), "table")
    summed = table.groupby(keys + state_cols, sort=True, dropna=False)[values].sum()
    groups = table[keys].drop_duplicates().sort_values(keys)
    full = groups.merge(
        pd.MultiIndex.from_product([STATES] * len(state_cols), names=state_cols).to_frame(
            index=False
        ),
        how="cross",
    )
    out = full.merge(summed.reset_index(), on=keys + state_cols, how="left")
    out[values] = out[values].fillna(0.0)
    return add_area_columns(out.reset_index(drop=True))


@renamed_keywords(by="id_column")
def restoration_status(
    class_areas: pd.DataFrame,
    rules: Rules | None = None,
    planned_use: PlannedUse = None,
    *,
    id_column: str = "zone_id",
) -> pd.DataFrame:
    """Damaged, restored and neutral area per zone and year.

    Parameters
    ----------
    class_areas
        ``geo_revival.overlay.class_areas`` output (or a hand-built table with ``zone_id``,
        ``year``, ``generic_class``, ``area_m2`` and optionally ``pixels``).
    rules
        Rule set (name, path or :class:`RuleSet`); ``None`` = ``"default"``.
    planned_use
        See :func:`classify_states`.
    id_column
        Column to group by (``"zone_id"``, or e.g. ``"project_id"`` / ``"unit_id"`` for tables
        prepared by :func:`attach_units`).

    Returns
    -------
    pandas.DataFrame
        ``<id_column>, year, state, [pixels,] area_m2, area_ha, area_mu``: three rows (``damaged``,
        ``restored``, ``neutral``) per zone and year, zeros included.

    Examples
    --------
    >>> t = pd.DataFrame({"zone_id": ["z"], "year": [2020], "generic_class": ["barren"],
    ...                   "area_m2": [1500.0]})
    >>> restoration_status(t, planned_use="")[["state", "area_mu"]].values.tolist()
    [['damaged', 2.25], ['restored', 0.0], ['neutral', 0.0]]
    """
    _require(class_areas, (id_column, "year"), "class-area table")
    classified, ruleset = _classified(class_areas, rules, planned_use, id_column)
    out = _sum_complete(classified, [id_column, "year"], ["state"])
    out.attrs["provenance"] = _provenance(
        "restoration_status", class_areas, ruleset, planned_use, id_column
    )
    return out


@renamed_keywords(by="id_column")
def state_transitions(
    transitions: pd.DataFrame,
    rules: Rules | None = None,
    planned_use: PlannedUse = None,
    *,
    id_column: str = "zone_id",
) -> pd.DataFrame:
    """Area moving between restoration states per zone and year pair.

    Parameters
    ----------
    transitions
        ``geo_revival.overlay.transitions`` output (``zone_id, from_year, to_year, from_generic,
        to_generic, area_m2`` and optionally ``pixels``).
    rules, planned_use, id_column
        As in :func:`restoration_status`.

    Returns
    -------
    pandas.DataFrame
        ``<id_column>, from_year, to_year, from_state, to_state, [pixels,] area_m2, area_ha,
        area_mu``: nine rows per zone and year pair, zeros included.

    Examples
    --------
    >>> t = pd.DataFrame({"zone_id": ["z"], "from_year": [2020], "to_year": [2021],
    ...                   "from_generic": ["barren"], "to_generic": ["forest"], "area_m2": [10.0]})
    >>> s = state_transitions(t, planned_use="forest")
    >>> s.loc[s["area_m2"] > 0, ["from_state", "to_state"]].values.tolist()
    [['damaged', 'restored']]
    """
    _require(transitions, (id_column, "from_year", "to_year"), "transition table")
    classified, ruleset = _classified(transitions, rules, planned_use, id_column)
    out = _sum_complete(classified, [id_column, "from_year", "to_year"], ["from_state", "to_state"])
    out.attrs["provenance"] = _provenance(
        "state_transitions", transitions, ruleset, planned_use, id_column
    )
    return out


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


@renamed_keywords(by="id_column")
def aggregate_zones(
    table: pd.DataFrame, groups: Mapping[str, str], *, id_column: str = "zone_id"
) -> pd.DataFrame:
    """Sum a :func:`restoration_status` or :func:`state_transitions` result over groups of zones.

    Areas add up, so the rate of a group is computed from the summed areas (never by averaging
    rates). Zones absent from ``groups`` are dropped; a group that is a key of ``groups`` but
    matches no row is absent from the result.

    Parameters
    ----------
    table
        Result of :func:`restoration_status` or :func:`state_transitions`.
    groups
        ``{zone id: group name}``.
    id_column
        The zone column of ``table``; the result has the group names in the same column.

    Examples
    --------
    >>> t = pd.DataFrame({"zone_id": ["a", "b"], "year": [2020, 2020],
    ...                   "generic_class": ["barren"] * 2, "area_m2": [1.0, 2.0]})
    >>> s = aggregate_zones(restoration_status(t, planned_use=""), {"a": "g", "b": "g"})
    >>> s.loc[s["state"] == "damaged", "area_m2"].item()
    3.0
    """
    if "state" in table.columns:
        keys, state_cols = ["year"], ["state"]
    elif "from_state" in table.columns:
        keys, state_cols = ["from_year", "to_year"], ["from_state", "to_state"]
    else:
        raise SchemaError("aggregate_zones needs a restoration_status or state_transitions result.")
    relabelled = table[table[id_column].isin(list(groups))].copy()
    relabelled[id_column] = relabelled[id_column].map(dict(groups))
    out = _sum_complete(relabelled, [id_column, *keys], state_cols)
    out.attrs["provenance"] = _provenance(
        "aggregate_zones", table, None, None, id_column, groups=dict(groups)
    )
    return out


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
