"""Inputs as the ecosystem holds them (issue 12): as_landcover, as_zones, one convention.

Land cover: the 3 x 3 fixture of test_overlay (10 m pixels, CLCD codes) given as the arrays
other tools return (``band``, ``time``, ``lat/lon``, stackstac's ``time, band``); each must give
the very table the canonical ``(year, y, x)`` array gives. Zones: GeoDataFrame, file path, GDAL
``/vsizip/`` path and an HTTP URL served on loopback.
"""

from __future__ import annotations

import functools
import http.server
import threading
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from affine import Affine
from shapely.geometry import box

import geo_revival as gr
from geo_revival.exceptions import (
    GridMismatchError,
    LegendError,
    MissingCRSError,
    OptionError,
    SchemaError,
)
from geo_revival.grid import Grid
from geo_revival.validation import check_option
from tests.overlay_fixtures import make_landcover, make_zones

# Zone files are checked against their CRS's area of use: place the grid inside EPSG:4548's.
X0, Y0 = 500_000.0, 3_800_000.0
Y2020 = [[1, 1, 2], [1, 5, 2], [0, 5, 5]]
Y2021 = [[1, 8, 2], [1, 5, 5], [5, 5, 0]]


@pytest.fixture
def canonical() -> xr.DataArray:
    return make_landcover({2020: Y2020, 2021: Y2021}, origin=(X0, Y0 + 30))


@pytest.fixture
def zones() -> gpd.GeoDataFrame:
    return make_zones({"a": box(X0, Y0, X0 + 30, Y0 + 30), "b": box(X0, Y0 + 10, X0 + 20, Y0 + 30)})


def _bare(da: xr.DataArray) -> xr.DataArray:
    """The array without legend, as a file read by rioxarray comes."""
    out = da.copy()
    out.attrs = {}
    return out


def _quiet(func, *args, **kwargs):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gr.exceptions.CoverageWarning)
        return func(*args, **kwargs)


# -- as_landcover ------------------------------------------------------------------------------
def test_band_array_with_years_and_legend_gives_the_canonical_table(canonical, zones) -> None:
    band = _bare(canonical).rename(year="band").assign_coords(band=[1, 2])
    expected = _quiet(gr.class_areas, zones, canonical)
    got = _quiet(gr.class_areas, zones, band, legend="clcd", years=[2020, 2021])
    pd.testing.assert_frame_equal(got, expected)


def test_time_array_takes_calendar_years(canonical, zones) -> None:
    stamps = pd.to_datetime(["2020-07-01", "2021-06-30"])
    timed = canonical.rename(year="time").assign_coords(time=stamps)
    lc = gr.as_landcover(timed)
    assert lc.dims == ("year", "y", "x") and lc["year"].values.tolist() == [2020, 2021]
    pd.testing.assert_frame_equal(
        _quiet(gr.transitions, zones, timed), _quiet(gr.transitions, zones, canonical)
    )


def test_stackstac_time_band_array_drops_the_single_band(canonical) -> None:
    stamps = pd.to_datetime(["2020-01-01", "2021-01-01"])
    stacked = canonical.rename(year="time").assign_coords(time=stamps).expand_dims(
        band=["map"], axis=1
    )
    lc = gr.as_landcover(stacked)
    assert lc.dims == ("year", "y", "x")
    np.testing.assert_array_equal(lc.values, canonical.values)


def test_lat_lon_dims_are_renamed(zones) -> None:
    lonlat = make_landcover({2020: Y2020}, res=0.001, origin=(117.0, 34.003), crs="EPSG:4326")
    renamed = lonlat.rename(x="lon", y="lat")
    lc = gr.as_landcover(renamed)
    assert lc.dims == ("year", "y", "x")
    assert lc.rio.transform() == lonlat.rio.transform()
    zone = make_zones({"z": box(117.0, 34.0, 117.003, 34.003)}).set_crs(4326, allow_override=True)
    pd.testing.assert_frame_equal(
        _quiet(gr.class_areas, zone, renamed), _quiet(gr.class_areas, zone, lonlat)
    )


def test_two_dimensional_layer_takes_its_year(canonical) -> None:
    lc = gr.as_landcover(canonical.isel(year=1, drop=True), years=[2021])
    assert lc["year"].values.tolist() == [2021]
    np.testing.assert_array_equal(lc.values[0], np.asarray(Y2021))


def test_years_select_on_arrays_that_carry_years(canonical) -> None:
    assert gr.as_landcover(canonical, years=[2021])["year"].values.tolist() == [2021]
    with pytest.raises(SchemaError, match=r"years \[1999\] are not in the land cover"):
        gr.as_landcover(canonical, years=[1999])


