"""Invariants of the overlay engine on random small rasters and zones (hypothesis).

Zone vertices lie on a quarter-pixel lattice, so edges often pass exactly through pixel centres:
the centre rule's tie-breaking is exercised, and translations by whole pixels are exact in
floating point.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
import rasterio.features
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from shapely import affinity
from shapely.geometry import MultiPoint, box

from geo_revival.exceptions import CoverageWarning
from geo_revival.overlay import class_areas, transitions
from tests.overlay_fixtures import make_landcover, make_zones

RES = 10.0
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def rasters(draw: st.DrawFn, years: int = 2) -> np.ndarray:
    h = draw(st.integers(2, 7))
    w = draw(st.integers(2, 7))
    # Codes 1-4 (CLCD) and 0 = nodata.
    return draw(arrays(np.uint8, (years, h, w), elements=st.integers(0, 4)))


@st.composite
def polygons(draw: st.DrawFn, h: int, w: int) -> shapely.Polygon:
    """A convex polygon with vertices on a quarter-pixel lattice, possibly over the edges."""
    coord = st.tuples(st.integers(-4, 4 * w + 4), st.integers(-4, 4 * h + 4))
    points = draw(st.lists(coord, min_size=3, max_size=6, unique=True))
    hull = MultiPoint([(x * RES / 4, y * RES / 4) for x, y in points]).convex_hull
    if not isinstance(hull, shapely.Polygon) or hull.area == 0:
        hull = box(0, 0, RES, RES)
    return hull


@st.composite
def scenes(draw: st.DrawFn) -> tuple[np.ndarray, dict[str, shapely.Polygon]]:
    data = draw(rasters())
    _, h, w = data.shape
    n = draw(st.integers(1, 3))
    zones = {f"z{i}": draw(polygons(h, w)) for i in range(n)}
    return data, zones


def _landcover(data: np.ndarray, chunks: dict[str, int] | None = None, origin=(0.0, 0.0)):
    h = data.shape[1]
    return make_landcover(
        {2020: data[0], 2021: data[1]},
        res=RES,
        origin=(origin[0], origin[1] + h * RES),
        chunks=chunks,
    )


def _run(func, *args, **kwargs) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        return func(*args, on_missing="warn", **kwargs)


def _totals(df: pd.DataFrame, keys: list[str], value: str = "pixels") -> pd.Series:
    return df.groupby(keys)[value].sum().astype(float)


def _values(coverage: str) -> list[str]:
    """Columns to compare: exact mode counts touched pixels and sums their coverage fractions."""
    return ["pixels", "coverage_fraction"] if coverage == "exact" else ["pixels"]


@SETTINGS
@given(scenes())
def test_centre_rule_equals_rasterio_rasterize(scene):
    data, geoms = scene
    lc = _landcover(data, chunks={"year": 1, "y": 3, "x": 2})
    got = _totals(_run(class_areas, make_zones(geoms), lc, years=[2020]), ["zone_id", "class_code"])
    transform = lc.rio.transform()
    expected = {}
    for name, geom in geoms.items():
        mask = rasterio.features.rasterize(
            [(geom, 1)], out_shape=data.shape[1:], transform=transform, all_touched=False
        ).astype(bool)
        codes, counts = np.unique(data[0][mask], return_counts=True)
        expected.update(
            {(name, int(c)): float(n) for c, n in zip(codes, counts, strict=True) if c != 0}
        )
    assert got.to_dict() == expected


@SETTINGS
@given(scenes(), st.sampled_from(["centre", "exact"]))
def test_transition_marginals_equal_class_areas(scene, coverage):
    data, geoms = scene
    zones = make_zones(geoms)
    trans = _run(transitions, zones, _landcover(data), coverage=coverage)
    # Transitions leave out pixels that are nodata in either year: mask those in both years.
    both = data.copy()
    both[:, (data == 0).any(axis=0)] = 0
    areas = _run(class_areas, zones, _landcover(both), coverage=coverage)
    for (year, code_col), value in itertools.product(
        ((2020, "from_code"), (2021, "to_code")), _values(coverage)
    ):
        from_trans = _totals(trans, ["zone_id", code_col], value)
        from_areas = _totals(areas[areas.year == year], ["zone_id", "class_code"], value)
        pd.testing.assert_series_equal(
            from_trans.rename_axis(["zone_id", "class_code"]).sort_index(),
            from_areas.sort_index(),
            check_names=False,
            atol=1e-9,
        )


@SETTINGS
@given(scenes(), st.integers(1, 6), st.sampled_from(["centre", "exact"]))
def test_splitting_a_zone_adds_up(scene, cut, coverage):
    data, geoms = scene
    whole = next(iter(geoms.values()))
    # Cut along a pixel edge so that no pixel centre lies on the cut.
    x = cut * RES
    left = whole.intersection(box(-1e3, -1e3, x, 1e3))
    right = whole.intersection(box(x, -1e3, 1e3, 1e3))
    parts = {k: g for k, g in {"left": left, "right": right}.items() if g.area > 0}
    lc = _landcover(data)
    whole_table = _run(class_areas, make_zones({"whole": whole}), lc, coverage=coverage)
    split_table = _run(class_areas, make_zones(parts), lc, coverage=coverage)
    # No pixel straddles the cut, so even exact-mode pixel counts (touched pixels) add up.
    for value in _values(coverage):
        total = _totals(whole_table, ["year", "class_code"], value)
        split = _totals(split_table, ["year", "class_code"], value)
        pd.testing.assert_series_equal(total.sort_index(), split.sort_index(), atol=1e-5)


@SETTINGS
@given(
    scenes(),
    st.integers(1, 4),
    st.integers(1, 4),
    st.sampled_from(["centre", "exact"]),
)
def test_results_do_not_depend_on_chunk_size(scene, cy, cx, coverage):
    data, geoms = scene
    zones = make_zones(geoms)
    plain = _run(transitions, zones, _landcover(data), coverage=coverage)
    chunked = _run(
        transitions,
        zones,
        _landcover(data, chunks={"year": 1, "y": cy, "x": cx}),
        coverage=coverage,
    )
    keys = ["zone_id", "from_code", "to_code"]
    for value in _values(coverage):
        pd.testing.assert_series_equal(
            _totals(plain, keys, value).sort_index(),
            _totals(chunked, keys, value).sort_index(),
            atol=1e-9,
        )


@SETTINGS
@given(scenes(), st.integers(-50, 50), st.integers(-50, 50), st.sampled_from(["centre", "exact"]))
def test_translating_zones_and_raster_together_changes_nothing(scene, dx, dy, coverage):
    data, geoms = scene
    shift = (500_000.0 + dx * RES, 3_800_000.0 + dy * RES)
    moved = {k: affinity.translate(g, *shift) for k, g in geoms.items()}
    here = _run(class_areas, make_zones(geoms), _landcover(data), coverage=coverage)
    there = _run(class_areas, make_zones(moved), _landcover(data, origin=shift), coverage=coverage)
    keys = ["zone_id", "year", "class_code"]
    for value in _values(coverage):
        # Moved coordinates round differently in pixel units (~1e-10 px at 500 km).
        tol = 1e-8 if value == "coverage_fraction" else 0.0
        pd.testing.assert_series_equal(
            _totals(here, keys, value).sort_index(),
            _totals(there, keys, value).sort_index(),
            atol=tol,
        )


@pytest.mark.parametrize("coverage", ["centre", "exact"])
def test_overlapping_copies_count_twice(coverage):
    data = np.arange(1, 10, dtype=np.uint8).reshape(1, 3, 3) % 4 + 1
    lc = make_landcover({2020: data[0]})
    zone = shapely.Polygon([(3, 3), (27, 5), (14, 28)])
    one = class_areas(make_zones({"a": zone}), lc, coverage=coverage)
    two = class_areas(make_zones({"a": zone, "b": zone}), lc, coverage=coverage)
    for value in _values(coverage):
        assert two[value].sum() == pytest.approx(2 * one[value].sum())


@SETTINGS
@given(scenes())
def test_exact_pixels_are_touched_pixels_and_fractions_at_most_one_each(scene):
    data, geoms = scene
    got = _run(class_areas, make_zones(geoms), _landcover(data), coverage="exact")
    assert got["pixels"].dtype.kind == "i"
    assert (got["pixels"] >= 1).all()
    # Each touched pixel adds a fraction in (0, 1] (float32 rounding aside).
    assert (got["coverage_fraction"] <= got["pixels"] + 1e-6).all()
    assert (got["coverage_fraction"] > 0).all()
    np.testing.assert_allclose(got["area_m2"], got["coverage_fraction"] * RES * RES)


@SETTINGS
@given(scenes())
def test_exact_mode_agrees_with_exactextract_reading_the_values_itself(scene):
    # exactextract's own per-class statistics: frac x count with the default weighting sums
    # coverage fractions; with coverage_weight=none it counts the pixels touched.
    from exactextract import exact_extract
    from exactextract.raster import NumPyRasterSource

    data, geoms = scene
    _, h, w = data.shape
    got = _run(class_areas, make_zones(geoms), _landcover(data), years=[2020], coverage="exact")
    source = NumPyRasterSource(data[0], 0.0, 0.0, w * RES, h * RES, nodata=0)
    features = [
        {"type": "Feature", "properties": {"zone_id": k}, "geometry": shapely.geometry.mapping(g)}
        for k, g in geoms.items()
    ]
    ops = ["unique", "frac", "count", "n=count(coverage_weight=none)",
           "f=frac(coverage_weight=none)"]
    ref = exact_extract(source, features, ops, include_cols=["zone_id"], output="pandas")
    pixels, fractions = {}, {}
    for row in ref.itertuples():
        for code, frac, f in zip(row.unique, row.frac, row.f, strict=True):
            if frac > 0:
                fractions[(row.zone_id, int(code))] = frac * row.count
                pixels[(row.zone_id, int(code))] = round(f * row.n)
    table = got.set_index(["zone_id", "class_code"])
    assert table["pixels"].to_dict() == pixels
    assert table["coverage_fraction"].to_dict() == pytest.approx(fractions, abs=1e-5)
