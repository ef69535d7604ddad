"""Fixtures for the fetch tests: a loopback server laid out like each product's real host.

Import the fixtures into a test module (``from tests.fetch_fixtures import ...``). Nothing here
touches the internet: every URL is http://127.0.0.1:<port>/..., used through ``base_url``.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine

from tests.http_server import LoopbackServer, serving

WC = "esa-worldcover-n00e006"
WC_FILES = {
    2020: ("v100", "ESA_WorldCover_10m_2020_v100_N00E006_Map.tif"),
    2021: ("v200", "ESA_WorldCover_10m_2021_v200_N00E006_Map.tif"),
}
CLCD_ALBERS = (
    "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
)


def wc_path(year: int) -> str:
    """URL path of a WorldCover tile N00E006 on the real host (and on the loopback server)."""
    version, name = WC_FILES[year]
    return f"/{version}/{year}/map/{name}"


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    """A fresh loopback server (fresh port, so no GDAL cache carries over between tests)."""
    with serving() as s:
        s.slow_seconds = 3.0
        yield s


@pytest.fixture
def wc_server(server: LoopbackServer, shared_data: Path) -> LoopbackServer:
    """The loopback server with the two real WorldCover tiles at their real URL paths."""
    for year, (_, name) in WC_FILES.items():
        server.routes[wc_path(year)] = shared_data / WC / name
    return server


def write_tif(path: Path, data: np.ndarray, transform: Affine, crs: str, nodata: int = 0) -> Path:
    """A small tiled GeoTIFF (bands first if 3-D)."""
    arr = data if data.ndim == 3 else data[None]
    path.parent.mkdir(parents=True, exist_ok=True)
    with rasterio.open(
        path, "w", driver="GTiff", width=arr.shape[2], height=arr.shape[1], count=arr.shape[0],
        dtype=arr.dtype, crs=crs, transform=transform, nodata=nodata, tiled=True,
        blockxsize=64, blockysize=64, compress="deflate",
    ) as dst:  # fmt: skip
        dst.write(arr)
    return path


def zip_bytes(members: dict[str, Path]) -> bytes:
    """A zip archive holding ``members`` ({name inside: file})."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, path in members.items():
            zf.write(path, name)
    return buf.getvalue()


def zenodo_record(files: dict[str, bytes], *, corrupt: str | None = None) -> bytes:
    """The JSON of Zenodo's record API for ``files``; ``corrupt`` gets a wrong md5."""
    entries = []
    for name, data in files.items():
        md5 = hashlib.md5(data).hexdigest()
        if name == corrupt:
            md5 = "0" * 32
        entries.append({"key": name, "size": len(data), "checksum": f"md5:{md5}"})
    return json.dumps({"id": 1, "files": entries}).encode()
