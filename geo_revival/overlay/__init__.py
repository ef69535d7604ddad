"""Overlay of zones on land cover: the only place that walks pixels.

Public front; ``_api`` has the public overlays, ``_inputs`` validates inputs, ``_tables`` shapes
the counts into tables, ``_series`` does all years in one pass, ``_engine`` plans and runs
blocks, ``_tally`` counts them (compiled kernels).
"""

from __future__ import annotations

from geo_revival.overlay._api import class_areas, coverage_report, transition_matrix, transitions
from geo_revival.overlay._inputs import OverlayInputs, prepare_overlay
from geo_revival.overlay._series import OverlaySeries, filter_flips, overlay_series
from geo_revival.overlay._tally import Trajectory

__all__ = [
    "OverlayInputs",
    "OverlaySeries",
    "Trajectory",
    "class_areas",
    "coverage_report",
    "filter_flips",
    "overlay_series",
    "prepare_overlay",
    "transition_matrix",
    "transitions",
]
