# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Count the pixels of one zone window over all years in one C loop (no GIL).

For each pixel (selected by a mask or a coverage fraction) the class codes of every year are
loaded once, mapped to dense indices ``0..K-1`` through a lookup table, optionally cleaned of
one-year flips, and counted: per lone year, per year pair (from, to), per restoration
trajectory key, and per year the flip filter changed. Pixels whose index is the same in every
year (most pixels of a long series) take a short path: one count per index, folded into every
table at the end.

Trajectory rules (one place for them; :mod:`geo_revival.restoration` documents them for users):
states per layer are 0 nodata, 1 damaged, 2 restored, 3 neutral. ``first`` is the first damaged
layer; ``reclaimed`` the first layer t after it from which the pixel is restored in layers
t .. t + persistence - 1; ``relapsed`` when damaged again after ``reclaimed``; class 0 nodata
(no valid layer), 1 never damaged, 2 still damaged, 3 reclaimed, 4 relapsed; ``changes`` counts
state changes between consecutive valid layers. Key = (class * n + first + 1) * n + reclaimed + 1
with n = layers + 1 (first / reclaimed -1 when none).
"""

from libc.stdint cimport int16_t, int64_t, uint8_t, uint16_t, uint64_t
from libc.string cimport memcpy, memset

import numpy as np

ctypedef fused code_t:
    uint8_t
    uint16_t

#: Most layers (years) a series can have: one bit per layer in a 64-bit word.
MAX_LAYERS = 63
#: Trajectory classes (codes of ``trajectory_class``).
N_CLASSES = 5


cdef extern from *:
    int __builtin_ctzll(unsigned long long) nogil


cdef inline int _ctz(uint64_t x) noexcept nogil:
    return __builtin_ctzll(x)


cdef inline int _key(
    uint64_t damaged, uint64_t restored, int valid, int n, int persistence
) noexcept nogil:
    """Trajectory key of a pixel from its damaged and restored layers (bit t: layer t)."""
    cdef int first, reclaimed, cls = 0, j
    cdef uint64_t run = restored, one = 1
    first = _ctz(damaged) if damaged else -1
    for j in range(1, persistence):
        run &= restored >> j
    if damaged:
        run &= ~((one << (first + 1)) - 1)  # strictly after the first damaged layer
    else:
        run = 0
    reclaimed = _ctz(run) if run else -1
    if valid:
        cls = 1
    if damaged:
        cls = 2
    if reclaimed >= 0:
        cls = 3
        if (damaged >> (reclaimed + 1)) != 0:
            cls = 4
    return (cls * (n + 1) + first + 1) * (n + 1) + reclaimed + 1


cdef inline int _trajectory(const uint8_t* st, int n, int persistence, int* changes) noexcept nogil:
    """Trajectory key (see :func:`_key`) of one pixel's states ``st``; ``changes`` set too."""
    cdef uint64_t damaged = 0, restored = 0, one = 1
    cdef int t, last = 0, valid = 0, ch = 0
    cdef uint8_t s
    for t in range(n):
        s = st[t]
        if s == 1:
            damaged |= one << t
        elif s == 2:
            restored |= one << t
        if s != 0:
            valid = 1
            if last != 0 and s != last:
                ch += 1
            last = s
    changes[0] = ch
    return _key(damaged, restored, valid, n, persistence)


cdef inline int _filter_flips(int* idx, const int* orig, int n, const uint8_t* nodata) noexcept nogil:
    """One-year flips A -> B -> A set back to A in ``idx`` (a copy of ``orig``), in year order.

    A layer takes the class of the layer before it (as already filtered) when that equals the
    class of the layer after it (unfiltered) and differs from its own, and both it and the
    layer after it are valid. Returns how many layers changed.
    """
    cdef int t, changed = 0
    for t in range(1, n - 1):
        if (idx[t - 1] == orig[t + 1] and orig[t] != idx[t - 1]
                and not nodata[orig[t]] and not nodata[orig[t + 1]]):
            idx[t] = idx[t - 1]
            changed += 1
    return changed


