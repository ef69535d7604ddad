"""Restoration states of overlay-table rows: planned use per row, state from class and use.

Works on the tidy tables of :mod:`geo_revival.overlay` (``class_areas``: one row per zone, year
and class with ``generic_class``; ``transitions``: one row per zone, year pair and class pair with
``from_generic``/``to_generic``) and a rule set (:func:`load_rules`). Each row is read with the
planned end use of its land: a string for all rows, a mapping ``zone_id -> use``, a table with
``zone_id`` and ``planned_use``, or a ``planned_use`` column already in the table (as
:func:`attach_units` writes it for project-aware accounting units).

The **state** of land is ``damaged``, ``restored`` or ``neutral``, from its generic class and its
planned use (documented in ``rules/README.md``). Per pixel, :func:`state_map` maps the same
states (codes :data:`STATE_CODES`) and :func:`change_classes` the change between two years
(codes :data:`CHANGE_CLASSES`), e.g. as strata for
:func:`geo_revival.estimation.estimate_reclaimed_area` (both in ``_state_maps``).

Also holds what the other accounting modules share: the input checks (``_require``, ``_kind``,
``_check_amounts``), classification on demand (``_classified``) and the provenance record of
their tables (``_provenance``).
"""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike
from typing import Any, Literal

import numpy as np
import pandas as pd

from geo_revival.exceptions import RuleSetError, SchemaError
from geo_revival.landcover import GENERIC_CLASSES
from geo_revival.provenance import provenance
from geo_revival.restoration._rules import RuleSet, load_rules, planned_use_strings
from geo_revival.validation import renamed_keywords

__all__ = ["classify_states"]

Rules = str | PathLike[str] | RuleSet
PlannedUse = str | None | Mapping[str, Any] | pd.DataFrame


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
