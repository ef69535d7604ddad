"""The shipped SIMULATED Xuzhou demo: geometry, rasters, known truth, determinism, loading."""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from hypothesis import given
from hypothesis import strategies as st
from pyproj import Geod
from rasterio.features import rasterize
from rasterio.windows import Window as RioWindow

from geo_revival.demo import build as demo_build
from geo_revival.demo import load_xuzhou
from geo_revival.demo._grid import Window, hash_uniform, value_noise, window_for_bounds
from geo_revival.demo._params import load_parameters
from geo_revival.demo._scenario import _even_split, _pick
from geo_revival.demo._zones import district_outlines, overlap
from geo_revival.exceptions import GeoRevivalWarning, ReadError
from geo_revival.landcover.legend import get_legend
from geo_revival.plan import zone_catalogue
from geo_revival.restoration import load_rules
from geo_revival.zones import load_districts

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
PARAMS = load_parameters()
YEARS = [int(y) for y in PARAMS["scenario"]["years"]]
BUILD_FILE = demo_build.BUILD_FILE.format(extent="zones")
# The seven projects of 000 专栏4 section "subsidence treatment" + five XETDZ quarries, by id
# fragment (PLAN_FACTS.md, "Named treatment projects").
NAMED_PROJECTS = [
    "panan_lake_phase3", "qingquan_lake", "dongzhuang", "yangtun_hongfu", "xuzhuang_wetland",
    "longgu", "lulou", "liuji_wetland_park", "taoyuan_river", "lugang_industrial_park",
    "chengbei_eco_new_town_phase1", "linhuang_phase2", "quarry_gushan", "quarry_xiaohuangshan",
    "quarry_damiaoshan", "quarry_tuolanshan", "quarry_qinglongshan_anranshan",
]


@pytest.fixture(scope="module")
def zones() -> gpd.GeoDataFrame:
    return gpd.read_file(DATA / "demo" / demo_build.ZONES_FILE, layer="zones")


@pytest.fixture(scope="module")
def projects() -> gpd.GeoDataFrame:
    return gpd.read_file(DATA / "demo" / demo_build.PROJECTS_FILE, layer="projects")


@pytest.fixture(scope="module")
def outlines() -> dict[str, shapely.Geometry]:
    return district_outlines(load_districts(), PARAMS["xetdz"])


@pytest.fixture(scope="module")
def truth_table() -> pd.DataFrame:
    return pd.read_csv(DATA / "demo" / demo_build.TRUTH_FILE)


def _raster(series: str, year: int) -> Path:
    return DATA / "rasters" / demo_build.raster_name("zones", series, year)


def _geodesic_km2(geom: shapely.Geometry, crs: str) -> float:
    """Independent geodesic area: pyproj.Geod on the WGS84 ellipsoid."""
    lonlat = gpd.GeoSeries([geom], crs=crs).to_crs("EPSG:4326").iloc[0]
    return abs(Geod(ellps="WGS84").geometry_area_perimeter(lonlat)[0]) / 1e6


# --- zones and projects -------------------------------------------------------------------------


def test_every_xuzhou_zone_of_the_catalogue_is_there(zones: gpd.GeoDataFrame) -> None:
    catalogue = zone_catalogue()
    xuzhou = set(catalogue.loc[catalogue["city"] == "Xuzhou", "zone_id"])
    assert set(zones["zone_id"]) == xuzhou
    assert zones["simulated"].all()
    assert zones.crs.to_epsg() == 4548


def test_zone_areas_match_official_areas(zones: gpd.GeoDataFrame) -> None:
    for _, z in zones[~zones["whole_district"]].iterrows():
        area = _geodesic_km2(z.geometry, zones.crs)
        assert area == pytest.approx(z["official_area_km2"], rel=0.01), z["zone_id"]


def test_resource_depleted_city_is_the_real_district(
    zones: gpd.GeoDataFrame, outlines: dict[str, shapely.Geometry]
) -> None:
    city = zones.loc[zones["category"] == "resource_depleted_city"].iloc[0]
    real = outlines["320305"]
    assert shapely.symmetric_difference(city.geometry, real).area < 1.0  # m²


