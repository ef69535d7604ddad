"""The plans as data (targets, zone catalogue) and progress against them.

Public front; ``_targets`` reads ``data/targets.csv`` and ``data/zones.csv``, ``_progress``
compares accounting results with the targets, ``_references`` gives the targets' reference
values by year and projects the observed trend, ``_verdict`` rates each year against its
reference (probability the target is met, status), ``_adjusted`` error-adjusts the values with a
reference sample, ``_land_indicators`` computes land indicators.
"""

from __future__ import annotations

from geo_revival.plan._adjusted import read_reference
from geo_revival.plan._land_indicators import built_up_land_per_gdp, forest_cover_rate
from geo_revival.plan._progress import progress, progress_indicators
from geo_revival.plan._references import project_trend, rate_trajectory, treated_trajectory
from geo_revival.plan._targets import get_target, plan_targets, zone_catalogue
from geo_revival.plan._verdict import p_target_met

__all__ = [
    "built_up_land_per_gdp",
    "forest_cover_rate",
    "get_target",
    "p_target_met",
    "plan_targets",
    "progress",
    "progress_indicators",
    "project_trend",
    "rate_trajectory",
    "read_reference",
    "treated_trajectory",
    "zone_catalogue",
]
