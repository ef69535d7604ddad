"""HTTP: whole-file downloads with checksums (urllib), JSON, and GDAL's ``/vsicurl/`` settings."""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

import rasterio

from geo_revival.exceptions import ChecksumError, FetchError

#: Default seconds without data before a request is abandoned.
DEFAULT_TIMEOUT = 60.0
_CHUNK = 1 << 20


def _user_agent() -> str:
    from geo_revival import __version__

    return f"geo-revival/{__version__} (+land-cover fetch)"


def _describe(exc: BaseException) -> str:
    """Return a short, user-facing cause for a failed request."""
    if isinstance(exc, HTTPError):
        return f"the server answered HTTP {exc.code} {exc.reason}"
    reason = exc.reason if isinstance(exc, URLError) else exc
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return "no answer within the timeout (server slow or unreachable)"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused (no network, or the host is down)"
    if isinstance(reason, socket.gaierror):
        return "the host name could not be resolved (no network?)"
    if isinstance(reason, (http.client.IncompleteRead, ConnectionError)):
        return "the connection dropped before the file was complete"
    return f"{type(reason).__name__}: {reason}"


def get_json(url: str, *, timeout: float = DEFAULT_TIMEOUT) -> Any:
    """GET ``url`` and parse JSON; :class:`FetchError` naming the URL on any failure."""
    try:
        with urlopen(Request(url, headers={"User-Agent": _user_agent(),
                                           "Accept": "application/json"}),
                     timeout=timeout) as resp:  # fmt: skip
            return json.loads(resp.read().decode("utf-8"))
    except (URLError, OSError, http.client.HTTPException) as exc:
        raise FetchError(f"could not read {url}: {_describe(exc)}.") from exc
    except ValueError as exc:
        raise FetchError(f"{url} did not return JSON ({exc}); is base_url a mirror?") from exc


def download(
    url: str,
    dest: Path,
    *,
    checksum: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    on_bytes: Callable[[int, int | None], None] | None = None,
) -> int:
    """Stream ``url`` into ``dest``; verify ``checksum`` (``"md5:<hex>"``); return bytes read.

    Raises
    ------
    FetchError
        HTTP error, timeout, refused or dropped connection (the message names the URL).
    ChecksumError
        The file's digest differs from ``checksum``.
    """
    algorithm, _, expected = (checksum or "").partition(":")
    digest = hashlib.new(algorithm) if expected else None
    size = 0
    try:
        with urlopen(Request(url, headers={"User-Agent": _user_agent()}),
                     timeout=timeout) as resp, open(dest, "wb") as fh:  # fmt: skip
            length = resp.headers.get("Content-Length")
            total = int(length) if length else None
            while block := resp.read(_CHUNK):
                fh.write(block)
                size += len(block)
                if digest is not None:
                    digest.update(block)
                if on_bytes is not None:
                    on_bytes(len(block), total)
            if total is not None and size != total:
                raise http.client.IncompleteRead(b"", total - size)
    except (URLError, OSError, http.client.HTTPException) as exc:
        raise FetchError(
            f"could not download {url}: {_describe(exc)} ({size:,} bytes received)."
        ) from exc
    if digest is not None and digest.hexdigest() != expected.lower():
        raise ChecksumError(
            f"{url}: the {algorithm} of the downloaded file is {digest.hexdigest()}, but the "
            f"archive publishes {expected}; the file was discarded (nothing cached). Retry; if "
            "it persists, the mirror or the download is corrupt."
        )
    return size


def gdal_env(timeout: float = DEFAULT_TIMEOUT, retries: int = 2) -> rasterio.Env:
    """GDAL settings for windowed reads of remote COGs through ``/vsicurl/``.

    No directory listing on open (one request fewer per file); consecutive ranges merged into
    one request. GDAL also keeps the bytes it has read in a per-process cache, so reading the
    same region of the same URL twice in one process asks the server only once.
    """
    return rasterio.Env(
        GDAL_DISABLE_READDIR_ON_OPEN="EMPTY_DIR",
        CPL_VSIL_CURL_ALLOWED_EXTENSIONS=".tif,.tiff,.TIF",
        GDAL_HTTP_MERGE_CONSECUTIVE_RANGES="YES",
        GDAL_HTTP_MULTIPLEX="NO",
        GDAL_HTTP_TIMEOUT=str(max(1, round(timeout))),
        GDAL_HTTP_CONNECTTIMEOUT=str(max(1, round(timeout))),
        GDAL_HTTP_MAX_RETRY=str(retries),
        GDAL_HTTP_RETRY_DELAY="1",
        GDAL_HTTP_USERAGENT=_user_agent(),
        VSI_CACHE="FALSE",
        CPL_VSIL_CURL_CHUNK_SIZE=str(64 * 1024),
    )


_HTTP_CODE = re.compile(r"HTTP (?:response )?code:? ?(\d{3})", re.IGNORECASE)


def describe_gdal_error(exc: BaseException) -> str:
    """Return a user-facing cause for a failed ``/vsicurl/`` read (from GDAL's errors)."""
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
                "dropped, or a mirror serving an error page)")
    if any(k in low for k in ("transfer closed", "partial", "connection reset", "expected")):
        return "the connection dropped: the data were cut off before they were complete"
    return f"GDAL: {text}"
