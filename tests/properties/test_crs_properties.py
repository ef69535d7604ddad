"""Property tests: GCJ-02 / BD-09 conversions round-trip within 0.5 m over China's extent."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from geo_revival.crs import (
    bd09_to_wgs84,
    gcj02_to_wgs84,
    out_of_china,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

GEOD = Geod(ellps="WGS84")

# Mainland China's extent (a little inside the algorithm's rectangle, so that the offset point
# stays inside it too).
china_lon = st.floats(min_value=73.6, max_value=134.8, allow_nan=False)
china_lat = st.floats(min_value=18.0, max_value=53.5, allow_nan=False)
points = st.lists(st.tuples(china_lon, china_lat), min_size=1, max_size=50)


def _max_error_m(lon, lat, lon2, lat2) -> float:
    return float(np.max(GEOD.inv(lon, lat, lon2, lat2)[2]))


@settings(max_examples=200, deadline=None)
@given(points)
def test_gcj02_round_trip_within_half_a_metre(pts):
    lon, lat = np.array(pts).T
    assert _max_error_m(lon, lat, *gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))) < 0.5
    # the other direction: a GCJ-02 point converted to WGS84 and back
    assert _max_error_m(lon, lat, *wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat))) < 0.5


@settings(max_examples=100, deadline=None)
@given(points)
def test_bd09_round_trip_within_half_a_metre(pts):
    lon, lat = np.array(pts).T
    assert _max_error_m(lon, lat, *bd09_to_wgs84(*wgs84_to_bd09(lon, lat))) < 0.5


@settings(max_examples=100, deadline=None)
@given(points)
def test_gcj02_offset_is_bounded(pts):
    # The published offset never exceeds ~1 km; a bigger shift would mean a formula error.
    lon, lat = np.array(pts).T
    shift = np.asarray(GEOD.inv(lon, lat, *wgs84_to_gcj02(lon, lat))[2])
    assert np.all(shift < 1200)
    assert not out_of_china(lon, lat).any()


@settings(max_examples=100, deadline=None)
@given(
    st.floats(min_value=-180, max_value=180, allow_nan=False),
    st.floats(min_value=-90, max_value=90, allow_nan=False),
)
def test_outside_china_is_identity(lon, lat):
    if out_of_china(lon, lat):
        for func in (wgs84_to_gcj02, gcj02_to_wgs84, wgs84_to_bd09, bd09_to_wgs84):
            out = func(lon, lat)
            assert (float(out[0]), float(out[1])) == (lon, lat)