def test_zones_lie_inside_their_real_district(
    zones: gpd.GeoDataFrame, outlines: dict[str, shapely.Geometry]
) -> None:
    for _, z in zones.iterrows():
        district = outlines[z["district_adcode"]]
        assert shapely.difference(z.geometry, district).area < 1.0, z["zone_id"]  # m²
    # The XETDZ stand-in itself lies in Tongshan/Gulou.
    host = shapely.union_all([outlines["320312"], outlines["320302"]])
    assert shapely.difference(outlines["xetdz"], host).area < 1.0


def test_zones_do_not_overlap_except_the_whole_district(zones: gpd.GeoDataFrame) -> None:
    parts = zones[~zones["whole_district"]].geometry.tolist()
    for i, a in enumerate(parts):
        for b in parts[i + 1 :]:
            assert shapely.intersection(a, b).area == 0.0


def test_zone_shapes_are_elongated_basins_not_blobs(zones: gpd.GeoDataFrame) -> None:
    # A circle has isoperimetric quotient 4*pi*A/P^2 = 1, a square 0.785; clustered elongated
    # basins with ragged rims score far lower.
    for _, z in zones[~zones["whole_district"]].iterrows():
        quotient = 4 * np.pi * z.geometry.area / z.geometry.length**2
        assert quotient < 0.5, z["zone_id"]


def test_projects_are_the_named_ones_inside_their_zone(
    zones: gpd.GeoDataFrame, projects: gpd.GeoDataFrame
) -> None:
    assert sorted(projects["zone_id"].str.removeprefix("xz_").str.split("_", n=1).str[1]) == sorted(
        NAMED_PROJECTS
    )
    by_id = zones.set_index("zone_id").geometry
    for _, p in projects.iterrows():
        assert shapely.difference(p.geometry, by_id[p["parent_zone_id"]]).area == 0.0
    assert (projects["category"] == "project").all()
    assert projects["planned_use"].isin(["cropland", "water", "forest", "construction"]).all()
    assert (projects["start_year"] <= projects["end_year"]).all()
    assert projects["start_year"].between(2021, 2025).all()
    assert (projects["planned_area_mu"] > 0).all()
    assert (projects["planned_area_mu"] < projects["area_mu"]).all()
    assert projects["simulated"].all()
    # Projects of a zone do not overlap each other.
    assert shapely.union_all(projects.geometry).area == pytest.approx(projects.geometry.area.sum())


# --- rasters ------------------------------------------------------------------------------------


@pytest.mark.parametrize("series", ["truth", "mapped"])
def test_rasters_carry_legend_crs_and_simulated_tag(series: str) -> None:
    legend = get_legend("clcd")
    for year in YEARS:
        path = _raster(series, year)
        assert "simulated" in path.name
        with rasterio.open(path) as src:
            assert src.crs.to_epsg() == 4548
            assert src.res == (30.0, 30.0)
            tags = src.tags()
            assert tags["simulated"] == "true"
            assert tags["legend"] == "clcd"
            assert tags["year"] == str(year)
            cmap = src.colormap(1)
            assert cmap[2][:3] == legend.classes[1].rgba[:3]  # code 2 Forest
            codes = set(np.unique(src.read(1, out_shape=(400, 400))).tolist())
        assert codes <= set(legend.codes), codes


def test_mapped_overall_accuracy_is_realistic() -> None:
    for year in (YEARS[0], YEARS[-1]):
        with rasterio.open(_raster("truth", year)) as src:
            truth = src.read(1)
        with rasterio.open(_raster("mapped", year)) as src:
            mapped = src.read(1)
        accuracy = float((truth == mapped).mean())
        assert 0.85 <= accuracy <= 0.92, (year, accuracy)
        # Errors cluster at edges: pixels whose 4 neighbours share their class are mapped
        # correctly far more often than the rest.
        interior = np.zeros(truth.shape, bool)
        interior[1:-1, 1:-1] = (
            (truth[1:-1, 1:-1] == truth[:-2, 1:-1]) & (truth[1:-1, 1:-1] == truth[2:, 1:-1])
            & (truth[1:-1, 1:-1] == truth[1:-1, :-2]) & (truth[1:-1, 1:-1] == truth[1:-1, 2:])
        )
        ok = truth == mapped
        assert ok[interior].mean() - ok[~interior].mean() > 0.2


