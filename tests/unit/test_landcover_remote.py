"""open_landcover on URLs: the loopback HTTP server (Range requests) serves small local files.

The same files opened by path are the reference: a URL must give the same array (values,
coordinates, CRS, transform, nodata, attrs other than ``source``). HTTP failures must raise a
FetchError naming the URL, quickly, never return a partial array. No real host is contacted:
only 127.0.0.1 (the test server, or port 9 for strings that are never requested).
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import rasterio.env
from affine import Affine
from shapely.geometry import box

from geo_revival._gdal import gdal_env
from geo_revival._paths import gdal_path, is_network, public_name
from geo_revival.exceptions import CoverageWarning, FetchError, GeoRevivalError, ReadError
from geo_revival.landcover import open_landcover
from geo_revival.landcover._sources import source_path
from geo_revival.overlay import class_areas
from tests import fetch_fixtures
from tests.fetch_fixtures import write_tif
from tests.http_server import LoopbackServer

server = fetch_fixtures.server  # fixture

YEARS = (2020, 2021)
CRS = "EPSG:4548"
TRANSFORM = Affine(30, 0, 500_000, 0, -30, 3_800_000)


def _files(folder: Path, size: int = 96) -> dict[int, Path]:
    """SIMULATED CLCD-coded rasters (cropland 1, forest 2, water 5, built-up 8, nodata 0)."""
    rng = np.random.default_rng(17)
    return {
        year: write_tif(
            folder / f"simulated_clcd_{year}.tif",
            rng.choice(np.array([0, 1, 2, 5, 8], np.uint8), size=(size, size)),
            TRANSFORM,
            CRS,
        )
        for year in YEARS
    }


def _serve(server: LoopbackServer, files: dict[int, Path]) -> dict[int, str]:
    for path in files.values():
        server.routes[f"/lc/{path.name}"] = path
    return {year: f"{server.url}/lc/{path.name}" for year, path in files.items()}


@pytest.fixture
def files(tmp_path: Path) -> dict[int, Path]:
    return _files(tmp_path)


def _same_array(remote, local) -> None:
    np.testing.assert_array_equal(remote.values, local.values)
    for name in ("year", "y", "x"):
        np.testing.assert_array_equal(remote[name].values, local[name].values)
    assert remote.rio.crs == local.rio.crs
    assert remote.rio.transform() == local.rio.transform()
    assert remote.rio.nodata == local.rio.nodata
    assert remote.dtype == local.dtype
    assert {k: v for k, v in remote.attrs.items() if k != "source"} == {
        k: v for k, v in local.attrs.items() if k != "source"
    }


@pytest.mark.parametrize("form", ["url", "vsicurl", "mapping"])
def test_urls_give_the_array_of_the_local_files(server, files, form):
    urls = _serve(server, files)
    sources = {
        "url": list(urls.values()),
        "vsicurl": ["/vsicurl/" + u for u in urls.values()],
        "mapping": urls,
    }[form]
    remote = open_landcover(sources, legend="clcd", chunks=32)
    local = open_landcover(list(files.values()), legend="clcd", chunks=32)
    _same_array(remote, local)
    # Independent of open_landcover: the file's own values, read by rasterio.
    with rasterio.open(files[2021]) as src:
        np.testing.assert_array_equal(remote.sel(year=2021).values, src.read(1))
    expected = [u if form != "vsicurl" else "/vsicurl/" + u for u in urls.values()]
    assert remote.attrs["source"] == expected
    # Every request went to a file: no listing of the URL's "folder" (it hangs GDAL's open
    # against this in-process server).
    assert {p for _, p, _, _ in server.log.requests} == {f"/lc/{f.name}" for f in files.values()}


@pytest.mark.parametrize("align", ["reproject", "intersect"])
def test_years_on_other_grids_read_over_http(server, files, tmp_path, align):
    # 2021 on a grid shifted by whole pixels (intersect) or by 10 m (reproject: warped through
    # a GDAL VRT over the remote file, in the block reader).
    shift = 60 if align == "intersect" else 10
    with rasterio.open(files[2021]) as src:
        data = src.read(1)
    moved = write_tif(tmp_path / "moved" / files[2021].name, data,
                      TRANSFORM * Affine.translation(shift / 30, -shift / 30), CRS)  # fmt: skip
    local_files = [files[2020], moved]
    for path in local_files:
        server.routes[f"/lc/{path.parent.name}/{path.name}"] = path
    urls = [f"{server.url}/lc/{p.parent.name}/{p.name}" for p in local_files]
    remote = open_landcover(urls, legend="clcd", align=align, chunks=32)
    local = open_landcover(local_files, legend="clcd", align=align, chunks=32)
    _same_array(remote, local)


def test_blocks_are_read_only_when_computed(server, tmp_path):
    files = _files(tmp_path, size=512)
    urls = _serve(server, files)
    lc = open_landcover(list(urls.values()), legend="clcd", chunks=64, code_check="lazy")
    opened = server.log.bytes_for("/lc/")
    # The last block (the first ones come with the header, in the file's first bytes).
    window = lc.isel(x=slice(448, 512), y=slice(448, 512)).values
    with rasterio.open(files[2020]) as src:
        np.testing.assert_array_equal(window[0], src.read(1)[448:, 448:])
    read = server.log.bytes_for("/lc/") - opened
    # Random codes barely compress: a 64 x 64 tile of each year is a few kB (GDAL asks for at
    # least 64 kB a request), far less than the two ~200 kB files.
    size = sum(p.stat().st_size for p in files.values())
    assert 0 < read < size / 2, (read, opened, size)


def test_signed_url_token_is_not_recorded(server, files):
    urls = _serve(server, files)
    signed = [f"{u}?se=2031-01-01&sig=SECRET" for u in urls.values()]
    lc = open_landcover(signed, legend="clcd")
    assert lc.attrs["source"] == list(urls.values())
    assert lc.year.values.tolist() == list(YEARS)  # not 2031 from the query
    assert set(server.log.queries) == {"se=2031-01-01&sig=SECRET"}  # the token was sent
    zones = gpd.GeoDataFrame(
        {"zone_id": ["all"]}, geometry=[box(500_000, 3_797_120, 502_880, 3_800_000)], crs=CRS
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        table = class_areas(zones, lc)
    assert "SECRET" not in repr(table.attrs["provenance"])
    assert table.attrs["provenance"]["landcover_source"] == list(urls.values())


def test_class_areas_on_urls_equal_the_local_run(server, files):
    urls = _serve(server, files)
    zones = gpd.GeoDataFrame(
        {"zone_id": ["west", "east"]},
        geometry=[box(500_000, 3_797_500, 501_200, 3_800_000), box(501_200, 3_797_120,
                                                                 502_880, 3_799_000)],
        crs=CRS,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        remote = class_areas(zones, open_landcover(urls, legend="clcd", chunks=32))
        local = class_areas(zones, open_landcover(list(files.values()), legend="clcd",
                                                  chunks=32))  # fmt: skip
    pd.testing.assert_frame_equal(remote, local)
    # West zone by hand: 1200 m x 2500 m from the corner = the centres of 40 columns x 83 rows
    # (row 83's centre lies 5 m outside); its pixels are those of the window that are no nodata.
    with rasterio.open(files[2020]) as src:
        window = src.read(1)[:83, :40]
    assert remote.query("zone_id == 'west' and year == 2020").pixels.sum() == (window != 0).sum()


def test_404_is_a_clear_error(server, files):
    urls = _serve(server, files)
    missing = urls[2021].replace("simulated_clcd_2021", "simulated_clcd_2022")
    t0 = time.monotonic()
    with pytest.raises(FetchError, match="HTTP 404") as err:
        open_landcover([urls[2020], missing], legend="clcd")
    assert missing in str(err.value)
    assert isinstance(err.value, GeoRevivalError) and isinstance(err.value, OSError)
    assert time.monotonic() - t0 < 10


@pytest.mark.parametrize(("fault", "cause"), [("drop", "cut off"), ("stall", "timeout")])
def test_server_failing_mid_read_raises_naming_the_url(
    server, tmp_path, monkeypatch, fault, cause
):
    # The header is read at open; the server then fails while blocks are read. GDAL must not
    # hand back a partial array, nor wait forever for a server that stopped sending.
    monkeypatch.setenv("GDAL_HTTP_TIMEOUT", "1")
    monkeypatch.setenv("GDAL_HTTP_MAX_RETRY", "0")
    files = _files(tmp_path, size=512)
    urls = _serve(server, files)
    lc = open_landcover(list(urls.values()), legend="clcd", chunks=128, code_check="lazy")
    server.faults[f"/lc/{files[2021].name}"] = fault
    server.drop_fraction, server.slow_seconds = 0.3, 60.0
    t0 = time.monotonic()
    with pytest.raises(FetchError, match=cause) as err:
        lc.sel(year=2021).values  # noqa: B018
    assert time.monotonic() - t0 < 20  # the 1 s timeout, not the server, ended the wait
    assert urls[2021] in str(err.value)
    assert "rows" in str(err.value)  # names the block


@pytest.mark.parametrize(
    ("given", "opened"),
    [
        ("s3://bucket/clcd/CLCD_v01_2020.tif", "/vsis3/bucket/clcd/CLCD_v01_2020.tif"),
        ("gs://bucket/lc_2020.tif", "/vsigs/bucket/lc_2020.tif"),
        ("https://127.0.0.1:9/lc_2020.tif", "/vsicurl/https://127.0.0.1:9/lc_2020.tif"),
        ("http://127.0.0.1:9/a/lc_2020.tif?x=1", "/vsicurl/http://127.0.0.1:9/a/lc_2020.tif?x=1"),
        ("/vsis3/bucket/lc_2020.tif", "/vsis3/bucket/lc_2020.tif"),
        ("/vsiaz/container/lc_2020.tif", "/vsiaz/container/lc_2020.tif"),
        ("data/lc_2020.tif", "data/lc_2020.tif"),
    ],
)
def test_path_rewriting(given, opened):
    assert gdal_path(given) == opened
    assert source_path(given) == opened


def test_s3_url_read_through_gdal_from_an_s3_compatible_endpoint(server, files, monkeypatch):
    # The loopback server stands in for an S3-compatible endpoint (as MinIO or Ceph would be
    # configured): path-style, plain HTTP, unsigned requests as for a public bucket. Not real
    # S3 (no signing, no redirects between regions).
    for path in files.values():
        server.routes[f"/bucket/lc/{path.name}"] = path
    monkeypatch.setenv("AWS_S3_ENDPOINT", f"127.0.0.1:{server.port}")
    monkeypatch.setenv("AWS_HTTPS", "NO")
    monkeypatch.setenv("AWS_VIRTUAL_HOSTING", "FALSE")
    monkeypatch.setenv("AWS_NO_SIGN_REQUEST", "YES")
    keys = [f"s3://bucket/lc/{p.name}" for p in files.values()]
    lc = open_landcover(keys, legend="clcd", chunks=32)
    _same_array(lc, open_landcover(list(files.values()), legend="clcd", chunks=32))
    assert lc.attrs["source"] == keys
    assert {p for _, p, _, _ in server.log.requests} == {
        f"/bucket/lc/{p.name}" for p in files.values()
    }


@pytest.mark.parametrize(
    ("path", "network"),
    [
        ("/vsis3/bucket/x.tif", True),
        ("/vsicurl/https://127.0.0.1:9/x.tif", True),
        ("/vsizip//vsicurl/https://127.0.0.1:9/x.zip/x.tif", True),
        ("/vsiaz/c/x.tif", True),
        ("/vsizip/local.zip/x.tif", False),
        ("/vsis3x/bucket/x.tif", False),
        ("x.tif", False),
    ],
)
def test_network_paths(path, network):
    assert is_network(path) is network


@pytest.mark.parametrize(
    ("given", "public"),
    [
        ("https://user:pw@127.0.0.1:8443/lc_2020.tif?sig=S&se=1#f",
         "https://127.0.0.1:8443/lc_2020.tif"),
        ("/vsicurl/https://127.0.0.1:9/lc.tif?token=S", "/vsicurl/https://127.0.0.1:9/lc.tif"),
        ("s3://bucket/key/lc.tif", "s3://bucket/key/lc.tif"),
        ("/vsis3/bucket/lc.tif", "/vsis3/bucket/lc.tif"),
        ("/data/lc?2020.tif", "/data/lc?2020.tif"),  # a local name: nothing to hide
    ],
)  # fmt: skip
def test_public_name_drops_tokens_and_user_info(given, public):
    assert public_name(given) == public


@pytest.mark.parametrize(
    "pattern",
    ["https://127.0.0.1:9/lc/CLCD_*.tif", "s3://bucket/CLCD_20[12]?.tif", "/vsicurl/h://x/*.tif"],
)
def test_glob_patterns_of_urls_are_refused(pattern):
    with pytest.raises(ReadError, match="cannot be expanded over HTTP"):
        open_landcover(pattern, legend="clcd")


def test_gdal_settings_yield_to_the_users(monkeypatch):
    monkeypatch.delenv("GDAL_HTTP_TIMEOUT", raising=False)
    with gdal_env():
        options = rasterio.env.getenv()
    assert options["GDAL_DISABLE_READDIR_ON_OPEN"] == "EMPTY_DIR"
    assert options["GDAL_HTTP_TIMEOUT"] == "60"
    monkeypatch.setenv("GDAL_HTTP_TIMEOUT", "7")  # e.g. from a worker's job script
    with rasterio.Env(GDAL_HTTP_MAX_RETRY="9"), gdal_env():
        options = rasterio.env.getenv()
    assert "GDAL_HTTP_TIMEOUT" not in options  # GDAL reads the environment's 7
    assert options["GDAL_HTTP_MAX_RETRY"] == "9"  # the enclosing Env's
    with gdal_env(timeout=3, retries=1):  # fetch_landcover(timeout=, retries=) always apply
        options = rasterio.env.getenv()
    assert (options["GDAL_HTTP_TIMEOUT"], options["GDAL_HTTP_MAX_RETRY"]) == ("3", "1")


def test_stac_items_with_signed_asset_urls(server, files):
    # Items whose assets are signed URLs (as the Planetary Computer hands them out), read
    # with open_landcover_stac's "files" method: the same array, no token recorded.
    pystac = pytest.importorskip("pystac")
    from geo_revival.landcover.stac import open_landcover_stac

    urls = _serve(server, files)
    items = []
    for year, url in urls.items():
        item = pystac.Item(
            id=f"simulated_clcd_{year}", geometry=None, bbox=None, datetime=None,
            properties={"start_datetime": f"{year}-01-01T00:00:00Z",
                        "end_datetime": f"{year}-12-31T23:59:59Z"},
        )  # fmt: skip
        item.add_asset("data", pystac.Asset(href=f"{url}?sig=SECRET"))
        items.append(item)
    da = open_landcover_stac(items, legend="clcd", asset="data")
    _same_array(da, open_landcover(list(files.values()), legend="clcd"))
    assert da.attrs["source"] == list(urls.values())


@pytest.mark.filterwarnings("ignore::geo_revival.exceptions.CoverageWarning")
def test_cli_reads_urls(server, files, tmp_path):
    from typer.testing import CliRunner

    from geo_revival.cli import app

    urls = _serve(server, files)
    zones = tmp_path / "zones.gpkg"
    gpd.GeoDataFrame(
        {"zone_id": ["all"], "category": ["other"]},
        geometry=[box(500_000, 3_797_120, 502_880, 3_800_000)],
        crs=CRS,
    ).to_file(zones)
    out = tmp_path / "areas.csv"
    args = ["class-areas", str(zones), *urls.values(), "--legend", "clcd", "-o", str(out),
            "--header", "names"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    got = pd.read_csv(out, encoding="utf-8-sig")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        expected = class_areas(str(zones), open_landcover(list(files.values()), legend="clcd"))
    assert got["pixels"].tolist() == expected["pixels"].tolist()
    # A missing file: exit code 2 (invalid input) and the cause, not a traceback.
    missing = urls[2021].replace("2021", "2019")
    result = CliRunner().invoke(app, [*args[:2], missing, *args[4:], "--force"])
    assert result.exit_code == 2 and "HTTP 404" in result.output, result.output
