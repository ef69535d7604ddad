"""Zone layers: reading and validating boundary polygons, and the shipped district boundaries.

Public front of the subpackage; ``_load`` reads user layers, ``_boundaries`` the bundled
county-level outlines.
"""

from __future__ import annotations

from geo_revival.zones._boundaries import DISTRICTS_FILE, LAKES_FILE, load_districts, load_lakes
from geo_revival.zones._coerce import as_zones
from geo_revival.zones._load import PLANNED_USES, ZONE_CATEGORIES, load_zones
from geo_revival.zones._plausible import check_coordinates

__all__ = [
    "DISTRICTS_FILE",
    "LAKES_FILE",
    "PLANNED_USES",
    "ZONE_CATEGORIES",
    "as_zones",
    "check_coordinates",
    "load_districts",
    "load_lakes",
    "load_zones",
]
