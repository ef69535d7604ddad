"""Restoration accounting: rule sets, states, reclaimed area and rates per zone and year.

Public front; ``_rules`` reads rule sets, ``_units`` builds accounting units from zones and
projects, ``_classify`` reads each row's state from its class and planned use, ``_status`` sums
area per state (and state pair, and zone group), ``_rates`` the flows (reclaimed area) and
restoration rates, ``_accounting`` runs the whole accounting (:func:`account`), ``_state_maps``
makes per-pixel state rasters, ``_trajectories`` per-pixel trajectories over all years and the
one-pass series.
"""

from __future__ import annotations

from geo_revival.restoration._accounting import Accounting, account
from geo_revival.restoration._classify import classify_states
from geo_revival.restoration._rates import reclaimed_area, restoration_rate
from geo_revival.restoration._rules import STATES, RuleSet, list_rule_sets, load_rules
from geo_revival.restoration._state_maps import (
    CHANGE_CLASSES,
    STATE_CODES,
    change_classes,
    state_map,
)
from geo_revival.restoration._status import (
    aggregate_zones,
    restoration_status,
    state_transitions,
)
from geo_revival.restoration._trajectories import (
    TRAJECTORY_CLASSES,
    RestorationSeries,
    restoration_series,
    trajectories,
    write_trajectories,
)
from geo_revival.restoration._units import accounting_units, attach_units

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
