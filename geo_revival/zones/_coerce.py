"""One normaliser for zone inputs: :func:`as_zones`.

Every function that takes zones calls it first, so users may pass a GeoDataFrame, a file path,
a URL or a GDAL virtual path (``/vsizip/``, ``/vsicurl/``) wherever zones are asked for.
"""

from __future__ import annotations

from os import PathLike
from typing import Any

import geopandas as gpd

from geo_revival.exceptions import SchemaError
from geo_revival.zones._load import load_zones

__all__ = ["as_zones"]


def as_zones(zones: Any, **load_options: Any) -> gpd.GeoDataFrame:
    """Return ``zones`` as a GeoDataFrame: read paths and URLs with :func:`load_zones`.

    A GeoDataFrame passes through unchanged (the function using it checks what it needs:
    CRS, id column, geometry); files are read and validated by :func:`load_zones`.

    Parameters
    ----------
    zones : GeoDataFrame, str or os.PathLike
        Zone layer, or a file path, URL or GDAL virtual path (``/vsizip/...``, ``/vsicurl/...``)
        of one.
    **load_options
        Keywords of :func:`load_zones` for reading files: ``coords``, ``crs``, ``id_column``,
        ``category_column``, ``planned_use_column``, ``default_category``, ``layer``.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> gdf = gpd.GeoDataFrame({"zone_id": ["a"]}, geometry=[box(0, 0, 1, 1)], crs=4548)
    >>> as_zones(gdf) is gdf
    True
    """
    if isinstance(zones, gpd.GeoDataFrame):
        return zones
    if isinstance(zones, (str, PathLike)):
        try:
            return load_zones(zones, **load_options)
        except SchemaError as exc:
            if load_options:
                raise
            # Functions taking zones do not repeat load_zones' options: say where they are.
            raise SchemaError(
                f"{exc} (Functions taking zones read files with load_zones' defaults; for "
                "other columns read them with geo_revival.load_zones(path, id_column=..., "
                "category_column=..., default_category=...) and pass the GeoDataFrame.)"
            ) from exc
    raise SchemaError(
        f"zones must be a GeoDataFrame or the path/URL of a zone file, not {type(zones).__name__}"
    )
