"""Area per restoration state: per zone and year, per year pair, and summed over zone groups.

:func:`restoration_status` gives the damaged, restored and neutral area per zone and year,
:func:`state_transitions` the area moving between states per zone and year pair (states from
``_classify``), :func:`aggregate_zones` sums either over groups of zones. Every state (pair)
gets a row, zeros included.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from geo_revival.exceptions import SchemaError
from geo_revival.restoration._classify import PlannedUse, Rules, _classified, _provenance, _require
from geo_revival.restoration._rules import STATES
from geo_revival.units import add_area_columns
from geo_revival.validation import renamed_keywords

__all__ = ["aggregate_zones", "restoration_status", "state_transitions"]


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
