"""Block engine behind :mod:`geo_revival.overlay`: one pass over the raster blocks zones touch.

The raster is walked in blocks (the dask chunks of the land-cover array). Only blocks that
some zone geometry intersects become tasks; the others are never read. Each task reads its
block for all requested years once and returns sparse counts
``(zone, year[, year2], code[, code2]) -> pixels[, coverage_fraction][, area_m2]`` that the
driver sums (see :func:`value_columns`), plus, when the plan asks for them, counts of
restoration trajectory keys (``(zone, key)``) and of the pixels the one-year flip filter
changed (``(zone, year)``, see :func:`filter_flips`).

Counting is compiled (:mod:`geo_revival.overlay._tally`, :mod:`geo_revival._kernels`): one C
loop per zone window reads every year of a pixel once, without the GIL, so the block threads
count in parallel; no per-pixel temporaries beyond the zone's mask. The local pass reads a
block only when a thread is free to count it, so at most one block per thread is in memory
(years x block pixels bytes each).

Centre rule: each zone is burnt with :func:`rasterio.features.rasterize` (``all_touched=False``)
on its bounding-box window inside the block (skipped when the window lies wholly inside the
zone), so overlapping zones each count their pixels and work is proportional to zone size, not
block size.

Exact rule: per-pixel coverage fractions come from exactextract, evaluated against the block's
grid (an all-zero stand-in raster, so exactextract does no reading). As in exactextract's
``count`` and ``frac`` operations, ``pixels`` counts the pixels with a coverage fraction above
:data:`COVERAGE_TOLERANCE` (not 0: an edge running exactly along pixel boundaries gives
floating-point crumbs of ~1e-13 to the pixels beyond it) and ``coverage_fraction`` sums the
fractions; areas are weighted by the fractions.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from itertools import pairwise
from typing import Any, Literal

import dask
import dask.array
import dask.local
import numpy as np
import numpy.typing as npt
import pandas as pd
import rasterio
import shapely
import xarray as xr
from rasterio.features import rasterize

from geo_revival._bars import progress_bar
from geo_revival.grid import Grid
from geo_revival.landcover.io import skip_block_code_checks
from geo_revival.overlay._tally import (
    COVERAGE_TOLERANCE,
    Columns,
    Counts,
    Plan,
    Tally,
    code_index,
    value_columns,
)

Coverage = Literal["centre", "exact"]

#: Block edge (pixels) aimed at when the land cover is not dask-backed: large enough that
#: per-block costs stay small, small enough to bound memory (years x 16 M pixels per block).
DEFAULT_BLOCK = 4096
#: One rasterize at a time: rasterio silences a warning of its in-memory dataset with
#: ``warnings.catch_warnings``, which is not thread-safe (concurrent calls restore each other's
#: filters and leak a spurious NotGeoreferencedWarning); rasterize holds the GIL for most of
#: its work anyway, so little parallelism is lost.
_RASTERIZE = threading.Lock()
#: Pixels of a zone's covered cells counted at a time (exact rule): bounds the gathered copies.
_PIECE = 1 << 20


@dataclass(frozen=True)
class BlockJob:
    """One block and the zones that touch it.

    ``windows`` holds, per zone, the rows and columns (relative to the block) of the zone's
    bounding box inside the block; ``inside`` flags windows that lie wholly inside the zone.
    """

    row0: int
    row1: int
    col0: int
    col1: int
    zones: npt.NDArray[np.intp]
    geoms: npt.NDArray[np.object_]
    windows: npt.NDArray[np.intp]
    inside: npt.NDArray[np.bool_]


#: Zones with more vertices than this are clipped to each block window before rasterizing.
_CLIP_VERTICES = 256


def plan_blocks(
    geoms: npt.NDArray[np.object_],
    grid: Grid,
    row_edges: Sequence[int],
    col_edges: Sequence[int],
) -> list[BlockJob]:
    """Return a job for every block (between consecutive edges) that some zone intersects."""
    spans = np.array(
        [(r0, r1, c0, c1) for r0, r1 in pairwise(row_edges) for c0, c1 in pairwise(col_edges)],
        dtype=np.intp,
    ).reshape(-1, 4)
    boxes = shapely.box(*np.array([grid.window_bounds(*s) for s in spans]).T)
    block_idx, zone_idx = shapely.STRtree(geoms).query(boxes, predicate="intersects")
    order = np.lexsort((zone_idx, block_idx))
    block_idx, zone_idx = block_idx[order], zone_idx[order]
    # Zone bounding boxes in pixels (a margin of one pixel keeps every touched pixel).
    t = grid.transform
    xmin, ymin, xmax, ymax = shapely.bounds(geoms).T
    pix = np.c_[
        np.floor((t.f - ymax) / -t.e) - 1,
        np.ceil((t.f - ymin) / -t.e) + 1,
        np.floor((xmin - t.c) / t.a) - 1,
        np.ceil((xmax - t.c) / t.a) + 1,
    ][zone_idx]
    block = spans[block_idx]
    win = np.c_[
        np.maximum(pix[:, 0], block[:, 0]),
        np.minimum(pix[:, 1], block[:, 1]),
        np.maximum(pix[:, 2], block[:, 2]),
        np.minimum(pix[:, 3], block[:, 3]),
    ].astype(np.intp)
    keep = (win[:, 0] < win[:, 1]) & (win[:, 2] < win[:, 3])
    block_idx, zone_idx, win, block = block_idx[keep], zone_idx[keep], win[keep], block[keep]
    win_boxes = shapely.box(*np.array([grid.window_bounds(*w) for w in win]).reshape(-1, 4).T)
    pieces = geoms[zone_idx].copy()
    big = shapely.get_num_coordinates(pieces) > _CLIP_VERTICES
    for i in np.flatnonzero(big):
        # Clip with a one-pixel margin so that edges inside the window are unchanged.
        x0, y0, x1, y1 = shapely.bounds(win_boxes[i])
        m = abs(t.a)
        pieces[i] = shapely.clip_by_rect(pieces[i], x0 - m, y0 - m, x1 + m, y1 + m)
    shapely.prepare(pieces)
    inside = shapely.contains_properly(pieces, win_boxes)
    win -= np.c_[block[:, 0], block[:, 0], block[:, 2], block[:, 2]]
    cuts = np.flatnonzero(np.diff(block_idx)) + 1
    jobs = []
    for part in np.split(np.arange(block_idx.size), cuts) if block_idx.size else []:
        r0, r1, c0, c1 = (int(v) for v in spans[block_idx[part[0]]])
        jobs.append(BlockJob(r0, r1, c0, c1, zone_idx[part], pieces[part], win[part], inside[part]))
    return jobs


# -- counting inside one block ------------------------------------------------------------------
def count_block(
    layers: Sequence[npt.NDArray[Any]],
    job: BlockJob,
    grid: Grid,
    plan: Plan,
    coverage: Coverage,
    row_area: npt.NDArray[np.float64] | None,
) -> Counts:
    """Count one block (``layers``: one rows x cols array per year) for every zone of ``job``.

    ``row_area`` (m² per pixel for each raster row) is given only for grids whose pixel area
    varies by row; otherwise areas are pixels (exact rule: coverage fractions) x constant,
    applied by the caller.
    """
    index = code_index(layers)
    tally = Tally(plan, value_columns(coverage, row_area is not None), index)
    areas = None if row_area is None else row_area[job.row0 : job.row1]
    if coverage == "centre":
        # One GDAL environment for the block rather than one per rasterize call.
        with rasterio.Env():
            for k, zone in enumerate(job.zones):
                r0, r1, c0, c1 = (int(v) for v in job.windows[k])
                mask = None
                if not job.inside[k]:  # else every pixel centre of the window is in the zone
                    with _RASTERIZE:
                        mask = rasterize(
                            [(job.geoms[k], 1)],
                            out_shape=(r1 - r0, c1 - c0),
                            transform=grid.window_transform(job.row0 + r0, job.col0 + c0),
                            fill=0,
                            all_touched=False,
                            dtype=np.uint8,
                        )
                area = None
                if areas is not None:
                    area = np.broadcast_to(areas[r0:r1, None], (r1 - r0, c1 - c0))
                tally.add(int(zone), [a[r0:r1, c0:c1] for a in index.layers], mask, None, area)
    else:
        h, w = job.row1 - job.row0, job.col1 - job.col0
        flats = [layer.reshape(h * w) for layer in index.layers]
        for zone, cells, fraction in _coverage_fractions(job, grid, h, w):
            for a in range(0, cells.size, _PIECE):
                part, frac = cells[a : a + _PIECE], fraction[a : a + _PIECE]
                area = None if areas is None else areas[part // w][None, :]
                tally.add(zone, [f[part][None, :] for f in flats], None, frac[None, :], area)
    return tally.frames()


def _count_chunks(job: BlockJob, *parts: npt.NDArray[Any], **kwargs: Any) -> Counts:
    """:func:`count_block` on a block given as its chunks along the year axis."""
    return count_block([layer for part in parts for layer in part], job, **kwargs)


def _coverage_fractions(
    job: BlockJob, grid: Grid, h: int, w: int
) -> Iterator[tuple[int, npt.NDArray[np.int64], npt.NDArray[np.float64]]]:
    """Yield (zone, flat cell index in the ``h`` x ``w`` block, coverage fraction)."""
    from exactextract import exact_extract
    from exactextract.raster import NumPyRasterSource

    # One call per zone: exactextract's output (16 bytes a covered cell) then holds one zone's
    # cells at a time, not those of every zone of the block. It only needs the block's grid
    # (the same one for every zone, so fractions do not depend on windows); we read the values.
    xmin, ymin, xmax, ymax = grid.window_bounds(job.row0, job.row1, job.col0, job.col1)
    stand_in = NumPyRasterSource(np.zeros((h, w), np.uint8), xmin, ymin, xmax, ymax)
    for k, geom in enumerate(job.geoms):
        feature = {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(geom)}
        table = exact_extract(stand_in, [feature], ["cell_id", "coverage"], output="pandas")
        for cells, fraction in zip(table["cell_id"], table["coverage"], strict=True):
            keep = np.asarray(fraction) > COVERAGE_TOLERANCE
            if keep.any():
                yield (
                    int(job.zones[k]),
                    np.asarray(cells, np.int64)[keep],
                    np.asarray(fraction, np.float64)[keep],
                )


# -- running all blocks -------------------------------------------------------------------------
def as_dask(landcover: xr.DataArray, block: int = DEFAULT_BLOCK) -> dask.array.Array:
    """Return the (year, y, x) values as a dask array (blocks of whole file tiles if not yet)."""
    if isinstance(landcover.data, dask.array.Array):
        return landcover.data
    preferred = landcover.encoding.get("preferred_chunks", {})
    chunks: dict[str, int] = {"year": 1}
    for dim in ("y", "x"):
        tile = int(preferred.get(dim, block))
        chunks[dim] = tile * max(1, block // tile)
    return landcover.chunk(chunks).data


@dataclass(frozen=True)
class _BlockTask:
    """A block's read-and-count graph, shipped whole to a dask.distributed worker.

    Wrapped so that ``client.submit`` passes it as data instead of scheduling its reads as
    separate tasks: one task per block then reads all years where it counts them (no chunks
    sent between workers, one scheduler round trip per block instead of one per chunk).
    """

    task: Any


def _compute_remote(block: _BlockTask) -> Counts:
    """Read and count one block on a worker, without open_landcover's per-block code checks."""
    with skip_block_code_checks():
        return _compute_one(block.task)


