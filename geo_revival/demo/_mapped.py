"""The "mapped" series: truth degraded like a real 30 m classification.

Errors are spatially clustered: pixels on class edges (mixed pixels) are misclassified far more
often than interior pixels, and low-quality patches (haze, mixed crops) raise the interior error
rate. A wrong edge pixel takes the class of a neighbour; a wrong interior pixel takes a class
commonly confused with its own. Part of each year's errors repeats the previous year's, as
stable map errors do. All random draws are functions of lattice position, so a window gives the
same result alone or cut from a larger build.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from geo_revival.demo._grid import Window, hash_uniform, value_noise

__all__ = ["degrade"]

UInt8Array = npt.NDArray[np.uint8]

#: Interior error rate multiplier per CLCD code (shrub, grassland, wetland, barren are hard).
_HARDNESS = np.array([0, 1.0, 1.5, 4.0, 3.0, 0.5, 1.0, 2.5, 1.0, 3.0])
#: Most and second-most frequent confusion per CLCD code (index = true code).
_CONFUSED = np.array([[0, 0], [4, 8], [3, 4], [2, 4], [1, 3], [9, 1], [7, 7], [8, 4], [7, 1],
                      [5, 4]], dtype=np.uint8)
_NEIGHBOURS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]


def degrade(
    truth: UInt8Array, window: Window, year: int, params: Mapping[str, Any], seed: int
) -> UInt8Array:
    """Return the mapped land cover of one year for ``truth`` on ``window``.

    ``truth`` may carry a one-pixel halo around ``window``'s rows (pass the halo window); edge
    detection then sees the neighbours. Code 0 (nodata) is left alone.
    """
    h, w = truth.shape
    padded = np.pad(truth, 1, mode="edge")
    shifted = [padded[1 + dr : 1 + dr + h, 1 + dc : 1 + dc + w] for dr, dc in _NEIGHBOURS]
    edge = np.zeros(truth.shape, dtype=bool)
    for s in shifted:
        edge |= s != truth

    rows, cols = window.rows()[:, None], window.cols()[None, :]
    persist = hash_uniform(seed, f"map/persist/{year}", rows, cols) < float(params["persist"])
    u = np.where(persist, hash_uniform(seed, "map/err", rows, cols),
                 hash_uniform(seed, f"map/err/{year}", rows, cols))
    patch_noise = value_noise(seed, f"map/patch/{year}", window, (40.0, 12.0), (0.7, 0.3))
    # For this noise P(noise > 0.754 - (share - 0.06)) ~= share for shares of 0.03-0.10
    # (measured once on a 3000 x 3000 window).
    patch = patch_noise > 0.754 - (float(params["patch_share"]) - 0.06)

    p = float(params["p_interior"]) * _HARDNESS[truth]
    p = np.where(patch, np.maximum(p, float(params["p_patch"])), p)
    p = np.where(edge, np.maximum(p, float(params["p_edge"])), p)
    wrong = (u < p) & (truth > 0)

    # Edge pixels: the class of a differing neighbour picked at random.
    pick = (hash_uniform(seed, f"map/nb/{year}", rows, cols) * len(shifted)).astype(np.int64)
    neighbour = np.choose(pick, shifted)
    alt = hash_uniform(seed, f"map/alt/{year}", rows, cols) < 0.3
    confused = np.where(alt, _CONFUSED[truth, 1], _CONFUSED[truth, 0])
    replacement = np.where(edge & (neighbour != truth) & (neighbour > 0), neighbour, confused)
    return np.where(wrong, replacement, truth).astype(np.uint8)
