"""Land-cover rasters: legends (what codes mean) and reading/writing annual series.

Legend names are imported eagerly (light); the raster functions of :mod:`.io` on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from geo_revival.landcover.legend import (
    GENERIC_CLASSES,
    Legend,
    LegendClass,
    get_legend,
    legend_from_csv,
    list_legends,
    register_legend,
)

_LAZY = {
    "check_codes": "geo_revival.landcover.io",
    "open_landcover": "geo_revival.landcover.io",
    "pixel_area": "geo_revival.landcover.io",
    "read_zone_windows": "geo_revival.landcover.io",
    "write_classified": "geo_revival.landcover.io",
    "write_landcover": "geo_revival.landcover.io",
    "open_landcover_stac": "geo_revival.landcover.stac",
}

__all__ = [
    "GENERIC_CLASSES",
    "Legend",
    "LegendClass",
    "check_codes",
    "get_legend",
    "legend_from_csv",
    "list_legends",
    "open_landcover",
    "open_landcover_stac",
    "pixel_area",
    "read_zone_windows",
    "register_legend",
    "write_classified",
    "write_landcover",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'geo_revival.landcover' has no attribute {name!r}")
