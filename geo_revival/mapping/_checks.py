"""Checks shared by the maps and charts: required columns, zone layers, the simulated flag."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import pandas as pd

from geo_revival.crs import require_crs
from geo_revival.exceptions import SchemaError

__all__ = ["is_simulated", "require_columns", "require_zones"]


def require_columns(table: pd.DataFrame, columns: Iterable[str], *, what: str, hint: str) -> None:
    """Raise :class:`SchemaError` naming the ``columns`` that ``table`` lacks, and ``hint``.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a"], what="results", hint="")
    """
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise SchemaError(f"{what} lack columns {missing}; {hint}")


def require_zones(zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return ``zones`` if it has a CRS and a ``zone_id`` column; raise otherwise."""
    zones = require_crs(zones, what="zones")
    if "zone_id" not in zones.columns:
        raise SchemaError("zones lack the column 'zone_id'; load them with load_zones(...)")
    return zones


def is_simulated(*objects: Any) -> bool:
    """Whether any of ``objects`` (None skipped) says in its attrs that it is simulated.

    Looks at ``attrs["simulated"]`` and along the provenance chain (``provenance``, its
    ``upstream``, ...), so a restoration result computed from simulated land cover counts.

    Examples
    --------
    >>> is_simulated(None, pd.DataFrame(), pd.DataFrame().assign())
    False
    """
    for obj in objects:
        attrs = getattr(obj, "attrs", None) or {}
        if attrs.get("simulated"):
            return True
        # Results carry the flag of their inputs in the provenance chain (``upstream``).
        record = attrs.get("provenance")
        while isinstance(record, dict):
            if record.get("simulated"):
                return True
            record = record.get("upstream")
    return False
