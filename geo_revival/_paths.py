"""Where the repository's data folder (``data/boundaries``, ``data/rasters``) lives.

The package is installed editable from the repository (README Quick start), so the folder is the
``data/`` directory beside the ``geo_revival`` package. ``GEO_REVIVAL_DATA_DIR`` overrides it,
e.g. for a non-editable install with a separate copy of the data.
"""

from __future__ import annotations

import os
from pathlib import Path

from geo_revival.exceptions import ReadError

__all__ = ["is_remote", "repo_data_dir"]

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
