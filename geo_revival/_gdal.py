"""GDAL settings for rasters read over HTTP or object storage, and what GDAL's errors mean.

The one place these settings live: ``fetch_landcover`` (windowed COG reads) and
``open_landcover`` (metadata and blocks of URLs and ``/vsis3/``-style paths, also on dask
workers) both read through :func:`gdal_env`.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator

import rasterio
import rasterio.env

from geo_revival._paths import is_network

__all__ = ["DEFAULT_RETRIES", "DEFAULT_TIMEOUT", "describe_gdal_error", "gdal_env", "remote_env"]

#: Default seconds a request may take (GDAL_HTTP_TIMEOUT, GDAL_HTTP_CONNECTTIMEOUT).
DEFAULT_TIMEOUT = 60.0
#: Default retries of a request answered with HTTP 429/500/502/503/504 (GDAL_HTTP_MAX_RETRY).
DEFAULT_RETRIES = 2


def user_agent() -> str:
    """Return the ``User-Agent`` geo-revival sends."""
    from geo_revival import __version__

    return f"geo-revival/{__version__}"


def _options(timeout: float | None, retries: int | None) -> dict[str, str]:
    """Return the settings, less those the user set (environment, an enclosing rasterio.Env).

    ``timeout`` and ``retries`` given explicitly always apply; otherwise the user's
    ``GDAL_HTTP_TIMEOUT`` / ``GDAL_HTTP_MAX_RETRY`` win over the defaults, as every other
    setting here does (e.g. in a worker's job script).
    """
    seconds = str(max(1, round(DEFAULT_TIMEOUT if timeout is None else timeout)))
    options = {
        # No directory listing of the URL's "folder" on open: one request fewer per file, and
        # servers answering a folder URL slowly (or not at all) cannot hang the open.
        "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
        "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".tif,.tiff,.TIF,.TIFF,.vrt,.img,.jp2",
        "GDAL_HTTP_MERGE_CONSECUTIVE_RANGES": "YES",
        "GDAL_HTTP_MULTIPLEX": "NO",
        "GDAL_HTTP_TIMEOUT": seconds,
        "GDAL_HTTP_CONNECTTIMEOUT": seconds,
        "GDAL_HTTP_MAX_RETRY": str(DEFAULT_RETRIES if retries is None else retries),
        "GDAL_HTTP_RETRY_DELAY": "1",
        "GDAL_HTTP_USERAGENT": user_agent(),
        "VSI_CACHE": "FALSE",
        "CPL_VSIL_CURL_CHUNK_SIZE": str(64 * 1024),
    }
    outer = rasterio.env.getenv() if rasterio.env.hasenv() else {}
    explicit = {
        *(["GDAL_HTTP_TIMEOUT", "GDAL_HTTP_CONNECTTIMEOUT"] if timeout is not None else []),
        *(["GDAL_HTTP_MAX_RETRY"] if retries is not None else []),
    }
    return {
        k: v
        for k, v in options.items()
        if k in explicit or (k not in os.environ and k not in outer)
    }


def gdal_env(timeout: float | None = None, retries: int | None = None) -> rasterio.Env:
    """GDAL settings for reading remote rasters (``/vsicurl/``, ``/vsis3/``, ...).

    No directory listing on open; consecutive ranges merged into one request; timeouts and
    retries (``timeout``/``retries``, else the user's ``GDAL_HTTP_TIMEOUT`` /
    ``GDAL_HTTP_MAX_RETRY``, else 60 s and 2). A setting the user made in the environment or an
    enclosing :class:`rasterio.Env` is kept. GDAL also keeps the bytes it has read in a
    per-process cache, so reading the same region of the same URL twice in one process asks
    the server only once. Credentials (``AWS_*``, ``GS_*``, ``AZURE_*``) are left to GDAL, which
    reads them from the environment.

    Examples
    --------
    >>> with gdal_env(timeout=5):
    ...     rasterio.env.getenv()["GDAL_HTTP_TIMEOUT"]
    '5'
    """
    return rasterio.Env(**_options(timeout, retries))


@contextlib.contextmanager
def remote_env(path: str) -> Iterator[None]:
    """:func:`gdal_env` around reads of ``path`` if GDAL reads it over the network."""
    if not is_network(path):
        yield
        return
    with gdal_env():
        yield


_HTTP_CODE = re.compile(r"HTTP (?:response )?code:? ?(\d{3})", re.IGNORECASE)


def describe_gdal_error(exc: BaseException) -> str:
    """Return a user-facing cause for a failed remote read (from GDAL's errors)."""
    chain: list[str] = []
    cur: BaseException | None = exc
    while cur is not None and len(chain) < 5:
        chain.append(str(cur))
        cur = cur.__cause__ or cur.__context__
    text = " | ".join(chain)
    m = _HTTP_CODE.search(text)
    if m:
        return f"the server answered HTTP {m.group(1)}"
    low = text.lower()
    if "timeout" in low or "timed out" in low:
        return "no answer within the timeout (server slow or unreachable)"
    if "couldn't connect" in low or "could not connect" in low or "connection refused" in low:
        return "the connection was refused (no network, or the host is down)"
    if "resolve" in low:
        return "the host name could not be resolved (no network?)"
    if "not recognized as being in a supported file format" in low:
        return ("the server's answer was not the GeoTIFF (empty or cut off: connection "
                "dropped, or a mirror serving an error page)")  # fmt: skip
    if any(k in low for k in ("transfer closed", "partial", "connection reset", "expected")):
        return "the connection dropped: the data were cut off before they were complete"
    return f"GDAL: {text}"
