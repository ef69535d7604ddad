"""fetch_landcover for ESA WorldCover: windowed range reads of the real tiles, cache, offline,
mirrors and every failure mode, against a loopback server laid out like the real S3 bucket."""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine
from hypothesis import given
from hypothesis import strategies as st
from rasterio.windows import Window
from typer.testing import CliRunner

from geo_revival.exceptions import (
    AccountRequiredError,
    FetchError,
    ProductVersionWarning,
    SchemaError,
)
from geo_revival.fetch import (
    clear_cache,
    fetch_landcover,
    landcover_credit,
    list_cache,
    list_products,
)
from geo_revival.fetch._products import with_base_url, worldcover_tiles
from tests import fetch_fixtures
from tests.fetch_fixtures import WC, WC_FILES, wc_path, write_tif
from tests.http_server import LoopbackServer

server, wc_server = fetch_fixtures.server, fetch_fixtures.wc_server  # fixtures

# A 0.1° box inside tile N00E006 (6-9 E, 0-3 N, 1/12000° pixels). By hand: columns
# (6.5 - 6) * 12000 = 6000 to 7200, rows (3 - 0.3) * 12000 = 32400 to 33600.
BOX = (6.5, 0.2, 6.6, 0.3)
WINDOW = Window(6000, 32400, 1200, 1200)


def _fetch(srv: LoopbackServer, cache: Path, years: list[int] | int = 2021, box=BOX, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProductVersionWarning)  # v100 vs v200: expected
        return fetch_landcover("esa_worldcover", box, years, cache_dir=cache,
                               base_url=srv.url, progress=False, **kw)  # fmt: skip


def _reference(shared_data: Path, year: int, window: Window = WINDOW) -> np.ndarray:
    with rasterio.open(shared_data / WC / WC_FILES[year][1]) as src:
        return src.read(1, window=window)


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_window_equals_the_file_pixel_for_pixel(wc_server, shared_data, tmp_path):
    da = _fetch(wc_server, tmp_path, [2020, 2021])
    assert da.dims == ("year", "y", "x")
    assert da.sizes == {"year": 2, "y": 1200, "x": 1200}
    for year in (2020, 2021):
        ref = _reference(shared_data, year)
        got = da.sel(year=year).values
        np.testing.assert_array_equal(got, ref)
        # the class counts a user gets equal those of the tile read directly
        assert dict(zip(*np.unique(got, return_counts=True), strict=True)) == dict(
            zip(*np.unique(ref, return_counts=True), strict=True)
        )
    t = da.rio.transform()
    assert (t.c, t.f) == pytest.approx((6.5, 0.3), abs=1e-12)
    assert t.a == pytest.approx(1 / 12000)
    assert da.attrs["legend"] == "esa_worldcover"
    assert da.attrs["version"] == ["v100", "v200"]


def test_result_is_real_data_with_citation_urls_and_checksums(wc_server, tmp_path):
    da = _fetch(wc_server, tmp_path, [2020, 2021])
    assert da.attrs["simulated"] is False
    assert "10.5281/zenodo.5571936" in da.attrs["citation"]
    assert "10.5281/zenodo.7254221" in da.attrs["citation"]
    assert da.attrs["licence"] == "CC BY 4.0"
    assert "ESA WorldCover project 2021" in landcover_credit(da)
    prov = da.attrs["provenance"]
    assert prov["simulated"] is False and prov["function"] == "fetch_landcover"
    urls = {s["url"] for s in prov["sources"]}
    assert urls == {wc_server.url + wc_path(2020), wc_server.url + wc_path(2021)}
    for src in prov["sources"]:
        digest = hashlib.sha256(Path(src["path"]).read_bytes()).hexdigest()
        assert src["sha256"] == digest


def test_windowed_read_transfers_a_small_part_of_the_file(wc_server, shared_data, tmp_path):
    _fetch(wc_server, tmp_path, [2020, 2021])
    for year in (2020, 2021):
        size = (shared_data / WC / WC_FILES[year][1]).stat().st_size
        sent = wc_server.log.bytes_for(wc_path(year))
        print(f"\n{year}: {sent:,} of {size:,} bytes ({sent / size:.1%}), "
              f"{wc_server.log.count(wc_path(year))} requests")  # fmt: skip
        assert 0 < sent < 0.15 * size
        # every GET asked for a byte range: the whole file was never requested
        assert all(r is not None for m, p, r, _ in wc_server.log.requests if m == "GET")


def test_second_call_makes_no_request(wc_server, tmp_path):
    first = _fetch(wc_server, tmp_path, [2020, 2021])
    assert wc_server.log.count() > 0
    wc_server.log.clear()
    second = _fetch(wc_server, tmp_path, [2020, 2021])
    assert wc_server.log.count() == 0
    np.testing.assert_array_equal(first.values, second.values)


