"""Input checks shared by every subpackage: required columns, zone layers."""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import pandas as pd

from geo_revival.crs import require_crs
from geo_revival.exceptions import SchemaError

__all__ = ["require_columns", "require_zones"]


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
