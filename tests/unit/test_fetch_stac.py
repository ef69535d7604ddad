"""fetch_landcover for Esri / Impact Observatory LULC: STAC search, token signing and windowed
reads of the items' COGs, against a loopback look-alike of the Planetary Computer."""

from __future__ import annotations

import json

import numpy as np
import pytest
from affine import Affine
from pyproj import Transformer

from geo_revival.exceptions import FetchError, NoOverlapError, UnsupportedCRSError
from geo_revival.fetch import fetch_landcover
from tests import fetch_fixtures
from tests.fetch_fixtures import write_tif

server = fetch_fixtures.server  # fixture

SEARCH = "/api/stac/v1/search"
TOKEN = "/api/sas/v1/token/io-lulc-annual-v02"
SECRET = "st=2026-12-03&se=2026-12-04&sig=s3cr3t"
ESRI_CODES = np.array([1, 2, 4, 5, 7, 8, 9, 10, 11], "uint8")
PX = 10.0


def _origin(epsg: int) -> tuple[float, float]:
    """A 10 m lattice point 1 km west and north of Xuzhou (117.2 E, 34.3 N) in ``epsg``."""
    x, y = Transformer.from_crs("EPSG:4326", f"EPSG:{epsg}", always_xy=True).transform(117.2, 34.3)
    return (np.floor(x / PX) * PX - 1000, np.floor(y / PX) * PX + 1000)


def _item(item_id: str, year: int, href: str) -> dict:
    return {
        "type": "Feature", "id": item_id, "collection": "io-lulc-annual-v02",
        "properties": {"start_datetime": f"{year}-01-01T00:00:00Z",
                       "end_datetime": f"{year + 1}-01-01T00:00:00Z"},
        "assets": {"data": {"href": href, "type": "image/tiff; application=geotiff"}},
    }  # fmt: skip


def _serve(server, tmp_path, east_epsg: int = 32650):
    """Two adjacent 200 x 200 px items of 2020 (west and east of the origin + 2 km) and one of
    2019, whose end date (1 January 2020) the search's datetime filter also matches."""
    rng = np.random.default_rng(7)
    x0, y0 = _origin(32650)
    truth = ESRI_CODES[rng.integers(0, len(ESRI_CODES), (200, 400))]
    features = []
    for i, (name, cols, epsg) in enumerate((("50S-a", slice(0, 200), 32650),
                                            ("50S-b", slice(200, 400), east_epsg))):  # fmt: skip
        # an item in another UTM zone covers the same ground as the first one
        ox, oy = (x0 + 2000 * i, y0) if epsg == 32650 else _origin(epsg)
        path = write_tif(tmp_path / f"{name}.tif", np.ascontiguousarray(truth[:, cols]),
                         Affine(PX, 0, ox, 0, -PX, oy), f"EPSG:{epsg}")  # fmt: skip
        server.routes[f"/io-lulc/{name}_20200101-20210101.tif"] = path
        features.append(_item(f"{name}-2020", 2020,
                              f"https://127.0.0.1:9/io-lulc/{name}_20200101-20210101.tif"))
    old = write_tif(tmp_path / "old.tif", np.full((200, 200), 11, "uint8"),
                    Affine(PX, 0, x0, 0, -PX, y0), "EPSG:32650")  # fmt: skip
    server.routes["/io-lulc/50S-a_20190101-20200101.tif"] = old
    features.append(_item("50S-a-2019", 2019,
                          "https://127.0.0.1:9/io-lulc/50S-a_20190101-20200101.tif"))
    server.routes[SEARCH] = json.dumps({"type": "FeatureCollection", "features": features,
                                        "links": []}).encode()  # fmt: skip
    server.routes[TOKEN] = json.dumps({"msft:expiry": "2026-12-04", "token": SECRET}).encode()
    return truth