def test_input_is_not_modified(canonical) -> None:
    bare = _bare(canonical).rename(year="band")
    before = bare.copy(deep=True)
    gr.as_landcover(bare, legend="clcd", years=[2020, 2021])
    xr.testing.assert_identical(bare, before)
    assert "legend" not in bare.attrs


@pytest.mark.parametrize(
    ("change", "kwargs", "error", "match"),
    [
        (lambda da: da.rename(year="band"), {"legend": "clcd"}, SchemaError,
         "2 band.* but no years were given"),
        (lambda da: da.rename(year="band"), {"legend": "clcd", "years": [2020]}, SchemaError,
         "2 band.* but 1 year"),
        (lambda da: da, {}, SchemaError, "names no legend: pass legend="),
        (lambda da: da.assign_attrs(legend="corine"), {"legend": "clcd"}, SchemaError,
         "contradicts"),
        (lambda da: da, {"legend": "no_such_legend"}, LegendError, "unknown legend"),
        (lambda da: da.astype("float32"), {"legend": "clcd"}, SchemaError, "integer"),
        (lambda da: da.rename(year="scenario"), {"legend": "clcd"}, SchemaError, "dims"),
        (lambda da: da.drop_vars("spatial_ref"), {"legend": "clcd"}, MissingCRSError,
         "no CRS"),
        (lambda da: da.isel(y=slice(None, None, -1)), {"legend": "clcd"}, GridMismatchError,
         "north-up"),
    ],
)
def test_as_landcover_refuses_with_a_hint(canonical, change, kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        gr.as_landcover(change(_bare(canonical)), **kwargs)


def test_as_landcover_refuses_non_arrays() -> None:
    with pytest.raises(SchemaError, match="must be an xarray DataArray, not ndarray"):
        gr.as_landcover(np.zeros((1, 2, 2), "uint8"))


# -- as_zones ----------------------------------------------------------------------------------
@pytest.fixture
def zone_file(tmp_path: Path, zones: gpd.GeoDataFrame) -> Path:
    path = tmp_path / "zones.gpkg"
    zones.assign(category="other").to_file(path)
    return path


def test_as_zones_passes_geodataframes_and_reads_paths(zones, zone_file) -> None:
    assert gr.as_zones(zones) is zones
    read = gr.as_zones(zone_file)
    expected = gr.load_zones(zone_file)
    pd.testing.assert_frame_equal(pd.DataFrame(read), pd.DataFrame(expected))
    with pytest.raises(SchemaError, match="not int"):
        gr.as_zones(3)


def test_path_without_category_names_load_zones(tmp_path: Path, zones) -> None:
    path = tmp_path / "plain.gpkg"
    zones.to_file(path)
    with pytest.raises(SchemaError, match=r"Category column.*geo_revival.load_zones\(path"):
        gr.class_areas(path, make_landcover({2020: Y2020}, origin=(X0, Y0 + 30)))


def test_vsizip_path(tmp_path: Path, zones) -> None:
    shp = tmp_path / "shp"
    shp.mkdir()
    zones.assign(category="other").to_file(shp / "zones.shp")
    archive = tmp_path / "zones.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in shp.iterdir():
            zf.write(f, f.name)
    got = gr.as_zones(f"/vsizip/{archive}/zones.shp")
    assert got["zone_id"].tolist() == ["a", "b"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path, zones: gpd.GeoDataFrame) -> Iterator[str]:
    """Serve a GeoJSON zone file on loopback (tests never use the network)."""
    site = tmp_path / "site"
    site.mkdir()
    zones.assign(category="other").to_file(site / "zones.geojson", driver="GeoJSON")
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/zones.geojson"
    finally:
        server.shutdown()
        server.server_close()


def test_url_zones_in_class_areas(served: str, zones, canonical) -> None:
    got = _quiet(gr.class_areas, served, canonical)
    pd.testing.assert_frame_equal(got, _quiet(gr.class_areas, zones, canonical))


def test_missing_local_file_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(gr.exceptions.ReadError, match="does not exist"):
        gr.as_zones(tmp_path / "nope.gpkg")


def test_planned_use_column(tmp_path: Path, zones) -> None:
    path = tmp_path / "uses.gpkg"
    zones.assign(category="other", use=["宜林", "water"]).to_file(path)
    got = gr.load_zones(path, planned_use_column="use")
    assert got["planned_use"].tolist() == ["forest", "water"]
    with pytest.raises(SchemaError, match="Planned-use column 'usage' not found"):
        gr.load_zones(path, planned_use_column="usage")


# -- one convention ----------------------------------------------------------------------------
def test_include_cols_copies_zone_columns(canonical, zones) -> None:
    labelled = zones.assign(name=["all", "top left"], district=["x", "y"])
    got = _quiet(gr.class_areas, labelled, canonical, include_cols=["name", "district"])
    assert got.columns[:3].tolist() == ["zone_id", "name", "district"]
    by_zone = got.drop_duplicates("zone_id").set_index("zone_id")
    assert by_zone.loc["a", "name"] == "all" and by_zone.loc["b", "district"] == "y"
    assert got.attrs["provenance"]["function"] == "class_areas"
    moves = _quiet(gr.transitions, labelled, canonical, include_cols=["name"])
    assert (moves["name"] == moves["zone_id"].map({"a": "all", "b": "top left"})).all()
    with pytest.raises(SchemaError, match="lack columns"):
        gr.class_areas(labelled, canonical, include_cols=["nope"])
    with pytest.raises(SchemaError, match="would replace result columns"):
        gr.class_areas(labelled.assign(year=1), canonical, include_cols=["year"])


def test_id_column_is_the_one_name_and_old_names_warn(canonical, zones) -> None:
    units = zones.rename(columns={"zone_id": "unit_id"})
    expected = _quiet(gr.class_areas, zones, canonical)
    got = _quiet(gr.class_areas, units, canonical, id_column="unit_id")
    pd.testing.assert_frame_equal(got.drop(columns=[]), expected)
    with pytest.warns(DeprecationWarning, match=r"zone_id=\.\.\.\) is deprecated; use id_column"):
        old = _quiet(gr.class_areas, units, canonical, zone_id="unit_id")
    pd.testing.assert_frame_equal(old, expected)
    status = gr.restoration_status(expected.rename(columns={"zone_id": "unit_id"}),
                                   planned_use="", id_column="unit_id")
    with pytest.warns(DeprecationWarning, match="by=.*id_column"):
        old_status = gr.restoration_status(expected.rename(columns={"zone_id": "unit_id"}),
                                           planned_use="", by="unit_id")
    pd.testing.assert_frame_equal(old_status, status)


def test_old_argument_order_still_works_with_a_warning(canonical) -> None:
    zones = make_zones({"z": box(X0, Y0, X0 + 30, Y0 + 30)}).assign(planned_use="cropland")
    new = _quiet(gr.state_map, zones, canonical)
    with pytest.warns(DeprecationWarning, match=r"state_map\(zones, landcover"):
        old = _quiet(gr.state_map, canonical, zones)
    xr.testing.assert_identical(old, new)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda z, lc: gr.class_areas(z, lc, coverage="center"), "coverage"),
        (lambda z, lc: gr.class_areas(z, lc, on_missing="ignore"), "on_missing"),
        (lambda z, lc: gr.transitions(z, lc, pairs="every"), "pairs"),
        (lambda z, lc: gr.account(z.assign(planned_use=""), lc, coverage="exactly"), "coverage"),
        (lambda z, lc: gr.restoration_rate(pd.DataFrame(), definition="mean"), "definition"),
        (lambda z, lc: gr.allocate_sample(10, {"a": 1.0}, method="neyman2"), "method"),
        (lambda z, lc: gr.open_landcover([], legend="clcd", align="snap"), "align"),
    ],
)
def test_every_option_string_raises_option_error_naming_allowed(canonical, zones, call,
                                                                name) -> None:
    with pytest.raises(OptionError, match=rf"^{name}.* must be one of '|^{name} must be one of '"):
        call(zones, canonical)


def test_option_error_is_a_value_error_and_a_geo_revival_error() -> None:
    with pytest.raises(ValueError, match="coverage must be one of 'centre', 'exact'; got 'x'"):
        check_option("x", ("centre", "exact"), "coverage")
    assert issubclass(OptionError, gr.GeoRevivalError)


# -- the one grid type -------------------------------------------------------------------------
def test_grid_of_an_array_and_its_windows(canonical) -> None:
    grid = Grid.of(canonical)
    assert (grid.height, grid.width) == (3, 3)
    assert grid.bounds == (X0, Y0, X0 + 30, Y0 + 30)
    assert grid.window_bounds(1, 3, 0, 2) == (X0, Y0, X0 + 20, Y0 + 20)
    assert grid.window_transform(1, 2) == Affine(10, 0, X0 + 20, 0, -10, Y0 + 20)
    assert grid.offset_in(Grid(Affine(10, 0, X0 - 10, 0, -10, Y0 + 40), 5, 5)) == (1.0, 1.0)
