"""Grid comparison of land-cover layers: CRS, resolution, alignment and extent."""

from __future__ import annotations

from dataclasses import dataclass

from affine import Affine
from rasterio.crs import CRS

# Pixel offsets closer than this to an integer count as aligned (float noise of transforms).
_ALIGN_TOL = 1e-6


@dataclass(frozen=True)
class Grid:
    """A north-up raster grid."""

    crs: CRS | None
    transform: Affine
    width: int
    height: int

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(left, bottom, right, top)``."""
        t = self.transform
        xs = (t.c, t.c + self.width * t.a)
        ys = (t.f, t.f + self.height * t.e)
        return (min(xs), min(ys), max(xs), max(ys))

    def offset_in(self, ref: Grid) -> tuple[float, float]:
        """Column and row offset of this grid's origin in pixels of ``ref``."""
        return (
            (self.transform.c - ref.transform.c) / ref.transform.a,
            (self.transform.f - ref.transform.f) / ref.transform.e,
        )


def _fmt(values: tuple[float, ...]) -> str:
    return "(" + ", ".join(f"{v:.10g}" for v in values) + ")"


def differences(ref: Grid, other: Grid) -> list[str]:
    """Describe how ``other`` differs from ``ref``; empty when the grids are identical."""
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
