"""The download cache: where it is, atomic writes with checksums, listing and clearing.

A cached file counts as complete only when its sidecar ``<name>.json`` exists and records the
file's size: the data file is written under a temporary name, verified, renamed into place,
and only then is the sidecar written (also atomically). An interrupted or failed download
leaves at most a ``*.part`` file, which is never read and is removed by ``clear_cache``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

#: Environment variable naming the cache folder.
CACHE_ENV = "GEO_REVIVAL_CACHE"
_SIDECAR = ".json"


def cache_dir(path: str | PathLike[str] | None = None) -> Path:
    r"""Return the cache folder: ``path``, else ``$GEO_REVIVAL_CACHE``, else the user cache folder.

    The user cache folder is the platform's (``~/.cache/geo-revival`` on Linux,
    ``~/Library/Caches/geo-revival`` on macOS, ``%LOCALAPPDATA%\\geo-revival\\Cache`` on
    Windows), from :mod:`platformdirs`.

    Examples
    --------
    >>> cache_dir("/data/lc-cache").as_posix()
    '/data/lc-cache'
    """
    if path is not None:
        return Path(path)
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("geo-revival", appauthor=False))


def sidecar(path: Path) -> Path:
    """Return the metadata file that marks ``path`` as complete."""
    return path.with_name(path.name + _SIDECAR)


def cached(path: Path) -> dict[str, Any] | None:
    """Return the sidecar record of ``path`` if it is cached and complete, else ``None``."""
    meta_path = sidecar(path)
    if not path.is_file() or not meta_path.is_file():
        return None
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("size_bytes") != path.stat().st_size:
        return None  # truncated or replaced behind our back: not complete
    return meta


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    """Hex digest of a file, read in 1 MiB blocks."""
    h = hashlib.new(algorithm)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_file(path: Path, **meta: Any) -> Iterator[Path]:
    """Yield a temporary path to write; on success move it to ``path`` and write its sidecar.

    The caller writes the temporary file (and may raise to abandon it, e.g. on a checksum
    mismatch: the temporary file is then deleted and nothing is cached). The sidecar records
    ``meta`` plus the file's size and SHA-256.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        sidecar(path).unlink()  # a stale sidecar must never vouch for the new file
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".part")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        meta = {**meta, "size_bytes": tmp.stat().st_size, "sha256": file_digest(tmp)}
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _write_json_atomic(sidecar(path), meta)


def list_cache(path: str | PathLike[str] | None = None) -> pd.DataFrame:
    """Complete files in the cache, one row each (tidy table).

    Columns: ``path``, ``product``, ``version``, ``size_bytes``, ``sha256``, ``url``, ``kind``
    (``window``, ``archive`` or ``mosaic``).

    Examples
    --------
    >>> import tempfile
    >>> list_cache(tempfile.mkdtemp()).columns.tolist()
    ['path', 'product', 'version', 'kind', 'size_bytes', 'sha256', 'url']
    """
    root = cache_dir(path)
    rows = []
    for meta_path in sorted(root.rglob("*" + _SIDECAR)) if root.is_dir() else []:
        data = meta_path.with_name(meta_path.name[: -len(_SIDECAR)])
        meta = cached(data)
        if meta is None:
            continue
        rows.append({
            "path": str(data),
            "product": meta.get("product", ""),
            "version": meta.get("version", ""),
            "kind": meta.get("kind", ""),
            "size_bytes": int(meta["size_bytes"]),
            "sha256": meta.get("sha256", ""),
            "url": meta.get("url", ""),
        })  # fmt: skip
    columns = ["path", "product", "version", "kind", "size_bytes", "sha256", "url"]
    return pd.DataFrame(rows, columns=columns)


def clear_cache(path: str | PathLike[str] | None = None, product: str | None = None) -> int:
    """Delete the cached files (of one ``product``, or all); return the number of bytes freed.

    Only the product folders geo-revival writes are removed, never the folder itself.

    Examples
    --------
    >>> import tempfile
    >>> clear_cache(tempfile.mkdtemp())
    0
    """
    root = cache_dir(path)
    if not root.is_dir():
        return 0
    from geo_revival.fetch._products import product_names

    names = [product] if product is not None else product_names()
    freed = 0
    for name in names:
        folder = root / name
        if folder.is_dir():
            freed += sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
            shutil.rmtree(folder)
    return freed
