"""Block engine behind :mod:`geo_revival.overlay`: one pass over the raster blocks zones touch.

The raster is walked in blocks (the dask chunks of the land-cover array). Only blocks that
some zone geometry intersects become tasks; the others are never read. Each task reads its
block for all requested years once and returns sparse counts
``(zone, year[, year2], code[, code2]) -> pixels, area`` that the driver sums.

Centre rule: zones are burnt per block with :func:`rasterio.features.rasterize`
(``all_touched=False``), several non-overlapping zones per call ("layers"); overlapping zones go
to different layers so that each counts all of its pixels. Codes of zone and classes are combined
into one integer key and counted with :func:`numpy.bincount`.

Exact rule: per-pixel coverage fractions come from exactextract, evaluated against the block's
grid (an all-zero stand-in raster, so exactextract does no reading), and weight the counts.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import dask
import dask.array
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
import xarray as xr
from affine import Affine
from dask.callbacks import Callback
from rasterio.features import rasterize
from tqdm.auto import tqdm

Coverage = Literal["centre", "exact"]

#: Keys (zone x classes) above this many bins are counted by sorting instead of bincount.
_MAX_BINS = 1 << 22
#: Block edge used when the land cover is not dask-backed and declares no preferred chunks.
DEFAULT_BLOCK = 1024


@dataclass(frozen=True)
class Grid:
    """The raster grid: north-up affine transform and shape."""

    transform: Affine
    height: int
    width: int

    def window_transform(self, row: int, col: int) -> Affine:
        """Transform of the window whose top-left pixel is (``row``, ``col``)."""
        return self.transform @ Affine.translation(col, row)

    def bounds(
        self, row0: int, row1: int, col0: int, col1: int
    ) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of the pixel window rows [row0, row1), cols [col0, col1)."""
        t = self.transform
        return (t.c + col0 * t.a, t.f + row1 * t.e, t.c + col1 * t.a, t.f + row0 * t.e)


@dataclass(frozen=True)
class Plan:
    """What to count: years (indices into the year axis) and year pairs."""

    years: tuple[int, ...]
    pairs: tuple[tuple[int, int], ...]


@dataclass
class Counts:
    """Sparse counts: frames per (zone, year, code) and per (zone, year, year2, code, code2)."""

    years: list[pd.DataFrame]
    pairs: list[pd.DataFrame]

    def extend(self, other: Counts, zones: npt.NDArray[np.intp] | int) -> None:
        """Append ``other``'s frames, mapping their local zone numbers through ``zones``."""
        for mine, theirs in ((self.years, other.years), (self.pairs, other.pairs)):
            for frame in theirs:
                local = frame["zone"].to_numpy()
                frame["zone"] = zones if isinstance(zones, int) else zones[local]
                mine.append(frame)


@dataclass(frozen=True)
class BlockJob:
    """One block: its pixel window and the zones (global index, geometry, layer) touching it."""

    row0: int
    row1: int
    col0: int
    col1: int
    zones: npt.NDArray[np.intp]
    geoms: npt.NDArray[np.object_]
    layers: npt.NDArray[np.intp]


def assign_layers(geoms: npt.NDArray[np.object_]) -> npt.NDArray[np.intp]:
    """Colour zones so that zones whose interiors overlap never share a layer.

    Zones that only touch may share one: GDAL burns a pixel whose centre lies exactly on a shared
    edge into one polygon only, the same one it would pick when burning each zone alone.
    """
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    if left.size:
        overlap = ~shapely.touches(geoms[left], geoms[right])
        left, right = left[overlap], right[overlap]
    neighbours: dict[int, list[int]] = {}
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    layer = np.full(len(geoms), -1, dtype=np.intp)
    for i in range(len(geoms)):
        taken = {int(layer[j]) for j in neighbours.get(i, ()) if layer[j] >= 0}
        layer[i] = next(k for k in range(len(taken) + 1) if k not in taken)
    return layer


