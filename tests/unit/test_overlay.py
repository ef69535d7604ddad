"""Overlay on hand-computable 3x3 fixtures: every expected number below is counted by hand.

The raster (10 m pixels, top-left corner (0, 30), EPSG:4548, nodata 0, CLCD codes)::

    2020      2021          pixel (row, col) covers x in [10 col, 10 col + 10],
    1 1 2     1 8 2                            y in [20 - 10 row, 30 - 10 row]
    1 5 2     1 5 5
    0 5 5     5 5 0
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pandas as pd
import pytest
import rasterio.features
from shapely.geometry import Polygon, box

from geo_revival import units
from geo_revival.exceptions import (
    CoverageWarning,
    InvalidGeometryError,
    LegendError,
    MissingCRSError,
    NoOverlapError,
    OptionError,
    SchemaError,
    UnknownCodeWarning,
)
from geo_revival.overlay import class_areas, coverage_report, transition_matrix, transitions
from tests.overlay_fixtures import as_dict, make_landcover, make_zones

Y2020 = [[1, 1, 2], [1, 5, 2], [0, 5, 5]]
Y2021 = [[1, 8, 2], [1, 5, 5], [5, 5, 0]]
PIXEL_M2 = 100.0

ZONES = {
    "all": box(0, 0, 30, 30),
    "top_left": box(0, 10, 20, 30),
    "overlap": box(10, 0, 30, 20),  # shares pixel (1, 1) with top_left
    "donut": Polygon(box(0, 0, 30, 30).exterior, [box(10, 10, 20, 20).exterior]),
    "half": box(0, 0, 14, 30),  # column 0 whole, 40 % of column 1
    "triangle": Polygon([(0, 0), (30, 0), (0, 30)]),  # below the diagonal, diagonal half
}

# (zone, year) -> {code: pixels}, by hand; nodata (0) is not a class.
CENTRE_2020 = {
    "all": {1: 3, 2: 2, 5: 3},
    "top_left": {1: 3, 5: 1},
    "overlap": {2: 1, 5: 3},
    "donut": {1: 3, 2: 2, 5: 2},
    "half": {1: 2},
}
CENTRE_2021 = {
    "all": {1: 2, 2: 1, 5: 4, 8: 1},
    "top_left": {1: 2, 5: 1, 8: 1},
    "overlap": {5: 3},
    "donut": {1: 2, 2: 1, 5: 3, 8: 1},
    "half": {1: 2, 5: 1},
}
# (zone, year) -> {code: (pixels touched, sum of coverage fractions)}, by hand. "half" covers
# column 0 whole and 40 % of each pixel of column 1; "triangle" covers (1, 0), (2, 0), (2, 1)
# whole and the diagonal (0, 0), (1, 1), (2, 2) by half (the pixels above only touch its edge).
EXACT = {
    ("half", 2020): {1: (3, 2.4), 5: (2, 0.8)},
    ("half", 2021): {1: (2, 2.0), 5: (3, 1.8), 8: (1, 0.4)},
    ("triangle", 2020): {1: (2, 1.5), 5: (3, 2.0)},
    ("triangle", 2021): {1: (2, 1.5), 5: (3, 2.5)},
    ("all", 2020): {1: (3, 3.0), 2: (2, 2.0), 5: (3, 3.0)},
}


@pytest.fixture
def landcover():
    return make_landcover({2020: Y2020, 2021: Y2021})


def _zones(*names: str):
    return make_zones({n: ZONES[n] for n in names})


def _zones_of(**shapes: Polygon):
    return make_zones(shapes)


def _expected(table: dict[str, dict[int, int]], year: int) -> dict[tuple, float]:
    return {(z, year, c): float(n) for z, counts in table.items() for c, n in counts.items()}


def test_class_areas_centre_rule_by_hand(landcover):
    names = [n for n in ZONES if n != "triangle"]  # its diagonal centres sit on the edge
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)  # nodata pixels in some zones
        got = class_areas(_zones(*names), landcover)
    expected = {**_expected(CENTRE_2020, 2020), **_expected(CENTRE_2021, 2021)}
    assert as_dict(got, ["zone_id", "year", "class_code"]) == expected
    assert list(got.columns) == [
        "zone_id", "year", "class_code", "class_name", "generic_class",
        "pixels", "area_m2", "area_ha", "area_mu",
    ]
    assert got["pixels"].dtype.kind == "i"
    np.testing.assert_array_equal(got["area_m2"], got["pixels"] * PIXEL_M2)
    np.testing.assert_allclose(got["area_mu"], units.to_mu(got["area_m2"]))
    np.testing.assert_allclose(got["area_ha"], got["area_m2"] / 10_000)


def test_class_names_and_generic_classes_come_from_the_legend(landcover):
    got = class_areas(_zones("top_left"), landcover)
    assert got.set_index("class_code")["class_name"].to_dict() == {
        1: "Cropland", 5: "Water", 8: "Impervious"
    }
    assert got.set_index("class_code")["generic_class"].to_dict() == {
        1: "cropland", 5: "water", 8: "built_up"
    }


@pytest.mark.parametrize("zone,year", list(EXACT))
def test_class_areas_exact_coverage_by_hand(landcover, zone, year):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        got = class_areas(_zones(zone), landcover, years=[year], coverage="exact")
    expected = EXACT[(zone, year)]
    assert as_dict(got, ["class_code"]) == {(c,): n for c, (n, _) in expected.items()}
    fractions = as_dict(got, ["class_code"], "coverage_fraction")
    for code, (_, fraction) in expected.items():
        # Hand-computed fractions; the coverage kernel works in double precision.
        assert fractions[(code,)] == pytest.approx(fraction, abs=1e-9)
        assert fractions[(code,)] <= expected[code][0]
    np.testing.assert_allclose(got["area_m2"], got["coverage_fraction"] * PIXEL_M2)


def test_exact_pixel_half_inside_counts_once_with_half_its_area(landcover):
    # The top half of pixel (0, 0) (code 1 in 2020).
    got = class_areas(_zones_of(half_pixel=box(0, 25, 10, 30)), landcover, years=[2020],
                      coverage="exact")
    assert list(got.columns) == [
        "zone_id", "year", "class_code", "class_name", "generic_class",
        "pixels", "coverage_fraction", "area_m2", "area_ha", "area_mu",
    ]
    row = got.iloc[0]
    assert len(got) == 1 and row.class_code == 1
    assert got["pixels"].dtype.kind == "i" and row.pixels == 1
    assert row.coverage_fraction == pytest.approx(0.5, abs=1e-6)
    assert row.area_m2 == pytest.approx(50.0, abs=1e-4)
    assert row.area_mu == pytest.approx(units.to_mu(50.0), abs=1e-6)


def test_exact_on_geographic_grid_weights_row_areas_by_fraction():
    from geo_revival.crs import geodesic_area

    # 1 deg pixels at 0-3 N; the zone covers the east half of column 0 in rows 0 and 1.
    lc = make_landcover({2020: Y2020}, res=1.0, origin=(6.0, 3.0), crs="EPSG:4326")
    zones = make_zones({"strip": box(6.5, 1, 7, 3)}, crs="EPSG:4326")
    got = class_areas(zones, lc, coverage="exact")
    cells = geodesic_area(
        make_zones({"r0": box(6, 2, 7, 3), "r1": box(6, 1, 7, 2)}, crs="EPSG:4326")
        .geometry.segmentize(1e-3)
    ).to_numpy()
    assert got["pixels"].tolist() == [2]
    assert got["coverage_fraction"].iloc[0] == pytest.approx(1.0, abs=1e-6)
    assert got["area_m2"].iloc[0] == pytest.approx(cells.sum() / 2, rel=1e-6)


def test_overlapping_zones_each_count_the_shared_pixel(landcover):
    got = class_areas(_zones("top_left", "overlap"), landcover, years=[2020])
    per_zone = got.groupby("zone_id")["pixels"].sum().to_dict()
    assert per_zone == {"top_left": 4, "overlap": 4}  # 7 distinct pixels, (1, 1) counted twice


def test_centre_rule_matches_rasterio_rasterize(landcover):
    # Irregular polygons whose edges cross pixel centres at odd places.
    shapes = {
        "kite": Polygon([(2, 17), (16, 29), (29, 14), (13, 1)]),
        "sliver": Polygon([(0, 4), (30, 6), (30, 7), (0, 5.5)]),
        "notch": Polygon([(1, 1), (29, 1), (29, 29), (15, 12), (1, 29)]),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        got = class_areas(make_zones(shapes), landcover, years=[2020])
    values = np.asarray(Y2020)
    transform = landcover.rio.transform()
    for name, geom in shapes.items():
        mask = rasterio.features.rasterize(
            [(geom, 1)], out_shape=(3, 3), transform=transform, all_touched=False
        ).astype(bool)
        codes, counts = np.unique(values[mask], return_counts=True)
        expected = {(int(c),): float(n) for c, n in zip(codes, counts, strict=True) if c != 0}
        assert as_dict(got[got.zone_id == name], ["class_code"]) == expected, name


def test_transitions_centre_by_hand(landcover):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        got = transitions(_zones("all", "top_left"), landcover)
    assert list(got.columns) == [
        "zone_id", "from_year", "to_year", "from_code", "to_code", "from_name", "to_name",
        "from_generic", "to_generic", "pixels", "area_m2", "area_ha", "area_mu",
    ]
    assert set(zip(got.from_year, got.to_year, strict=True)) == {(2020, 2021)}
    expected = {
        # (2, 0) 0->5 and (2, 2) 5->0 involve nodata and are left out.
        ("all", 1, 1): 2, ("all", 1, 8): 1, ("all", 2, 2): 1, ("all", 2, 5): 1, ("all", 5, 5): 2,
        ("top_left", 1, 1): 2, ("top_left", 1, 8): 1, ("top_left", 5, 5): 1,
    }
    assert as_dict(got, ["zone_id", "from_code", "to_code"]) == expected
    row = got[(got.zone_id == "all") & (got.from_code == 2) & (got.to_code == 5)].iloc[0]
    assert (row.from_name, row.to_name, row.from_generic, row.to_generic) == (
        "Forest", "Water", "forest", "water"
    )


def test_transition_matrix_exact_by_hand(landcover):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        pixels = transition_matrix(
            _zones("half"), landcover, 2020, 2021, coverage="exact", values="pixels"
        )
        fractions = transition_matrix(
            _zones("half"), landcover, 2020, 2021, coverage="exact", values="coverage_fraction"
        )
        area = transition_matrix(_zones("half"), landcover, 2020, 2021, coverage="exact")
    # Column 0: 1->1 twice (0->5 is nodata in 2020); column 1 at 40 %: 1->8, 5->5 twice.
    # Square over the codes seen in either year (1, 5, 8); absent transitions are 0.
    assert pixels.index.names == ["zone_id", "from_code"]
    assert pixels.columns.name == "to_code"
    assert pixels.loc["half"].to_numpy().tolist() == [[2, 0, 1], [0, 2, 0], [0, 0, 0]]
    assert pixels.loc["half"].index.tolist() == [1, 5, 8] == pixels.columns.tolist()
    expected = np.array([[2.0, 0, 0.4], [0, 0.8, 0], [0, 0, 0]])
    np.testing.assert_allclose(fractions.loc["half"].to_numpy(), expected, atol=1e-6)
    np.testing.assert_allclose(area.loc["half"].to_numpy(), expected * PIXEL_M2, atol=1e-4)
    assert area.attrs["provenance"]["function"] == "transition_matrix"
    assert area.attrs["class_names"][5] == "Water"


def test_transition_matrix_blocks_are_square_per_zone(landcover):
    got = transition_matrix(_zones("all", "top_left"), landcover, 2020, 2021, values="pixels")
    # Every zone gets the same square block; its sum is the zone's pixels valid in both years.
    codes = got.columns.tolist()
    for zone, total in (("all", 7), ("top_left", 4)):
        block = got.loc[zone]
        assert block.index.tolist() == codes
        assert int(block.to_numpy().sum()) == total


def test_transition_matrix_rejects_unknown_values(landcover):
    with pytest.raises(OptionError, match="values must be one of 'pixels'"):
        transition_matrix(_zones("all"), landcover, 2020, 2021, values="area_acres")


def test_pairs_consecutive_adds_first_to_last():
    lc = make_landcover({2000: Y2020, 2010: Y2021, 2020: Y2020})
    got = transitions(_zones("top_left"), lc)
    assert sorted(set(zip(got.from_year, got.to_year, strict=True))) == [
        (2000, 2010), (2000, 2020), (2010, 2020)
    ]
    back = got[(got.from_year == 2010) & (got.to_year == 2020)]
    assert as_dict(back, ["from_code", "to_code"]) == {(1, 1): 2, (8, 1): 1, (5, 5): 1}
    same = got[(got.from_year == 2000) & (got.to_year == 2020)]
    assert as_dict(same, ["from_code", "to_code"]) == {(1, 1): 3, (5, 5): 1}


def test_zone_on_raster_edge_counts_inside_and_warns(landcover):
    zones = make_zones({"edge": box(20, 10, 40, 30)})
    with pytest.warns(CoverageWarning, match="extend beyond the raster"):
        got = class_areas(zones, landcover)
    assert as_dict(got, ["year", "class_code"]) == {(2020, 2): 2, (2021, 2): 1, (2021, 5): 1}
    report = coverage_report(zones, landcover)
    assert report["outside_share"].tolist() == pytest.approx([0.5, 0.5])
    assert report["valid_share"].tolist() == pytest.approx([0.5, 0.5])
    assert report["zone_area_m2"].tolist() == pytest.approx([400.0, 400.0])


def test_coverage_report_counts_nodata_per_year(landcover):
    report = coverage_report(_zones("all", "overlap"), landcover, coverage="exact")
    rows = report.set_index(["zone_id", "year"])
    assert rows.loc[("all", 2020), "nodata_pixels"] == 1
    assert rows.loc[("all", 2020), "nodata_coverage_fraction"] == pytest.approx(1.0)
    assert rows.loc[("overlap", 2020), "nodata_pixels"] == 0
    assert rows.loc[("overlap", 2021), "nodata_area_m2"] == pytest.approx(100.0)
    assert rows.loc[("overlap", 2021), "valid_share"] == pytest.approx(0.75)
    shares = report[["valid_share", "nodata_share", "outside_share"]].sum(axis=1)
    np.testing.assert_allclose(shares, 1.0)  # exact coverage partitions each zone


def test_coverage_report_exact_counts_touched_pixels_and_weights_areas(landcover):
    report = coverage_report(_zones("half"), landcover, years=[2020], coverage="exact")
    row = report.iloc[0]
    assert list(report.columns) == [
        "zone_id", "year", "zone_area_m2", "valid_pixels", "valid_coverage_fraction",
        "valid_area_m2", "nodata_pixels", "nodata_coverage_fraction", "nodata_area_m2",
        "outside_area_m2", "valid_share", "nodata_share", "outside_share",
    ]
    # Column 0: two valid pixels and the nodata one whole; column 1: three valid at 40 %.
    assert (row.valid_pixels, row.nodata_pixels) == (5, 1)
    assert row.valid_coverage_fraction == pytest.approx(3.2, abs=1e-6)
    assert row.valid_area_m2 == pytest.approx(320.0, abs=1e-4)
    assert row.valid_share == pytest.approx(320.0 / 420.0, abs=1e-6)
    assert row.nodata_share == pytest.approx(100.0 / 420.0, abs=1e-6)


def test_nodata_in_zone_warns(landcover):
    with pytest.warns(CoverageWarning, match="contain nodata"):
        class_areas(_zones("all"), landcover)


def test_zone_outside_raster_raises_or_warns(landcover):
    zones = make_zones({"in": ZONES["top_left"], "far": box(100, 100, 110, 110)})
    with pytest.raises(NoOverlapError, match="far"):
        class_areas(zones, landcover)
    with pytest.raises(NoOverlapError):
        transitions(zones, landcover)
    with pytest.warns(CoverageWarning, match="do not overlap"):
        got = class_areas(zones, landcover, on_missing="warn")
    assert set(got.zone_id) == {"in"}
    report = coverage_report(zones, landcover)
    assert report.set_index(["zone_id", "year"]).loc[("far", 2020), "outside_share"] == 1.0


def test_zones_in_another_crs_are_reprojected(landcover):
    # The same boxes as "top_left" and "overlap" given in lon/lat: same pixels.
    local = _zones("top_left", "overlap")
    lonlat = local.to_crs("EPSG:4490")
    got = class_areas(lonlat, landcover, years=[2020])
    expected = class_areas(local, landcover, years=[2020])
    pd.testing.assert_frame_equal(got, expected)


def test_long_edges_are_densified_before_reprojection():
    # A 2 deg wide zone whose straight lon/lat top edge is a curve in Gauss-Krueger metres:
    # without densification the chord would cut off pixels along the edge.
    import geopandas as gpd
    from pyproj import CRS

    from geo_revival.overlay import prepare_overlay

    zones = gpd.GeoDataFrame({"zone_id": ["z"]}, geometry=[box(116, 34, 118, 35)], crs=4490)
    lc = make_landcover({2020: np.ones((2, 2))}, res=30.0, origin=(500000.0, 3800000.0))
    assert CRS.from_user_input(lc.rio.crs).equals(CRS.from_epsg(4548))
    dense = prepare_overlay(zones, lc).geoms[0]  # zones as the overlay sees them
    plain = zones.to_crs(4548).geometry.iloc[0]
    assert len(dense.exterior.coords) > 100 * len(plain.exterior.coords)
    reference = zones.geometry.segmentize(1e-4).to_crs(4548).iloc[0]
    assert abs(dense.area - reference.area) < 1e-6 * reference.area
    assert abs(plain.area - reference.area) > 1e4  # the chords alone lose > 1 ha


def test_geographic_grid_uses_per_row_geodesic_area():
    from geo_revival.crs import geodesic_area

    # 1 deg pixels at 0-3 N: rows have different areas.
    lc = make_landcover({2020: Y2020}, res=1.0, origin=(6.0, 3.0), crs="EPSG:4326")
    zones = make_zones({"col0": box(6, 0, 7, 3)}, crs="EPSG:4326")
    with pytest.warns(CoverageWarning, match="nodata"):
        got = class_areas(zones, lc)
    # Densified so that the cell edges follow the parallels, not geodesics.
    cells = geodesic_area(
        make_zones({"r0": box(6, 2, 7, 3), "r1": box(6, 1, 7, 2)}, crs="EPSG:4326")
        .geometry.segmentize(1e-3)
    ).to_numpy()
    assert got["pixels"].tolist() == [2]  # code 1 in rows 0 and 1; row 2 is nodata
    assert got["area_m2"].iloc[0] == pytest.approx(cells.sum(), rel=1e-7)


def test_missing_crs_raises(landcover):
    with pytest.raises(MissingCRSError, match="zones"):
        class_areas(make_zones({"a": ZONES["all"]}, crs=None), landcover)
    bare = make_landcover({2020: Y2020}, crs=None)
    with pytest.raises(MissingCRSError, match="landcover has no CRS"):
        class_areas(_zones("all"), bare)


@pytest.mark.parametrize(
    "zones,error,match",
    [
        (make_zones({"a": box(0, 0, 10, 10), "b": box(0, 0, 5, 5)}).assign(zone_id="a"),
         SchemaError, "unique"),
        (make_zones({"a": box(0, 0, 10, 10)}).rename(columns={"zone_id": "id"}),
         SchemaError, "zone_id"),
        (make_zones({"bow": Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])}),
         InvalidGeometryError, "bow"),
        (make_zones({"a": box(0, 0, 10, 10)}).iloc[:0], SchemaError, "empty"),
    ],
)
def test_bad_zones_raise(landcover, zones, error, match):
    with pytest.raises(error, match=match):
        class_areas(zones, landcover)


def test_bad_landcover_raises(landcover):
    with pytest.raises(SchemaError, match="integer"):
        class_areas(_zones("all"), landcover.astype("float32"))
    with pytest.raises(SchemaError, match="years"):
        class_areas(_zones("all"), landcover, years=[1999])
    with pytest.raises(SchemaError, match="one layer but no years were given"):
        class_areas(_zones("all"), landcover.isel(year=0))
    with pytest.raises(SchemaError, match="dims"):
        class_areas(_zones("all"), landcover.rename(year="scenario"))
    with pytest.raises(SchemaError, match=r"years repeat \(\[2020, 2020\]\)"):
        class_areas(_zones("all"), landcover.assign_coords(year=[2020, 2020]))
    with pytest.raises(SchemaError, match="'year' dimension without coordinate values"):
        class_areas(_zones("all"), landcover.drop_vars("year"))


def test_repeated_years_or_pairs_raise_instead_of_counting_twice(landcover):
    with pytest.raises(SchemaError, match="repeat a year"):
        class_areas(_zones("all"), landcover, years=[2020, 2020])
    with pytest.raises(SchemaError, match="repeat a pair"):
        transitions(_zones("all"), landcover, pairs=[(2020, 2021), (2020, 2021)])


def test_unknown_codes_raise_or_warn():
    lc = make_landcover({2020: [[1, 1, 42], [1, 1, 1], [1, 1, 1]]})
    with pytest.raises(LegendError, match="42"):
        class_areas(_zones("all"), lc)
    with pytest.warns(UnknownCodeWarning, match="42"):
        got = class_areas(_zones("all"), lc, strict=False)
    row = got[got.class_code == 42].iloc[0]
    assert row.pixels == 1 and pd.isna(row.class_name) and pd.isna(row.generic_class)


def test_inputs_are_not_modified_and_provenance_recorded(landcover):
    zones = _zones("top_left").to_crs("EPSG:4490")
    before_zones, before_lc = zones.copy(), landcover.copy(deep=True)
    got = class_areas(zones, landcover)
    pd.testing.assert_frame_equal(zones, before_zones)
    assert landcover.identical(before_lc)
    record = got.attrs["provenance"]
    assert record["function"] == "class_areas"
    assert record["legend"] == "clcd"
    assert record["parameters"]["coverage"] == "centre"
    assert record["simulated"] is True


def test_dask_backed_and_progress_bar(landcover, capsys, monkeypatch):
    chunked = landcover.chunk({"year": 1, "y": 2, "x": 2})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        got = class_areas(_zones("all", "donut"), chunked, progress=True)
        expected = class_areas(_zones("all", "donut"), landcover)
    pd.testing.assert_frame_equal(got, expected)
    # stderr captured here is no terminal: no bar (no "\r" redraws in logs) ...
    assert capsys.readouterr().err == ""
    # ... on a terminal the bar is drawn
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        class_areas(_zones("all", "donut"), chunked, progress=True)
    assert "overlay blocks" in capsys.readouterr().err


@pytest.mark.parametrize("crs,res,origin", [("EPSG:4548", 10.0, (0.0, 30.0)),
                                            ("EPSG:4326", 1.0, (6.0, 3.0))])
def test_windows_wholly_inside_a_zone_skip_rasterizing_with_same_result(crs, res, origin):
    from geo_revival.grid import Grid
    from geo_revival.overlay._engine import plan_blocks

    lc = make_landcover({2020: Y2020, 2021: Y2021}, res=res, origin=origin, crs=crs)
    x0, y1 = origin
    cover = box(x0 - res / 2, y1 - 3.5 * res, x0 + 3.5 * res, y1 + res / 2)  # beyond all edges
    zones = make_zones({"cover": cover}, crs=crs)
    grid = Grid(lc.rio.transform(), 3, 3)
    jobs = plan_blocks(zones.geometry.to_numpy(), grid, [0, 1, 2, 3], [0, 1, 2, 3])
    assert all(j.inside.all() for j in jobs)  # one-pixel blocks, each strictly inside
    # The raster's own outline touches the block edges, so its pixels are burnt by rasterize.
    outline = make_zones({"cover": box(x0, y1 - 3 * res, x0 + 3 * res, y1)}, crs=crs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        inside = class_areas(zones, lc.chunk({"year": 1, "y": 1, "x": 1}))
        burnt = class_areas(outline, lc.chunk({"year": 1, "y": 1, "x": 1}))
    pd.testing.assert_frame_equal(inside, burnt)
    expected = {**_expected({"cover": CENTRE_2020["all"]}, 2020),
                **_expected({"cover": CENTRE_2021["all"]}, 2021)}
    assert as_dict(inside, ["zone_id", "year", "class_code"]) == expected


@pytest.mark.parametrize("dtype", ["uint8", "int8", "uint16", "int16", "int32", "uint32"])
def test_integer_dtypes_give_the_same_counts(landcover, dtype):
    # 8-bit codes index bins directly; wider ones are shifted by the block minimum.
    zones = _zones("all", "top_left", "overlap")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        expected = transitions(zones, landcover)
        got = transitions(zones, landcover.astype(dtype))
    pd.testing.assert_frame_equal(got, expected)


def test_codes_far_apart_are_counted_exactly():
    # A code span too wide for dense bins (> 2**11 squared) takes the sorting path.
    lc = make_landcover({2020: [[1, 1, 70000], [1, 5, 5], [0, 5, 5]],
                         2021: [[70000, 1, 1], [1, 5, 5], [5, 5, 0]]}, dtype="int32")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        warnings.simplefilter("ignore", UnknownCodeWarning)
        got = transitions(_zones("all"), lc, strict=False)
    assert as_dict(got, ["from_code", "to_code"]) == {
        (1, 70000): 1, (1, 1): 2, (70000, 1): 1, (5, 5): 3
    }


def test_local_pass_does_not_import_distributed():
    # Naming a scheduler ("sync") makes dask import distributed (0.1-0.5 s) to look for a
    # client; that import landed inside the first block of every local run (RESULTS.md).
    import subprocess
    from pathlib import Path

    code = (
        "import sys, warnings\n"
        "from geo_revival.overlay import transitions\n"
        "from tests.unit.test_overlay import Y2020, Y2021, _zones, make_landcover\n"
        "warnings.simplefilter('ignore')\n"
        "transitions(_zones('all'), make_landcover({2020: Y2020, 2021: Y2021}))\n"
        "print('distributed' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "False"
