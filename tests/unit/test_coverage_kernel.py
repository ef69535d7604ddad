"""Exact pixel coverage from our compiled kernel (geo_revival._kernels.coverage_rows).

Expected values are computed by hand, by shapely (area of the polygon's intersection with each
pixel, double precision) or by exactextract (single-precision fractions, so compared to 2e-7).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
import shapely
from affine import Affine
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Point, Polygon, box

from geo_revival._kernels import coverage_rows
from geo_revival.exceptions import GridMismatchError, InvalidGeometryError
from geo_revival.grid import Grid
from geo_revival.overlay._coverage import pixel_coverage, window_fractions, zone_edges
from geo_revival.overlay._engine import COVERAGE_TOLERANCE, Plan, count_block, plan_blocks

#: Unit pixels, rows counted down from y = 4: pixel (row, col) is [col, col+1] x [3-row, 4-row].
UNIT = Affine(1, 0, 0, 0, -1, 4)


def _by_shapely(geom, transform: Affine, shape: tuple[int, int]) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Covered fraction of every pixel: area of the intersection / pixel area (independent)."""
    rows, cols = shape
    r, c = np.mgrid[0:rows, 0:cols]
    x0, y0 = transform * (c.ravel(), r.ravel())
    x1, y1 = transform * (c.ravel() + 1, r.ravel() + 1)
    pixels = shapely.box(
        np.minimum(x0, x1), np.minimum(y0, y1), np.maximum(x0, x1), np.maximum(y0, y1)
    )
    return (shapely.area(shapely.intersection(geom, pixels)) / shapely.area(pixels)).reshape(shape)


def _by_exactextract(geom, transform: Affine, shape: tuple[int, int]) -> np.ndarray:  # type: ignore[no-untyped-def]
    from exactextract import exact_extract
    from exactextract.raster import NumPyRasterSource

    rows, cols = shape
    left, top = transform.c, transform.f
    right, bottom = left + cols * transform.a, top + rows * transform.e
    source = NumPyRasterSource(np.zeros(shape, np.uint8), left, bottom, right, top)
    feature = {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(geom)}
    table = exact_extract(source, [feature], ["cell_id", "coverage"], output="pandas")
    out = np.zeros(rows * cols)
    out[np.asarray(table["cell_id"][0], np.int64)] = table["coverage"][0]
    return out.reshape(shape)


# -- hand-computed fractions ---------------------------------------------------------------------
HOLE = Polygon(box(0, 0, 4, 4).exterior.coords, [box(1.5, 1.5, 2.5, 2.5).exterior.coords])
ONES = np.ones((4, 4))
CASES = {
    # Triangle through opposite corners: the diagonal halves its pixels.
    "triangle": (
        Polygon([(0, 0), (2, 0), (0, 2)]),
        np.array([[0, 0, 0, 0], [0, 0, 0, 0], [0.5, 0, 0, 0], [1, 0.5, 0, 0]]),
    ),
    # Unit square offset by 0.25 px: 0.75 x 0.75, 0.75 x 0.25 and 0.25 x 0.25 of pixels.
    "square_offset_quarter": (
        box(0.25, 0.25, 1.25, 1.25),
        np.array([[0, 0, 0, 0], [0, 0, 0, 0], [0.1875, 0.0625, 0, 0], [0.5625, 0.1875, 0, 0]]),
    ),
    # A 1 x 1 hole centred on the grid takes a quarter of each of the four central pixels.
    "hole": (HOLE, ONES - np.pad(np.full((2, 2), 0.25), 1)),
    # Edges exactly on pixel boundaries: whole pixels, nothing beyond (not even crumbs).
    "on_boundaries": (box(1, 1, 3, 3), np.pad(np.ones((2, 2)), 1)),
    # Inside one pixel (row 2, col 1: [1, 2] x [1, 2]): 0.3 x 0.6 of it.
    "inside_one_pixel": (box(1.2, 1.1, 1.5, 1.7), np.pad([[0.18]], ((2, 1), (1, 2)))),
    # Two parts: a whole pixel and half of another (split vertically at x = 3.5).
    "multipolygon": (
        MultiPolygon([box(0, 3, 1, 4), box(3, 0, 3.5, 1)]),
        np.array([[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0.5]]),
    ),
    # Much larger than the grid on every side: every pixel wholly covered.
    "larger_than_grid": (box(-100, -50, 70, 90), ONES),
    # A thin sliver reaching far left and right of the grid: 0.1 of every pixel of row 1.
    "sliver_across": (box(-1e6, 2.3, 1e6, 2.4), np.pad(np.full((1, 4), 0.1), ((1, 2), (0, 0)))),
}


