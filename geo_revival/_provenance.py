"""Provenance records attached to results as ``DataFrame.attrs["provenance"]``."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from os import PathLike
from pathlib import Path
from typing import Any

__all__ = ["file_sha256", "provenance"]


def file_sha256(path: str | PathLike[str], chunk_size: int = 1 << 20) -> str:
    """Return the SHA-256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk_size), b""):
            digest.update(block)
    return digest.hexdigest()


def provenance(
    function: str,
    *,
    parameters: Mapping[str, Any] | None = None,
    inputs: Iterable[str | PathLike[str]] = (),
    **extra: Any,
) -> dict[str, Any]:
    """Build a provenance record: package version, function, parameters and input hashes.

    Examples
    --------
    >>> provenance("class_areas", parameters={"coverage": "centre"})["function"]
    'class_areas'
    """
    from geo_revival import __version__

    record: dict[str, Any] = {
        "package_version": __version__,
        "function": function,
        "parameters": dict(parameters or {}),
    }
    hashes = {str(p): file_sha256(p) for p in inputs if Path(p).is_file()}
    if hashes:
        record["inputs"] = hashes
    record.update(extra)
    return record
