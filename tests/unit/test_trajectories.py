"""Restoration trajectories on a hand-computed 6 x 6 px, 8-year stack (2010-2017).

Grid: 10 m pixels (100 m² each), x 0-60, y 0-60 (EPSG:4548), CLCD codes: C = 1 cropland,
F = 2 forest, W = 5 water, B = 7 barren, 0 nodata. Zone ``a`` (planned cropland) is columns
0-3, zone ``b`` (planned water) columns 4-5. States with the default rules: on ``a`` cropland
restored, water damaged, forest neutral; on ``b`` water restored, barren damaged, cropland
neutral. Every expected value below was worked out by hand from the sequences (persistence 2
unless said otherwise); ``_`` marks "none" (0).
"""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import rioxarray  # noqa: F401  (registers .rio)
import xarray as xr
from shapely.geometry import box

from geo_revival import filter_flips, overlay_series
from geo_revival.exceptions import OptionError, SchemaError
from geo_revival.overlay import class_areas, transitions
from geo_revival.restoration import (
    TRAJECTORY_CLASSES,
    restoration_series,
    trajectories,
    write_trajectories,
)

# p8 is nodata on purpose: the overlay's CoverageWarning about it is expected here.
pytestmark = pytest.mark.filterwarnings("ignore::geo_revival.exceptions.CoverageWarning")

C, F, W, B = 1, 2, 5, 7
YEARS = list(range(2010, 2018))
_ = 0
# name: (codes 2010-2017, first damaged, reclaimed, changes, class) -- by hand, persistence 2
SEQ = {
    "p1": ([C, C, C, C, C, C, C, C], _, _, 0, "never_damaged"),
    "p2": ([C, W, W, C, C, C, C, C], 2011, 2013, 2, "reclaimed"),
    "p3": ([W, W, W, W, W, W, W, W], 2010, _, 0, "still_damaged"),
    # restored 2011 for one year only; 2013-14 is the reclamation; water again in 2015
    "p4": ([W, C, W, C, C, W, W, W], 2010, 2013, 4, "relapsed"),
    # damaged -> neutral -> restored: reclaimed in the first restored year
    "p5": ([W, F, C, C, F, F, F, F], 2010, 2012, 3, "reclaimed"),
    # restored in the last two years: just enough for persistence 2
    "p6": ([W, W, W, W, W, W, C, C], 2010, 2016, 1, "reclaimed"),
    # restored in the last year only: not (yet) reclaimed with persistence 2
    "p7": ([W, W, W, W, W, W, W, C], 2010, _, 1, "still_damaged"),
    "p8": ([0, 0, 0, 0, 0, 0, 0, 0], _, _, 0, "nodata"),
    # nodata years are skipped by the change count and break restored runs
    "p9": ([W, 0, C, C, 0, C, C, C], 2010, 2012, 1, "reclaimed"),
    "p10": ([C, W, C, W, C, W, C, W], 2011, _, 7, "still_damaged"),
    "p11": ([C, C, C, W, C, C, C, C], 2013, 2014, 2, "reclaimed"),
    # zone b, planned water
    "q1": ([B, B, W, W, W, W, W, W], 2010, 2012, 1, "reclaimed"),
    "q2": ([C, C, C, C, C, C, C, C], _, _, 0, "never_damaged"),
    "q3": ([W, B, W, W, W, W, W, W], 2011, 2012, 2, "reclaimed"),
}
LAYOUT = [
    ["p1", "p2", "p3", "p4", "q1", "q2"],
    ["p5", "p6", "p7", "p8", "q3", "q1"],
    ["p9", "p10", "p11", "p1", "q2", "q2"],
    ["p2", "p2", "p4", "p6", "q1", "q1"],
    ["p1", "p1", "p1", "p1", "q3", "q2"],
    ["p3", "p3", "p5", "p9", "q2", "q2"],
]


def _stack(layout: list[list[str]] = LAYOUT) -> xr.DataArray:
    codes = np.array([[SEQ[n][0] for n in row] for row in layout], np.uint8)
    n = len(layout)
    da = xr.DataArray(
        np.moveaxis(codes, 2, 0),
        dims=("year", "y", "x"),
        coords={
            "year": YEARS,
            "y": 10.0 * n - 5 - 10.0 * np.arange(n),
            "x": 5 + 10.0 * np.arange(n),
        },
        attrs={"legend": "clcd"},
    )
    return da.rio.write_crs("EPSG:4548").rio.write_nodata(0)


