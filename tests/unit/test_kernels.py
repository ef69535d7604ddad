"""The compiled kernels against hand counts and against plain numpy/Python references."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from geo_revival._kernels import (
    MAX_LAYERS,
    count_window,
    decode_trajectory_keys,
    filter_flips,
    trajectory_pixels,
)
from geo_revival.exceptions import SchemaError
from geo_revival.overlay._tally import MAX_CODES, code_index

TOL = 1e-9


def _lut(dtype: type, codes: list[int]) -> np.ndarray:
    lut = np.zeros(256 if dtype == np.uint8 else 1 << 16, np.uint16)
    lut[codes] = np.arange(len(codes))
    return lut


def _count(layers, mask=None, fraction=None, area=None, codes=(0, 1, 2, 3), pairs=(), lone=(),
           states=None, persistence=2, flip=False, nodata=(0,)):
    codes = list(codes)
    return count_window(
        [np.asarray(a) for a in layers],
        None if mask is None else np.asarray(mask, np.uint8),
        None if fraction is None else np.asarray(fraction, np.float64),
        None if area is None else np.asarray(area, np.float64),
        _lut(np.asarray(layers[0]).dtype.type, codes),
        len(codes),
        np.array(pairs, np.intp).reshape(-1, 2),
        np.array(lone, np.intp),
        None if states is None else np.asarray(states, np.uint8),
        persistence,
        flip,
        np.isin(codes, nodata).astype(np.uint8),
        TOL,
    )


# -- hand-computed --------------------------------------------------------------------------
Y0 = np.array([[1, 1, 2], [3, 0, 2]], np.uint8)
Y1 = np.array([[1, 2, 2], [3, 0, 1]], np.uint8)
Y2 = np.array([[1, 2, 3], [3, 0, 1]], np.uint8)


def test_pairs_and_lone_years_by_hand():
    (years, pairs, _, _), _ = _count([Y0, Y1, Y2], pairs=[(0, 1)], lone=[2])
    expected = np.zeros((4, 4), np.int64)
    for a, b in [(1, 1), (1, 2), (2, 2), (3, 3), (0, 0), (2, 1)]:  # pixel by pixel, row-major
        expected[a, b] += 1
    np.testing.assert_array_equal(pairs[0], expected)
    np.testing.assert_array_equal(years[0], [1, 2, 1, 2])  # layer 2: codes 1, 2, 3, 3, 0, 1


def test_mask_selects_pixels():
    mask = [[1, 0, 1], [0, 0, 1]]  # pixels (0,0) 1->1, (0,2) 2->2, (1,2) 2->1
    (_, pairs, _, _), _ = _count([Y0, Y1], mask=mask, pairs=[(0, 1)])
    assert pairs[0][1, 1] == 1 and pairs[0][2, 2] == 1 and pairs[0][2, 1] == 1
    assert pairs[0].sum() == 3


def test_fraction_and_area_weights():
    fraction = [[0.5, 1e-12, 1.0], [0.25, 0.0, 1.0]]
    area = np.broadcast_to(np.array([[100.0], [200.0]]), (2, 3))  # m² per row, a strided view
    (_years, pairs, _, _), (_, wpairs, _, _) = _count(
        [Y0, Y1], fraction=fraction, area=area, pairs=[(0, 1)]
    )
    # (0,1) and (1,1) are dropped (fraction <= 1e-9): 4 pixels counted.
    assert pairs[0].sum() == 4
    frac, area_m2 = wpairs[:, 0]
    assert frac[1, 1] == pytest.approx(0.5)
    assert frac[3, 3] == pytest.approx(0.25)
    assert area_m2[3, 3] == pytest.approx(0.25 * 200)
    assert area_m2[2, 1] == pytest.approx(200.0)
    assert frac.sum() == pytest.approx(0.5 + 1.0 + 0.25 + 1.0)


@pytest.mark.parametrize(
    ("sequence", "filtered", "changed_years"),
    [
        ([1, 2, 1], [1, 1, 1], [1]),
        ([1, 2, 1, 2, 1], [1, 1, 1, 1, 1], [1, 3]),
        ([1, 2, 2, 1], [1, 2, 2, 1], []),
        ([1, 0, 1], [1, 0, 1], []),  # 0 is nodata
        ([2, 1, 2, 2], [2, 2, 2, 2], [1]),
    ],
)
def test_flip_filter_by_hand(sequence, filtered, changed_years):
    stack = np.array(sequence, np.uint8)[:, None]
    nodata = np.zeros(256, np.uint8)
    nodata[0] = 1
    assert filter_flips(stack, nodata)[:, 0].tolist() == filtered
    layers = [np.full((1, 1), c, np.uint8) for c in sequence]
    n = len(sequence)
    (years, _, _, flips), _ = _count(layers, lone=range(n), flip=True)
    assert np.flatnonzero(flips).tolist() == changed_years
    assert [int(np.argmax(years[t])) for t in range(n)] == filtered


# states: 0 nodata, 1 damaged, 2 restored, 3 neutral
@pytest.mark.parametrize(
    ("states", "persistence", "first", "reclaimed", "changes", "cls"),
    [
        ([3, 3, 3], 2, -1, -1, 0, 1),  # never damaged
        ([0, 0, 0], 2, -1, -1, 0, 0),  # nodata
        ([3, 1, 1, 1], 2, 1, -1, 1, 2),  # still damaged
        ([1, 2, 2, 2], 2, 0, 1, 1, 3),  # reclaimed in layer 1
        ([1, 2, 1, 2, 2], 2, 0, 3, 3, 3),  # one restored year is not yet reclamation
        ([1, 2, 1, 2, 2], 1, 0, 1, 3, 4),  # ... but is with persistence 1, then relapsed
        ([1, 3, 2, 2, 1], 2, 0, 2, 3, 4),  # neutral between: reclaimed in 2, relapsed in 4
        ([1, 0, 2, 2], 2, 0, 2, 1, 3),  # a nodata year is skipped by the change count
        ([2, 2, 1, 2], 2, 2, -1, 2, 2),  # last layer cannot start a 2-year run
    ],
)
def test_trajectory_rules_by_hand(states, persistence, first, reclaimed, changes, cls):
    out = trajectory_pixels(np.array(states, np.uint8)[:, None], persistence)
    assert [int(a[0]) for a in out] == [first, reclaimed, changes, cls]
    layers = [np.full((1, 1), s, np.uint8) for s in states]
    (_, _, keys, _), _ = _count(layers, codes=(0, 1, 2, 3), states=[0, 1, 2, 3],
                                persistence=persistence)
    got = [int(v[0]) for v in decode_trajectory_keys(np.flatnonzero(keys), len(states))]
    assert got == [cls, first, reclaimed]


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: _count([Y0.astype(np.int32)]), TypeError, "uint8 or uint16"),
        (lambda: _count([Y0, Y1[:1]]), ValueError, "one 2-D shape"),
        (lambda: _count([Y0], mask=np.ones((1, 3))), ValueError, "mask must have the shape"),
        (lambda: trajectory_pixels(np.zeros((MAX_LAYERS + 1, 2), np.uint8), 2), ValueError,
         "at most 63 layers"),
        (lambda: filter_flips(np.zeros((3, 2), np.uint8), np.zeros(10, np.uint8)), ValueError,
         "every code"),
    ],
)
def test_bad_calls_are_refused(call, error, match):
    with pytest.raises(error, match=match):
        call()


# -- against independent references ---------------------------------------------------------
def _reference_trajectory(states: list[int], persistence: int) -> tuple[int, int, int, int]:
    """The module docstring's rules, year by year in plain Python."""
    n = len(states)
    damaged = [t for t, s in enumerate(states) if s == 1]
    first = damaged[0] if damaged else -1
    reclaimed = -1
    if damaged:
        for t in range(first + 1, n - persistence + 1):
            if all(states[u] == 2 for u in range(t, t + persistence)):
                reclaimed = t
                break
    valid = [s for s in states if s != 0]
    changes = sum(a != b for a, b in itertools.pairwise(valid))
    cls = 0 if not valid else 1
    if damaged:
        cls = 2
    if reclaimed >= 0:
        cls = 4 if any(t > reclaimed for t in damaged) else 3
    return first, reclaimed, changes, cls


