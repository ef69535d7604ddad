"""Per-pixel restoration states and change classes on a hand-computable 4 x 4 fixture.

Grid: 10 m pixels, x 0-40, y 0-40 (EPSG:4548), CLCD codes (1 cropland, 2 forest, 5 water,
7 barren, 9 wetland, 0 nodata). Zone ``a`` (planned cropland) is columns 0-1, with project ``p``
(planned water) its top two rows; zone ``b`` (no planned use) is column 2; column 3 lies outside
every zone. States by hand with the default rules (1 damaged, 2 restored, 3 neutral, 0 nodata):

- project p (water use): water, wetland -> restored; barren -> damaged; cropland -> neutral;
- rest of a (cropland use): cropland -> restored; water, barren -> damaged;
- b (no use): cropland, forest -> restored; water, barren -> damaged.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pytest
import rioxarray  # noqa: F401  (registers .rio)
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from geo_revival.estimation import estimate_reclaimed_area
from geo_revival.exceptions import (
    CoverageWarning,
    GridMismatchError,
    LegendError,
    MissingCRSError,
    SchemaError,
)
from geo_revival.restoration import (
    CHANGE_CLASSES,
    STATE_CODES,
    account,
    change_classes,
    load_rules,
    state_map,
)

LC_2020 = [[5, 5, 5, 1],
           [7, 9, 1, 1],
           [5, 1, 7, 1],
           [0, 1, 5, 1]]
LC_2025 = [[5, 9, 2, 1],
           [5, 1, 7, 1],
           [1, 1, 2, 1],
           [1, 5, 5, 1]]
STATES_2020 = [[2, 2, 1, 0],
               [1, 2, 2, 0],
               [1, 2, 1, 0],
               [0, 2, 1, 0]]
STATES_2025 = [[2, 2, 2, 0],
               [2, 3, 1, 0],
               [2, 2, 2, 0],
               [2, 1, 1, 0]]
# 1 reclaimed, 2 newly damaged, 3 stable restored, 4 stable damaged, 5 other, 0 nodata.
CHANGE = [[3, 3, 1, 0],
          [1, 5, 2, 0],
          [1, 3, 1, 0],
          [0, 2, 4, 0]]


def _landcover(*layers: list[list[int]], years: tuple[int, ...] = (2020, 2025)) -> xr.DataArray:
    coords = {"year": list(years), "y": [35.0, 25.0, 15.0, 5.0], "x": [5.0, 15.0, 25.0, 35.0]}
    da = xr.DataArray(np.array(layers, dtype="uint8"), dims=("year", "y", "x"), coords=coords,
                      attrs={"legend": "clcd", "simulated": True})
    return da.rio.write_crs("EPSG:4548").rio.write_nodata(0)


@pytest.fixture
def landcover() -> xr.DataArray:
    return _landcover(LC_2020, LC_2025)


@pytest.fixture
def zones() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"zone_id": ["a", "b"], "planned_use": ["cropland", ""]},
                            geometry=[box(0, 0, 20, 40), box(20, 0, 30, 40)], crs=4548)


@pytest.fixture
def projects() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"zone_id": ["p"], "planned_use": ["water"]},
                            geometry=[box(0, 20, 20, 40)], crs=4548)


def _quiet_state_map(*args: object, **kwargs: object) -> xr.DataArray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)  # the fixture's one nodata pixel
        return state_map(*args, **kwargs)  # type: ignore[arg-type]


def test_state_map_by_hand(landcover: xr.DataArray, zones: gpd.GeoDataFrame,
                           projects: gpd.GeoDataFrame) -> None:
    with pytest.warns(CoverageWarning, match="1 pixel-years inside the zones are land-cover"):
        states = state_map(zones, landcover, projects=projects)
    assert states.dims == ("year", "y", "x") and states.dtype == np.uint8
    assert states.name == "restoration_state"
    # Column 3 lies outside every zone: the map is cut to the zones' bounding box.
    assert states["x"].values.tolist() == [5.0, 15.0, 25.0]
    np.testing.assert_array_equal(states.sel(year=2020), np.array(STATES_2020)[:, :3])
    np.testing.assert_array_equal(states.sel(year=2025), np.array(STATES_2025)[:, :3])
    assert states.rio.crs.to_epsg() == 4548 and states.rio.nodata == 0
    assert states.rio.transform() == landcover.rio.transform()  # same origin, same pixels
    assert states.attrs["flag_values"] == [1, 2, 3]
    assert states.attrs["flag_meanings"] == "damaged restored neutral"
    assert states.attrs["rule_set"] == "default"
    assert states.attrs["rule_set_sha256"] == load_rules("default").sha256
    assert states.attrs["simulated"] is True


def test_codes_are_documented_constants() -> None:
    assert STATE_CODES == {"damaged": 1, "restored": 2, "neutral": 3}
    assert CHANGE_CLASSES == {"reclaimed": 1, "newly_damaged": 2, "stable_restored": 3,
                              "stable_damaged": 4, "other": 5}


def test_change_classes_by_hand(landcover: xr.DataArray, zones: gpd.GeoDataFrame,
                                projects: gpd.GeoDataFrame) -> None:
    change = change_classes(_quiet_state_map(zones, landcover, projects=projects), 2020, 2025)
    assert change.dims == ("y", "x") and change.name == "restoration_change"
    np.testing.assert_array_equal(change, np.array(CHANGE)[:, :3])
    assert (change.attrs["from_year"], change.attrs["to_year"]) == (2020, 2025)
    assert change.attrs["flag_meanings"] == (
        "reclaimed newly_damaged stable_restored stable_damaged other")
    assert change.attrs["rule_set"] == "default" and change.rio.nodata == 0
    assert change.rio.crs.to_epsg() == 4548


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (1, 2, 1),  # damaged -> restored: reclaimed
        (2, 1, 2),  # restored -> damaged: newly damaged
        (3, 1, 2),  # neutral -> damaged: newly damaged
        (2, 2, 3),  # stable restored
        (1, 1, 4),  # stable damaged
        (1, 3, 5),  # damaged -> neutral: other
        (3, 2, 5),  # neutral -> restored: other
        (2, 3, 5),  # restored -> neutral: other
        (3, 3, 5),  # neutral -> neutral: other
        (0, 2, 0),  # nodata in the first year
        (1, 0, 0),  # nodata in the second year
    ],
)
def test_every_state_pair(before: int, after: int, expected: int) -> None:
    states = xr.DataArray(np.array([[[before]], [[after]]], "uint8"), dims=("year", "y", "x"),
                          coords={"year": [2021, 2023]},
                          attrs={"flag_meanings": "damaged restored neutral"})
    assert change_classes(states, 2021, 2023).item() == expected


def test_project_use_overrides_zone_use(landcover: xr.DataArray,
                                        zones: gpd.GeoDataFrame) -> None:
    # Without the water project, its water pixels are read with zone a's cropland use: damaged.
    states = _quiet_state_map(zones, landcover)
    assert states.sel(year=2020).values[0, :2].tolist() == [1, 1]
    # barren, and wetland on land planned as cropland (waterlogged): damaged too.
    assert states.sel(year=2020).values[1, :2].tolist() == [1, 1]


def test_other_rule_set(landcover: xr.DataArray, zones: gpd.GeoDataFrame) -> None:
    # "broad": where no use is planned, water counts as restored (zone b, column 2).
    states = _quiet_state_map(zones, landcover, rules="broad")
    assert states.sel(year=2020).values[:, 2].tolist() == [2, 2, 1, 2]
    assert states.attrs["rule_set"] == "broad"


def test_years_selection_and_crop(landcover: xr.DataArray, zones: gpd.GeoDataFrame) -> None:
    states = state_map(zones[zones["zone_id"] == "b"], landcover, years=[2025])
    assert states["year"].values.tolist() == [2025]
    assert states["x"].values.tolist() == [25.0]
    assert states.values[0, :, 0].tolist() == [2, 1, 2, 1]


def test_input_not_modified(landcover: xr.DataArray, zones: gpd.GeoDataFrame,
                            projects: gpd.GeoDataFrame) -> None:
    before, attrs = landcover.copy(deep=True), dict(landcover.attrs)
    zones_before = zones.copy()
    _quiet_state_map(zones, landcover, projects=projects)
    xr.testing.assert_identical(landcover, before)
    assert landcover.attrs == attrs
    assert zones.equals(zones_before)


def test_pixels_per_zone_equal_account(landcover: xr.DataArray, zones: gpd.GeoDataFrame,
                                       projects: gpd.GeoDataFrame) -> None:
    states = _quiet_state_map(zones, landcover, projects=projects)
    change = change_classes(states, 2020, 2025)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        result = account(zones, landcover, projects=projects)
    status = result.status.set_index(["zone_id", "year", "state"])["pixels"]
    flows = result.flows.set_index("zone_id")
    columns = {"a": slice(0, 2), "b": slice(2, 3)}
    for zone, cols in columns.items():
        for year in (2020, 2025):
            for state, code in STATE_CODES.items():
                got = int((states.sel(year=year).values[:, cols] == code).sum())
                assert got == status[(zone, year, state)], (zone, year, state)
        part = change.values[:, cols]
        assert (part == 1).sum() * 100.0 == flows.loc[zone, "reclaimed_area_m2"]
        assert (part == 2).sum() * 100.0 == flows.loc[zone, "newly_damaged_area_m2"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    before=st.lists(st.sampled_from([1, 2, 3, 4, 5, 7, 8, 9]), min_size=16, max_size=16),
    after=st.lists(st.sampled_from([1, 2, 3, 4, 5, 7, 8, 9]), min_size=16, max_size=16),
    uses=st.tuples(*[st.sampled_from(["", "cropland", "water", "forest", "construction"])] * 3),
)
def test_state_map_agrees_with_account(before: list[int], after: list[int],
                                       uses: tuple[str, str, str]) -> None:
    # Any land cover, any planned uses: the per-pixel map and the table path count alike.
    lc = _landcover(np.reshape(before, (4, 4)).tolist(), np.reshape(after, (4, 4)).tolist())
    zones = gpd.GeoDataFrame({"zone_id": ["a", "b"], "planned_use": list(uses[:2])},
                             geometry=[box(0, 0, 20, 40), box(20, 0, 40, 40)], crs=4548)
    projects = gpd.GeoDataFrame({"zone_id": ["p"], "planned_use": [uses[2]]},
                                geometry=[box(10, 10, 30, 30)], crs=4548)
    states = state_map(zones, lc, projects=projects)
    change = change_classes(states, 2020, 2025)
    result = account(zones, lc, projects=projects)
    status = result.status.groupby(["year", "state"])["pixels"].sum()
    for year in (2020, 2025):
        for state, code in STATE_CODES.items():
            assert int((states.sel(year=year) == code).sum()) == status[(year, state)]
    flows = result.flows.sum(numeric_only=True)
    assert int((change == 1).sum()) * 100.0 == flows["reclaimed_area_m2"]
    assert int((change == 2).sum()) * 100.0 == flows["newly_damaged_area_m2"]


def test_overlapping_zones_rejected(landcover: xr.DataArray) -> None:
    zones = gpd.GeoDataFrame({"zone_id": ["a", "b"], "planned_use": ["cropland", "water"]},
                             geometry=[box(0, 0, 20, 40), box(10, 0, 30, 40)], crs=4548)
    with pytest.raises(SchemaError, match=r"zones overlap.*'a/remainder', 'b/remainder', 4"):
        state_map(zones, landcover)


def test_unknown_code_rejected(zones: gpd.GeoDataFrame) -> None:
    bad = [row[:] for row in LC_2025]
    bad[0][0] = 42
    with pytest.raises(LegendError, match="42"):
        state_map(zones, _landcover(bad, bad))


def test_missing_crs_rejected(landcover: xr.DataArray) -> None:
    zones = gpd.GeoDataFrame({"zone_id": ["a"], "planned_use": [""]}, geometry=[box(0, 0, 9, 9)])
    with pytest.raises(MissingCRSError):
        state_map(zones, landcover)


def test_zone_beyond_raster_warns(landcover: xr.DataArray) -> None:
    zones = gpd.GeoDataFrame({"zone_id": ["a"], "planned_use": [""]},
                             geometry=[box(20, 0, 60, 40)], crs=4548)
    with pytest.warns(CoverageWarning, match="reach beyond the land-cover raster"):
        states = state_map(zones, landcover)
    assert states["x"].values.tolist() == [25.0, 35.0]


@pytest.mark.parametrize(
    ("years", "error", "match"),
    [((2020, 2024), SchemaError, r"years \[2024\] are not in the state map"),
     ((2025, 2020), ValueError, "start .2025. must be before end")],
)
def test_change_classes_bad_years(landcover: xr.DataArray, zones: gpd.GeoDataFrame,
                                  years: tuple[int, int], error: type[Exception],
                                  match: str) -> None:
    states = _quiet_state_map(zones, landcover)
    with pytest.raises(error, match=match):
        change_classes(states, *years)


def test_change_classes_needs_a_state_map(landcover: xr.DataArray) -> None:
    with pytest.raises(SchemaError, match="needs a state_map result"):
        change_classes(landcover, 2020, 2025)


def test_estimate_needs_same_grid(landcover: xr.DataArray, zones: gpd.GeoDataFrame) -> None:
    shifted = landcover.assign_coords(x=landcover["x"] + 10.0)
    with (pytest.raises(GridMismatchError, match="same grid"),
          warnings.catch_warnings()):
        warnings.simplefilter("ignore", CoverageWarning)
        estimate_reclaimed_area(zones, landcover, shifted, start=2020, end=2025, n=10, seed=0)


@pytest.mark.parametrize(
    "module", ["geo_revival.restoration._state_maps", "geo_revival.estimation._change"]
)
def test_docstring_examples(module: str) -> None:
    import doctest
    import importlib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)  # affine `*` inside rioxarray
        result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
