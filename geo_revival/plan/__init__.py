"""The plans as data (targets, zone catalogue) and progress against them.

Public front; ``_targets`` reads ``data/targets.csv`` and ``data/zones.csv``, ``_progress``
compares accounting results with the targets.
"""

from __future__ import annotations

from geo_revival.plan._progress import (
    progress,
    progress_indicators,
    project_trend,
    rate_trajectory,
    treated_trajectory,
)
from geo_revival.plan._targets import get_target, plan_targets, zone_catalogue

__all__ = [
    "get_target",
    "plan_targets",
    "progress",
    "progress_indicators",
    "project_trend",
    "rate_trajectory",
    "treated_trajectory",
    "zone_catalogue",
]