@settings(max_examples=60, deadline=None)
@given(
    stack=hnp.arrays(np.uint8, st.tuples(st.integers(1, 12), st.integers(1, 30)),
                     elements=st.integers(0, 3)),
    persistence=st.integers(1, 4),
)
def test_trajectories_equal_the_rules_in_plain_python(stack, persistence):
    got = np.stack(trajectory_pixels(stack, persistence)).T.tolist()
    expected = [list(_reference_trajectory(stack[:, i].tolist(), persistence))
                for i in range(stack.shape[1])]
    assert got == expected


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    years=st.integers(2, 8),
    dtype=st.sampled_from([np.uint8, np.uint16]),
    flip=st.booleans(),
)
def test_counts_equal_numpy_bincounts(data, years, dtype, flip):
    h, w = data.draw(st.integers(1, 6)), data.draw(st.integers(1, 7))
    base = data.draw(hnp.arrays(dtype, (h, w), elements=st.integers(0, 3)))
    layers = []
    for _ in range(years):  # mostly unchanged pixels, as in real series
        change = data.draw(hnp.arrays(np.bool_, (h, w)))
        other = data.draw(hnp.arrays(dtype, (h, w), elements=st.integers(0, 3)))
        layers.append(np.where(change, other, base).astype(dtype))
    mask = data.draw(hnp.arrays(np.uint8, (h, w), elements=st.integers(0, 1)))
    pairs = [(t, t + 1) for t in range(years - 1)]
    states = [0, 1, 2, 3]
    (_, got, keys, _), _ = _count(layers, mask=mask, pairs=pairs, states=states, flip=flip)
    stack = np.stack(layers)[:, mask.astype(bool)].astype(np.int64)
    if flip:  # the flip rule, pixel by pixel in plain Python
        for i in range(stack.shape[1]):
            s, orig = stack[:, i], stack[:, i].copy()
            for t in range(1, years - 1):
                if s[t - 1] == orig[t + 1] and orig[t] != s[t - 1] and orig[t] and orig[t + 1]:
                    s[t] = s[t - 1]
    for p, (a, b) in enumerate(pairs):
        expected = np.bincount(stack[a] * 4 + stack[b], minlength=16).reshape(4, 4)
        np.testing.assert_array_equal(got[p], expected)
        assert got[p].sum() == mask.sum()  # every selected pixel once per pair
    traj = [_reference_trajectory(stack[:, i].tolist(), 2) for i in range(stack.shape[1])]
    m = years + 1
    expected_keys = np.bincount([(c * m + f + 1) * m + r + 1 for f, r, _, c in traj],
                                minlength=keys.size)
    np.testing.assert_array_equal(keys, expected_keys)


