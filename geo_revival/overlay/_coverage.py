"""Exact coverage fractions of zone geometries on raster pixels (our compiled kernel).

The fraction of each pixel that a polygon covers comes from
:func:`geo_revival._kernels.coverage_rows`: every ring edge adds the signed area it sweeps to
the pixels it crosses and a running sum along each row integrates the rings' winding number,
so work is proportional to the pixels the boundary crosses plus the window, not to a polygon
clip per pixel. Rings are weighted by their orientation (exterior +1, hole -1 whatever way they
run), so only validity matters, which the overlay checks. Fractions agree with exactextract's
to ~1e-12 of a pixel (tests/unit/test_coverage_kernel.py compares them).

A window is processed in row strips of at most ``piece`` pixels, so the scratch buffer and
the output of a strip (8 + 16 bytes a pixel) stay a few MB whatever the block size.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import shapely
from affine import Affine

from geo_revival._kernels import coverage_rows
from geo_revival.exceptions import GridMismatchError, InvalidGeometryError

if TYPE_CHECKING:
    from geo_revival.grid import Grid
    from geo_revival.overlay._engine import BlockJob

Cells = tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]

#: Default rows x columns of a strip (the engine passes its own piece size).
_STRIP_PIXELS = 1 << 20


def block_fractions(
    job: BlockJob, grid: Grid, h: int, w: int, *, tolerance: float, piece: int
) -> Iterator[tuple[int, npt.NDArray[np.int64], npt.NDArray[np.float64]]]:
    """Yield (zone, flat cell index in the ``h`` x ``w`` block, coverage fraction) per strip.

    Only each zone's window (``job.windows``, relative to the block) is computed, in strips of
    at most ``piece`` pixels; fractions at or below ``tolerance`` are dropped. Cells come in
    row-major order within a zone.
    """
    for k, geom in enumerate(job.geoms):
        r0, r1, c0, c1 = (int(v) for v in job.windows[k])
        zone = int(job.zones[k])
        transform = grid.window_transform(job.row0 + r0, job.col0 + c0)
        cell0 = r0 * w + c0
        if job.inside[k]:  # the window lies inside the zone: every pixel wholly covered
            for cells, fractions in _full(r1 - r0, c1 - c0, w, cell0, piece):
                yield zone, cells, fractions
            continue
        strips = _strips(geom, transform, r1 - r0, c1 - c0, w, cell0, tolerance, piece)
        for cells, fractions in strips:
            if cells.size:
                yield zone, cells, fractions


def pixel_coverage(
    geometry: Any, transform: Affine, shape: tuple[int, int], *, tolerance: float = 0.0
) -> npt.NDArray[np.float64]:
    """Return the fraction of each pixel of a ``shape`` grid covered by a (multi)polygon.

    ``transform`` is the grid's affine transform (north-up or south-up, no rotation); parts
    of the geometry outside the grid are ignored. Fractions at or below ``tolerance`` are 0.

    Raises
    ------
    InvalidGeometryError
        If ``geometry`` is not a valid Polygon or MultiPolygon.
    GridMismatchError
        If ``transform`` is rotated or degenerate, or ``shape`` is not two positive sizes.

    Examples
    --------
    >>> from shapely.geometry import Polygon
    >>> pixel_coverage(Polygon([(0, 0), (2, 0), (0, 2)]), Affine(1, 0, 0, 0, -1, 2), (2, 2))
    array([[0.5, 0. ],
           [1. , 0.5]])
    """
    kind = getattr(geometry, "geom_type", type(geometry).__name__)
    if kind not in ("Polygon", "MultiPolygon"):
        raise InvalidGeometryError(f"coverage needs a Polygon or MultiPolygon, got {kind}")
    if not shapely.is_valid(geometry):
        raise InvalidGeometryError(
            f"coverage needs a valid geometry, got an invalid {kind} "
            f"({shapely.is_valid_reason(geometry)}); repair it with shapely.make_valid"
        )
    if transform.b or transform.d or not (transform.a and transform.e):
        raise GridMismatchError(
            "coverage needs a grid without rotation and with non-zero pixel sizes, "
            f"got {transform!r}"
        )
    rows, cols = (int(v) for v in shape)
    if rows <= 0 or cols <= 0:
        raise GridMismatchError(f"grid shape must be two positive sizes (rows, cols), got {shape}")
    out = np.zeros(rows * cols)
    for cells, fractions in _strips(geometry, transform, rows, cols, cols, 0, tolerance):
        out[cells] = fractions
    return out.reshape(rows, cols)


def _strips(
    geometry: Any,
    transform: Affine,
    rows: int,
    cols: int,
    stride: int,
    cell0: int,
    tolerance: float,
    piece: int = _STRIP_PIXELS,
) -> Iterator[Cells]:
    """Coverage of a ``rows`` x ``cols`` window (top-left pixel at ``transform``) by strips.

    Cells are numbered ``cell0 + row * stride + col``.
    """
    x0, y0, x1, y1, weight = _edges(geometry, transform)
    step = max(1, piece // cols)
    acc = np.zeros(min(step, rows) * (cols + 1))
    for a in range(0, rows, step):
        b = min(rows, a + step)
        cells = np.empty((b - a) * cols, np.int64)
        fractions = np.empty((b - a) * cols)
        n = coverage_rows(
            x0, y0, x1, y1, weight, a, b, cols, acc, cells, fractions, cell0, stride, tolerance
        )
        yield cells[:n], fractions[:n]


def _full(rows: int, cols: int, stride: int, cell0: int, piece: int) -> Iterator[Cells]:
    """All cells of a window, fraction 1, in strips of at most ``piece`` pixels."""
    step = max(1, piece // cols)
    for a in range(0, rows, step):
        b = min(rows, a + step)
        cells = (
            cell0 + np.arange(a, b, dtype=np.int64)[:, None] * stride + np.arange(cols)
        ).ravel()
        yield cells, np.ones(cells.size)


def _edges(geometry: Any, transform: Affine) -> tuple[npt.NDArray[np.float64], ...]:
    """Ring edges of the polygons of ``geometry`` in pixel coordinates, with ring weights.

    Returns ``x0, y0, x1, y1, weight``; weight is +1 or -1 such that every ring's edges add
    its area with the sign it needs (exterior +, hole -), whichever way the ring runs.
    """
    parts = shapely.get_parts(geometry)
    parts = parts[shapely.get_type_id(parts) == 3]  # polygons (a clip may add stray points)
    rings, polygon = shapely.get_rings(parts, return_index=True)
    exterior = np.r_[True, polygon[1:] != polygon[:-1]] if polygon.size else np.zeros(0, bool)
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    # Pixel coordinates, from an origin at the window's corner to keep them small and exact.
    col = (xy[:, 0] - transform.c) / transform.a
    row = (xy[:, 1] - transform.f) / transform.e
    same = ring[1:] == ring[:-1]  # consecutive vertices of one (closed) ring: an edge
    x0, y0, x1, y1 = col[:-1][same], row[:-1][same], col[1:][same], row[1:][same]
    edge_ring = ring[:-1][same]
    # Shoelace: a ring with positive area in (col, row down) runs so that its edges subtract.
    area = np.bincount(edge_ring, weights=x0 * y1 - x1 * y0, minlength=rings.size)
    weight = np.where(exterior, -1.0, 1.0) * np.sign(area)
    return x0, y0, x1, y1, weight[edge_ring]