def test_offline_with_cache_works_and_without_names_url_and_commands(wc_server, tmp_path):
    url = wc_server.url
    first = _fetch(wc_server, tmp_path)
    wc_server.stop()  # the network is gone
    again = _fetch(wc_server, tmp_path)
    np.testing.assert_array_equal(first.values, again.values)
    with pytest.raises(FetchError) as err:  # a box not fetched before
        _fetch(wc_server, tmp_path, box=(7.5, 0.2, 7.6, 0.3), retries=0, timeout=2)
    msg = str(err.value)
    assert url + wc_path(2021) in msg
    assert "geo-revival fetch esa_worldcover --bbox 7.5 0.2 7.6 0.3 --years 2021 --to DIR" in msg
    assert "--cache-dir DIR" in msg


@pytest.mark.parametrize(
    ("fault", "cause"),
    [
        ("404", "HTTP 404"),
        ("500", "HTTP 500"),
        ("drop", "cut off"),
        ("slow", "timeout"),
    ],
)
def test_failures_give_a_clear_error_and_cache_nothing(wc_server, tmp_path, fault, cause):
    wc_server.faults[wc_path(2021)] = fault
    with pytest.raises(FetchError, match=cause) as err:
        _fetch(wc_server, tmp_path, retries=0, timeout=1)
    assert wc_server.url + wc_path(2021) in str(err.value)
    assert _files(tmp_path) == []
    assert list_cache(tmp_path).empty


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_a_partial_transfer_is_never_accepted(wc_server, shared_data, tmp_path, fraction):
    # Part of every response arrives, then the connection drops. GDAL may ask again for the
    # missing bytes and complete the data, or fail; it must never return data that differ.
    wc_server.faults[wc_path(2021)] = "drop"
    wc_server.drop_fraction = fraction
    try:
        da = _fetch(wc_server, tmp_path, retries=0, timeout=2)
    except FetchError as exc:
        assert "cut off" in str(exc)
        assert _files(tmp_path) == []
    else:
        np.testing.assert_array_equal(da.sel(year=2021).values, _reference(shared_data, 2021))


def test_an_incomplete_cached_file_is_fetched_again(wc_server, shared_data, tmp_path):
    _fetch(wc_server, tmp_path)
    (cached,) = [p for p in _files(tmp_path) if p.suffix == ".tif"]
    cached.write_bytes(cached.read_bytes()[:1000])  # truncated behind the cache's back
    wc_server.log.clear()
    da = _fetch(wc_server, tmp_path)
    assert wc_server.log.count() > 0
    np.testing.assert_array_equal(da.sel(year=2021).values, _reference(shared_data, 2021))


def test_base_url_environment_variable_and_path_prefix(server, shared_data, tmp_path,
                                                       monkeypatch):  # fmt: skip
    server.routes["/mirror/esa" + wc_path(2021)] = shared_data / WC / WC_FILES[2021][1]
    monkeypatch.setenv("GEO_REVIVAL_BASE_URL", server.url + "/mirror/esa")
    da = fetch_landcover("esa_worldcover", BOX, 2021, cache_dir=tmp_path, progress=False)
    np.testing.assert_array_equal(da.sel(year=2021).values, _reference(shared_data, 2021))
    assert da.attrs["provenance"]["sources"][0]["url"].startswith(server.url + "/mirror/esa/v200")


