"""Restoration accounting: rule sets, states, reclaimed area and rates per zone and year.

Public front; ``_rules`` reads rule sets, ``_units`` builds accounting units from zones and
projects, ``_state_maps`` makes per-pixel state rasters, ``_accounting`` the tables,
``_trajectories`` per-pixel trajectories over all years and the one-pass series.
"""

from __future__ import annotations

from geo_revival.restoration._accounting import (
    CHANGE_CLASSES,
    STATE_CODES,
    STATES,
    Accounting,
    RuleSet,
    account,
    accounting_units,
    aggregate_zones,
    attach_units,
    change_classes,
    classify_states,
    list_rule_sets,
    load_rules,
    reclaimed_area,
    restoration_rate,
    restoration_status,
    state_map,
    state_transitions,
)
from geo_revival.restoration._trajectories import (
    TRAJECTORY_CLASSES,
    RestorationSeries,
    restoration_series,
    trajectories,
    write_trajectories,
)

__all__ = [
    "CHANGE_CLASSES",
    "STATES",
    "STATE_CODES",
    "TRAJECTORY_CLASSES",
    "Accounting",
    "RestorationSeries",
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
    "restoration_series",
    "restoration_status",
    "state_map",
    "state_transitions",
    "trajectories",
    "write_trajectories",
]
