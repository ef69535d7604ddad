"""Overlay of zones on land cover: the only place that walks pixels.

Public front; ``_api`` validates inputs and shapes tables, ``_engine`` counts blocks.
"""

from __future__ import annotations

from geo_revival.overlay._api import (
    OverlayInputs,
    class_areas,
    coverage_report,
    prepare_overlay,
    transition_matrix,
    transitions,
)

__all__ = [
    "OverlayInputs",
    "class_areas",
    "coverage_report",
    "prepare_overlay",
    "transition_matrix",
    "transitions",
]
