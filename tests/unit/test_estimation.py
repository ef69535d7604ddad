"""Unit tests of geo_revival.estimation on small hand-computable fixtures."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr

from geo_revival.estimation import (
    accuracy_assessment,
    allocate_sample,
    draw_sample,
    error_matrix,
    estimate_areas,
    estimate_change_area,
    read_response_sheet,
    reference_from_raster,
    sample_from_counts,
    sample_size,
    stratum_areas,
    write_response_sheet,
)
from geo_revival.exceptions import (
    CRSMismatchError,
    EstimationError,
    GridMismatchError,
    MissingCRSError,
    NoOverlapError,
    OutputExistsError,
    ReadError,
    SchemaError,
)

RES = 30.0


def raster(values: np.ndarray, crs: int | None = 4548, nodata: int | None = None) -> xr.DataArray:
    """Grid of RES-m pixels with its top-left corner at (500000, 3800000)."""
    rows, cols = values.shape
    da = xr.DataArray(
        values,
        dims=("y", "x"),
        coords={"y": 3_800_000 - (np.arange(rows) + 0.5) * RES,
                "x": 500_000 + (np.arange(cols) + 0.5) * RES},
    )
    if crs is not None:
        da = da.rio.write_crs(crs)
    if nodata is not None:
        da = da.rio.write_nodata(nodata)
    return da


@pytest.fixture
def strata() -> xr.DataArray:
    """10 x 10: stratum 1 (60 px), 2 (30 px), 3 (10 px, last row)."""
    values = np.ones((10, 10), dtype=np.int16)
    values[6:9, :] = 2
    values[9, :] = 3
    return raster(values)


# ---------------------------------------------------------------- allocation and sample size


AREAS = {"defor": 18_000, "gain": 13_500, "forest": 288_000, "non_forest": 580_500}
UA = {"defor": 0.7, "gain": 0.6, "forest": 0.9, "non_forest": 0.95}


@pytest.mark.parametrize(
    ("method", "kwargs", "expected"),
    [
        # 641 W = 12.82, 9.615, 205.12, 413.445: floors 12, 9, 205, 413; +1 to the two largest
        # remainders (.82, .615).
        ("proportional", {}, [13, 10, 205, 413]),
        ("equal", {}, [161, 160, 160, 160]),
        # floor 75 for the two change strata, 491 shared 0.32 : 0.645 → 162.8, 328.2.
        ("olofsson", {"min_per_stratum": 75}, [75, 75, 163, 328]),
        # default floor 50: 541 shared → 179.4, 361.6.
        ("olofsson", {}, [50, 50, 179, 362]),
        # W·S = .00917, .00735, .096, .14058 (Σ .25309): 641 shares 23.2, 18.6, 243.1, 356.0.
        ("neyman", {"users_accuracy": UA}, [23, 19, 243, 356]),
    ],
)
def test_allocation_methods(method: str, kwargs: dict, expected: list[int]) -> None:
    alloc = allocate_sample(641, AREAS, method=method, **kwargs)  # type: ignore[arg-type]
    assert alloc.tolist() == expected
    assert alloc.sum() == 641
    assert alloc.attrs["provenance"]["function"] == "allocate_sample"


def test_allocation_near_the_worked_example() -> None:
    # Olofsson's example used 75, 75, 165, 325 (n = 640, remainder "roughly proportional");
    # the exact rule: 490 shared .33161 : .66839 → 162.49, 327.51 → 162, 328.
    alloc = allocate_sample(640, AREAS, method="olofsson", min_per_stratum=75)
    assert alloc.tolist() == [75, 75, 162, 328]


def test_allocation_floor_applies_iteratively() -> None:
    # Proportional shares of 100: 1, 9, 90. Floor 10 lifts the first; the second then gets
    # 90 * 9/99 = 8.2 < 10 and is lifted too; the last gets 80.
    alloc = allocate_sample(100, {"a": 1, "b": 9, "c": 90}, method="proportional",
                            min_per_stratum=10)
    assert alloc.to_dict() == {"a": 10, "b": 10, "c": 80}


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n": 99, "method": "olofsson"}, EstimationError, "at least 50"),
        ({"n": 400, "method": "neyman"}, EstimationError, "users_accuracy"),
        ({"n": 400, "method": "bogus"}, ValueError, "method must be one of"),
    ],
)
def test_allocation_errors(kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        allocate_sample(strata_areas={"a": 1.0, "b": 2.0}, **kwargs)


def test_allocation_zero_size_stratum() -> None:
    with pytest.raises(EstimationError, match="zero-size strata"):
        allocate_sample(100, {"a": 0.0, "b": 1.0})


def test_sample_size_for_class_area() -> None:
    # Class "gain": p = 0.6 in its stratum, 0.01 of stratum "forest", 0 elsewhere.
    # S = .4899, .0995, 0, 0 ; Σ W S = .015·.4899 + .32·.0995 = .039189; (.039189/.005)² = 61.4.
    n = sample_size(AREAS, UA, target_se=0.005, target_class="gain",
                    class_proportions={"forest": 0.01, "defor": 0.0, "non_forest": 0.0})
    assert n == 62


def test_sample_size_finite_population_and_floor() -> None:
    infinite = sample_size(AREAS, UA, target_se=0.01)
    # Σ W S² = .02·.21 + .015·.24 + .32·.09 + .645·.0475 = .067238; N = 1000:
    # n = .0640536 / (.0001 + .0000672375) = 383.01 → 384.
    assert sample_size(AREAS, UA, target_se=0.01, population_size=1000) == 384 < infinite
    assert sample_size(AREAS, UA, target_se=0.01, min_per_stratum=200) == 800


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"target_class": "gain"}, "class_proportions"),
        ({"target_class": "nope"}, "not a stratum"),
        ({"target_se": 1.5}, "target_se"),
    ],
)
def test_sample_size_errors(kwargs: dict, match: str) -> None:
    kwargs = {"target_se": 0.01, **kwargs}
    with pytest.raises(EstimationError, match=match):
        sample_size(AREAS, UA, **kwargs)


def test_sample_size_needs_every_users_accuracy() -> None:
    with pytest.raises(EstimationError, match="user's accuracy for strata"):
        sample_size(AREAS, {"defor": 0.7}, target_se=0.01)


# ---------------------------------------------------------------- sampling


def test_draw_sample_is_a_stratified_random_sample(strata: xr.DataArray) -> None:
    sample = draw_sample(strata, {1: 5, 2: 4, 3: 3}, seed=7)
    assert sample.crs.to_epsg() == 4548
    assert sample["stratum"].value_counts().to_dict() == {1: 5, 2: 4, 3: 3}
    assert sample["sample_id"].tolist() == list(range(1, 13))
    values = strata.values
    assert (values[sample["row"], sample["col"]] == sample["stratum"].to_numpy()).all()
    assert (sample["map_class"] == sample["stratum"]).all()
    assert not sample.duplicated(["row", "col"]).any()
    # Pixel centres: 15 m from the top-left corner of the pixel.
    np.testing.assert_allclose(sample["x"], 500_000 + sample["col"] * RES + 15)
    np.testing.assert_allclose(sample["y"], 3_800_000 - sample["row"] * RES - 15)
    np.testing.assert_allclose(sample.geometry.x, sample["x"])
    # EPSG:4548 has its central meridian at 117 °E and false easting 500 km: x ≈ 500 km is ~117 °E.
    assert sample["lon"].between(116.99, 117.01).all()
    assert sample["lat"].between(33.0, 35.0).all()
    pixels = sample["stratum"].map({1: 60, 2: 30, 3: 10})
    np.testing.assert_allclose(sample["stratum_pixels"], pixels)
    np.testing.assert_allclose(sample["inclusion_probability"],
                               sample["stratum"].map({1: 5, 2: 4, 3: 3}) / pixels)
    np.testing.assert_allclose(sample["design_weight"], 1 / sample["inclusion_probability"])
    assert sample.attrs["provenance"]["parameters"]["seed"] == 7


def test_draw_sample_is_deterministic(strata: xr.DataArray) -> None:
    a = draw_sample(strata, {1: 5, 2: 4, 3: 3}, seed=1)
    b = draw_sample(strata, {1: 5, 2: 4, 3: 3}, seed=1)
    c = draw_sample(strata, {1: 5, 2: 4, 3: 3}, seed=2)
    pd.testing.assert_frame_equal(pd.DataFrame(a), pd.DataFrame(b))
    assert not a[["row", "col"]].equals(c[["row", "col"]])


def test_draw_sample_order_hides_the_stratum(strata: xr.DataArray) -> None:
    sample = draw_sample(strata, {1: 20, 2: 20, 3: 5}, seed=3)
    assert not sample["stratum"].is_monotonic_increasing


def test_draw_sample_excludes_nodata() -> None:
    values = np.array([[1, 1, 255], [2, 2, 255]], dtype=np.uint8)
    sample = draw_sample(raster(values, nodata=255), {1: 2, 2: 2}, seed=0)
    assert set(sample["col"]) <= {0, 1}


def test_draw_sample_with_a_different_map(strata: xr.DataArray) -> None:
    mapped = raster(np.arange(100).reshape(10, 10) % 4)
    sample = draw_sample(strata, {1: 5, 2: 4, 3: 3}, seed=5, map_classes=mapped)
    expected = mapped.values[sample["row"], sample["col"]]
    assert sample["map_class"].tolist() == expected.tolist()


@pytest.mark.parametrize(
    ("allocation", "match"),
    [
        ({1: 5, 2: 4}, r"strata \[3\] are in the raster but not in the allocation"),
        ({1: 5, 2: 4, 3: 3, 9: 2}, r"zero-size strata"),
        ({1: 5, 2: 4, 3: 11}, "without replacement"),
        ({1: 5, 2: 4, 3: 1}, "fewer than 2 units"),
    ],
)
def test_draw_sample_allocation_errors(strata: xr.DataArray, allocation: dict, match: str) -> None:
    with pytest.raises(EstimationError, match=match):
        draw_sample(strata, allocation, seed=0)


def test_draw_sample_needs_crs_and_one_layer(strata: xr.DataArray) -> None:
    with pytest.raises(MissingCRSError, match="no CRS"):
        draw_sample(raster(np.ones((3, 3), dtype=int), crs=None), {1: 2}, seed=0)
    stack = xr.concat([strata, strata], dim="year")
    with pytest.raises(SchemaError, match="single layer"):
        draw_sample(stack, {1: 2, 2: 2, 3: 2}, seed=0)


def test_draw_sample_map_on_another_grid(strata: xr.DataArray) -> None:
    other = raster(np.ones((5, 5), dtype=int))
    with pytest.raises(GridMismatchError, match="share the grid"):
        draw_sample(strata, {1: 5, 2: 4, 3: 3}, seed=0, map_classes=other)


def test_stratum_areas(strata: xr.DataArray) -> None:
    areas = stratum_areas(strata, unit="ha")  # 900 m² pixels: 60 px = 5.4 ha
    assert areas.to_dict() == pytest.approx({1: 5.4, 2: 2.7, 3: 0.9})
    assert areas.name == "area_ha"
    assert stratum_areas(strata, unit="mu")[3] == pytest.approx(13.5)  # 0.9 ha x 15


def test_stratum_areas_needs_metres() -> None:
    with pytest.raises(EstimationError, match="projected CRS in metres"):
        stratum_areas(raster(np.ones((2, 2), dtype=int), crs=4326))


def test_reference_from_raster(strata: xr.DataArray) -> None:
    sample = draw_sample(strata, {1: 5, 2: 4, 3: 3}, seed=0)
    truth = raster(np.arange(100).reshape(10, 10))
    out = reference_from_raster(sample, truth)
    assert out["reference_class"].tolist() == (sample["row"] * 10 + sample["col"]).tolist()
    assert "reference_class" not in sample.columns  # input untouched


def test_reference_from_raster_errors(strata: xr.DataArray) -> None:
    sample = draw_sample(strata, {1: 5, 2: 4, 3: 3}, seed=0)
    with pytest.raises(CRSMismatchError, match="differs"):
        reference_from_raster(sample, raster(np.ones((10, 10), dtype=int), crs=32650))
    with pytest.raises(NoOverlapError, match="outside"):
        reference_from_raster(sample, raster(np.ones((2, 2), dtype=int)))
    with pytest.raises(EstimationError, match="nodata"):
        reference_from_raster(sample, raster(np.full((10, 10), 255, dtype=np.uint8), nodata=255))


# ---------------------------------------------------------------- response sheets


@pytest.fixture
def sample(strata: xr.DataArray) -> gpd.GeoDataFrame:
    return draw_sample(strata, {1: 5, 2: 4, 3: 3}, seed=11)


def _fill(path: Path, labels: list[object]) -> None:
    sheet = pd.read_csv(path, encoding="utf-8-sig")
    sheet["reference_class (参考类别)"] = labels
    sheet.to_csv(path, index=False, encoding="utf-8-sig")


def test_response_sheet_of_simulated_sample_says_so(
    sample: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    simulated = sample.copy()
    simulated.attrs["simulated"] = True
    paths = write_response_sheet(simulated, tmp_path / "sheet")
    raw = pd.read_csv(paths["csv"], encoding="utf-8-sig")
    assert raw["instructions (填写说明)"].str.startswith("SIMULATED data / 模拟数据").all()


def test_response_sheet_round_trip_csv(sample: gpd.GeoDataFrame, tmp_path: Path) -> None:
    paths = write_response_sheet(sample, tmp_path / "sheet")
    assert paths["csv"].suffix == ".csv" and paths["gpkg"].exists()
    header = paths["csv"].read_text(encoding="utf-8-sig").splitlines()[0]
    assert "reference_class (参考类别)" in header and "sample_id (样本编号)" in header
    raw = pd.read_csv(paths["csv"], encoding="utf-8-sig")
    assert raw["reference_class (参考类别)"].isna().all()
    assert "1, 2, 3" in raw["instructions (填写说明)"].iloc[0]
    assert "SIMULATED" not in raw["instructions (填写说明)"].iloc[0]
    _fill(paths["csv"], sample["map_class"].tolist())
    back = read_response_sheet(paths["csv"])
    assert back["reference_class"].tolist() == sample["map_class"].tolist()
    assert "instructions" not in back.columns
    assert set(back.attrs["provenance"]["inputs"]) == {str(paths["csv"])}
    est = estimate_areas(back, {1: 5.4, 2: 2.7, 3: 0.9}, areas_unit="ha")
    assert est["area_ha"].tolist() == pytest.approx([5.4, 2.7, 0.9])


def test_response_sheet_round_trip_gpkg(sample: gpd.GeoDataFrame, tmp_path: Path) -> None:
    paths = write_response_sheet(sample, tmp_path / "sheet.gpkg")
    layer = gpd.read_file(paths["gpkg"])
    assert layer.crs == sample.crs
    layer["reference_class (参考类别)"] = [str(v) for v in sample["map_class"]]
    layer.to_file(paths["gpkg"], layer="response_sheet", driver="GPKG", mode="w")
    back = read_response_sheet(paths["gpkg"])
    assert isinstance(back, gpd.GeoDataFrame)
    assert back["reference_class"].tolist() == sample["map_class"].tolist()


def test_response_sheet_blind(sample: gpd.GeoDataFrame, tmp_path: Path) -> None:
    paths = write_response_sheet(sample, tmp_path / "sheet", blind=True)
    header = paths["csv"].read_text(encoding="utf-8-sig").splitlines()[0]
    assert "map_class" not in header and "stratum" not in header
    _fill(paths["csv"], ["3.0"] * len(sample))  # Excel-style number
    with pytest.raises(SchemaError, match="blind=True"):
        read_response_sheet(paths["csv"])
    back = read_response_sheet(paths["csv"], sample=sample)
    assert back["reference_class"].tolist() == [3] * len(sample)
    assert back["stratum"].tolist() == sample["stratum"].tolist()


@pytest.mark.parametrize(
    ("labels", "match"),
    [
        ([None] * 12, "is empty"),
        ([1] * 11 + [None], r"1 sample units .* have no reference label \(sample_id \[12\]\)"),
        ([1] * 10 + ["forest", 7], r"unknown reference labels \['7', 'forest'\]"),
    ],
)
def test_response_sheet_bad_labels(
    sample: gpd.GeoDataFrame, tmp_path: Path, labels: list, match: str
) -> None:
    paths = write_response_sheet(sample, tmp_path / "sheet")
    _fill(paths["csv"], labels)
    with pytest.raises(SchemaError, match=match):
        read_response_sheet(paths["csv"])


def test_response_sheet_extra_classes(sample: gpd.GeoDataFrame, tmp_path: Path) -> None:
    paths = write_response_sheet(sample, tmp_path / "sheet", classes=[1, 2, 3, 7])
    _fill(paths["csv"], [7] + [1] * 11)
    back = read_response_sheet(paths["csv"], classes=[1, 2, 3, 7])
    assert back["reference_class"].iloc[0] == 7


def test_response_sheet_files(sample: gpd.GeoDataFrame, tmp_path: Path) -> None:
    write_response_sheet(sample, tmp_path / "sheet")
    with pytest.raises(OutputExistsError, match="overwrite=True"):
        write_response_sheet(sample, tmp_path / "sheet")
    write_response_sheet(sample, tmp_path / "sheet", overwrite=True)
    with pytest.raises(ReadError, match="does not exist"):
        read_response_sheet(tmp_path / "missing.csv")
    with pytest.raises(SchemaError, match="GeoDataFrame"):
        write_response_sheet(pd.DataFrame(sample.drop(columns="geometry")), tmp_path / "x")


# ---------------------------------------------------------------- estimation


COUNTS = pd.DataFrame([[45, 5], [3, 47]], index=["gain", "stable"], columns=["gain", "stable"])
AREAS_HA = {"gain": 10.0, "stable": 90.0}


def test_estimate_areas_hand_computed() -> None:
    """W = .1, .9; n = 50, 50.

    p̂_gain = .1·45/50 + .9·3/50 = .144; SE² = .01·.9·.1/49 + .81·.06·.94/49 = .0009507
    → SE .030834; area 14.4 ± 1.96·3.0834 ha. UA_gain = .9 (SE² = .9·.1/49 → .042857),
    PA_gain = .09/.144 = .625; OA = .09 + .846 = .936.
    """
    est = estimate_areas(sample_from_counts(COUNTS), AREAS_HA, areas_unit="ha").set_index("class")
    g = est.loc["gain"]
    assert g["area_proportion"] == pytest.approx(0.144)
    assert g["area_proportion_se"] == pytest.approx(0.0308335, rel=1e-5)
    assert g["area_ha"] == pytest.approx(14.4)
    assert g["area_ha_ci_low"] == pytest.approx(14.4 - 1.96 * 3.08335, rel=1e-5)
    assert g["area_mu"] == pytest.approx(14.4 * 15)
    assert g["area_m2_se"] == pytest.approx(30833.5, rel=1e-5)
    assert g["mapped_area_ha"] == 10.0
    assert g["users_accuracy"] == pytest.approx(0.9)
    assert g["users_accuracy_se"] == pytest.approx(0.0428571, rel=1e-5)
    assert g["producers_accuracy"] == pytest.approx(0.625)
    assert (g["n_map"], g["n_reference"]) == (50, 48)
    assert est.attrs["overall_accuracy"]["estimate"] == pytest.approx(0.936)
    prov = est.attrs["provenance"]
    assert prov["function"] == "estimate_areas" and prov["parameters"]["areas_unit"] == "ha"
    assert {"package_version", "legend", "parameters"} <= set(prov)


def test_accuracy_assessment_is_tidy() -> None:
    acc = accuracy_assessment(sample_from_counts(COUNTS), AREAS_HA)
    assert list(acc.columns) == ["quantity", "class", "estimate", "se", "ci_low", "ci_high"]
    assert acc["quantity"].tolist() == ["overall_accuracy"] + ["users_accuracy"] * 2 + [
        "producers_accuracy"
    ] * 2
    np.testing.assert_allclose(acc["ci_high"] - acc["estimate"], 1.96 * acc["se"])


def test_map_areas_and_classes_argument() -> None:
    sample = sample_from_counts(COUNTS)
    est = estimate_areas(sample, AREAS_HA, areas_unit="ha",
                         map_areas={"gain": 11.0, "stable": 89.0},
                         classes=["stable", "gain", "water"])
    assert est["class"].tolist() == ["stable", "gain", "water"]
    assert est["mapped_area_ha"].tolist()[:2] == [89.0, 11.0]
    water = est.set_index("class").loc["water"]
    assert water["area_ha"] == 0 and np.isnan(water["users_accuracy"])


def test_error_matrix_rows_sum_to_stratum_weights() -> None:
    m = error_matrix(sample_from_counts(COUNTS), AREAS_HA)
    assert m.sum(axis=1).tolist() == pytest.approx([0.1, 0.9])


def _sample(**changes: list) -> pd.DataFrame:
    base = sample_from_counts(COUNTS)
    for col, values in changes.items():
        base[col] = values
    return base


@pytest.mark.parametrize(
    ("sample", "areas", "error", "match"),
    [
        (_sample().drop(columns="reference_class"), AREAS_HA, SchemaError, "lacks columns"),
        (_sample(), {"gain": 10.0}, EstimationError, r"areas missing for strata \['stable'\]"),
        (_sample(), {**AREAS_HA, "water": 0.0}, EstimationError, "zero-size strata"),
        (_sample(), {**AREAS_HA, "water": 5.0}, EstimationError, "no sample units"),
        (_sample(), {"gain": np.nan, "stable": 1.0}, EstimationError, "missing"),
        (_sample(reference_class=[None] * 100), AREAS_HA, EstimationError, "is empty"),
        (_sample(reference_class=["gain"] * 99 + [None]), AREAS_HA, EstimationError,
         r"1 sample units have no value in 'reference_class' \(sample units 100\)"),
        (_sample().iloc[:51], AREAS_HA, EstimationError, "single sample unit.*undefined"),
        (_sample().iloc[:0], AREAS_HA, EstimationError, "sample is empty"),
    ],
)
def test_estimation_errors(sample: pd.DataFrame, areas: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        estimate_areas(sample, areas)


def test_unknown_class_names_the_labels() -> None:
    with pytest.raises(EstimationError, match=r"map classes \['gain'\]"):
        estimate_areas(_sample(), AREAS_HA, classes=["stable"])


def test_estimate_does_not_modify_inputs() -> None:
    sample = _sample()
    before = sample.copy()
    areas = pd.Series(AREAS_HA)
    estimate_areas(sample, areas)
    pd.testing.assert_frame_equal(sample, before)
    assert areas.to_dict() == AREAS_HA


def test_sample_from_counts_rejects_bad_counts() -> None:
    with pytest.raises(SchemaError, match="whole numbers"):
        sample_from_counts(pd.DataFrame([[1.5, 2]], index=["a"], columns=["a", "b"]))
    with pytest.raises(EstimationError, match="all zero"):
        sample_from_counts(pd.DataFrame([[0, 0]], index=["a"], columns=["a", "b"]))


def test_simulated_workflow_on_rasters(strata: xr.DataArray) -> None:
    """Sample a map, read the reference from a 'truth' raster, estimate: hand-checkable.

    Truth: the map is right except the last column of stratum 1 (6 px) which is class 2.
    With every pixel of stratum 1 sampled (60 of 60), p̂ is exact: class 2 = 36 px of 100.
    """
    truth = strata.copy(data=strata.values.copy())
    truth.values[:6, 9] = 2
    sample = draw_sample(strata, {1: 60, 2: 3, 3: 2}, seed=0)
    sample = reference_from_raster(sample, truth)
    est = estimate_areas(sample, stratum_areas(strata), areas_unit="m2").set_index("class")
    assert est.loc[2, "area_m2"] == pytest.approx(36 * 900)
    assert est.loc[1, "area_m2"] == pytest.approx(54 * 900)
    assert est.loc[1, "mapped_area_m2"] == pytest.approx(60 * 900)


def _change_maps() -> tuple[xr.DataArray, xr.DataArray]:
    """Simulated 60 x 60 change classes: 0 stable, 1 reclaimed, 2 newly damaged; map errors."""
    rng = np.random.default_rng(99)
    truth = rng.choice(3, size=(60, 60), p=[0.8, 0.15, 0.05])
    wrong = rng.random((60, 60)) < 0.15
    mapped = np.where(wrong, rng.integers(0, 3, (60, 60)), truth)
    return raster(mapped), raster(truth)


def test_estimate_change_area_composes_the_steps() -> None:
    mapped, truth = _change_maps()
    est, sample = estimate_change_area(mapped, truth, 300, seed=4, areas_unit="ha",
                                       min_per_stratum=60)
    areas = stratum_areas(mapped, unit="ha")
    alloc = allocate_sample(300, areas, method="olofsson", min_per_stratum=60)
    manual = reference_from_raster(draw_sample(mapped, alloc, seed=4), truth)
    pd.testing.assert_frame_equal(pd.DataFrame(sample), pd.DataFrame(manual))
    pd.testing.assert_frame_equal(est, estimate_areas(manual, areas, areas_unit="ha"))
    assert est.attrs["provenance"]["parameters"]["seed"] == 4
    # The truth (known here) differs from the map and lies inside this sample's 95 % interval.
    true_ha = pd.Series(np.bincount(truth.values.ravel()) * 900 / 10_000)
    mapped_ha = pd.Series(np.bincount(mapped.values.ravel()) * 900 / 10_000)
    assert not np.allclose(true_ha, mapped_ha)
    assert (est["area_ha_ci_low"] <= true_ha).all() and (true_ha <= est["area_ha_ci_high"]).all()


def test_estimate_change_area_needs_a_size() -> None:
    mapped, truth = _change_maps()
    with pytest.raises(EstimationError, match="sample size n or an allocation"):
        estimate_change_area(mapped, truth, seed=0)
    est, _ = estimate_change_area(mapped, truth, seed=0, allocation={0: 20, 1: 20, 2: 20})
    assert est.attrs["provenance"]["parameters"]["method"] == "given"
