"""Overlay of zones on land cover: the only place that walks pixels.

Public front; ``_api`` validates inputs and shapes tables, ``_engine`` counts blocks.
"""

from __future__ import annotations

from geo_revival.overlay._api import (
    OverlayInputs,
    OverlaySeries,
    class_areas,
    coverage_report,
    filter_flips,
    overlay_series,
    prepare_overlay,
    transition_matrix,
    transitions,
)

__all__ = [
    "OverlayInputs",
    "OverlaySeries",
    "class_areas",
    "coverage_report",
    "filter_flips",
    "overlay_series",
    "prepare_overlay",
    "transition_matrix",
    "transitions",
]
