"""Land-cover rasters: legends (what codes mean) and reading/writing annual series."""

from __future__ import annotations

from geo_revival.landcover.legend import (
    GENERIC_CLASSES,
    Legend,
    LegendClass,
    get_legend,
    legend_from_csv,
    list_legends,
    register_legend,
)

__all__ = [
    "GENERIC_CLASSES",
    "Legend",
    "LegendClass",
    "get_legend",
    "legend_from_csv",
    "list_legends",
    "register_legend",
]