ZONES = gpd.GeoDataFrame(
    {"zone_id": ["a", "b"], "planned_use": ["cropland", "water"]},
    geometry=[box(0, 0, 40, 60), box(40, 0, 60, 60)],
    crs=4548,
)


def _expected(field: int) -> np.ndarray:
    if field == 4:
        return np.array([[TRAJECTORY_CLASSES.get(SEQ[n][4], 0) for n in row] for row in LAYOUT])
    return np.array([[SEQ[n][field] for n in row] for row in LAYOUT])


@pytest.mark.parametrize(
    ("variable", "field"),
    [
        ("first_damaged_year", 1),
        ("reclaimed_year", 2),
        ("state_changes", 3),
        ("trajectory_class", 4),
    ],
)
def test_per_pixel_trajectory_equals_hand_values(variable: str, field: int) -> None:
    traj = trajectories(ZONES, _stack())
    assert traj[variable].chunks is not None  # lazy
    np.testing.assert_array_equal(traj[variable].values, _expected(field))


@pytest.mark.parametrize(
    ("persistence", "name", "reclaimed", "cls"),
    [
        (1, "p7", 2017, "reclaimed"),  # one restored year suffices
        (1, "p4", 2011, "relapsed"),  # reclaimed in 2011 already, water again in 2012
        (1, "p10", 2012, "relapsed"),
        (3, "p2", 2013, "reclaimed"),  # 2013-2015 restored
        (3, "p6", _, "still_damaged"),  # two restored years are not enough
        (3, "p4", _, "still_damaged"),
        (3, "p9", 2015, "reclaimed"),  # 2012-13 broken by nodata in 2014; 2015-17 counts
    ],
)
def test_persistence(persistence: int, name: str, reclaimed: int, cls: str) -> None:
    traj = trajectories(ZONES.iloc[:1], _stack([[name] * 6] * 6), persistence=persistence)
    assert int(traj["reclaimed_year"][0, 0]) == reclaimed
    assert int(traj["trajectory_class"][0, 0]) == TRAJECTORY_CLASSES[cls]


def test_per_zone_summary_equals_hand_counts() -> None:
    result = restoration_series(ZONES, _stack())
    curve = result.reclaimed_by_year.set_index(["zone_id", "year"])["pixels"]
    # zone a: p5 x2 + p9 x2 in 2012; p2 x3 + p4 x2 in 2013; p11 in 2014; p6 x2 in 2016
    # zone b: q1 x4 + q3 x2 in 2012
    expected = {("a", 2012): 4, ("a", 2013): 5, ("a", 2014): 1, ("a", 2016): 2, ("b", 2012): 6}
    for key, pixels in curve.items():
        assert pixels == expected.get(key, 0), key
    assert len(curve) == 2 * 7  # every zone and year after the first, zeros included
    area = result.reclaimed_by_year.set_index(["zone_id", "year"])["area_m2"]
    assert area[("a", 2013)] == 500.0
    classes = result.trajectories.groupby(["zone_id", "trajectory_class"])["pixels"].sum()
    assert classes.to_dict() == {
        ("a", "never_damaged"): 6,
        ("a", "reclaimed"): 10,
        ("a", "relapsed"): 2,
        ("a", "still_damaged"): 5,
        ("b", "never_damaged"): 6,
        ("b", "reclaimed"): 6,
    }
    assert result.flip_filter is None


def test_one_pass_tables_equal_separate_passes() -> None:
    lc = _stack()
    result = overlay_series(ZONES, lc)
    separate = class_areas(ZONES, lc)
    pd.testing.assert_frame_equal(result.class_areas, separate, check_like=True)
    pairs = list(itertools.pairwise(YEARS))
    pd.testing.assert_frame_equal(result.transitions, transitions(ZONES, lc, pairs=pairs))