# --- known truth --------------------------------------------------------------------------------


# Hand-written from rules/README.md: CLCD codes restored / damaged under each planned use
# ("" = none planned); every other code is neutral.
TRUTH_RESTORED = {"": [1, 2, 3, 4], "cropland": [1], "water": [2, 3, 4, 5, 9],
                  "forest": [2, 3, 4], "construction": [8]}
TRUTH_DAMAGED = {"": [5, 7], "cropland": [5, 7, 9], "water": [7], "forest": [5, 7],
                 "construction": [5, 7]}


@pytest.mark.parametrize("use", ["", "cropland", "water", "forest", "construction"])
def test_truth_state_definitions_match_the_default_rule_set(use: str) -> None:
    rules, legend = load_rules("default"), get_legend("clcd")
    lookup = demo_build._state_lookup(use)
    for code in legend.codes:
        expected = ("restored" if code in TRUTH_RESTORED[use]
                    else "damaged" if code in TRUTH_DAMAGED[use] else "neutral")
        assert rules.state(legend.generic(code), use) == expected, (use, code)
        assert lookup[code] == {"restored": 1, "damaged": -1, "neutral": 0}[expected], (use, code)


def test_recorded_process_equals_class_based_flows(truth_table: pd.DataFrame) -> None:
    recorded = truth_table.dropna(subset=["treated_pixels_recorded"])
    assert len(recorded) > 0
    assert (recorded["reclaimed_pixels"] == recorded["treated_pixels_recorded"]).all()
    assert (recorded["newly_damaged_pixels"] == recorded["new_damage_pixels_recorded"]).all()
    # Something happens: every project treats land in one of its years.
    treated = recorded.groupby("unit_id")["treated_pixels_recorded"].sum()
    assert (treated.drop("rest_of_zone", errors="ignore") > 0).all()


def test_truth_table_counts_the_shipped_truth_rasters(
    zones: gpd.GeoDataFrame, truth_table: pd.DataFrame
) -> None:
    # Independent recount: rasterise one zone (pixel centres) on the shipped raster and count.
    zone = zones.set_index("zone_id").loc["xz_peixian_key_subsidence"]
    for year in (YEARS[0], YEARS[-1]):
        with rasterio.open(_raster("truth", year)) as src:
            data = src.read(1)
            inside = rasterize([(zone.geometry, 1)], out_shape=data.shape,
                               transform=src.transform, dtype="uint8").astype(bool)
        rows = truth_table[(truth_table["zone_id"] == "xz_peixian_key_subsidence")
                           & (truth_table["year"] == year)]
        assert inside.sum() == rows["pixels"].sum()
        for code in range(1, 10):
            assert (data[inside] == code).sum() == rows[f"class_{code}_pixels"].sum(), code


def test_subsidence_zones_start_near_the_derived_treated_share(truth_table: pd.DataFrame) -> None:
    # Independent of the generator: restored / (restored + damaged) in 2020 over all subsidence
    # zones is 0.752 - 4 * 42784 / 374220 / 5 = 0.6606 up to villages and rounding.
    t = truth_table
    sub = t[t["zone_id"].str.contains("subsidence") & (t["year"] == 2020)]
    rate = sub["restored_pixels"].sum() / (sub["restored_pixels"] + sub["damaged_pixels"]).sum()
    assert rate == pytest.approx(0.752 - 4 * 42784 / 374220 / 5, abs=0.01)