def _compute_one(task: Any) -> Counts:
    """Read and count one block on the calling thread (dask's synchronous scheduler)."""
    # The scheduler function, not its name "sync": resolving a name makes dask import
    # distributed (0.1-0.5 s on the first block) to look for an active client.
    result: Counts = dask.compute(task, scheduler=dask.local.get_sync)[0]
    return result


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
) -> tuple[pd.DataFrame, ...]:
    """Count all blocks (locally on threads, or on a dask.distributed ``client``) and sum."""
    # One delayed object per chunk, from one optimised graph; jobs are chunk-aligned.
    chunks = data.to_delayed()
    row_of = {int(e): i for i, e in enumerate(np.cumsum((0, *data.chunks[1]))[:-1])}
    col_of = {int(e): i for i, e in enumerate(np.cumsum((0, *data.chunks[2]))[:-1])}
    count = partial(_count_chunks, grid=grid, plan=plan, coverage=coverage, row_area=row_area)
    tasks = [
        dask.delayed(count, pure=False)(
            dask.delayed(j, traverse=False), *chunks[:, row_of[j.row0], col_of[j.col0]]
        )
        for j in jobs
    ]
    bar = progress_bar(total=len(tasks), desc="overlay blocks", unit="block", enabled=progress)
    with bar:
        if client is not None:
            from distributed import as_completed

            # Each block's graph culled to its own reads, so a task carries only its block.
            futures = [
                client.submit(_compute_remote, _BlockTask(dask.optimize(t)[0]), pure=False)
                for t in tasks
            ]
            results = []
            for future in as_completed(futures):
                results.append(future.result())
                bar.update(1)
        else:
            # Each thread reads a block only when it is free to count it: dask's threaded
            # scheduler would read blocks ahead of the counting (several blocks x all years in
            # memory). The overlay checks the code of every pixel it counts against the legend
            # itself, so open_landcover's lazy per-block check would only repeat that work.
            threads = int(dask.config.get("num_workers", None) or os.cpu_count() or 1)
            results = []
            with skip_block_code_checks(), ThreadPoolExecutor(threads) as pool:
                for result in pool.map(_compute_one, tasks):
                    results.append(result)
                    bar.update(1)
    return combine(results, value_columns(coverage, row_area is not None))


def combine(results: Sequence[Counts], values: list[str]) -> tuple[pd.DataFrame, ...]:
    """Sum block counts of each table of :class:`Counts` by its keys."""
    return (
        _sum([r.years for r in results], ["zone", "year", "code"], values),
        _sum([r.pairs for r in results], ["zone", "year", "year2", "code", "code2"], values),
        _sum([r.summary for r in results], ["zone", "key"], values),
        _sum([r.filtered for r in results], ["zone", "year"], values),
    )


def _sum(blocks: list[Columns], keys: list[str], values: list[str]) -> pd.DataFrame:
    blocks = [b for b in blocks if b]
    if not blocks:
        dtypes = {k: np.int64 for k in keys} | {v: np.float64 for v in values}
        dtypes["pixels"] = np.int64
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in dtypes.items()})
    table = pd.DataFrame({c: np.concatenate([b[c] for b in blocks]) for c in blocks[0]})
    return table.groupby(keys, as_index=False, sort=True).sum()