def plan_blocks(
    geoms: npt.NDArray[np.object_],
    layers: npt.NDArray[np.intp],
    grid: Grid,
    row_edges: Sequence[int],
    col_edges: Sequence[int],
) -> list[BlockJob]:
    """Return a job for every block (between consecutive edges) that some zone intersects."""
    spans = [
        (r0, r1, c0, c1)
        for r0, r1 in itertools.pairwise(row_edges)
        for c0, c1 in itertools.pairwise(col_edges)
    ]
    boxes = shapely.box(*np.array([grid.bounds(*s) for s in spans]).T)
    block_idx, zone_idx = shapely.STRtree(geoms).query(boxes, predicate="intersects")
    if block_idx.size == 0:
        return []
    order = np.lexsort((zone_idx, block_idx))
    block_idx, zone_idx = block_idx[order], zone_idx[order]
    cuts = np.flatnonzero(np.diff(block_idx)) + 1
    jobs = []
    for block, zones in zip(block_idx[np.r_[0, cuts]], np.split(zone_idx, cuts), strict=True):
        r0, r1, c0, c1 = spans[int(block)]
        jobs.append(BlockJob(r0, r1, c0, c1, zones, geoms[zones], layers[zones]))
    return jobs


# -- counting inside one block ------------------------------------------------------------------
def _sparse_counts(
    keys: npt.NDArray[np.int64],
    nbins: int,
    weights: Sequence[npt.NDArray[np.float64] | None],
) -> tuple[npt.NDArray[np.int64], list[npt.NDArray[Any]]]:
    """Count ``keys`` (optionally weighted several ways); return the non-empty keys and sums."""
    if nbins <= _MAX_BINS:
        sums = [np.bincount(keys, weights=w, minlength=nbins) for w in weights]
        nonzero = np.flatnonzero(sums[0])
        return nonzero, [s[nonzero] for s in sums]
    uniq, inverse = np.unique(keys, return_inverse=True)
    return uniq, [np.bincount(inverse, weights=w, minlength=uniq.size) for w in weights]