# --- determinism --------------------------------------------------------------------------------


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def rebuilt_parts() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, dict[str, object]]:
    seed = int(PARAMS["scenario"]["seed"])
    zone_rasters, geoms, _ = demo_build._make_zones(PARAMS, seed)
    histories = demo_build._simulate(PARAMS, zone_rasters, seed)
    return (demo_build._zones_frame(PARAMS, geoms),
            demo_build._projects_frame(PARAMS, histories), histories)


def test_rebuilt_geopackages_are_byte_identical(tmp_path: Path, rebuilt_parts) -> None:
    zones, projects, _ = rebuilt_parts
    demo_build._write_gpkg(zones, tmp_path / "z.gpkg", "zones")
    demo_build._write_gpkg(projects, tmp_path / "p.gpkg", "projects")
    assert _sha(tmp_path / "z.gpkg") == _sha(DATA / "demo" / demo_build.ZONES_FILE)
    assert _sha(tmp_path / "p.gpkg") == _sha(DATA / "demo" / demo_build.PROJECTS_FILE)


def test_rebuilt_window_equals_shipped_rasters(rebuilt_parts) -> None:
    # A 160 x 200 px window over the Pan'an Lake project, rendered on its own.
    _, projects, histories = rebuilt_parts
    seed = int(PARAMS["scenario"]["seed"])
    x, y = projects.set_index("zone_id").geometry["xz_jiawang_panan_lake_phase3"].centroid.coords[0]
    small = window_for_bounds(x - 3000, y - 2400, x + 3000, y + 2400)
    truth, mapped = demo_build.render(small, list(histories.values()), PARAMS, seed)
    for t, year in enumerate(YEARS):
        for series, data in (("truth", truth), ("mapped", mapped)):
            with rasterio.open(_raster(series, year)) as src:
                col = round((small.bounds[0] - src.bounds.left) / 30)
                row = round((src.bounds.top - small.bounds[3]) / 30)
                shipped = src.read(1, window=RioWindow(col, row, small.width, small.height))
            np.testing.assert_array_equal(data[t], shipped, err_msg=f"{series} {year}")


def test_manifest_checksums_match_shipped_files() -> None:
    manifest = json.loads((DATA / "demo" / BUILD_FILE).read_text())
    assert manifest["simulated"] is True
    for entry in manifest["files"].values():
        assert _sha(DATA / entry["path"]) == entry["sha256"], entry["path"]