def _box_across_items() -> tuple[float, float, float, float]:
    """A lon/lat box around the seam between the two items (x0 + 2 km)."""
    x0, y0 = _origin(32650)
    to_ll = Transformer.from_crs("EPSG:32650", "EPSG:4326", always_xy=True)
    lon0, lat0 = to_ll.transform(x0 + 1500, y0 - 1500)
    lon1, lat1 = to_ll.transform(x0 + 2500, y0 - 500)
    return (lon0, lat0, lon1, lat1)


def test_items_are_signed_read_as_windows_and_mosaicked(server, tmp_path):
    truth = _serve(server, tmp_path / "src")
    da = fetch_landcover("esri_lulc", _box_across_items(), 2020, cache_dir=tmp_path / "c",
                         base_url=server.url, progress=False)  # fmt: skip
    x0, y0 = _origin(32650)
    t = da.rio.transform()
    col, row = round((t.c - x0) / PX), round((y0 - t.f) / PX)
    assert (t.c - x0) / PX == pytest.approx(col) and (y0 - t.f) / PX == pytest.approx(row)
    expected = truth[row:row + da.sizes["y"], col:col + da.sizes["x"]]
    np.testing.assert_array_equal(da.sel(year=2020).values, expected)
    assert col < 200 < col + da.sizes["x"]  # the window spans both items
    # asset GETs carried the token; the 2019 item (same datetime overlap) was not read
    tif_queries = [q for (_, p, _, _), q in zip(server.log.requests, server.log.queries,
                                                strict=True) if p.endswith(".tif")]  # fmt: skip
    assert tif_queries and all(q == SECRET for q in tif_queries)
    assert server.log.count("20190101") == 0
    # provenance: the URLs without the token; real data with the product's citation
    prov = da.attrs["provenance"]
    assert "s3cr3t" not in json.dumps(prov)
    assert "/io-lulc/50S-a_20200101-20210101.tif" in prov["sources"][0]["url"]
    assert da.attrs["simulated"] is False and "Karra" in da.attrs["citation"]
    server.log.clear()
    fetch_landcover("esri_lulc", _box_across_items(), 2020, cache_dir=tmp_path / "c",
                    base_url=server.url, progress=False)  # fmt: skip
    assert server.log.count() == 0


def test_items_in_different_utm_zones_raise(server, tmp_path):
    _serve(server, tmp_path / "src", east_epsg=32651)
    x0, y0 = _origin(32650)
    to_ll = Transformer.from_crs("EPSG:32650", "EPSG:4326", always_xy=True)
    lon0, lat0 = to_ll.transform(x0 + 500, y0 - 1500)
    lon1, lat1 = to_ll.transform(x0 + 1500, y0 - 500)
    with pytest.raises(UnsupportedCRSError, match="different CRSs"):
        fetch_landcover("esri_lulc", (lon0, lat0, lon1, lat1), 2020, cache_dir=tmp_path / "c",
                        base_url=server.url, progress=False)  # fmt: skip


def test_no_item_for_the_box_raises(server, tmp_path):
    server.routes[SEARCH] = json.dumps({"features": [], "links": []}).encode()
    with pytest.raises(NoOverlapError, match="no data for 2021"):
        fetch_landcover("esri_lulc", (117.1, 34.2, 117.2, 34.3), 2021, cache_dir=tmp_path,
                        base_url=server.url, progress=False)  # fmt: skip


@pytest.mark.parametrize(("path", "fault", "cause"), [
    (SEARCH, "500", "HTTP 500"), (TOKEN, "404", "HTTP 404"),
    ("/io-lulc/50S-a_20200101-20210101.tif", "404", "HTTP 404"),
])  # fmt: skip
def test_failures_name_the_url_and_cache_nothing(server, tmp_path, path, fault, cause):
    _serve(server, tmp_path / "src")
    server.faults[path] = fault
    with pytest.raises(FetchError, match=cause) as err:
        fetch_landcover("esri_lulc", _box_across_items(), 2020, cache_dir=tmp_path / "c",
                        base_url=server.url, progress=False, retries=0)  # fmt: skip
    assert server.url + path in str(err.value) and "s3cr3t" not in str(err.value)
    assert [p for p in (tmp_path / "c").rglob("*") if p.is_file()] == []
