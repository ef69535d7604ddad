"""Finding the codes present in (blocks of) integer rasters and validating them lazily."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator

import dask
import dask.array as dsa
import dask.threaded
import numpy as np

from geo_revival.landcover.legend import Legend, report_unknown

# Below this many distinct possible values a histogram is cheaper than sorting (np.unique).
_BINCOUNT_DTYPES = ("uint8", "int8", "uint16", "int16")


def present_codes(block: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array (histogram for 8/16-bit data)."""
    if block.size == 0:
        return np.empty(0, dtype=np.int64)
    if block.dtype.name in _BINCOUNT_DTYPES:
        shift = -int(np.iinfo(block.dtype).min)
        counts = np.bincount(block.ravel().astype(np.int64) + shift if shift else block.ravel())
        return np.flatnonzero(counts).astype(np.int64) - shift
    return np.unique(block).astype(np.int64)


def known_codes(legend: Legend, nodata: float | None) -> set[int]:
    """Codes a raster may hold: the legend's classes and nodata codes, and its own nodata."""
    extra = [] if nodata is None or np.isnan(nodata) else [int(nodata)]
    return {*legend.codes, *legend.nodata, *extra}


# dask config key read by the per-block checks; set only through :func:`block_checks_skipped`.
_SKIP_KEY = "geo_revival.skip_block_code_check"


@contextlib.contextmanager
def block_checks_skipped() -> Iterator[None]:
    """Skip the per-block checks of :func:`validated` arrays computed inside (this process)."""
    with dask.config.set({_SKIP_KEY: True}):
        yield


def _validate_block(
    block: np.ndarray, known: np.ndarray, legend_name: str, strict: bool
) -> np.ndarray:
    if dask.config.get(_SKIP_KEY, False):
        return block
    report_unknown(np.setdiff1d(present_codes(block), known), legend_name, known, strict=strict)
    return block


def validated(
    data: dsa.Array, known: Iterable[int], legend_name: str, *, strict: bool
) -> dsa.Array:
    """Wrap ``data`` so that each block is checked against ``known`` when it is computed."""
    known_arr = np.asarray(sorted({int(k) for k in known}), dtype=np.int64)
    return dsa.map_blocks(
        _validate_block,
        data,
        known=known_arr,
        legend_name=legend_name,
        strict=strict,
        dtype=data.dtype,
        meta=np.empty((0,) * data.ndim, dtype=data.dtype),
    )


def _scheduler() -> object:
    """Return the threaded scheduler, unless a scheduler is configured or distributed is loaded.

    Left to itself, dask imports distributed (~0.2 s) only to find that no client is active;
    with distributed not imported, no client can be, and threads are dask's default anyway.
    """
    if dask.config.get("scheduler", None) is None and "distributed" not in sys.modules:
        return dask.threaded.get
    return None


def all_codes(data: dsa.Array) -> np.ndarray:
    """Sorted distinct values of a dask array, computed block by block (reads everything)."""
    per_block = [dask.delayed(present_codes)(b) for b in data.to_delayed().ravel()]
    # A full report must not be cut short by the per-block checks of a lazily checked array.
    with block_checks_skipped():
        parts = dask.compute(*per_block, scheduler=_scheduler())
    return np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)
