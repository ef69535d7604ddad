"""HTTP: whole-file downloads with checksums (urllib) and JSON.

GDAL's settings for windowed remote reads are shared with ``open_landcover``:
:mod:`geo_revival._gdal`.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

from geo_revival._gdal import DEFAULT_TIMEOUT, user_agent
from geo_revival.exceptions import ChecksumError, FetchError

_CHUNK = 1 << 20


def _user_agent() -> str:
    return f"{user_agent()} (+land-cover fetch)"


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