cdef void _filter_stack(
    const code_t[:, :] stack, code_t[:, :] out, const uint8_t* nodata
) noexcept nogil:
    cdef Py_ssize_t i, n = stack.shape[0]
    cdef int t
    cdef int idx[64]
    cdef int orig[64]
    for i in range(stack.shape[1]):
        for t in range(n):
            orig[t] = stack[t, i]
            idx[t] = orig[t]
        if _filter_flips(idx, orig, <int>n, nodata):
            for t in range(n):
                out[t, i] = <code_t>idx[t]


def filter_flips(stack, const uint8_t[:] nodata):
    """``stack`` ``(years, pixels)`` (uint8 or uint16) with one-year flips removed (a copy).

    ``nodata`` flags nodata codes (1) for every code of the dtype (256 or 65536 entries).
    """
    stack = np.asarray(stack)
    out = np.array(stack, copy=True, order="C")
    if stack.ndim != 2 or stack.shape[0] > MAX_LAYERS:
        raise ValueError(f"stack must be (years <= {MAX_LAYERS}, pixels), not {stack.shape}")
    if nodata.shape[0] < (256 if stack.dtype == np.uint8 else 65536):
        raise ValueError("nodata must flag every code of the dtype")
    cdef const uint8_t[:, :] s8
    cdef uint8_t[:, :] o8
    cdef const uint16_t[:, :] s16
    cdef uint16_t[:, :] o16
    if stack.dtype == np.uint8:
        s8, o8 = stack, out
        with nogil:
            _filter_stack[uint8_t](s8, o8, &nodata[0])
    elif stack.dtype == np.uint16:
        s16, o16 = stack, out
        with nogil:
            _filter_stack[uint16_t](s16, o16, &nodata[0])
    else:
        raise TypeError(f"stack must be uint8 or uint16, not {stack.dtype}")
    return out


