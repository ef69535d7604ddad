"""Exact coverage fractions of zone geometries on raster pixels (our compiled kernel).

The fraction of each pixel that a polygon covers comes from
:func:`geo_revival._kernels.coverage_rows`: every ring edge adds the signed area it sweeps to
the pixels it crosses and a running sum along each row integrates the rings' winding number,
so work is proportional to the pixels the boundary crosses plus the window, not to a polygon
clip per pixel. Rings are weighted by their orientation (exterior +1, hole -1 whatever way they
run), so only validity matters, which the overlay checks. Fractions are double precision: they
agree with the area of the polygon's intersection with each pixel to ~1e-14 and with
exactextract's (single precision) to ~1e-7 (tests/unit/test_coverage_kernel.py).

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

#: Ring edges ``x0, y0, x1, y1, weight`` in pixel coordinates (see :func:`zone_edges`).
Edges = tuple[
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
]


def zone_edges(geoms: npt.NDArray[np.object_], transform: Affine) -> list[Edges]:
    """Ring edges of each geometry's polygons in pixel coordinates of ``transform``.

    Per geometry: ``x0, y0, x1, y1, weight`` (columns right, rows down, from the top-left
    corner of the grid ``transform`` belongs to); the weight (+1 or -1) makes every ring add
    its area with the sign it needs (exterior +, hole -), whichever way it runs. One pass of
    shapely's vectorised functions over all geometries (a block's zones).
    """
    parts, owner = shapely.get_parts(geoms, return_index=True)
    while np.isin(shapely.get_type_id(parts), (6, 7)).any():  # collections of multipolygons
        parts, inner = shapely.get_parts(parts, return_index=True)
        owner = owner[inner]
    polygon = shapely.get_type_id(parts) == 3  # a clip may leave stray points or lines
    parts, owner = parts[polygon], owner[polygon]
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    exterior = np.r_[True, ring_part[1:] != ring_part[:-1]][: ring_part.size]
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    # Pixel coordinates from the grid's corner: small numbers, so differences stay exact.
    col = (xy[:, 0] - transform.c) / transform.a
    row = (xy[:, 1] - transform.f) / transform.e
    same = ring[1:] == ring[:-1]  # consecutive vertices of one (closed) ring: an edge
    x0, y0, x1, y1 = col[:-1][same], row[:-1][same], col[1:][same], row[1:][same]
    edge_ring = ring[:-1][same]
    # Shoelace: a ring with positive area in (col, row down) runs so that its edges subtract.
    # Taken about each ring's first vertex, so that a tiny ring far from the corner keeps its sign.
    first = np.flatnonzero(np.r_[True, ring[1:] != ring[:-1]])
    origin = np.repeat(first, np.diff(np.r_[first, ring.size]))
    dx, dy = col - col[origin], row - row[origin]
    cross = (dx[:-1] * dy[1:] - dx[1:] * dy[:-1])[same]
    area = np.bincount(edge_ring, weights=cross, minlength=rings.size)
    weight = (np.where(exterior, -1.0, 1.0) * np.sign(area))[edge_ring]
    cuts = np.searchsorted(owner[ring_part[edge_ring]], np.arange(1, len(geoms)))
    xs0, ys0, xs1, ys1, weights = (np.split(a, cuts) for a in (x0, y0, x1, y1, weight))
    return list(zip(xs0, ys0, xs1, ys1, weights, strict=True))


def window_fractions(
    edges: Edges,
    rows: tuple[int, int],
    cols: tuple[int, int],
    *,
    inside: bool,
    piece: int = 1 << 20,
) -> Iterator[tuple[int, int, npt.NDArray[np.float64]]]:
    """Yield ``(a, b, fractions)``: coverage of rows ``a:b`` of the window ``rows`` x ``cols``.

    ``edges`` are in pixel coordinates of the grid the window indexes (:func:`zone_edges`);
    ``fractions`` is a ``(b - a, cols[1] - cols[0])`` view, valid until the next strip, of at
    most ``piece`` pixels. Pixels beyond an edge on a pixel boundary may get crumbs of ~1e-16
    (either sign): callers drop fractions at or below a tolerance. ``inside`` (the window lies
    inside the polygon) gives one read-only strip of ones without computing anything.
    """
    (r0, r1), (c0, c1) = rows, cols
    width = c1 - c0
    if inside:
        yield r0, r1, np.broadcast_to(np.float64(1.0), (r1 - r0, width))
        return
    step = max(1, piece // (width + 1))
    scratch = np.empty(min(step, r1 - r0) * (width + 1))
    for a in range(r0, r1, step):
        b = min(r1, a + step)
        out = scratch[: (b - a) * (width + 1)].reshape(b - a, width + 1)
        coverage_rows(*edges, a, b, c0, out)
        yield a, b, out[:, :width]


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
    edges = zone_edges(np.array([geometry], dtype=object), transform)[0]
    out = np.empty((rows, cols))
    for a, b, fractions in window_fractions(edges, (0, rows), (0, cols), inside=False):
        out[a:b] = fractions
    out[out <= tolerance] = 0.0
    return out
