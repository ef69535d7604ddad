"""load_zones: formats, schema checks, geometry repair, coordinate declarations."""

from __future__ import annotations

import warnings
import zipfile

import geopandas as gpd
import numpy as np
import pytest
from geopandas.testing import assert_geodataframe_equal
from pyproj import CRS
from shapely.geometry import LineString, Point, Polygon, box

from geo_revival import load_zones
from geo_revival.crs import gcj02_to_wgs84
from geo_revival.exceptions import (
    CRSMismatchError,
    InvalidGeometryError,
    InvalidGeometryWarning,
    MissingCRSError,
    ReadError,
    SchemaError,
    UndeclaredCoordsWarning,
    UnsupportedCRSError,
)
from geo_revival.zones import PLANNED_USES, ZONE_CATEGORIES

# EPSG:4548 is CGCS2000 GK with central meridian 117E, false easting 500 km: at x = 500 km the
# scale factor is 1, so a 1000 m x 1000 m square there has an area of 1e6 m² = 1500 mu.
X0, Y0 = 500_000.0, 3_800_000.0


def square(dx: float, size: float = 1000.0) -> Polygon:
    return box(X0 + dx, Y0, X0 + dx + size, Y0 + size)


@pytest.fixture
def zones_gk() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "zone_id": ["a", "b", "c"],
            "category": ["key_subsidence", "general_subsidence", "project"],
            "planned_use": ["water", None, "宜林"],
            "name_en": ["A", "B", "C"],
        },
        geometry=[square(0), square(-3000, 500), square(-6000, 2000)],
        crs="EPSG:4548",
    )


@pytest.fixture
def zones_lonlat() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"zone_id": ["p", "q"], "category": ["key_subsidence", "other"]},
        geometry=[box(117.20, 34.30, 117.21, 34.31), box(117.40, 34.40, 117.42, 34.41)],
        crs="EPSG:4326",
    )


def test_areas_are_hand_computable(zones_gk):
    out = load_zones(zones_gk)
    assert out["area_m2"].to_numpy() == pytest.approx([1e6, 0.25e6, 4e6], rel=1e-5)
    assert out["area_mu"].to_numpy() == pytest.approx([1500, 375, 6000], rel=1e-5)
    assert out.crs == CRS.from_epsg(4548)


def test_shared_columns_and_values(zones_gk):
    out = load_zones(zones_gk)
    assert list(out.columns[:9]) == [
        "zone_id", "name_zh", "name_en", "category", "planned_use", "official_area_km2",
        "area_m2", "area_mu", "geometry_repaired",
    ]
    assert out.columns[-1] == "geometry"
    assert out["planned_use"].tolist() == ["water", "", "forest"]
    assert not out["geometry_repaired"].any()
    assert out["official_area_km2"].isna().all()
    assert out.attrs["provenance"]["function"] == "load_zones"


def test_input_geodataframe_is_not_modified(zones_gk):
    snapshot = zones_gk.copy()
    load_zones(zones_gk, id_column="zone_id")
    assert_geodataframe_equal(zones_gk, snapshot)


def test_constants_match_design():
    assert set(ZONE_CATEGORIES) == {
        "old_industrial_zone", "key_subsidence", "general_subsidence", "industrial_mining_zone",
        "resource_depleted_city", "transformation_park", "project", "other",
    }
    assert PLANNED_USES == ("cropland", "water", "forest", "construction")