@pytest.mark.slow
def test_cli_rebuild_is_byte_identical(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from geo_revival.cli import app

    result = CliRunner().invoke(app, ["demo", "build", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    shipped = json.loads((DATA / "demo" / BUILD_FILE).read_text())
    rebuilt = json.loads((tmp_path / "demo" / BUILD_FILE).read_text())
    assert rebuilt == shipped
    assert _sha(tmp_path / "demo" / BUILD_FILE) == _sha(DATA / "demo" / BUILD_FILE)


def test_other_seed_gives_other_zones() -> None:
    a = value_noise(1, "t", Window(0, 0, 50, 50), (8.0,))
    b = value_noise(2, "t", Window(0, 0, 50, 50), (8.0,))
    assert not np.array_equal(a, b)


@pytest.mark.parametrize("row0,col0", [(0, 0), (7, 13), (123, 45)])
def test_random_fields_do_not_depend_on_the_window(row0: int, col0: int) -> None:
    big = Window(100, 200, 300, 300)
    part = Window(100 + row0, 200 + col0, 40, 50)
    common = overlap(big, part)
    assert common is not None
    (rows, cols), _ = common
    np.testing.assert_array_equal(
        value_noise(5, "x", big, (30.0, 7.0))[rows, cols], value_noise(5, "x", part, (30.0, 7.0))
    )
    np.testing.assert_array_equal(
        hash_uniform(5, "x", big.rows()[:, None], big.cols()[None, :])[rows, cols],
        hash_uniform(5, "x", part.rows()[:, None], part.cols()[None, :]),
    )


# --- loading ------------------------------------------------------------------------------------


def test_load_xuzhou_returns_simulated_parts() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", GeoRevivalWarning)  # the shipped data load cleanly
        demo = load_xuzhou()
    for frame in (demo.zones, demo.projects, demo.known_truth, demo.districts):
        assert frame.attrs["simulated"] is True
    for da, series in ((demo.landcover, "mapped"), (demo.truth, "truth")):
        assert da.attrs["simulated"] is True
        assert da.attrs["series"] == series
        assert da.attrs["legend"] == "clcd"
        assert da.rio.crs.to_epsg() == 4548
        assert list(da["year"].values) == YEARS
    assert set(demo.projects["parent_zone_id"]) <= set(demo.zones["zone_id"])
    assert "xetdz" in set(demo.districts["adcode"])
    assert demo.parameters["scenario"]["seed"] == PARAMS["scenario"]["seed"]


def test_load_xuzhou_without_data_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="geo-revival demo build"):
        load_xuzhou(tmp_path)



def test_restoration_accounting_on_truth_reproduces_known_truth_to_the_pixel() -> None:
    # The overlay engine + default rule set on the truth rasters, with projects and project-free
    # zones as accounting units (a project-free zone is one unit with the zone's planned use).
    from geo_revival.overlay import transitions
    from geo_revival.restoration import reclaimed_area

    demo = load_xuzhou()
    parents = set(demo.projects["parent_zone_id"])
    units = pd.concat([demo.projects, demo.zones[~demo.zones["zone_id"].isin(parents)]])
    units = gpd.GeoDataFrame(units[["zone_id", "planned_use", "geometry"]], crs=demo.zones.crs)
    flows = reclaimed_area(transitions(units, demo.truth), "default",
                           planned_use=units[["zone_id", "planned_use"]])
    flows = flows[flows["to_year"] == flows["from_year"] + 1]
    known = demo.known_truth.dropna(subset=["reclaimed_pixels"])
    known = known[known["unit_id"].isin(units["zone_id"]) | known["zone_id"].isin(units["zone_id"])]
    known = known.assign(unit=known["unit_id"].where(known["unit_id"] != "rest_of_zone",
                                                     known["zone_id"]))
    merged = flows.merge(known, left_on=["zone_id", "to_year"], right_on=["unit", "year"])
    assert len(merged) == len(units) * (len(YEARS) - 1)
    np.testing.assert_array_equal(merged["reclaimed_area_m2"] / 900, merged["reclaimed_pixels"])
    np.testing.assert_array_equal(
        merged["newly_damaged_area_m2"] / 900, merged["newly_damaged_pixels"]
    )


@pytest.mark.parametrize(
    "total,years,expected",
    [(10, [2021, 2022, 2023], {2021: 3, 2022: 4, 2023: 3}), (0, [2021], {2021: 0}),
     (5, [2021, 2022], {2021: 2, 2022: 3})],
)
def test_even_split_by_hand(total: int, years: list[int], expected: dict[int, int]) -> None:
    assert _even_split(total, years) == expected


@given(st.integers(0, 10**6), st.integers(1, 10))
def test_even_split_sums_to_total_in_near_equal_parts(total: int, n: int) -> None:
    parts = list(_even_split(total, list(range(n))).values())
    assert sum(parts) == total
    assert max(parts) - min(parts) <= 1


def test_pick_takes_lowest_scores_ties_by_position() -> None:
    candidates = np.array([[True, True, False], [True, True, True]])
    score = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 0.5]])
    # Candidates by score: (1,2)=0.5, then (0,1)=1.0 and (1,0)=1.0 (tie: row-major first).
    expected = np.array([[False, True, False], [False, False, True]])
    np.testing.assert_array_equal(_pick(candidates, score, 2), expected)
    assert _pick(candidates, score, 99).sum() == 5


def test_shipped_demo_files_stay_small() -> None:
    manifest = json.loads((DATA / "demo" / BUILD_FILE).read_text())
    paths = [DATA / e["path"] for e in manifest["files"].values()]
    paths += [p.with_name(p.name + ".aux.xml") for p in paths if p.suffix == ".tif"]
    assert sum(p.stat().st_size for p in paths) <= 30 * 2**20