# -- code index -----------------------------------------------------------------------------
def test_code_index_recodes_wide_and_signed_codes():
    a = np.array([[-5, 70000], [-5, 3]], np.int32)
    ci = code_index([a])
    assert ci.codes.tolist() == [-5, 3, 70000]
    assert ci.layers[0].dtype == np.uint16
    assert ci.codes[ci.index[ci.layers[0]]].tolist() == a.tolist()


def test_code_index_refuses_too_many_codes():
    a = np.arange(0, 2 * (MAX_CODES + 1), 2, dtype=np.uint16)[None, :]
    with pytest.raises(SchemaError, match="distinct class codes in one block"):
        code_index([a])


def test_more_years_than_the_kernel_holds_are_refused_clearly():
    import geopandas as gpd
    import rioxarray  # noqa: F401
    import xarray as xr
    from shapely.geometry import box

    from geo_revival.overlay import class_areas
    from geo_revival.restoration import restoration_series

    n = MAX_LAYERS + 1
    lc = xr.DataArray(np.ones((n, 2, 2), np.uint8), dims=("year", "y", "x"),
                      coords={"year": list(range(1950, 1950 + n)), "y": [15.0, 5.0],
                              "x": [5.0, 15.0]},
                      attrs={"legend": "clcd"}).rio.write_crs("EPSG:4548")  # fmt: skip
    zones = gpd.GeoDataFrame({"zone_id": ["z"], "planned_use": ["cropland"]},
                             geometry=[box(0, 0, 20, 20)], crs=4548)  # fmt: skip
    for call in (lambda: class_areas(zones, lc), lambda: restoration_series(zones, lc)):
        with pytest.raises(SchemaError, match="at most 63 years at a time"):
            call()
    assert class_areas(zones, lc, years=list(range(1950, 1950 + MAX_LAYERS)))["pixels"].sum() \
        == 4 * MAX_LAYERS