@pytest.mark.parametrize(
    ("suffix", "driver"),
    [(".gpkg", "GPKG"), (".shp", "ESRI Shapefile"), (".geojson", "GeoJSON"),
     (".parquet", None), (".kml", "KML")],
)
def test_formats_round_trip(tmp_path, zones_lonlat, suffix, driver):
    path = tmp_path / f"zones{suffix}"
    if driver is None:
        zones_lonlat.to_parquet(path)
    else:
        data = zones_lonlat.rename(columns={"zone_id": "Name"}) if driver == "KML" else zones_lonlat
        data.to_file(path, driver=driver, engine="pyogrio")
    id_column = "Name" if driver == "KML" else "zone_id"
    kwargs = {"default_category": "other"} if driver == "KML" else {}
    out = load_zones(path, coords="wgs84", id_column=id_column, **kwargs)
    assert out["zone_id"].tolist() == ["p", "q"]
    expected = load_zones(zones_lonlat, coords="wgs84")["area_m2"].to_numpy()
    assert out["area_m2"].to_numpy() == pytest.approx(expected, rel=1e-6)
    assert "inputs" in out.attrs["provenance"]


def test_zipped_shapefile(tmp_path, zones_gk):
    zones_gk.drop(columns="planned_use").to_file(tmp_path / "z.shp", engine="pyogrio")
    archive = tmp_path / "zones.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in tmp_path.glob("z.*"):
            zf.write(part, part.name)
    out = load_zones(archive)
    assert out["zone_id"].tolist() == ["a", "b", "c"]
    assert out["area_mu"].iloc[0] == pytest.approx(1500, rel=1e-5)


def test_multilayer_geopackage_needs_layer(tmp_path, zones_gk):
    path = tmp_path / "two.gpkg"
    zones_gk.to_file(path, layer="first", engine="pyogrio")
    zones_gk.iloc[:1].to_file(path, layer="second", engine="pyogrio")
    with pytest.raises(SchemaError, match=r"holds 2 layers.*layer="):
        load_zones(path)
    assert len(load_zones(path, layer="second")) == 1


@pytest.mark.parametrize("content", [b"not a geopackage at all", b"{broken json"])
def test_unreadable_file(tmp_path, content):
    path = tmp_path / "zones.geojson"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=r"Could not read zones from .*zones.geojson"):
        load_zones(path, coords="wgs84")


def test_missing_file(tmp_path):
    with pytest.raises(ReadError, match="does not exist"):
        load_zones(tmp_path / "nope.gpkg")


def test_not_a_source():
    with pytest.raises(SchemaError, match="file path or a GeoDataFrame, not list"):
        load_zones([1, 2])  # type: ignore[arg-type]


def test_missing_crs_names_argument(zones_gk):
    no_crs = zones_gk.set_crs(None, allow_override=True)
    with pytest.raises(MissingCRSError, match=r"zones has no coordinate reference system.*crs="):
        load_zones(no_crs)
    assert load_zones(no_crs, crs="EPSG:4548").crs.to_epsg() == 4548


def test_empty_layer(zones_gk):
    with pytest.raises(SchemaError, match="no features"):
        load_zones(zones_gk.iloc[:0])


@pytest.mark.parametrize(
    ("ids", "pattern"),
    [
        (["a", "a", "c"], r"unique.*\['a'\]"),
        (["a", None, "c"], r"missing in rows \[1\]"),
        (["a", " ", "c"], r"missing in rows \[1\]"),
    ],
)
def test_bad_ids(zones_gk, ids, pattern):
    bad = zones_gk.assign(zone_id=ids)
    with pytest.raises(SchemaError, match=pattern):
        load_zones(bad)


def test_id_column_renamed_and_missing(zones_gk):
    renamed = zones_gk.rename(columns={"zone_id": "code"})
    assert load_zones(renamed, id_column="code")["zone_id"].tolist() == ["a", "b", "c"]
    with pytest.raises(SchemaError, match=r"Zone id column 'zone_id' not found.*id_column="):
        load_zones(renamed)
    with pytest.raises(SchemaError, match=r"Both 'name_en' and 'zone_id' exist"):
        load_zones(zones_gk, id_column="name_en")


def test_unknown_category(zones_gk):
    bad = zones_gk.assign(category=["key_subsidence", "swamp", "project"])
    with pytest.raises(SchemaError, match=r"Unknown zone categories \['swamp'\]"):
        load_zones(bad)


