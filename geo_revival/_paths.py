"""Where the repository's data folder (``data/boundaries``, ``data/rasters``) lives.

The package is installed editable from the repository (README Quick start), so the folder is the
``data/`` directory beside the ``geo_revival`` package. ``GEO_REVIVAL_DATA_DIR`` overrides it,
e.g. for a non-editable install with a separate copy of the data.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from geo_revival.exceptions import ReadError

__all__ = ["gdal_path", "is_network", "is_remote", "public_name", "repo_data_dir"]

ENV_VAR = "GEO_REVIVAL_DATA_DIR"


def repo_data_dir(*parts: str) -> Path:
    """Return ``<repo>/data/<parts...>``, raising :class:`ReadError` if it does not exist.

    Examples
    --------
    >>> repo_data_dir("boundaries").name
    'boundaries'
    """
    override = os.environ.get(ENV_VAR)
    root = Path(override) if override else Path(__file__).resolve().parents[1] / "data"
    path = root.joinpath(*parts)
    if not path.exists():
        raise ReadError(
            f"Data folder {path} not found. geo-revival reads its bundled data from the "
            "repository's data/ folder: install with `pip install -e .` from a clone of the "
            f"repository, or set {ENV_VAR} to a folder holding boundaries/ and rasters/."
        )
    return path


def is_remote(source: object) -> bool:
    """Whether ``source`` is a URL or GDAL virtual path, read by GDAL rather than from disk.

    Examples
    --------
    >>> is_remote("/vsizip/zones.zip/zones.shp"), is_remote("https://x.org/z.gpkg")
    (True, True)
    >>> is_remote("zones.gpkg")
    False
    """
    text = str(source)
    return text.startswith("/vsi") or "://" in text


# Object-store URLs GDAL reads through a virtual file system of its own.
_STORE_PREFIXES = {"s3://": "/vsis3/", "gs://": "/vsigs/"}
# GDAL virtual file systems that read over the network (also nested, e.g. /vsizip//vsicurl/...).
_NETWORK = re.compile(
    r"/vsi(curl|curl_streaming|s3|s3_streaming|gs|gs_streaming|az|az_streaming|adls|oss"
    r"|oss_streaming|swift|swift_streaming|webhdfs|hdfs)(/|\?|$)"
)


def gdal_path(source: str) -> str:
    """Return the path GDAL opens for ``source``: ``s3://b/k`` -> ``/vsis3/b/k``, URLs via vsicurl.

    ``gs://`` becomes ``/vsigs/``; ``http(s)://`` URLs get ``/vsicurl/`` in front; GDAL virtual
    paths and local paths are returned unchanged. No boto3 or other client is involved: GDAL
    reads the credentials (``AWS_*``, ``GS_*``) from the environment.

    Examples
    --------
    >>> gdal_path("s3://bucket/clcd/CLCD_v01_2020.tif")
    '/vsis3/bucket/clcd/CLCD_v01_2020.tif'
    >>> gdal_path("https://data.invalid/lc_2020.tif")
    '/vsicurl/https://data.invalid/lc_2020.tif'
    >>> gdal_path("/vsicurl/https://data.invalid/lc_2020.tif"), gdal_path("lc_2020.tif")
    ('/vsicurl/https://data.invalid/lc_2020.tif', 'lc_2020.tif')
    """
    for scheme, prefix in _STORE_PREFIXES.items():
        if source.startswith(scheme):
            return prefix + source[len(scheme) :]
    if source.startswith(("http://", "https://")):
        return "/vsicurl/" + source
    return source


def is_network(path: str) -> bool:
    """Whether GDAL reads ``path`` (as returned by :func:`gdal_path`) over the network.

    Examples
    --------
    >>> is_network("/vsis3/bucket/x.tif"), is_network("/vsizip/local.zip/x.tif")
    (True, False)
    """
    return bool(_NETWORK.search(path)) or path.startswith(("http://", "https://"))


def public_name(source: str) -> str:
    """``source`` without what must not be recorded: query strings (signed-URL tokens), user info.

    For provenance and messages; the reads themselves use the full path.

    Examples
    --------
    >>> public_name("/vsicurl/https://u:pw@data.invalid/lc_2020.tif?sig=SECRET&se=2030")
    '/vsicurl/https://data.invalid/lc_2020.tif'
    >>> public_name("data/lc_2020.tif")
    'data/lc_2020.tif'
    """
    if not is_remote(source):
        return source
    start = source.find("://")
    if start < 0:  # a GDAL virtual path without a URL: only a query may carry secrets
        return source.split("?", 1)[0]
    head_end = source.rfind("/", 0, start) + 1  # "/vsicurl/" before "https://..."
    head, url = source[:head_end], source[head_end:]
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return head + urlunsplit((parts.scheme, host, parts.path, "", ""))
