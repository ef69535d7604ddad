"""Exact coverage fractions of zone geometries on raster pixels (our compiled kernel).

The fraction of each pixel that a polygon covers comes from
:func:`geo_revival._kernels.coverage_rows`: every ring edge adds the signed area it sweeps to
the pixels it crosses and a running sum along each row integrates the rings' winding number,
so work is proportional to the pixels the boundary crosses plus the window, not to a polygon
clip per pixel. Rings are weighted by their orientation (exterior +1, hole -1 whatever way they
run), so only validity matters, which the overlay checks. Fractions agree with exactextract's
to ~1e-12 of a pixel (tests/unit/test_coverage_kernel.py compares them).

A window is computed in row strips of at most ``piece`` pixels (8 bytes each, the strip's
fractions written in place of its accumulator), so memory stays a few MB whatever the block
size; the engine counts each strip's pixels where they lie in the block (no gathered copies).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from affine import Affine

from geo_revival._kernels import coverage_rows
from geo_revival.exceptions import GridMismatchError, InvalidGeometryError


def window_fractions(
    geometry: Any, transform: Affine, rows: int, cols: int, *, inside: bool, piece: int
) -> Iterator[tuple[int, int, npt.NDArray[np.float64]]]:
    """Yield ``(a, b, fractions)``: coverage of rows ``a:b`` of a ``rows`` x ``cols`` window.

    ``transform`` is the window's (its top-left pixel at the origin); ``fractions`` is a
    ``(b - a, cols)`` view, valid until the next strip, of at most ``piece`` pixels. Pixels
    beyond an edge on a pixel boundary may get crumbs of ~1e-16 (either sign): callers drop
    fractions at or below a tolerance. ``inside`` (the window lies inside the polygon) gives
    one read-only strip of ones without computing anything.
    """
    if inside:
        yield 0, rows, np.broadcast_to(np.float64(1.0), (rows, cols))
        return
    x0, y0, x1, y1, weight = _edges(geometry, transform)
    step = max(1, piece // (cols + 1))
    scratch = np.empty(min(step, rows) * (cols + 1))
    for a in range(0, rows, step):
        b = min(rows, a + step)
        out = scratch[: (b - a) * (cols + 1)].reshape(b - a, cols + 1)
        coverage_rows(x0, y0, x1, y1, weight, a, b, out)
        yield a, b, out[:, :cols]


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
    out = np.empty((rows, cols))
    for a, b, fractions in window_fractions(
        geometry, transform, rows, cols, inside=False, piece=1 << 20
    ):
        out[a:b] = fractions
    out[out <= tolerance] = 0.0
    return out


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