def test_cache_environment_variable(wc_server, tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_REVIVAL_CACHE", str(tmp_path / "env-cache"))
    fetch_landcover("esa_worldcover", BOX, 2021, base_url=wc_server.url, progress=False)
    table = list_cache(tmp_path / "env-cache")
    assert table["kind"].tolist() == ["window"]
    assert table["url"].tolist() == [wc_server.url + wc_path(2021)]
    on_disk = sum(p.stat().st_size for p in _files(tmp_path / "env-cache"))  # data + sidecars
    assert clear_cache(tmp_path / "env-cache") == on_disk > table["size_bytes"].sum()
    assert _files(tmp_path / "env-cache") == []
    assert list_cache(tmp_path / "env-cache").empty


def test_box_across_two_tiles_is_mosaicked(server, tmp_path):
    # Xuzhou straddles 117° E: tiles N33E114 and N33E117. Small stand-in tiles (0.01° pixels,
    # 300 x 300) at the real URL paths: 40 (cropland) in the west tile, 50 (built-up) east.
    for tile, lon, code in (("N33E114", 114, 40), ("N33E117", 117, 50)):
        path = write_tif(tmp_path / f"{tile}.tif", np.full((300, 300), code, "uint8"),
                         Affine(0.01, 0, lon, 0, -0.01, 36), "EPSG:4326")  # fmt: skip
        server.routes[f"/v200/2021/map/ESA_WorldCover_10m_2021_v200_{tile}_Map.tif"] = path
    da = fetch_landcover("esa_worldcover", (116.9, 34.0, 117.1, 34.1), 2021,
                         cache_dir=tmp_path / "c", base_url=server.url, progress=False)  # fmt: skip
    # by hand: 0.2° wide = 20 columns (10 west of 117°, 10 east), 0.1° high = 10 rows
    expected = np.repeat([[40] * 10 + [50] * 10], 10, axis=0)
    np.testing.assert_array_equal(da.sel(year=2021).values, expected)
    assert len(da.attrs["provenance"]["sources"]) == 2


@given(
    minx=st.floats(-179, 178), miny=st.floats(-89, 88),
    w=st.floats(0.001, 1.0), h=st.floats(0.001, 1.0),
)  # fmt: skip
def test_worldcover_tiles_cover_the_box_and_only_it(minx, miny, w, h):
    box = (minx, miny, minx + w, miny + h)
    tiles = worldcover_tiles(box)
    corners = []
    for t in tiles:
        lat = int(t[1:3]) * (1 if t[0] == "N" else -1)
        lon = int(t[4:7]) * (1 if t[3] == "E" else -1)
        assert lat % 3 == 0 and lon % 3 == 0
        # each tile intersects the box (open intervals)
        assert lon < box[2] and lon + 3 > box[0] and lat < box[3] and lat + 3 > box[1]
        corners.append((lon, lat))
    # together they cover it
    assert min(c[0] for c in corners) <= box[0] and max(c[0] for c in corners) + 3 >= box[2]
    assert min(c[1] for c in corners) <= box[1] and max(c[1] for c in corners) + 3 >= box[3]


@pytest.mark.parametrize(
    ("box", "tiles"),
    [((117.1, 34.2, 117.3, 34.4), ["N33E117"]), ((-0.5, -0.5, 0.5, 0.5),
     ["S03W003", "S03E000", "N00W003", "N00E000"])],
)  # fmt: skip
def test_worldcover_tile_names(box, tiles):
    assert worldcover_tiles(box) == tiles


def test_with_base_url_keeps_path_and_query():
    # loopback hosts: the strings are rewritten, never requested
    assert (with_base_url("https://127.0.0.1:9/records/1/files/a.zip?download=1", "http://m:8/z")
            == "http://m:8/z/records/1/files/a.zip?download=1")  # fmt: skip
    assert with_base_url("https://127.0.0.1:9/a", None) == "https://127.0.0.1:9/a"
    with pytest.raises(SchemaError, match="base_url"):
        with_base_url("https://127.0.0.1:9/a", "mirror.example")


@pytest.mark.parametrize(
    ("product", "years", "error", "match"),
    [
        ("dynamic_world", [2021], AccountRequiredError, "account holders.*Products that need"),
        ("modis_igbp_q1", [2019], AccountRequiredError, "lpdaac"),
        ("corine", [2018], SchemaError, "unknown product 'corine'"),
        ("esa_worldcover", [2019], SchemaError, "no year 2019.*2020, 2021"),
        ("esa_worldcover", [], SchemaError, "years is empty"),
    ],
)
def test_products_that_cannot_be_fetched_say_why(product, years, error, match, tmp_path):
    with pytest.raises(error, match=match):
        fetch_landcover(product, BOX, years, cache_dir=tmp_path, progress=False)


@pytest.mark.parametrize("box", [(6.6, 0.2, 6.5, 0.3), (200, 0, 201, 1), (1, 2, 3)])
def test_bad_boxes_raise(box, tmp_path):
    with pytest.raises(SchemaError, match="lon/lat"):
        fetch_landcover("esa_worldcover", box, 2021, cache_dir=tmp_path, progress=False)


def test_product_table_has_sources_and_licences():
    table = list_products()
    assert {"esa_worldcover", "clcd", "glc_fcs30d", "esri_lulc", "dynamic_world"} <= set(
        table["product"]
    )
    assert table["source_page"].str.startswith("https://").all()
    assert (table["citation"].str.len() > 20).all()


@pytest.mark.filterwarnings("ignore::geo_revival.exceptions.ProductVersionWarning")
def test_cli_fetch_prints_the_class_counts_and_cache_commands(wc_server, shared_data, tmp_path):
    from geo_revival.cli import app

    runner = CliRunner()
    result = runner.invoke(app, [
        "fetch", "esa_worldcover", "--bbox", "6.5", "0.2", "6.6", "0.3", "--years", "2020,2021",
        "--to", str(tmp_path), "--base-url", wc_server.url, "--format", "csv", "--quiet",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.stdout.splitlines() if ln and ln[0].isdigit()]
    got = {(int(y), int(c)): int(n) for y, c, _, n in (ln.split(",") for ln in lines)}
    for year in (2020, 2021):
        codes, counts = np.unique(_reference(shared_data, year), return_counts=True)
        assert {c: got[(year, c)] for c in codes.tolist()} == dict(
            zip(codes.tolist(), counts.tolist(), strict=True)
        )
    listed = runner.invoke(app, ["cache", "list", "--cache-dir", str(tmp_path), "-f", "csv"])
    assert listed.exit_code == 0
    rows = [ln for ln in listed.stdout.splitlines()[1:] if ln]
    assert sorted(r.split(",")[1] for r in rows) == ["v100", "v200"]
    cleared = runner.invoke(app, ["cache", "clear", "--cache-dir", str(tmp_path)])
    assert cleared.exit_code == 0 and "freed" in cleared.stdout
    assert list_cache(tmp_path).empty


def test_cli_fetch_failure_exits_2_with_the_url(wc_server, tmp_path):
    from geo_revival.cli import app

    wc_server.faults[wc_path(2021)] = "404"
    result = CliRunner().invoke(app, [
        "fetch", "esa_worldcover", "--bbox", "6.5", "0.2", "6.6", "0.3", "--years", "2021",
        "--cache-dir", str(tmp_path), "--base-url", wc_server.url, "--quiet",
    ])  # fmt: skip
    assert result.exit_code == 2
    assert "HTTP 404" in result.stderr and wc_path(2021) in result.stderr


def test_sidecar_records_url_and_sha256(wc_server, tmp_path):
    _fetch(wc_server, tmp_path)
    (meta_path,) = list(tmp_path.rglob("*.tif.json"))
    meta = json.loads(meta_path.read_text())
    data = meta_path.with_name(meta_path.name[:-5])
    assert meta["sha256"] == hashlib.sha256(data.read_bytes()).hexdigest()
    assert meta["size_bytes"] == data.stat().st_size
    assert meta["url"] == wc_server.url + wc_path(2021)


def test_maps_carry_the_fetched_products_attribution():
    from geo_revival.mapping import progress_map, static_map
    from tests.unit import _mapping_data as md

    lc = md.landcover(simulated=False)
    lc.attrs["attribution"] = "© ESA WorldCover project 2021 / Contains modified Copernicus"
    fig = static_map(md.zones(), md.rates(), landcover=lc)
    texts = [t.get_text() for t in fig.texts]
    assert any("© ESA WorldCover project 2021" in t for t in texts)
    html = progress_map(md.zones(), md.rates(), landcover=lc).get_root().render()
    assert 'attributionControl.addAttribution("Land cover' in html
    assert "ESA WorldCover project 2021" in html
    # land cover without a fetched product's attribution adds none
    plain = progress_map(md.zones(), md.rates(), landcover=md.landcover(simulated=False))
    assert 'attributionControl.addAttribution("Land cover' not in plain.get_root().render()


def test_zones_and_zone_files_give_their_lon_lat_bounding_box(wc_server, shared_data, tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    from geo_revival.fetch import bbox_of

    # two zones whose union's box is BOX, stored in UTM 32N: the box comes back in lon/lat
    zones = gpd.GeoDataFrame(
        {"zone_id": ["a", "b"], "category": ["other", "other"]},
        geometry=[box(6.5, 0.2, 6.55, 0.25), box(6.55, 0.25, 6.6, 0.3)], crs="EPSG:4326",
    ).to_crs("EPSG:32632")  # fmt: skip
    assert bbox_of(zones) == pytest.approx(BOX, abs=1e-9)
    zones.to_file(tmp_path / "zones.gpkg")
    assert bbox_of(tmp_path / "zones.gpkg") == pytest.approx(BOX, abs=1e-9)
    da = _fetch(wc_server, tmp_path / "c", box=str(tmp_path / "zones.gpkg"))
    np.testing.assert_array_equal(da.sel(year=2021).values, _reference(shared_data, 2021))


@pytest.mark.parametrize(
    ("given", "years"),
    [(["2020,2021"], [2020, 2021]), (["2018-2020"], [2018, 2019, 2020]),
     (["1985", "1990-1991"], [1985, 1990, 1991]), (None, [])],
)  # fmt: skip
def test_cli_years(given, years):
    from geo_revival.cli._fetch import parse_years

    assert parse_years(given) == years


def test_version_warning_points_at_the_caller(wc_server, tmp_path):
    with pytest.warns(ProductVersionWarning, match="different product versions") as rec:
        fetch_landcover("esa_worldcover", BOX, [2020, 2021], cache_dir=tmp_path,
                        base_url=wc_server.url, progress=False)  # fmt: skip
    ours = [w for w in rec if issubclass(w.category, ProductVersionWarning)]
    assert {Path(w.filename).name for w in ours} == {"test_fetch.py"}