@pytest.mark.parametrize(
    ("codes", "filtered"),
    [
        ([1, 5, 1], [1, 1, 1]),
        ([1, 5, 1, 5, 1], [1, 1, 1, 1, 1]),
        ([1, 5, 5, 1], [1, 5, 5, 1]),
        ([1, 0, 1], [1, 0, 1]),  # a nodata year is a gap, not a flip
        ([0, 1, 0], [0, 1, 0]),
        ([5, 1, 1, 5, 1], [5, 1, 1, 1, 1]),  # first and last years never change
        ([1, 5, 2], [1, 5, 2]),
    ],
)
def test_filter_flips_rule(codes: list[int], filtered: list[int]) -> None:
    years = list(range(2000, 2000 + len(codes)))
    lc = xr.DataArray(
        np.tile(np.array(codes, np.uint8)[:, None, None], (1, 2, 2)),
        dims=("year", "y", "x"),
        coords={"year": years, "y": [15.0, 5.0], "x": [5.0, 15.0]},
        attrs={"legend": "clcd"},
    ).rio.write_crs("EPSG:4548")
    before = lc.values.copy()
    out = filter_flips(lc)
    assert out.values[:, 1, 1].tolist() == filtered
    np.testing.assert_array_equal(lc.values, before)  # input untouched


def test_flip_filter_changes_trajectories_and_reports_area() -> None:
    result = restoration_series(ZONES, _stack(), flip_filter=True)
    # p10 C W C W C W C W -> C C C C C C C W (2011, 2013, 2015 changed); p11 2013 -> C;
    # p4 (x2) 2011 C -> W; q3 (x2) 2011 B -> W.
    changed = result.flip_filter.set_index(["zone_id", "year"])["pixels"].to_dict()
    assert changed == {("a", 2011): 3, ("a", 2013): 2, ("a", 2015): 1, ("b", 2011): 2}
    assert result.flip_filter["area_m2"].sum() == 800.0
    classes = result.trajectories.groupby(["zone_id", "trajectory_class"])["pixels"].sum()
    # p11 and both q3 become never damaged; p10 stays still damaged (first damaged 2017)
    assert classes[("a", "never_damaged")] == 7
    assert classes[("b", "never_damaged")] == 8
    traj = trajectories(ZONES, _stack(), flip_filter=True)
    assert int(traj["first_damaged_year"][2, 1]) == 2017  # p10
    assert int(traj["state_changes"][2, 1]) == 1
    assert int(traj["trajectory_class"][2, 2]) == TRAJECTORY_CLASSES["never_damaged"]  # p11


def test_write_trajectories_cog_with_colour_table(tmp_path) -> None:
    traj = trajectories(ZONES, _stack())
    files = write_trajectories(traj, tmp_path / "traj.tif")
    assert [f.name for f in files] == [
        "traj.tif",
        "traj_first_damaged_year.tif",
        "traj_reclaimed_year.tif",
        "traj_state_changes.tif",
    ]
    with rasterio.open(files[0]) as src:
        np.testing.assert_array_equal(src.read(1), _expected(4))
        assert src.colormap(1)[TRAJECTORY_CLASSES["reclaimed"]] == (26, 152, 80, 255)
        assert "relapsed" in src.tags()["classes"]
        assert src.nodata == 0
    with rasterio.open(files[2]) as src:
        np.testing.assert_array_equal(src.read(1), _expected(2))


def test_simulated_trajectories_need_simulated_file_name(tmp_path) -> None:
    lc = _stack()
    lc.attrs["simulated"] = True
    with pytest.raises(SchemaError, match="simulated"):
        write_trajectories(trajectories(ZONES, lc), tmp_path / "traj.tif")


@pytest.mark.parametrize("persistence", [0, -1, 1.5, True])
def test_bad_persistence(persistence: object) -> None:
    with pytest.raises(OptionError, match="persistence must be"):
        trajectories(ZONES, _stack(), persistence=persistence)  # type: ignore[arg-type]


def test_overlapping_zones_raise_on_compute() -> None:
    zones = gpd.GeoDataFrame(
        {"zone_id": ["a", "b"], "planned_use": ["cropland", "water"]},
        geometry=[box(0, 0, 40, 60), box(20, 0, 60, 60)],
        crs=4548,
    )
    with pytest.raises(SchemaError, match="zones overlap"):
        trajectories(zones, _stack()).compute()