def test_category_column_and_default(zones_gk):
    cat = zones_gk.rename(columns={"category": "kind"})
    assert load_zones(cat, category_column="kind")["category"].tolist() == [
        "key_subsidence", "general_subsidence", "project",
    ]
    no_cat = zones_gk.drop(columns="category")
    with pytest.raises(SchemaError, match=r"'category' not found.*default_category"):
        load_zones(no_cat)
    assert set(load_zones(no_cat, default_category="other")["category"]) == {"other"}
    partly = zones_gk.assign(category=["key_subsidence", None, "project"])
    with pytest.raises(SchemaError, match=r"Zones \['b'\] have no category.*default_category="):
        load_zones(partly)
    assert load_zones(partly, default_category="other")["category"].tolist()[1] == "other"
    with pytest.raises(SchemaError, match="default_category='bog' is not a zone category"):
        load_zones(no_cat, default_category="bog")


def test_unknown_planned_use(zones_gk):
    bad = zones_gk.assign(planned_use=["water", "golf", ""])
    with pytest.raises(SchemaError, match=r"Unknown planned_use values \['golf'\]"):
        load_zones(bad)


@pytest.mark.parametrize(
    ("geometry", "pattern"),
    [
        (Polygon(), r"\['b'\] have empty or missing geometry"),
        (None, r"\['b'\] have empty or missing geometry"),
        (Point(X0, Y0), r"must be polygons.*'b': 'Point'"),
        (LineString([(X0, Y0), (X0 + 1, Y0)]), r"must be polygons.*'b': 'LineString'"),
    ],
)
def test_bad_geometry(zones_gk, geometry, pattern):
    bad = zones_gk.copy()
    bad.loc[1, "geometry"] = geometry
    with pytest.raises(InvalidGeometryError, match=pattern):
        load_zones(bad)


def test_invalid_geometry_is_repaired_with_warning(zones_gk):
    # A bow-tie over a 1000 m square: make_valid gives two triangles of 1000 x 500 / 2 m² each.
    bowtie = Polygon([(X0, Y0), (X0 + 1000, Y0 + 1000), (X0 + 1000, Y0), (X0, Y0 + 1000)])
    bad = zones_gk.copy()
    bad.loc[0, "geometry"] = bowtie
    snapshot = bad.copy()
    with pytest.warns(InvalidGeometryWarning, match=r"Repaired .*1 zone.*a: Self-intersection"):
        out = load_zones(bad)
    assert out["geometry_repaired"].tolist() == [True, False, False]
    assert out.geometry.iloc[0].is_valid
    assert out["area_m2"].iloc[0] == pytest.approx(500_000, rel=1e-5)
    assert_geodataframe_equal(bad, snapshot)


def test_unrepairable_geometry(zones_gk):
    flat = Polygon([(X0, Y0), (X0 + 10, Y0), (X0 + 20, Y0), (X0, Y0)])  # collapsed ring
    bad = zones_gk.copy()
    bad.loc[2, "geometry"] = flat
    with pytest.raises(InvalidGeometryError, match=r"\['c'\] have invalid geometry"):
        load_zones(bad)


def test_lonlat_in_china_without_coords_warns(zones_lonlat):
    with pytest.warns(UndeclaredCoordsWarning, match=r"coords='gcj02'.*coords='wgs84'"):
        load_zones(zones_lonlat)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_zones(zones_lonlat, coords="wgs84")  # explicit: no warning