@pytest.mark.parametrize("name", list(CASES))
def test_fractions_by_hand(name: str) -> None:
    geom, expected = CASES[name]
    np.testing.assert_allclose(pixel_coverage(geom, UNIT, (4, 4)), expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", list(CASES))
def test_ring_orientation_does_not_matter(name: str) -> None:
    geom, expected = CASES[name]
    reversed_rings = shapely.reverse(geom)  # exteriors clockwise, holes anticlockwise
    got = pixel_coverage(reversed_rings, UNIT, (4, 4))
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_polygons_inside_collections_count_and_other_parts_do_not() -> None:
    # A clip can return a GeometryCollection; its polygons (even inside a MultiPolygon) count,
    # points and lines cover nothing.
    from shapely.geometry import GeometryCollection, LineString

    parts = [CASES["multipolygon"][0], LineString([(0, 0), (4, 4)]), Point(2.5, 2.5)]
    got = zone_edges(np.array([GeometryCollection(parts), box(0, 0, 1, 1)]), UNIT)
    assert [e[0].size for e in got] == [8, 4]
    coverage = np.zeros((4, 4))
    for a, b, fractions in window_fractions(got[0], (0, 4), (0, 4), inside=False):
        coverage[a:b] = fractions
    np.testing.assert_allclose(coverage, CASES["multipolygon"][1], atol=1e-12)


@pytest.mark.parametrize(
    ("geom", "transform", "expected"),
    [
        # Left edge only 2e-320 wide around x = 0 (a slope would overflow to infinity).
        (
            Polygon([(-1e-320, 0), (1e-320, 4), (2, 4), (2, 0)]),
            UNIT,
            np.repeat([[1.0, 1, 0, 0]], 4, axis=0),
        ),
        # An edge 2e-320 high crossing the top of row 0 (south-up grid: row = y).
        (
            Polygon([(0, -1e-320), (4, 1e-320), (4, 2), (0, 2)]),
            Affine(1, 0, 0, 0, 1, 0),
            np.repeat([[1.0], [1], [0], [0]], 4, axis=1),
        ),
    ],
)
def test_edges_a_few_subnormals_wide_or_high(
    geom: Polygon, transform: Affine, expected: npt.NDArray[np.float64]
) -> None:
    np.testing.assert_allclose(pixel_coverage(geom, transform, (4, 4)), expected, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.floats(3000, 4000), st.floats(1, 9), st.booleans())
def test_tiny_rings_far_from_the_grid_corner_keep_their_sign(
    x: float, y: float, reverse: bool
) -> None:
    # A ring 1e-7 px wide thousands of pixels from the corner: its orientation (shoelace) must
    # not drown in rounding (a sign of 0 or the wrong one would drop or negate its area).
    tiny = box(x, y, x + 1e-7, y + 1e-7)
    tiny = shapely.reverse(tiny) if reverse else tiny
    got = pixel_coverage(tiny, Affine(1, 0, 0, 0, -1, 10), (10, 4001))
    # Its own pixel(s) only: rounding leaves ~1e-23 crumbs along the rest of the row.
    row, col = int(10 - y), int(x)
    near = got[max(row - 1, 0) : row + 2, col - 1 : col + 2].sum()
    assert near == pytest.approx(tiny.area, rel=1e-6, abs=0)


def test_edges_on_pixel_boundaries_leave_no_crumbs_at_projected_coordinates() -> None:
    # UTM-sized coordinates and 30 m pixels: float noise in pixel coordinates must not give the
    # pixels beyond an edge lying on a pixel boundary more than the tolerance.
    x0, y0, size = 523_456.0, 3_512_340.0, 30.0
    transform = Affine(size, 0, x0, 0, -size, y0)
    geom = box(x0 + 2 * size, y0 - 7 * size, x0 + 5 * size, y0 - 3 * size)
    got = pixel_coverage(geom, transform, (10, 8), tolerance=COVERAGE_TOLERANCE)
    expected = np.zeros((10, 8))
    expected[3:7, 2:5] = 1
    assert (got[expected == 0] == 0).all()
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize(
    "transform",
    [
        Affine(1, 0, 0, 0, 1, 0),  # south-up: row 0 is y in [0, 1]
        Affine(2, 0, 0, 0, -0.5, 4),  # non-square pixels (2 wide, 0.5 high)
        Affine(0.001, 0, 116.5, 0, -0.001, 34.004),  # degrees, as a geographic grid
    ],
)
def test_other_grids_agree_with_shapely(transform: Affine) -> None:
    x0, y0 = transform * (0.3, 0.7)
    x1, y1 = transform * (3.6, 3.1)
    geom = Polygon([(x0, y0), (x1, y0 + 0.2 * (y1 - y0)), (x0 + 0.4 * (x1 - x0), y1)])
    expected = _by_shapely(geom, transform, (4, 4))
    np.testing.assert_allclose(pixel_coverage(geom, transform, (4, 4)), expected, atol=1e-9)


# -- the engine's block path: windows, strips, clipped and enclosing zones ------------------------
def _engine_counts(
    geoms: list[Any], grid: Grid, block: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Per zone and pixel: coverage_fraction and pixels as count_block sums them over blocks.

    Two layers hold each pixel's row and column as its class code, so the counts of the pair
    (row code, column code) are per pixel.
    """
    rows, cols = grid.shape
    codes = np.stack(np.mgrid[0:rows, 0:cols]).astype(np.uint8)
    fraction = np.zeros((len(geoms), rows, cols))
    pixels = np.zeros((len(geoms), rows, cols), np.int64)
    edges = [[*range(0, n, block), n] for n in grid.shape]
    for job in plan_blocks(np.array(geoms, dtype=object), grid, *edges):
        layers = list(codes[:, job.row0 : job.row1, job.col0 : job.col1])
        pairs = count_block(layers, job, grid, Plan((), ((0, 1),)), "exact", None).pairs
        at = (pairs["zone"], pairs["code"], pairs["code2"])
        np.add.at(fraction, at, pairs["coverage_fraction"])
        np.add.at(pixels, at, pairs["pixels"])
    return fraction, pixels


def test_engine_blocks_match_shapely_for_clipped_enclosing_and_overlapping_zones() -> None:
    grid = Grid(Affine(10, 0, 1000, 0, -10, 2000), 40, 50)
    angles = np.linspace(0, 2 * np.pi, 400, endpoint=False)
    many_vertices = Polygon(np.c_[1250 + 180 * np.cos(angles), 1800 + 170 * np.sin(angles)])
    geoms = [
        many_vertices,  # > 256 vertices: the engine clips it to each window (+ 1 pixel)
        box(900, 1500, 1600, 2100),  # encloses whole blocks: the "inside" shortcut
        box(1203.3, 1777.7, 1231.1, 1790.2),  # overlaps the first zone, counted on its own
        box(1100, 1700, 1300, 1900).difference(box(1150.5, 1750.5, 1250.5, 1850.5)),  # a hole
        box(1020, 1620, 1100, 1700),  # edges on pixel boundaries: no pixel beyond counts
    ]
    fraction, pixels = _engine_counts(geoms, grid, block=16)
    for z, geom in enumerate(geoms):
        expected = _by_shapely(geom, grid.transform, grid.shape)
        expected[expected <= COVERAGE_TOLERANCE] = 0
        np.testing.assert_allclose(fraction[z], expected, rtol=0, atol=1e-9, err_msg=f"zone {z}")
        np.testing.assert_array_equal(pixels[z], expected > 0, err_msg=f"zone {z}")


def test_strips_split_windows_without_changing_fractions(monkeypatch: pytest.MonkeyPatch) -> None:
    from geo_revival.overlay import _engine

    grid = Grid(Affine(1, 0, 0, 0, -1, 30), 30, 30)
    geoms = [Point(14.2, 15.9).buffer(11.3, quad_segs=16)]
    whole, _ = _engine_counts(geoms, grid, block=30)
    monkeypatch.setattr(_engine, "_PIECE", 7)  # strips of one row
    np.testing.assert_allclose(_engine_counts(geoms, grid, block=30)[0], whole, rtol=0, atol=1e-12)
    expected = _by_shapely(geoms[0], grid.transform, grid.shape)
    np.testing.assert_allclose(whole[0], expected, rtol=0, atol=1e-9)


# -- properties on random valid polygons ----------------------------------------------------------
@st.composite
def polygons(draw: st.DrawFn) -> Polygon | MultiPolygon:
    """A valid (multi)polygon from random vertices around a 12 x 10 grid (some outside it)."""
    n = draw(st.integers(3, 25))
    coords = draw(
        st.lists(
            st.tuples(st.floats(-3, 15, allow_nan=False), st.floats(-3, 13, allow_nan=False)),
            min_size=n,
            max_size=n,
        )
    )
    # Rounded so that scaling and moving them (below) keeps the polygon valid.
    geom = shapely.make_valid(Polygon(np.round(coords, 4)))
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and p.area > 1e-6]
    if draw(st.booleans()) and parts:  # punch a hole when it fits
        hole = shapely.buffer(
            parts[0].representative_point(), draw(st.floats(0.05, 2)), quad_segs=8
        )
        parts[0] = parts[0].difference(hole)
    geom = shapely.make_valid(shapely.unary_union(parts))
    polys = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and p.area > 1e-6]
    return MultiPolygon(polys) if len(polys) > 1 else (polys[0] if polys else box(1, 1, 2.5, 2))


GRID = (Affine(1, 0, 0.37, 0, -1, 10.21), (10, 12))


@settings(max_examples=60, deadline=None)
@given(polygons())
def test_fractions_in_unit_interval_and_equal_to_shapely(geom: Polygon | MultiPolygon) -> None:
    got = pixel_coverage(geom, *GRID)
    assert ((got >= 0) & (got <= 1)).all()
    np.testing.assert_allclose(got, _by_shapely(geom, *GRID), rtol=0, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(polygons(), st.floats(0.5, 30), st.floats(-1e6, 1e6), st.floats(-1e6, 1e6))
def test_fractions_sum_to_the_area_inside_the_grid(
    geom: Polygon | MultiPolygon, size: float, dx: float, dy: float
) -> None:
    # Scaled and moved far from the origin, as projected zones are.
    geom = shapely.affinity.translate(
        shapely.affinity.scale(geom, size, size, origin=(0, 0)), dx, dy
    )
    assume(geom.is_valid)
    transform = Affine(size, 0, dx + 0.37 * size, 0, -size, dy + 10.21 * size)
    rows, cols = GRID[1]
    window = box(transform.c, transform.f - rows * size, transform.c + cols * size, transform.f)
    inside = geom.intersection(window).area
    total = pixel_coverage(geom, transform, (rows, cols)).sum() * size * size
    assert total == pytest.approx(inside, rel=1e-9, abs=1e-9 * size * size)


@settings(max_examples=40, deadline=None)
@given(polygons())
def test_fractions_equal_exactextract_to_its_single_precision(geom: Polygon | MultiPolygon) -> None:
    # exactextract returns float32-precision fractions (0.15 comes back as 0.15000001), so the
    # agreement is checked to 2e-7 of a pixel; the double-precision reference is shapely above.
    got = pixel_coverage(geom, *GRID)
    np.testing.assert_allclose(got, _by_exactextract(geom, *GRID), rtol=0, atol=2e-7)


# -- bad inputs -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("geometry", "transform", "shape", "error", "match"),
    [
        (Point(1, 1), UNIT, (4, 4), InvalidGeometryError, "Polygon or MultiPolygon, got Point"),
        (
            Polygon([(0, 0), (2, 2), (2, 0), (0, 2)]),
            UNIT,
            (4, 4),
            InvalidGeometryError,
            "invalid Polygon .*Self-intersection.*make_valid",
        ),
        (box(0, 0, 1, 1), Affine(1, 0.2, 0, 0, -1, 4), (4, 4), GridMismatchError, "rotation"),
        (box(0, 0, 1, 1), UNIT, (0, 4), GridMismatchError, "two positive sizes"),
    ],
)
def test_bad_inputs_raise(geometry, transform, shape, error, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=match):
        pixel_coverage(geometry, transform, shape)


@pytest.mark.parametrize(
    ("rows", "out_shape", "match"),
    [((0, 3), (2, 5), "3 rows and at least 2 columns.* not 2 x 5"), ((0, 3), (3, 1), "not 3 x 1")],
)
def test_kernel_refuses_an_output_of_the_wrong_shape(
    rows: tuple[int, int], out_shape: tuple[int, int], match: str
) -> None:
    edge = np.array([0.5])
    with pytest.raises(ValueError, match=match):
        coverage_rows(edge, edge, edge, edge + 1, np.ones(1), *rows, 0, np.zeros(out_shape))


def test_kernel_refuses_edges_of_different_lengths() -> None:
    edge = np.array([0.5])
    with pytest.raises(ValueError, match="same length"):
        coverage_rows(edge, edge, edge, np.ones(2), np.ones(1), 0, 1, 0, np.zeros((1, 3)))
