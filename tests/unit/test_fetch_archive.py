"""fetch_landcover for archive products (CLCD, GLC_FCS30D): whole-file downloads from a Zenodo
record, verified against its published md5, clipped; against a loopback Zenodo look-alike."""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine
from pyproj import Transformer

from geo_revival.exceptions import ChecksumError, FetchError
from geo_revival.fetch import fetch_landcover, list_cache
from tests import fetch_fixtures
from tests.fetch_fixtures import CLCD_ALBERS, write_tif, zenodo_record, zip_bytes

server = fetch_fixtures.server  # fixture

RECORD = "8176941"
# Around Xuzhou (117.2 E, 34.3 N), as a lon/lat box.
BOX = (117.18, 34.28, 117.22, 34.32)
PX = 30.0  # CLCD pixel, m
# 23 distinct GLC_FCS30D class codes (legend glc_fcs30d), one per band 2000-2022
GLC_CODES = [10, 11, 12, 20, 51, 52, 61, 62, 71, 72, 81, 82, 91, 92, 120, 121, 122, 130, 140,
             150, 152, 153, 181]


def _truth(shape: tuple[int, int], year: int) -> np.ndarray:
    """Codes 1-9 in 10 x 10 px blocks, shifted by the year so that years differ."""
    rows, cols = np.indices(shape)
    return ((rows // 10 + cols // 10 + year) % 9 + 1).astype("uint8")


def _origin() -> tuple[float, float]:
    """Upper-left corner of the stand-in province rasters: 6 km west and north of Xuzhou."""
    x, y = Transformer.from_crs("EPSG:4326", CLCD_ALBERS, always_xy=True).transform(117.2, 34.3)
    return (np.floor(x / PX) * PX - 6000, np.floor(y / PX) * PX + 6000)


def _clcd_zip(tmp_path, year: int, codes_year: int | None = None) -> tuple[str, bytes, np.ndarray]:
    """A CLCD-like province archive: two provinces on one 400 x 400 px Albers grid, each with
    data on its half only (0 = no data elsewhere), as the real per-province files have.
    ``codes_year`` shifts the codes as for another year (another release of the same year)."""
    truth = _truth((400, 400), year if codes_year is None else codes_year)
    x0, y0 = _origin()
    t = Affine(PX, 0, x0, 0, -PX, y0)
    west, east = truth.copy(), truth.copy()
    west[:, 200:] = 0
    east[:, :200] = 0
    members = {}
    for name, arr in (("jiangsu", west), ("anhui", east)):
        path = write_tif(tmp_path / f"{year}_{name}.tif", arr, t, CLCD_ALBERS)
        members[f"CLCD_v01_{year}_albert_province/CLCD_v01_{year}_albert_{name}.tif"] = path
    members["readme.txt"] = write_tif(tmp_path / "other.tif", truth, t, CLCD_ALBERS)  # not a member
    return f"CLCD_v01_{year}_albert_province.zip", zip_bytes(members), truth


def _serve_clcd(server, tmp_path, years=(2019, 2020), corrupt=None):
    files, truths = {}, {}
    for year in years:
        name, data, truth = _clcd_zip(tmp_path, year)
        files[name] = data
        truths[year] = truth
        server.routes[f"/records/{RECORD}/files/{name}"] = data
    server.routes[f"/api/records/{RECORD}"] = zenodo_record(files, corrupt=corrupt)
    return files, truths


def _expected(da, truth: np.ndarray) -> np.ndarray:
    """The truth under the fetched grid, located from the transforms alone."""
    x0, y0 = _origin()
    t = da.rio.transform()
    col, row = (t.c - x0) / PX, (y0 - t.f) / PX
    assert col == pytest.approx(round(col)) and row == pytest.approx(round(row))
    r, c = round(row), round(col)
    return truth[r:r + da.sizes["y"], c:c + da.sizes["x"]]


def _fetch(server, cache, years=(2019, 2020), **kw):
    return fetch_landcover("clcd", BOX, list(years), cache_dir=cache, base_url=server.url,
                           progress=False, **kw)  # fmt: skip


def test_clcd_archive_is_verified_clipped_and_mosaicked(server, tmp_path):
    _, truths = _serve_clcd(server, tmp_path / "src")
    da = _fetch(server, tmp_path / "cache")
    assert da.attrs["legend"] == "clcd" and da.attrs["version"] == ["v01", "v01"]
    for year in (2019, 2020):
        got = da.sel(year=year).values
        np.testing.assert_array_equal(got, _expected(da.sel(year=year), truths[year]))
        assert (got != 0).all()  # both provinces contribute: no hole along their border
    # the box is inside the fetched grid
    to_albers = Transformer.from_crs("EPSG:4326", CLCD_ALBERS, always_xy=True)
    left, bottom, right, top = da.rio.bounds()
    for lon, lat in [(BOX[0], BOX[1]), (BOX[0], BOX[3]), (BOX[2], BOX[1]), (BOX[2], BOX[3])]:
        x, y = to_albers.transform(lon, lat)
        assert left <= x <= right and bottom <= y <= top
    assert da.attrs["simulated"] is False
    assert "essd-13-3907-2021" in da.attrs["citation"]


def test_provenance_has_urls_and_published_checksums(server, tmp_path):
    import hashlib

    files, _ = _serve_clcd(server, tmp_path / "src")
    da = _fetch(server, tmp_path / "cache")
    sources = da.attrs["provenance"]["sources"]
    assert {s["url"] for s in sources} == {
        f"{server.url}/records/{RECORD}/files/{name}?download=1" for name in files
    }
    for s in sources:
        assert s["source_checksum"] == "md5:" + hashlib.md5(files[s["archive"]]).hexdigest()
    kinds = sorted(list_cache(tmp_path / "cache")["kind"])
    assert kinds == ["archive", "archive", "window", "window"]


def test_second_call_makes_no_request(server, tmp_path):
    _serve_clcd(server, tmp_path / "src")
    first = _fetch(server, tmp_path / "cache")
    server.log.clear()
    second = _fetch(server, tmp_path / "cache")
    assert server.log.count() == 0
    np.testing.assert_array_equal(first.values, second.values)


def test_a_new_box_reuses_the_downloaded_archive(server, tmp_path):
    _serve_clcd(server, tmp_path / "src", years=(2020,))
    _fetch(server, tmp_path / "cache", years=(2020,))
    server.log.clear()
    fetch_landcover("clcd", (117.19, 34.29, 117.21, 34.31), 2020, cache_dir=tmp_path / "cache",
                    base_url=server.url, progress=False)  # fmt: skip
    assert server.log.count() == 0


def test_checksum_mismatch_raises_and_caches_nothing(server, tmp_path):
    _serve_clcd(server, tmp_path / "src", years=(2020,),
                           corrupt="CLCD_v01_2020_albert_province.zip")  # fmt: skip
    with pytest.raises(ChecksumError, match=r"md5 .* but the archive publishes 0{32}") as err:
        _fetch(server, tmp_path / "cache", years=(2020,))
    assert "CLCD_v01_2020_albert_province.zip" in str(err.value)
    assert [p for p in (tmp_path / "cache").rglob("*") if p.is_file()] == []


@pytest.mark.parametrize(
    ("fault", "cause"),
    [("404", "HTTP 404"), ("500", "HTTP 500"), ("drop", "dropped"), ("slow", "timeout")],
)
def test_download_failures_are_clear_and_leave_nothing(server, tmp_path, fault, cause):
    _serve_clcd(server, tmp_path / "src", years=(2020,))
    path = f"/records/{RECORD}/files/CLCD_v01_2020_albert_province.zip"
    server.faults[path] = fault
    server.drop_fraction = 0.5
    with pytest.raises(FetchError, match=cause) as err:
        _fetch(server, tmp_path / "cache", years=(2020,), timeout=1)
    assert server.url + path in str(err.value)
    assert "--to DIR" in str(err.value)
    assert [p for p in (tmp_path / "cache").rglob("*") if p.is_file()] == []


def test_an_interrupted_download_is_not_taken_as_cached(server, tmp_path):
    _serve_clcd(server, tmp_path / "src", years=(2020,))
    path = f"/records/{RECORD}/files/CLCD_v01_2020_albert_province.zip"
    server.faults[path] = "drop"
    server.drop_fraction = 0.5
    with pytest.raises(FetchError):
        _fetch(server, tmp_path / "cache", years=(2020,))
    # a crash could also leave a temporary file and a data file without its sidecar
    archives = tmp_path / "cache" / "clcd" / "v01" / f"record-{RECORD}" / "archives"
    archives.mkdir(parents=True, exist_ok=True)
    (archives / "CLCD_v01_2020_albert_province.zip").write_bytes(b"PK\x03\x04 half a file")
    (archives / "CLCD_v01_2020_albert_province.zip.123.part").write_bytes(b"PK")
    assert list_cache(tmp_path / "cache").empty
    server.faults.clear()
    server.log.clear()
    da = _fetch(server, tmp_path / "cache", years=(2020,))
    assert server.log.count(path) == 1  # downloaded again, not trusted
    assert (da.sel(year=2020).values != 0).all()


def test_record_without_the_file_names_it(server, tmp_path):
    _serve_clcd(server, tmp_path / "src", years=(2020,))
    with pytest.raises(FetchError, match="lists no checksum for 'CLCD_v01_2019"):
        _fetch(server, tmp_path / "cache", years=(2019,))


def test_glc_fcs30d_bands_are_years(server, tmp_path):
    # One lon-band archive (E110-E115 holds the 5° tiles E110 and E115), one 23-band member
    # (2000-2022) over 115-120 E, 30-35 N at 0.05° (100 x 100 px): band b holds CODES[b - 1].
    stack = np.broadcast_to(np.array(GLC_CODES, "uint8")[:, None, None], (23, 100, 100))
    member = write_tif(tmp_path / "m.tif", np.ascontiguousarray(stack),
                       Affine(0.05, 0, 115, 0, -0.05, 35), "EPSG:4326")  # fmt: skip
    name = "GLC_FCS30D_19852022maps_E110-E115.zip"
    data = zip_bytes({"GLC_FCS30D_20002022_E115N35_Annual.tif": member,
                      "GLC_FCS30D_19851995_5years_E115N35.tif": member})  # fmt: skip
    server.routes[f"/records/8239305/files/{name}"] = data
    server.routes["/api/records/8239305"] = zenodo_record({name: data})
    da = fetch_landcover("glc_fcs30d", (117.0, 34.0, 117.1, 34.1), [2000, 2001, 2022],
                         cache_dir=tmp_path / "c", base_url=server.url, progress=False)  # fmt: skip
    assert da.sizes == {"year": 3, "y": 2, "x": 2}  # 0.1° / 0.05° = 2 px each way
    for year, code in ((2000, GLC_CODES[0]), (2001, GLC_CODES[1]), (2022, GLC_CODES[22])):
        assert (da.sel(year=year).values == code).all()
    assert server.log.count(name) == 1  # one archive download for all three years


def test_another_record_is_cached_apart(server, tmp_path):
    # a newer release may reuse the file names: its archive must not be taken from the cache
    _serve_clcd(server, tmp_path / "src", years=(2020,))
    newer = "99999999"
    name, data, truth = _clcd_zip(tmp_path / "newer", 2020, codes_year=2021)  # other codes
    server.routes[f"/records/{newer}/files/{name}"] = data
    server.routes[f"/api/records/{newer}"] = zenodo_record({name: data})
    old = _fetch(server, tmp_path / "cache", years=(2020,))
    new = _fetch(server, tmp_path / "cache", years=(2020,), record=newer)
    assert server.log.count(f"/records/{newer}/files/{name}") == 1
    np.testing.assert_array_equal(new.sel(year=2020).values,
                                  _expected(new.sel(year=2020), truth))  # fmt: skip
    assert not np.array_equal(old.values, new.values)


def test_an_archive_without_matching_rasters_says_so(server, tmp_path):
    name = "CLCD_v01_2020_albert_province.zip"
    data = zip_bytes({"readme.txt": write_tif(tmp_path / "x.tif", np.ones((2, 2), "uint8"),
                                              Affine(30, 0, 0, 0, -30, 0), CLCD_ALBERS)})
    server.routes[f"/records/{RECORD}/files/{name}"] = data
    server.routes[f"/api/records/{RECORD}"] = zenodo_record({name: data})
    with pytest.raises(FetchError, match="holds no raster named like 'CLCD_v01_2020_albert_"):
        _fetch(server, tmp_path / "cache", years=(2020,))
