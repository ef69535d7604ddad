"""Background land cover of the simulated scenario: cropland plain, villages, towns, hills, water.

Everything is a function of position on the global lattice (see :mod:`._grid`), so any window can
be computed on its own. Codes are CLCD: 1 cropland, 2 forest, 3 shrub, 4 grassland, 5 water,
7 barren, 8 impervious, 9 wetland.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Transformer
from rasterio.features import rasterize

from geo_revival.demo._grid import Window, hash_uniform, value_noise

__all__ = [
    "BARREN",
    "CROPLAND",
    "FOREST",
    "GRASSLAND",
    "IMPERVIOUS",
    "SHRUB",
    "WATER",
    "WETLAND",
    "background",
    "to_projected",
]

CROPLAND, FOREST, SHRUB, GRASSLAND, WATER, BARREN, IMPERVIOUS, WETLAND = 1, 2, 3, 4, 5, 7, 8, 9

_TO_4548 = Transformer.from_crs("EPSG:4326", "EPSG:4548", always_xy=True)


def to_projected(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 lon/lat to EPSG:4548 metres."""
    x, y = _TO_4548.transform(lon, lat)
    return float(x), float(y)


def _line(points: Sequence[Sequence[float]]) -> shapely.LineString:
    return shapely.LineString([to_projected(lon, lat) for lon, lat in points])


def _radial(
    window: Window, centres: Sequence[Mapping[str, Any]]
) -> npt.NDArray[np.float64]:
    """Max over centres of 1 - distance / radius (clipped to [0, 1]).

    A centre with ``strike`` (degrees from north) and ``aspect`` is an ellipse stretched
    ``aspect`` times along the strike (hill ridges).
    """
    x, y = window.centres()
    out = np.zeros((window.height, window.width))
    for c in centres:
        cx, cy = to_projected(c["lon"], c["lat"])
        r = c["radius_km"] * 1000.0
        theta = np.deg2rad(c.get("strike", 0.0))
        along = (x - cx) * np.sin(theta) + (y - cy) * np.cos(theta)
        across = (x - cx) * np.cos(theta) - (y - cy) * np.sin(theta)
        out = np.maximum(out, 1.0 - np.hypot(along / c.get("aspect", 1.0), across) / r)
    return np.clip(out, 0.0, 1.0)


def background(window: Window, landscape: Mapping[str, Any], seed: int) -> npt.NDArray[np.uint8]:
    """Return the static background land cover of ``window`` (CLCD codes, uint8).

    Parameters
    ----------
    window
        Lattice window.
    landscape
        The ``[landscape]`` table of ``parameters.toml``.
    seed
        Scenario seed.
    """
    shape = (window.height, window.width)
    lc = np.full(shape, CROPLAND, dtype=np.uint8)

    # Hills: radial envelopes roughened by noise; forest on the crests, shrub/grass on the slopes.
    hill = _radial(window, landscape["hills"]) ** 0.7 * (
        0.25 + 1.5 * value_noise(seed, "hill", window, (45.0, 15.0, 5.0), (0.5, 0.35, 0.15))
    )
    thr = float(landscape["hill_forest_threshold"])
    lc[hill > thr - 0.12] = GRASSLAND
    lc[hill > thr - 0.06] = SHRUB
    lc[hill > thr] = FOREST

    # Fish ponds and small lakes scattered in the plain.
    ponds = value_noise(seed, "pond", window, (6.0, 3.0))
    lc[(ponds > 0.86) & (hill < 0.2)] = WATER

    # Villages: compact blobs of ~village_scale_px; density lower on hills.
    scale = float(landscape["village_scale_px"])
    v = value_noise(seed, "village", window, (scale, 3.0), (0.8, 0.2))
    share = float(landscape["village_share"])
    # For this two-octave noise, P(v > t) ~= share at t = 0.736 + 0.93 * (0.1 - share) (calibrated
    # once on a 2000 x 2000 window for shares 0.05-0.15; hills and towns then take their part).
    village_thr = 0.736 + 0.93 * (0.1 - share)
    lc[(v > village_thr) & (hill < 0.35)] = IMPERVIOUS

    # Towns and the city: dense built-up cores with ragged edges and some green inside.
    town = _radial(window, landscape["towns"])
    ragged = value_noise(seed, "town", window, (25.0, 8.0), (0.6, 0.4))
    built = town > 0.55 - 0.5 * ragged
    lc[built] = IMPERVIOUS
    parks = built & (value_noise(seed, "park", window, (8.0,)) > 0.82)
    lc[parks] = GRASSLAND
    lc[built & (hill > thr)] = FOREST  # urban hills stay wooded (Yunlong, Quanshan)

    # Water bodies last: lakes with a wetland fringe, rivers and canals.
    bounds = window.bounds
    frame = shapely.box(*bounds).buffer(2000.0)
    shapes: list[tuple[Any, int]] = []
    for lake in landscape.get("lakes", []):
        poly = shapely.Polygon([to_projected(lon, lat) for lon, lat in lake["lonlat"]])
        if poly.intersects(frame):
            shapes.append((poly.buffer(400.0), WETLAND))
            shapes.append((poly, WATER))
    for river in landscape.get("rivers", []):
        line = _line(river["lonlat"])
        if line.intersects(frame):
            shapes.append((line.buffer(float(river["width_m"]) / 2.0), WATER))
    if shapes:
        water = rasterize(
            shapes, out_shape=shape, transform=window.transform, fill=0, dtype="uint8"
        )
        lc = np.where(water > 0, water, lc).astype(np.uint8)

    # Single-pixel salt: isolated shrubs/grass in the fields, as in real 30 m maps.
    salt = hash_uniform(seed, "salt", window.rows()[:, None], window.cols()[None, :]) < 0.004
    lc[salt & (lc == CROPLAND)] = GRASSLAND
    return lc
