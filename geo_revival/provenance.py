"""Provenance records attached to results as ``DataFrame.attrs["provenance"]``."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from os import PathLike
from pathlib import Path
from typing import Any

__all__ = ["file_sha256", "is_simulated", "provenance"]


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


def is_simulated(*objects: Any) -> bool:
    """Whether any of ``objects`` (None skipped) says in its attrs that it is simulated.

    Looks at ``attrs["simulated"]`` and along the provenance chain (``provenance``, its
    ``upstream``, ...), so a restoration result computed from simulated land cover counts.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame()
    >>> df.attrs["provenance"] = {"upstream": {"simulated": True}}
    >>> is_simulated(None, pd.DataFrame(), df)
    True
    """
    for obj in objects:
        attrs = getattr(obj, "attrs", None) or {}
        if attrs.get("simulated"):
            return True
        # Results carry the flag of their inputs in the provenance chain (``upstream``).
        record = attrs.get("provenance")
        while isinstance(record, dict):
            if record.get("simulated"):
                return True
            record = record.get("upstream")
    return False