def trajectory_pixels(const uint8_t[:, :] states, int persistence):
    """First damaged layer, reclaimed layer (-1: none), state changes and class per pixel.

    ``states`` is ``(layers, pixels)`` (C-contiguous or not), at most :data:`MAX_LAYERS` layers.
    """
    cdef Py_ssize_t n = states.shape[0], m = states.shape[1], i
    cdef int t, c, key, m1 = <int>n + 1
    if n > MAX_LAYERS:
        raise ValueError(f"at most {MAX_LAYERS} layers, not {n}")
    first = np.empty(m, np.int16)
    reclaimed = np.empty(m, np.int16)
    changes = np.empty(m, np.uint8)
    cls = np.empty(m, np.uint8)
    cdef int16_t[:] fv = first, rv = reclaimed
    cdef uint8_t[:] chv = changes, clv = cls
    cdef uint8_t buf[64]
    with nogil:
        for i in range(m):
            for t in range(n):
                buf[t] = states[t, i]
            key = _trajectory(buf, <int>n, persistence, &c)
            rv[i] = <int16_t>(key % m1 - 1)
            fv[i] = <int16_t>((key // m1) % m1 - 1)
            clv[i] = <uint8_t>(key // (m1 * m1))
            chv[i] = <uint8_t>c
    return first, reclaimed, changes, cls


cdef inline void _count_runs(
    code_t** row, Py_ssize_t c, int n, int K, const uint16_t[:] lut, double* wv, int nw,
    const uint8_t[:] states, bint has_states, int persistence,
    int64_t[:, :, :] pair_px, double[:, :, :, :] pair_w, int64_t[:] key_px, double[:, :] key_w,
    int64_t* diag, double* diag_w,
) noexcept nogil:
    """Count a changing pixel of a series (consecutive pairs) by its runs of one code.

    Work follows the number of changes, not of years: a change adds its (from, to) pair; a
    run's diagonal goes into a difference array over the pairs (``diag``, summed at the end);
    the run's state sets its layers' bits of the trajectory.
    """
    cdef int t, j, start = 0, k, k2, valid = 0, key
    cdef uint64_t damaged = 0, restored = 0, bits, one = 1
    cdef code_t prev = row[0][c], code = prev
    cdef uint8_t s
    k = lut[prev]
    for t in range(1, n + 1):
        if t < n:
            code = row[t][c]
            if code == prev:
                continue
        if t - 1 > start:  # the run [start, t) covers pairs start .. t - 2
            diag[start * K + k] += 1
            diag[(t - 1) * K + k] -= 1
            for j in range(nw):
                diag_w[(j * n + start) * K + k] += wv[j]
                diag_w[(j * n + t - 1) * K + k] -= wv[j]
        if has_states:
            s = states[k]
            if s != 0:
                valid = 1
                bits = ((one << t) - 1) ^ ((one << start) - 1)
                if s == 1:
                    damaged |= bits
                elif s == 2:
                    restored |= bits
        if t < n:
            k2 = lut[code]
            pair_px[t - 1, k, k2] += 1
            for j in range(nw):
                pair_w[j, t - 1, k, k2] += wv[j]
            prev, k, start = code, k2, t
    if has_states:
        key = _key(damaged, restored, valid, n, persistence)
        key_px[key] += 1
        for j in range(nw):
            key_w[j, key] += wv[j]


cdef void _count(
    code_t** base, Py_ssize_t* rstride, int n,
    Py_ssize_t h, Py_ssize_t w,
    const uint8_t[:, :] mask, bint has_mask,
    const double[:, :] fraction, bint has_fraction, double tol,
    const double[:, :] area, bint has_area,
    const uint16_t[:] lut, int K,
    const Py_ssize_t[:, :] pairs, const Py_ssize_t[:] lone,
    const uint8_t[:] states, bint has_states, int persistence,
    bint flip, const uint8_t[:] nodata,
    int64_t[:, :] year_px, int64_t[:, :, :] pair_px, int64_t[:] key_px, int64_t[:] flip_px,
    double[:, :, :] year_w, double[:, :, :, :] pair_w, double[:, :] key_w, double[:, :] flip_w,
    int64_t[:] const_px, double[:, :] const_w, uint8_t* diff,
    bint runs, int64_t* diag, double* diag_w, int64_t* hist4, Py_ssize_t* pos,
) noexcept nogil:
    # Row by row: first a vectorisable pass flags the pixels whose code changes in some year
    # (``diff``); unchanged pixels are counted per index, the others by their runs or years.
    cdef Py_ssize_t r, c, p, l
    cdef int t, j, nw = 0, ch, k, key
    cdef const uint8_t* mrow
    cdef Py_ssize_t i, npos = 0
    cdef uint64_t word
    cdef const uint16_t* lutp = &lut[0]
    cdef int64_t* h0 = hist4
    cdef int64_t* h1 = hist4 + K
    cdef int64_t* h2 = hist4 + 2 * K
    cdef int64_t* h3 = hist4 + 3 * K
    cdef int idx[64]
    cdef int orig[64]
    cdef uint8_t st[64]
    cdef code_t* row[64]
    cdef code_t* p0
    cdef code_t* pt
    cdef double wv[2]
    cdef double fr = 1.0
    cdef int P = <int>pairs.shape[0], L = <int>lone.shape[0]
    if has_fraction:
        nw += 1
    if has_area:
        nw += 1
    for r in range(h):
        for t in range(n):
            row[t] = <code_t*>(<char*>base[t] + r * rstride[t])
        p0 = row[0]
        memset(diff, 0, w)
        for t in range(1, n):
            pt = row[t]
            for c in range(w):
                diff[c] |= pt[c] != p0[c]
        if nw == 0:
            # Unchanged pixels, branch-free into four interleaved histograms (one running
            # increment chain per histogram would stall on runs of one code).
            if has_mask:
                mrow = &mask[r, 0]
                for c in range(0, w - 3, 4):
                    h0[lutp[p0[c]]] += (diff[c] == 0) & (mrow[c] != 0)
                    h1[lutp[p0[c + 1]]] += (diff[c + 1] == 0) & (mrow[c + 1] != 0)
                    h2[lutp[p0[c + 2]]] += (diff[c + 2] == 0) & (mrow[c + 2] != 0)
                    h3[lutp[p0[c + 3]]] += (diff[c + 3] == 0) & (mrow[c + 3] != 0)
                for c in range(w - w % 4, w):
                    h0[lutp[p0[c]]] += (diff[c] == 0) & (mrow[c] != 0)
            else:
                for c in range(0, w - 3, 4):
                    h0[lutp[p0[c]]] += diff[c] == 0
                    h1[lutp[p0[c + 1]]] += diff[c + 1] == 0
                    h2[lutp[p0[c + 2]]] += diff[c + 2] == 0
                    h3[lutp[p0[c + 3]]] += diff[c + 3] == 0
                for c in range(w - w % 4, w):
                    h0[lutp[p0[c]]] += diff[c] == 0
            # Where the changing pixels are: 8 flags at a time, most words are 0.
            npos = 0
            c = 0
            while c + 8 <= w:
                memcpy(&word, diff + c, 8)
                if word:
                    for i in range(c, c + 8):
                        if diff[i]:
                            pos[npos] = i
                            npos += 1
                c += 8
            for i in range(c, w):
                if diff[i]:
                    pos[npos] = i
                    npos += 1
        for i in range(npos if nw == 0 else w):
            c = pos[i] if nw == 0 else i
            if has_mask and not mask[r, c]:
                continue
            if has_fraction:
                fr = fraction[r, c]
                if fr <= tol:
                    continue
                wv[0] = fr
            if has_area:
                wv[nw - 1] = area[r, c] * fr
            if not diff[c]:
                k = lut[p0[c]]
                const_px[k] += 1
                for j in range(nw):
                    const_w[j, k] += wv[j]
                continue
            if runs:
                _count_runs(row, c, n, K, lut, wv, nw, states, has_states, persistence,
                            pair_px, pair_w, key_px, key_w, diag, diag_w)
                continue
            for t in range(n):
                idx[t] = lut[row[t][c]]
            if flip:
                for t in range(n):
                    orig[t] = idx[t]
                if _filter_flips(idx, orig, n, &nodata[0]):
                    for t in range(1, n - 1):
                        if idx[t] != orig[t]:
                            flip_px[t] += 1
                            for j in range(nw):
                                flip_w[j, t] += wv[j]
            for p in range(P):
                pair_px[p, idx[pairs[p, 0]], idx[pairs[p, 1]]] += 1
                for j in range(nw):
                    pair_w[j, p, idx[pairs[p, 0]], idx[pairs[p, 1]]] += wv[j]
            for l in range(L):
                year_px[l, idx[lone[l]]] += 1
                for j in range(nw):
                    year_w[j, l, idx[lone[l]]] += wv[j]
            if has_states:
                for t in range(n):
                    st[t] = states[idx[t]]
                key = _trajectory(st, n, persistence, &ch)
                key_px[key] += 1
                for j in range(nw):
                    key_w[j, key] += wv[j]
    for c in range(4):
        for k in range(K):
            const_px[k] += hist4[c * K + k]


def count_window(
    list layers,
    object mask,
    object fraction,
    object area,
    const uint16_t[:] lut,
    int K,
    const Py_ssize_t[:, :] pairs,
    const Py_ssize_t[:] lone,
    object states,
    int persistence,
    bint flip,
    const uint8_t[:] nodata,
    double tol,
):
    """Count one window of ``layers`` (one 2-D uint8 or uint16 array per year, same shape).

    Pixels counted: ``mask`` (uint8, nonzero) when given, else every pixel; with ``fraction``
    (float64) only those above ``tol``, weighted by it. ``area`` (float64, broadcastable views
    welcome) adds an area sum (times the fraction). Codes map to indices ``lut[code]`` in
    ``[0, K)``. ``pairs`` (P x 2 layer indices) and ``lone`` (layer indices) say what to count;
    ``states`` (uint8 per index, or None) adds trajectory keys over all layers; ``flip`` removes
    one-year flips first (``nodata`` per index: 1 for nodata codes).

    Returns ``(year, pair, key, flip)`` pixel counts (int64; shapes ``(L, K)``, ``(P, K, K)``,
    ``(5 n^2,)``, ``(n,)``) and the same four as float64 weight sums with a leading axis of
    the weights (fraction, then area; length 0, 1 or 2).
    """
    cdef int n = len(layers), t, j, k, ch, key
    cdef Py_ssize_t h, w, p, l
    cdef int64_t drun
    cdef double wrun
    if n < 1 or n > MAX_LAYERS:
        raise ValueError(f"1 to {MAX_LAYERS} layers, not {n}")
    first = np.asarray(layers[0])
    dtype = first.dtype
    if dtype != np.uint8 and dtype != np.uint16:
        raise TypeError(f"layers must be uint8 or uint16, not {dtype}")
    h, w = first.shape[0], first.shape[1]
    arrays = []
    for layer in layers:
        a = np.asarray(layer)
        if a.dtype != dtype or a.ndim != 2 or a.shape[0] != h or a.shape[1] != w:
            raise ValueError("layers must share one dtype and one 2-D shape")
        if w > 1 and a.strides[1] != a.itemsize:
            a = np.ascontiguousarray(a)  # rows are read as plain C arrays
        arrays.append(a)
    if lut.shape[0] < (256 if dtype == np.uint8 else 65536):
        raise ValueError("lut must cover every code of the dtype")
    if mask is not None:
        mask = np.ascontiguousarray(mask)  # rows read as plain C arrays
    cdef bint has_mask = mask is not None, has_fraction = fraction is not None
    cdef bint has_area = area is not None, has_states = states is not None
    cdef int nw = <int>has_fraction + <int>has_area
    cdef const uint8_t[:, :] mv = mask if has_mask else np.zeros((1, 1), np.uint8)
    cdef const double[:, :] fv = fraction if has_fraction else np.zeros((1, 1))
    cdef const double[:, :] av = area if has_area else np.zeros((1, 1))
    cdef const uint8_t[:] sv = states if has_states else np.zeros(K, np.uint8)
    if has_mask and (mv.shape[0] != h or mv.shape[1] != w):
        raise ValueError("mask must have the shape of the layers")
    if has_fraction and (fv.shape[0] != h or fv.shape[1] != w):
        raise ValueError("fraction must have the shape of the layers")
    if has_area and (av.shape[0] != h or av.shape[1] != w):
        raise ValueError("area must have the shape of the layers")
    if sv.shape[0] < K or nodata.shape[0] < K:
        raise ValueError("states and nodata need one entry per index")
    P, L, nn = pairs.shape[0], lone.shape[0], n + 1
    year_px = np.zeros((L, K), np.int64)
    pair_px = np.zeros((P, K, K), np.int64)
    key_px = np.zeros(N_CLASSES * nn * nn if has_states else 0, np.int64)
    flip_px = np.zeros(n, np.int64)
    year_w = np.zeros((nw, L, K))
    pair_w = np.zeros((nw, P, K, K))
    key_w = np.zeros((nw, key_px.shape[0]))
    flip_w = np.zeros((nw, n))
    const_px = np.zeros(K, np.int64)
    const_w = np.zeros((nw, K))
    cdef Py_ssize_t rstride[64]
    cdef void* ptrs[64]
    # Typed views made with the GIL held (the C loop runs without it).
    cdef int64_t[:, :] ypx = year_px
    cdef int64_t[:, :, :] ppx = pair_px
    cdef int64_t[:] kpx = key_px, fpx = flip_px, cpx = const_px
    cdef double[:, :, :] yw = year_w
    cdef double[:, :, :, :] pw = pair_w
    cdef double[:, :] kw = key_w, fw = flip_w, cw = const_w
    cdef bint is8 = dtype == np.uint8
    cdef const uint8_t[:, :] m8
    cdef const uint16_t[:, :] m16
    for t in range(n):
        if dtype == np.uint8:
            m8 = arrays[t]
            ptrs[t] = <void*>&m8[0, 0] if h and w else NULL
            rstride[t] = m8.strides[0]
        else:
            m16 = arrays[t]
            ptrs[t] = <void*>&m16[0, 0] if h and w else NULL
            rstride[t] = m16.strides[0]
    if h == 0 or w == 0:
        return (year_px, pair_px, key_px, flip_px), (year_w, pair_w, key_w, flip_w)
    cdef uint8_t[:] diff = np.empty(w, np.uint8)
    # A series (consecutive pairs only, no flip filter): changing pixels counted by runs.
    cdef bint runs = P == n - 1 and L == 0 and not flip and all(
        pairs[p, 0] == p and pairs[p, 1] == p + 1 for p in range(P)
    )
    diag_arr = np.zeros((n, K), np.int64)
    diag_warr = np.zeros((max(nw, 1), n, K))
    cdef int64_t[:, :] dg = diag_arr
    cdef double[:, :, :] dgw = diag_warr
    cdef int64_t[:] h4 = np.zeros(4 * K, np.int64)
    cdef Py_ssize_t[:] positions = np.zeros(w, np.intp)
    with nogil:
        if is8:
            _count[uint8_t](<uint8_t**>ptrs, rstride, n, h, w, mv, has_mask, fv,
                            has_fraction, tol, av, has_area, lut, K, pairs, lone, sv,
                            has_states, persistence, flip, nodata, ypx, ppx, kpx, fpx, yw, pw,
                            kw, fw, cpx, cw, &diff[0], runs, &dg[0, 0], &dgw[0, 0, 0], &h4[0], &positions[0])
        else:
            _count[uint16_t](<uint16_t**>ptrs, rstride, n, h, w, mv, has_mask, fv,
                             has_fraction, tol, av, has_area, lut, K, pairs, lone, sv,
                             has_states, persistence, flip, nodata, ypx, ppx, kpx, fpx, yw, pw,
                             kw, fw, cpx, cw, &diff[0], runs, &dg[0, 0], &dgw[0, 0, 0], &h4[0], &positions[0])
    if runs:  # the runs' diagonals: a running sum over the pairs
        for k in range(K):
            drun = 0
            for p in range(P):
                drun += dg[p, k]
                ppx[p, k, k] += drun
            for j in range(nw):
                wrun = 0.0
                for p in range(P):
                    wrun += dgw[j, p, k]
                    pw[j, p, k, k] += wrun
    # Pixels with one index in every year: the diagonal of every pair, every lone year and
    # the trajectory of a constant state.
    cdef uint8_t st[64]
    for k in range(K):
        if cpx[k] == 0:
            continue
        for p in range(P):
            ppx[p, k, k] += cpx[k]
            for j in range(nw):
                pw[j, p, k, k] += cw[j, k]
        for l in range(L):
            ypx[l, k] += cpx[k]
            for j in range(nw):
                yw[j, l, k] += cw[j, k]
        if has_states:
            for t in range(n):
                st[t] = sv[k]
            key = _trajectory(st, n, persistence, &ch)
            kpx[key] += cpx[k]
            for j in range(nw):
                kw[j, key] += cw[j, k]
    return (year_px, pair_px, key_px, flip_px), (year_w, pair_w, key_w, flip_w)
