"""Compiled counting kernels (Cython, built by ``pip install``), shared by the subpackages.

Tight C loops without the GIL for the per-pixel work of the overlay engine; the Python side
(:mod:`geo_revival.overlay`) plans blocks, checks inputs and labels the tables. The rules of
restoration trajectories are written once, in ``_series.pyx``; :func:`decode_trajectory_keys`
reads the keys it counts.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from geo_revival._kernels._series import (
    MAX_LAYERS,
    N_CLASSES,
    count_window,
    filter_flips,
    trajectory_pixels,
)

__all__ = [
    "MAX_LAYERS",
    "N_CLASSES",
    "count_window",
    "decode_trajectory_keys",
    "filter_flips",
    "trajectory_pixels",
]


def decode_trajectory_keys(
    keys: npt.ArrayLike, layers: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Split trajectory keys of :func:`count_window` into class, first damaged and reclaimed.

    Keys are ``(class * m + first + 1) * m + reclaimed + 1`` with ``m = layers + 1``; the
    layers come back as ``-1`` where there is none.

    Examples
    --------
    >>> [v.tolist() for v in decode_trajectory_keys([(3 * 4 + 1 + 1) * 4 + 2 + 1], 3)]
    [[3], [1], [2]]
    """
    m = layers + 1
    rest, reclaimed = np.divmod(np.asarray(keys, np.int64), m)
    cls, first = np.divmod(rest, m)
    return cls, first - 1, reclaimed - 1
