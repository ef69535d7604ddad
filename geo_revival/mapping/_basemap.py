"""Optional online basemap tiles (OpenStreetMap, Tianditu, AMap/Gaode …) for users who are online.

Maps are tile-free by default; nothing here is called unless ``basemap=`` is given. Providers
are xyzservices names (``"OpenStreetMap.Mapnik"``, ``"Gaode.Normal"`` …) plus Tianditu, which
needs the user's own key. AMap/Gaode and Tencent tiles are drawn in GCJ-02, the offset
coordinates Chinese law requires for public web maps: overlays are shifted onto them with
:func:`geo_revival.crs.wgs84_to_gcj02`, otherwise every zone would sit 300-700 m off its place
on the tiles. Tianditu and OpenStreetMap are in WGS84/CGCS2000 and need no shift.
"""

from __future__ import annotations

import os
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from geo_revival.crs import wgs84_to_gcj02
from geo_revival.exceptions import OptionError

__all__ = ["TIANDITU_KEY_ENV", "is_gcj02", "shift_to_gcj02", "tile_provider"]

#: Environment variable holding a Tianditu key (free registration at the Tianditu site).
TIANDITU_KEY_ENV = "GEO_REVIVAL_TIANDITU_KEY"
_GCJ02_PREFIXES = ("gaode", "amap", "tencent")
_TIANDITU = {
    # layer -> (tile set, label set); Web Mercator ("_w") tiles.
    "tianditu.vector": "vec",
    "tianditu.image": "img",
    "tianditu.terrain": "ter",
}


def is_gcj02(provider: str) -> bool:
    """Tell whether tiles of ``provider`` are in GCJ-02 (AMap/Gaode, Tencent).

    Examples
    --------
    >>> is_gcj02("Gaode.Normal"), is_gcj02("OpenStreetMap.Mapnik")
    (True, False)
    """
    return provider.lower().startswith(_GCJ02_PREFIXES)


def tile_provider(name: str, *, key: str | None = None) -> Any:
    """Return the xyzservices ``TileProvider`` called ``name`` (Tianditu needs ``key``).

    Raises
    ------
    ValueError
        Unknown provider, or a Tianditu layer without a key.
    """
    import xyzservices
    import xyzservices.providers as xyz

    lowered = name.lower()
    if lowered in _TIANDITU:
        key = key or os.environ.get(TIANDITU_KEY_ENV)
        if not key:
            raise OptionError(
                f"{name} tiles need a Tianditu key: pass basemap_key= or set {TIANDITU_KEY_ENV}"
            )
        layer = _TIANDITU[lowered]
        return xyzservices.TileProvider(
            name=name,
            url=(
                f"https://t0.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
                f"&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
                "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={k}"
            ),
            k=key,
            max_zoom=18,
            attribution="Tiles © 天地图 Tianditu (National Platform for Common GeoSpatial "
            "Information Services)",
        )
    try:
        return xyz.query_name(name)
    except ValueError as exc:
        raise OptionError(
            f"unknown basemap {name!r}; use an xyzservices name such as "
            "'OpenStreetMap.Mapnik' or 'Gaode.Normal', or 'Tianditu.Vector' with a key"
        ) from exc


def shift_to_gcj02(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the layer with every vertex moved from WGS84 to GCJ-02 (EPSG:4326 numbers).

    Used to lay WGS84 overlays on AMap/Tencent tiles; the input is not modified.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame(geometry=[Point(117.2, 34.3)], crs=4326)
    >>> p = shift_to_gcj02(g).geometry[0]
    >>> 0.003 < p.x - 117.2 < 0.008  # about 500 m east at Xuzhou
    True
    """
    wgs = gdf.to_crs("EPSG:4326")

    def shift(xy: np.ndarray) -> np.ndarray:
        lon, lat = wgs84_to_gcj02(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    moved = shapely.transform(wgs.geometry.to_numpy(), shift)
    return wgs.set_geometry(gpd.GeoSeries(moved, index=wgs.index, crs="EPSG:4326"))
