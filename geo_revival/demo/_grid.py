"""The global 30 m lattice of the demo and extent-independent random fields on it.

Every random value of the scenario is a pure function of ``(seed, tag, row, col)`` on one fixed
lattice in EPSG:4548, so a window computed on its own equals the same window cut from a larger
build: the default (zones) and the prefecture extents agree wherever they overlap, and a test can
rebuild a small part of a shipped raster.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from affine import Affine

__all__ = ["Window", "hash_uniform", "seed_key", "value_noise", "window_for_bounds"]

PIXEL_M = 30.0
#: Top-left corner of the global lattice (EPSG:4548 metres); rows grow southwards.
ORIGIN_X = 0.0
ORIGIN_Y = 4_500_000.0

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Window:
    """A rectangle of the global lattice: first row/column and its shape."""

    row0: int
    col0: int
    height: int
    width: int

    @property
    def transform(self) -> Affine:
        """Affine transform of the window in EPSG:4548."""
        return Affine(
            PIXEL_M, 0.0, ORIGIN_X + self.col0 * PIXEL_M,
            0.0, -PIXEL_M, ORIGIN_Y - self.row0 * PIXEL_M,
        )  # fmt: skip

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(left, bottom, right, top)`` in metres."""
        left = ORIGIN_X + self.col0 * PIXEL_M
        top = ORIGIN_Y - self.row0 * PIXEL_M
        return (left, top - self.height * PIXEL_M, left + self.width * PIXEL_M, top)

    def rows(self) -> npt.NDArray[np.int64]:
        """Global row index of every row of the window."""
        return np.arange(self.row0, self.row0 + self.height, dtype=np.int64)

    def cols(self) -> npt.NDArray[np.int64]:
        """Global column index of every column of the window."""
        return np.arange(self.col0, self.col0 + self.width, dtype=np.int64)

    def centres(self) -> tuple[FloatArray, FloatArray]:
        """Pixel-centre coordinates ``(x[None, :], y[:, None])`` in metres."""
        x = ORIGIN_X + (self.cols() + 0.5).astype(np.float64) * PIXEL_M
        y = ORIGIN_Y - (self.rows() + 0.5).astype(np.float64) * PIXEL_M
        return x[None, :].astype(np.float64), y[:, None].astype(np.float64)


def window_for_bounds(left: float, bottom: float, right: float, top: float) -> Window:
    """Return the smallest lattice window that covers the given bounds (metres, EPSG:4548)."""
    col0 = int(np.floor((left - ORIGIN_X) / PIXEL_M))
    col1 = int(np.ceil((right - ORIGIN_X) / PIXEL_M))
    row0 = int(np.floor((ORIGIN_Y - top) / PIXEL_M))
    row1 = int(np.ceil((ORIGIN_Y - bottom) / PIXEL_M))
    return Window(row0, col0, row1 - row0, col1 - col0)


def _mix(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    # splitmix64 finaliser: a well-mixed 64-bit hash; uint64 arithmetic wraps by design.
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def seed_key(seed: int, tag: str) -> np.uint64:
    """64-bit key that depends only on the seed and a tag (for hashes and random generators)."""
    digest = hashlib.sha256(f"{seed}/{tag}".encode()).digest()
    return np.uint64(int.from_bytes(digest[:8], "little"))


def hash_uniform(
    seed: int, tag: str, rows: npt.ArrayLike, cols: npt.ArrayLike
) -> FloatArray:
    """Uniform [0, 1) values that depend only on ``(seed, tag, row, col)``.

    ``rows`` and ``cols`` broadcast against each other (e.g. a column and a row vector).

    Examples
    --------
    >>> float(hash_uniform(1, "a", 3, 4)) == float(hash_uniform(1, "a", [3], [4])[0])
    True
    """
    r = np.asarray(rows, dtype=np.int64).astype(np.uint64)
    c = np.asarray(cols, dtype=np.int64).astype(np.uint64)
    with np.errstate(over="ignore"):
        h = _mix(r * np.uint64(0x9E3779B97F4A7C15) ^ seed_key(seed, tag))
        h = _mix(h ^ (c * np.uint64(0xC2B2AE3D27D4EB4F)))
    return (h >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


def value_noise(
    seed: int,
    tag: str,
    window: Window,
    scales_px: tuple[float, ...],
    weights: tuple[float, ...] | None = None,
) -> FloatArray:
    """Smooth fractal value noise in [0, 1] on ``window`` (independent of the window).

    Parameters
    ----------
    seed, tag
        Select the random field; the same pair always gives the same field.
    window
        Lattice window to evaluate.
    scales_px
        Cell size of each octave in pixels (larger = smoother).
    weights
        Weight of each octave (default equal); the result is normalised by their sum.
    """
    weights = weights or tuple(1.0 for _ in scales_px)
    out = np.zeros((window.height, window.width))
    rows, cols = window.rows(), window.cols()
    for k, (scale, w) in enumerate(zip(scales_px, weights, strict=True)):
        fy, iy = np.modf(rows / scale)
        fx, ix = np.modf(cols / scale)
        # rows/cols are non-negative on this lattice, so modf gives floor and fraction.
        iy0, ix0 = int(iy.min()), int(ix.min())
        ly = np.arange(iy0, int(iy.max()) + 2)
        lx = np.arange(ix0, int(ix.max()) + 2)
        lattice = hash_uniform(seed, f"{tag}/{k}", ly[:, None], lx[None, :])
        sy = (fy * fy * (3 - 2 * fy))[:, None]
        sx = (fx * fx * (3 - 2 * fx))[None, :]
        a = (iy - iy0).astype(np.int64)[:, None]
        b = (ix - ix0).astype(np.int64)[None, :]
        top = lattice[a, b] * (1 - sx) + lattice[a, b + 1] * sx
        bottom = lattice[a + 1, b] * (1 - sx) + lattice[a + 1, b + 1] * sx
        out += w * (top * (1 - sy) + bottom * sy)
    return out / sum(weights)