@pytest.mark.parametrize(
    "bounds",
    [(2.30, 48.80, 2.40, 48.90), (137.80, 34.0, 137.90, 34.1)],  # Paris; east edge straddled
    ids=["paris", "straddles_east_edge"],
)
def test_lonlat_not_wholly_inside_china_does_not_warn(bounds):
    zones = gpd.GeoDataFrame(
        {"zone_id": ["x"], "category": ["other"]}, geometry=[box(*bounds)], crs="EPSG:4326"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", UndeclaredCoordsWarning)
        load_zones(zones)


def test_gcj02_file_name_without_coords_is_an_error(tmp_path, zones_lonlat):
    path = tmp_path / "amap_zones.geojson"
    zones_lonlat.to_file(path, driver="GeoJSON", engine="pyogrio")
    with pytest.raises(MissingCRSError, match=r"GCJ02.*coords='gcj02'"):
        load_zones(path)
    assert load_zones(path, coords="gcj02").crs.to_epsg() == 4326


def test_gcj02_is_converted(zones_lonlat):
    out = load_zones(zones_lonlat, coords="gcj02")
    src = np.asarray(zones_lonlat.geometry.iloc[0].exterior.coords)
    expected = np.column_stack(gcj02_to_wgs84(src[:, 0], src[:, 1]))
    np.testing.assert_allclose(np.asarray(out.geometry.iloc[0].exterior.coords), expected,
                               atol=1e-9)
    assert out.crs.to_epsg() == 4326
    # the layer moved by ~500 m but its area hardly changed (< 0.1 %)
    plain = load_zones(zones_lonlat, coords="wgs84")
    assert out["area_m2"].to_numpy() == pytest.approx(plain["area_m2"].to_numpy(), rel=1e-3)


def test_bd09_without_crs_is_converted(zones_lonlat):
    out = load_zones(zones_lonlat.set_crs(None, allow_override=True), coords="bd09")
    assert out.crs.to_epsg() == 4326
    assert out.geometry.iloc[0].centroid.distance(zones_lonlat.geometry.iloc[0].centroid) > 0.004


def test_crs_declaring_gcj02_conflicts_with_wgs84(zones_lonlat):
    gcj_crs = CRS.from_wkt(CRS.from_epsg(4326).to_wkt().replace('"WGS 84"', '"GCJ02 (AMap)"', 1))
    declared = zones_lonlat.set_crs(gcj_crs, allow_override=True)
    with pytest.raises(MissingCRSError, match="coords= was not given"):
        load_zones(declared)
    with pytest.raises(CRSMismatchError, match=r"declares GCJ02 but coords='wgs84'"):
        load_zones(declared, coords="wgs84")
    assert load_zones(declared, coords="gcj02").crs.to_epsg() == 4326


def test_gcj02_needs_lonlat(zones_gk):
    with pytest.raises(UnsupportedCRSError, match="projected CRS"):
        load_zones(zones_gk, coords="gcj02")
    with pytest.raises(UnsupportedCRSError, match="is projected"):
        load_zones(zones_gk.set_crs(None, allow_override=True), coords="gcj02", crs="EPSG:4548")


def test_unknown_coords(zones_gk):
    with pytest.raises(ValueError, match=r"coords must be one of 'wgs84', .*got 'utm'"):
        load_zones(zones_gk, coords="utm")


def test_zones_built_from_bundled_districts():
    from geo_revival import load_districts

    districts = load_districts(["320305", "320322"]).rename(columns={"adcode": "zone_id"})
    out = load_zones(districts, coords="wgs84", default_category="other")
    assert out["area_m2"].to_numpy() == pytest.approx(districts["area_m2"].to_numpy(), rel=1e-9)


def test_shapefile_without_prj_needs_crs(tmp_path, zones_gk):
    zones_gk.drop(columns="planned_use").to_file(tmp_path / "z.shp", engine="pyogrio")
    (tmp_path / "z.prj").unlink()
    with pytest.raises(MissingCRSError, match=r"no coordinate reference system.*crs="):
        load_zones(tmp_path / "z.shp")
    out = load_zones(tmp_path / "z.shp", crs="EPSG:4548")
    assert out["area_mu"].iloc[0] == pytest.approx(1500, rel=1e-5)
