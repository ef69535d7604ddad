"""Exact pixel coverage of polygons by signed-area accumulation (as font rasterisers do).

Every ring edge adds, to each pixel it crosses and to the one right of it, the signed area it
sweeps there; a running sum along each row then gives, per pixel, the integral of the rings'
winding number over the pixel: the exact covered fraction for a valid polygon (holes subtract).
Cost: the pixels the edges cross plus one pass over the window. Coordinates are in pixels of the
window (column ``x`` right, row ``y`` down); see :func:`coverage_rows`.
"""

from libc.math cimport ceil, floor


cdef inline void _row_piece(double* acc, double xa, double xb, double d, Py_ssize_t ncols) noexcept nogil:
    """Add a straight piece of edge inside one pixel row (x from ``xa`` to ``xb``, signed height
    ``d``) to the row's accumulator ``acc`` (``ncols + 1`` values).

    Each pixel gets ``d`` times the mean fraction of its width right of the piece, the pixel
    after it the rest, so the running sum gives ``d`` to every pixel wholly right of the piece.
    Parts left of the window count as if on its left edge (they cover the whole row to the
    right); parts right of it cover no pixel of the window and are dropped. Heights of parts
    are ``d`` times their share of the piece's width, a ratio in [0, 1] (a slope could
    overflow for a piece only a few subnormals wide).
    """
    cdef double width, u, v, m, dd, t
    cdef Py_ssize_t k, k1
    if xa > xb:
        t = xa
        xa = xb
        xb = t
    if xb <= 0.0:
        acc[0] += d
        return
    if xa >= ncols:
        return
    if xa == xb:
        k = <Py_ssize_t>floor(xa)
        m = xa - k
        acc[k] += d * (1.0 - m)
        acc[k + 1] += d * m
        return
    width = xb - xa
    if xa < 0.0:
        acc[0] += d * ((0.0 - xa) / width)
        u = 0.0
    else:
        u = xa
    if xb > ncols:
        xb = <double>ncols
    k = <Py_ssize_t>floor(u)
    k1 = <Py_ssize_t>ceil(xb) - 1
    if k1 < k:
        k1 = k
    while k <= k1:
        v = xb if xb < k + 1 else <double>(k + 1)
        dd = d * ((v - u) / width)
        m = 0.5 * (u + v) - k  # mean offset of the part in the pixel
        acc[k] += dd * (1.0 - m)
        acc[k + 1] += dd * m
        u = v
        k += 1


def coverage_rows(
    const double[::1] x0,
    const double[::1] y0,
    const double[::1] x1,
    const double[::1] y1,
    const double[::1] weight,
    Py_ssize_t row0,
    Py_ssize_t row1,
    Py_ssize_t col0,
    double[:, ::1] out,
):
    """Write into ``out`` the fraction of each pixel of a window that edges cover.

    Edges run ``(x0, y0) -> (x1, y1)`` in pixel coordinates (``x`` columns right, ``y`` rows
    down); each edge's signed area is multiplied by its ``weight`` (+-1 orients rings so that
    their covered area counts positive, a hole's negative). The window is rows
    ``row0:row1`` and the ``out.shape[1] - 1`` columns from ``col0``; ``out`` has one row per
    window row and one column more than the window (scratch, left 0). ``out[r, c]`` becomes
    the fraction of pixel (``row0 + r``, ``col0 + c``) covered, capped at 1 (only rounding
    exceeds it for a valid polygon). Pixels beyond an edge lying on a pixel boundary
    may get rounding crumbs of ~1e-16 either side of 0.
    """
    cdef Py_ssize_t nrows = row1 - row0
    cdef Py_ssize_t ncols = out.shape[1] - 1
    cdef Py_ssize_t e, r, r_end, c
    cdef double xa, ya, xb, yb, sign, lo, hi, dy, top, bottom, xt, xbt, run
    if out.shape[0] != nrows or ncols < 1:
        raise ValueError(
            f"out must have row1 - row0 = {nrows} rows and at least 2 columns (the window's "
            f"columns + 1), not {out.shape[0]} x {out.shape[1]}"
        )
    if not (x0.shape[0] == y0.shape[0] == x1.shape[0] == y1.shape[0] == weight.shape[0]):
        raise ValueError("x0, y0, x1, y1 and weight must have the same length")
    with nogil:
        for r in range(nrows):
            for c in range(ncols + 1):
                out[r, c] = 0.0
        for e in range(x0.shape[0]):
            if y0[e] == y1[e]:
                continue  # horizontal edges sweep no area
            if y0[e] < y1[e]:
                xa, ya, xb, yb, sign = x0[e] - col0, y0[e], x1[e] - col0, y1[e], weight[e]
            else:
                xa, ya, xb, yb, sign = x1[e] - col0, y1[e], x0[e] - col0, y0[e], -weight[e]
            lo = ya if ya > row0 else <double>row0
            hi = yb if yb < row1 else <double>row1
            if lo >= hi:
                continue
            dy = yb - ya
            r = <Py_ssize_t>floor(lo)
            r_end = <Py_ssize_t>ceil(hi)
            while r < r_end:
                top = lo if lo > r else <double>r
                bottom = hi if hi < r + 1 else <double>(r + 1)
                if bottom > top:
                    # Exact end points where the edge ends inside the row; else interpolate by
                    # the share of the height (in [0, 1], finite however short the edge).
                    xt = xa if top == ya else xa + ((top - ya) / dy) * (xb - xa)
                    xbt = xb if bottom == yb else xa + ((bottom - ya) / dy) * (xb - xa)
                    _row_piece(&out[r - row0, 0], xt, xbt, sign * (bottom - top), ncols)
                r += 1
        for r in range(nrows):
            run = 0.0
            for c in range(ncols):
                run += out[r, c]
                out[r, c] = run if run < 1.0 else 1.0
            out[r, ncols] = 0.0