def _count_classes(
    zone: npt.NDArray[np.intp],
    values: npt.NDArray[Any],
    weights: Sequence[npt.NDArray[np.float64] | None],
    plan: Plan,
) -> Counts:
    """Sparse counts per (zone, year, code) and (zone, year pair, from, to) for selected pixels.

    ``zone`` holds a local zone number per selected pixel, ``values`` the class codes
    (years x pixels). Codes are shifted to start at 0 so that keys stay small.
    """
    counts = Counts([], [])
    if zone.size == 0:
        return counts
    lo = int(values.min())
    span = int(values.max()) - lo + 1
    nz = int(zone.max()) + 1
    shifted = values.astype(np.int64) - lo
    base = zone.astype(np.int64)
    for y in plan.years:
        keys, sums = _sparse_counts(base * span + shifted[y], nz * span, weights)
        frame = {"zone": keys // span, "year": y, "code": keys % span + lo}
        counts.years.append(pd.DataFrame({**frame, **_sum_columns(sums)}))
    for y0, y1 in plan.pairs:
        keys, sums = _sparse_counts(
            (base * span + shifted[y0]) * span + shifted[y1], nz * span * span, weights
        )
        frame = {
            "zone": keys // (span * span),
            "year": y0,
            "year2": y1,
            "code": (keys // span) % span + lo,
            "code2": keys % span + lo,
        }
        counts.pairs.append(pd.DataFrame({**frame, **_sum_columns(sums)}))
    return counts


def _sum_columns(sums: list[npt.NDArray[Any]]) -> dict[str, npt.NDArray[Any]]:
    return {"pixels": sums[0], **({"area_m2": sums[1]} if len(sums) > 1 else {})}


def count_block(
    data: npt.NDArray[Any],
    job: BlockJob,
    grid: Grid,
    plan: Plan,
    coverage: Coverage,
    row_area: npt.NDArray[np.float64] | None,
) -> Counts:
    """Count one block (``data``: years x rows x cols) for every zone of ``job``.

    ``row_area`` (m² per pixel for each raster row) is given only for grids whose pixel area
    varies by row; otherwise areas are pixels x constant, applied by the caller.
    """
    h, w = job.row1 - job.row0, job.col1 - job.col0
    flat = data.reshape(data.shape[0], h * w)
    areas = None if row_area is None else row_area[job.row0 : job.row1]
    counts = Counts([], [])
    if coverage == "centre":
        transform = grid.window_transform(job.row0, job.col0)
        for layer in np.unique(job.layers):
            members = np.flatnonzero(job.layers == layer)
            # 0 = no zone; zone k of this layer is burnt as k + 1.
            burnt = rasterize(
                zip(job.geoms[members], range(1, members.size + 1), strict=True),
                out_shape=(h, w),
                transform=transform,
                fill=0,
                all_touched=False,
                dtype=np.int32 if members.size >= 65535 else np.uint16,
            ).ravel()
            pixels = np.flatnonzero(burnt)
            weights = [None] if areas is None else [None, areas[pixels // w]]
            local = _count_classes(burnt[pixels] - 1, flat[:, pixels], weights, plan)
            counts.extend(local, job.zones[members])
    else:
        for zone, cells, fraction in _coverage_fractions(job, grid, h, w):
            fractions: list[npt.NDArray[np.float64] | None] = [fraction]
            if areas is not None:
                fractions.append(fraction * areas[cells // w])
            local = _count_classes(np.zeros(cells.size, np.intp), flat[:, cells], fractions, plan)
            counts.extend(local, zone)
    return counts


def _coverage_fractions(
    job: BlockJob, grid: Grid, h: int, w: int
) -> Iterator[tuple[int, npt.NDArray[np.int64], npt.NDArray[np.float64]]]:
    """Yield (zone, flat cell index in block, coverage fraction) from exactextract."""
    from exactextract import exact_extract
    from exactextract.raster import NumPyRasterSource

    xmin, ymin, xmax, ymax = grid.bounds(job.row0, job.row1, job.col0, job.col1)
    # exactextract only needs the grid here; the values are read by us.
    stand_in = NumPyRasterSource(np.zeros((h, w), np.uint8), xmin, ymin, xmax, ymax)
    features = [
        {"type": "Feature", "properties": {"i": i}, "geometry": shapely.geometry.mapping(g)}
        for i, g in enumerate(job.geoms)
    ]
    table = exact_extract(
        stand_in, features, ["cell_id", "coverage"], output="pandas", include_cols=["i"]
    )
    for i, cells, fraction in zip(table["i"], table["cell_id"], table["coverage"], strict=True):
        keep = fraction > 0
        if keep.any():
            yield (
                int(job.zones[i]),
                np.asarray(cells, np.int64)[keep],
                np.asarray(fraction, np.float64)[keep],
            )


# -- running all blocks -------------------------------------------------------------------------
def as_dask(landcover: xr.DataArray, block: int = DEFAULT_BLOCK) -> dask.array.Array:
    """Return the (year, y, x) values as a dask array, chunked like the file when not yet dask."""
    if isinstance(landcover.data, dask.array.Array):
        return landcover.data
    preferred = landcover.encoding.get("preferred_chunks", {})
    chunks = {
        "year": 1,
        "y": preferred.get("y", block),
        "x": preferred.get("x", block),
    }
    return landcover.chunk(chunks).data


class _TqdmCallback(Callback):
    """Advance a tqdm bar when a block task (one of ``keys``) finishes on the local scheduler."""

    def __init__(self, keys: set[Any], bar: tqdm) -> None:
        super().__init__()
        self._keys = keys
        self._bar = bar

    def _posttask(self, key: Any, result: Any, dsk: Any, state: Any, worker_id: Any) -> None:
        if key in self._keys:
            self._bar.update(1)


def run(
    data: dask.array.Array,
    jobs: list[BlockJob],
    grid: Grid,
    plan: Plan,
    coverage: Coverage,
    row_area: npt.NDArray[np.float64] | None,
    *,
    progress: bool,
    client: Any = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Count all blocks (locally on threads, or on a dask.distributed ``client``) and sum."""
    tasks = [
        dask.delayed(count_block, pure=True)(
            data[:, j.row0 : j.row1, j.col0 : j.col1], j, grid, plan, coverage, row_area
        )
        for j in jobs
    ]
    bar = tqdm(total=len(tasks), desc="overlay blocks", unit="block", disable=not progress)
    with bar:
        if client is not None:
            from distributed import as_completed

            futures = client.compute(tasks)
            results = []
            for future in as_completed(futures):
                results.append(future.result())
                bar.update(1)
        else:
            callback: contextlib.AbstractContextManager[Any] = (
                _TqdmCallback({t.key for t in tasks}, bar) if progress else contextlib.nullcontext()
            )
            with callback:
                results = list(dask.compute(*tasks, scheduler="threads"))
    return combine(results)


def combine(results: Sequence[Counts]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sum block counts by zone, year and code, and by zone, year pair and code pair."""
    years = [f for r in results for f in r.years]
    pairs = [f for r in results for f in r.pairs]
    return (
        _sum(years, ["zone", "year", "code"]),
        _sum(pairs, ["zone", "year", "year2", "code", "code2"]),
    )


def _sum(frames: list[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame({k: pd.Series(dtype=np.int64) for k in [*keys, "pixels"]})
    table = pd.concat(frames, ignore_index=True)
    return table.groupby(keys, as_index=False, sort=True).sum()
