"""The one raster grid type: affine transform, shape, CRS, extent and pixel windows.

Shared by :mod:`geo_revival.landcover` (comparing the grids of yearly layers) and
:mod:`geo_revival.overlay` (cutting the raster into blocks and zone windows). Field order is
that of rasterio's profile and rioxarray: ``transform, height, width`` (rows before columns, as
in array shapes), then the optional ``crs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import xarray as xr
from affine import Affine

from geo_revival.exceptions import GridMismatchError

__all__ = ["Grid", "differences", "intersection_windows", "same_lattice"]

# Pixel offsets closer than this to an integer count as aligned (float noise of transforms).
_ALIGN_TOL = 1e-6


@dataclass(frozen=True)
class Grid:
    """A raster grid: affine transform, ``height`` rows, ``width`` columns and its CRS.

    Examples
    --------
    >>> g = Grid(Affine(10, 0, 0, 0, -10, 40), height=4, width=3)
    >>> g.bounds
    (0.0, 0.0, 30.0, 40.0)
    >>> g.window_bounds(1, 3, 0, 1)
    (0.0, 10.0, 10.0, 30.0)
    """

    transform: Affine
    height: int
    width: int
    crs: Any = None

    @classmethod
    def of(cls, da: xr.DataArray) -> Grid:
        """Return the grid of a rioxarray-aware DataArray (dims ending in ``y, x``)."""
        return cls(da.rio.transform(recalc=False), da.sizes["y"], da.sizes["x"], da.rio.crs)

    @property
    def shape(self) -> tuple[int, int]:
        """``(height, width)``."""
        return (self.height, self.width)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(left, bottom, right, top)`` of the whole grid."""
        t = self.transform
        xs = (t.c, t.c + self.width * t.a)
        ys = (t.f, t.f + self.height * t.e)
        return (min(xs), min(ys), max(xs), max(ys))

    def window_transform(self, row: int, col: int) -> Affine:
        """Transform of the window whose top-left pixel is (``row``, ``col``)."""
        return self.transform @ Affine.translation(col, row)

    def window_bounds(
        self, row0: int, row1: int, col0: int, col1: int
    ) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of rows [row0, row1), cols [col0, col1) of a north-up grid."""
        t = self.transform
        return (t.c + col0 * t.a, t.f + row1 * t.e, t.c + col1 * t.a, t.f + row0 * t.e)

    def offset_in(self, ref: Grid) -> tuple[float, float]:
        """Column and row offset of this grid's origin in pixels of ``ref``."""
        return (
            (self.transform.c - ref.transform.c) / ref.transform.a,
            (self.transform.f - ref.transform.f) / ref.transform.e,
        )

    def require_north_up(self, what: str = "landcover") -> None:
        """Raise :class:`GridMismatchError` unless the grid is north-up (no rotation)."""
        t = self.transform
        if t.b != 0 or t.d != 0 or t.a <= 0 or t.e >= 0:
            raise GridMismatchError(
                f"{what} must be on a north-up grid (no rotation, rows top to bottom), got "
                f"{t!r}; flip it with .isel(y=slice(None, None, -1)) or warp it"
            )


def _fmt(values: tuple[float, ...]) -> str:
    return "(" + ", ".join(f"{v:.10g}" for v in values) + ")"


def differences(ref: Grid, other: Grid) -> list[str]:
    """Describe how ``other`` differs from ``ref``; empty when the grids are identical.

    Examples
    --------
    >>> a = Grid(Affine(10, 0, 0, 0, -10, 40), 4, 4)
    >>> differences(a, Grid(Affine(10, 0, 5, 0, -10, 40), 4, 4))[0][:22]
    'pixels are not aligned'
    """
    if ref.crs != other.crs:
        return [f"CRS differs ({ref.crs} vs {other.crs})"]
    out = []
    ra, re_ = ref.transform.a, ref.transform.e
    oa, oe = other.transform.a, other.transform.e
    if (
        abs(ra - oa) > _ALIGN_TOL * abs(ra)
        or abs(re_ - oe) > _ALIGN_TOL * abs(re_)
        or ref.transform.b
        or ref.transform.d
        or other.transform.b
        or other.transform.d
    ):
        out.append(f"resolution differs ({_fmt((ra, re_))} vs {_fmt((oa, oe))})")
        return out
    col, row = other.offset_in(ref)
    if abs(col - round(col)) > _ALIGN_TOL or abs(row - round(row)) > _ALIGN_TOL:
        out.append(
            f"pixels are not aligned (origin offset {col:.6g} columns, {row:.6g} rows: "
            "not whole pixels)"
        )
        return out
    if (round(col), round(row), ref.width, ref.height) != (0, 0, other.width, other.height):
        out.append(f"extent differs ({_fmt(ref.bounds)} vs {_fmt(other.bounds)})")
    return out


def same_lattice(ref: Grid, other: Grid) -> bool:
    """Return whether both grids share CRS, resolution and pixel alignment (extent may differ)."""
    diff = differences(ref, other)
    return not diff or diff[0].startswith("extent")


def intersection_windows(grids: list[Grid]) -> list[tuple[slice, slice]] | None:
    """Row/column slices of each grid covering the common extent (``None`` if empty).

    All grids must share one lattice (:func:`same_lattice`).
    """
    ref = grids[0]
    offsets = [tuple(round(v) for v in g.offset_in(ref)) for g in grids]
    col0 = max(c for c, _ in offsets)
    row0 = max(r for _, r in offsets)
    col1 = min(c + g.width for (c, _), g in zip(offsets, grids, strict=True))
    row1 = min(r + g.height for (_, r), g in zip(offsets, grids, strict=True))
    if col1 <= col0 or row1 <= row0:
        return None
    return [(slice(row0 - r, row1 - r), slice(col0 - c, col1 - c)) for c, r in offsets]
