"""Tests of geo_revival.crs against coordinate pairs published by other projects."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from pyproj import CRS, Geod
from shapely.geometry import LineString, Point, Polygon, box

from geo_revival.crs import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    geodesic_area,
    gk_zone_crs,
    local_projected_crs,
    out_of_china,
    planar_area_factor,
    require_crs,
    to_wgs84_geometries,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from geo_revival.exceptions import (
    CRSMismatchError,
    MissingCRSError,
    OptionError,
    UnsupportedCRSError,
)

GEOD = Geod(ellps="WGS84")

# (wgs_lon, wgs_lat, gcj_lon, gcj_lat). Source: googollee/eviltransform, python/test.py (TESTS:
# Shanghai, Shenzhen, Beijing; its own test requires 6 decimals forward, < 0.5 m for the exact
# inverse) and wandergis/coordtransform, test/app.js (wgs84togcj02(116.404, 39.915)).
KNOWN_WGS_GCJ = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),
    (116.404, 39.915, 116.41024449916938, 39.91640428150164),
]


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), KNOWN_WGS_GCJ)
def test_wgs84_to_gcj02_matches_published_pairs(wlon, wlat, glon, glat):
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    # The references use a = 6378245 m or 6378137 m; that changes the offset by < 1 cm (1e-7 deg).
    assert float(lon) == pytest.approx(glon, abs=1e-7)
    assert float(lat) == pytest.approx(glat, abs=1e-7)


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), KNOWN_WGS_GCJ)
def test_gcj02_to_wgs84_recovers_published_pairs_within_half_a_metre(wlon, wlat, glon, glat):
    lon, lat = gcj02_to_wgs84(glon, glat)
    assert distance_m(float(lon), float(lat), wlon, wlat) < 0.5


def test_gcj02_offset_is_hundreds_of_metres_in_xuzhou():
    # The offset is why the conversion matters: a few hundred metres, not centimetres.
    lon, lat = wgs84_to_gcj02(117.18, 34.26)
    assert 100 < distance_m(117.18, 34.26, float(lon), float(lat)) < 1000


def test_gcj02_to_bd09_matches_coordtransform():
    # wandergis/coordtransform test/app.js: gcj02tobd09(116.404, 39.915).
    lon, lat = gcj02_to_bd09(116.404, 39.915)
    assert float(lon) == pytest.approx(116.41036949371029, abs=1e-9)
    assert float(lat) == pytest.approx(39.92133699351021, abs=1e-9)


def test_bd09_to_gcj02_is_exact_inverse_and_close_to_closed_form():
    lon, lat = bd09_to_gcj02(116.41036949371029, 39.92133699351021)
    assert distance_m(float(lon), float(lat), 116.404, 39.915) < 0.01
    # coordtransform's closed-form inverse of (116.404, 39.915) is an approximation (cm level).
    lon, lat = bd09_to_gcj02(116.404, 39.915)
    assert distance_m(float(lon), float(lat), 116.39762729119315, 39.90865673957631) < 0.5


def test_bd09_wgs84_round_trip_in_xuzhou():
    bd_lon, bd_lat = wgs84_to_bd09(117.2, 34.3)
    assert distance_m(117.2, 34.3, float(bd_lon), float(bd_lat)) > 500  # BD-09 adds ~0.6-1 km
    lon, lat = bd09_to_wgs84(bd_lon, bd_lat)
    assert distance_m(float(lon), float(lat), 117.2, 34.3) < 0.5


@pytest.mark.parametrize(
    "func", [wgs84_to_gcj02, gcj02_to_wgs84, gcj02_to_bd09, bd09_to_gcj02, wgs84_to_bd09,
             bd09_to_wgs84],
)
@pytest.mark.parametrize(("lon", "lat"), [(2.35, 48.86), (-74.0, 40.7), (151.2, -33.9)])
def test_points_outside_china_are_untouched(func, lon, lat):
    out_lon, out_lat = func(lon, lat)
    assert (float(out_lon), float(out_lat)) == (lon, lat)


def test_out_of_china_box_edges():
    assert out_of_china([72.003, 72.004, 137.8347, 137.835], [30, 30, 30, 30]).tolist() == [
        True, False, False, True,
    ]


def test_vectorised_arrays_keep_shape_and_do_not_modify_input():
    lon = np.array([[117.0, 117.5], [118.0, 2.35]])
    lat = np.array([[34.0, 34.5], [34.2, 48.86]])
    before = (lon.copy(), lat.copy())
    out_lon, out_lat = gcj02_to_wgs84(lon, lat)
    assert out_lon.shape == (2, 2) and out_lat.shape == (2, 2)
    np.testing.assert_array_equal(lon, before[0])
    np.testing.assert_array_equal(lat, before[1])
    assert out_lon[1, 1] == 2.35 and out_lon[0, 0] != 117.0


def test_to_wgs84_geometries_converts_every_vertex_and_keeps_input():
    poly = Polygon([(117.0, 34.0), (117.1, 34.0), (117.1, 34.1), (117.0, 34.0)])
    gdf = gpd.GeoDataFrame({"zone_id": ["a", "b"]}, geometry=[poly, Point(116.41024449916938,
                                                                          39.91640428150164)])
    snapshot = gdf.copy()
    out = to_wgs84_geometries(gdf, "gcj02")
    assert out.crs == CRS.from_epsg(4326)
    assert gdf.crs is None
    assert gdf.geometry.geom_equals_exact(snapshot.geometry, 0).all()
    assert distance_m(out.geometry[1].x, out.geometry[1].y, 116.404, 39.915) < 0.5
    # every vertex of the polygon maps to the pointwise conversion
    exp_lon, exp_lat = gcj02_to_wgs84(*np.asarray(poly.exterior.coords).T)
    np.testing.assert_allclose(np.asarray(out.geometry[0].exterior.coords),
                               np.column_stack([exp_lon, exp_lat]))
    assert list(out["zone_id"]) == ["a", "b"]


def test_to_wgs84_geometries_on_geoseries_bd09():
    s = gpd.GeoSeries([LineString([(117.2, 34.3), (117.3, 34.4)])], crs="EPSG:4326")
    bd = s.copy()
    bd[0] = LineString(np.column_stack(wgs84_to_bd09([117.2, 117.3], [34.3, 34.4])))
    out = to_wgs84_geometries(bd, "bd09")
    assert isinstance(out, gpd.GeoSeries)
    assert out.geometry[0].equals_exact(s[0], 1e-7)


def test_to_wgs84_geometries_rejects_projected_layer():
    s = gpd.GeoSeries([Point(500000, 3800000)], crs="EPSG:4548")
    with pytest.raises(UnsupportedCRSError, match=r"projected CRS.*coords="):
        to_wgs84_geometries(s, "gcj02")


def test_to_wgs84_geometries_rejects_unknown_coords():
    with pytest.raises(OptionError, match=r"coords must be one of 'wgs84', .*got 'wgs72'"):
        to_wgs84_geometries(gpd.GeoSeries([Point(117, 34)]), "wgs72")


def test_require_crs_missing_names_the_argument():
    s = gpd.GeoSeries([Point(117, 34)])
    with pytest.raises(MissingCRSError, match=r"zones has no coordinate reference system.*crs="):
        require_crs(s, what="zones")


def test_require_crs_sets_given_crs_on_a_copy():
    s = gpd.GeoSeries([Point(117, 34)])
    out = require_crs(s, "EPSG:4326")
    assert out.crs.to_epsg() == 4326 and s.crs is None


def test_require_crs_conflicting_crs_raises():
    s = gpd.GeoSeries([Point(117, 34)], crs="EPSG:4326")
    assert require_crs(s, "EPSG:4326") is s
    with pytest.raises(CRSMismatchError, match=r"already has CRS.*to_crs"):
        require_crs(s, "EPSG:4548")


@pytest.mark.parametrize(
    ("lon", "epsg"),
    [
        (117.18, 4548),  # Xuzhou, CM 117E (PLAN_FACTS / EPSG registry)
        (118.5, 4549),  # zone edge belongs to the eastern zone (CM 120E)
        (118.49, 4548),
        (75.0, 4534),  # first zone, CM 75E
        (135.0, 4554),  # last zone, CM 135E
        (118.78, 4549),  # Nanjing Liuhe, CM 120E
    ],
)
def test_gk_zone_crs(lon, epsg):
    crs = gk_zone_crs(lon)
    assert crs.to_epsg() == epsg
    # cross-check with the registry: central meridian of the returned CRS
    cm = next(p.value for p in crs.coordinate_operation.params if "longitude" in p.name.lower())
    assert abs(cm - lon) <= 1.5


@pytest.mark.parametrize("lon", [10.0, 73.4, 136.6, float("nan")])
def test_gk_zone_crs_outside_china_raises(lon):
    with pytest.raises(UnsupportedCRSError, match="outside the CGCS2000"):
        gk_zone_crs(lon)


def test_local_projected_crs_from_layer_and_missing_crs():
    layer = gpd.GeoSeries([box(117.0, 34.2, 117.5, 34.5)], crs="EPSG:4326")
    assert local_projected_crs(layer).to_epsg() == 4548
    assert local_projected_crs(layer.to_crs(3857)).to_epsg() == 4548
    assert local_projected_crs(117.18).to_epsg() == 4548
    with pytest.raises(MissingCRSError, match="crs="):
        local_projected_crs(gpd.GeoSeries([box(117.0, 34.2, 117.5, 34.5)]))


def test_geodesic_area_of_a_square_on_the_equator_hand_computed():
    # 0.001 deg square at the equator: (111319.49 m * 0.001) * (110574.27 m * 0.001) on WGS84.
    a = geodesic_area(gpd.GeoSeries([box(0, 0, 0.001, 0.001)], crs="EPSG:4326"))
    assert a.iloc[0] == pytest.approx(111.31949 * 110.57427, rel=1e-4)


def test_geodesic_area_hole_points_lines_and_projected_agree():
    outer = box(117.0, 34.0, 117.1, 34.1)
    hole = box(117.02, 34.02, 117.03, 34.03)
    with_hole = Polygon(outer.exterior.coords[::-1], [hole.exterior.coords])  # odd orientation
    s = gpd.GeoSeries([outer, with_hole, hole, Point(117, 34), LineString([(117, 34), (118, 35)])],
                      crs="EPSG:4326", index=list("abcde"))
    a = geodesic_area(s)
    assert list(a.index) == list("abcde") and a.name == "area_m2"
    assert a["b"] == pytest.approx(a["a"] - a["c"], rel=1e-9)
    assert a["d"] == 0 and a["e"] == 0
    # Same polygon in GK metres (EPSG:4548) measured on its ellipsoid: same area (CGCS2000 and
    # WGS84 ellipsoids differ by 0.1 mm in the semi-minor axis).
    projected = geodesic_area(s.to_crs(4548))
    assert projected["a"] == pytest.approx(a["a"], rel=1e-6)
    # and close to the planar GK area (scale error near the central meridian is < 0.1 %)
    assert s.to_crs(4548).area["a"] == pytest.approx(a["a"], rel=1e-3)


def test_geodesic_area_needs_crs():
    with pytest.raises(MissingCRSError, match="geometries has no coordinate reference system"):
        geodesic_area([box(0, 0, 1, 1)])
    assert geodesic_area([box(0, 0, 0.001, 0.001)], crs="EPSG:4326").iloc[0] > 0


@pytest.mark.parametrize(
    ("crs", "expected"),
    [
        ("EPSG:4548", 1.0),  # CGCS2000 GK, metres
        ("EPSG:2227", (1200 / 3937) ** 2),  # US survey foot = 1200/3937 m by definition
        ("EPSG:2225", (1200 / 3937) ** 2),
    ],
)
def test_planar_area_factor(crs, expected):
    assert planar_area_factor(crs) == pytest.approx(expected, rel=1e-12)


def test_planar_area_factor_rejects_lonlat():
    with pytest.raises(UnsupportedCRSError, match="not projected"):
        planar_area_factor("EPSG:4326")
