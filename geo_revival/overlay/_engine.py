"""Block engine behind :mod:`geo_revival.overlay`: one pass over the raster blocks zones touch.

The raster is walked in blocks (the dask chunks of the land-cover array). Only blocks that
some zone geometry intersects become tasks; the others are never read. Each task reads its
block for all requested years once and returns sparse counts
``(zone, year[, year2], code[, code2]) -> pixels[, coverage_fraction][, area_m2]`` that the
driver sums (see :func:`value_columns`), plus, when the plan asks for them, counts of a
caller's per-pixel summary of all years (``(zone, key)``, e.g. restoration trajectories) and of
the pixels the one-year flip filter changed (``(zone, year)``, see :func:`filter_flips`).

Memory: a zone's pixels are counted in row strips of at most :data:`_PIECE` pixels, so the
temporaries (codes of every year, 64-bit keys) stay a few MB whatever the block size, and the
local pass reads a block only when a thread is free to count it, so at most one block per
thread is in memory (years x block pixels bytes each).

Centre rule: each zone is burnt with :func:`rasterio.features.rasterize` (``all_touched=False``)
on its bounding-box window inside the block (skipped when the window lies wholly inside the
zone), so overlapping zones each count their pixels and work is proportional to zone size, not
block size. Class codes of a year pair are combined into one integer key and counted with
:func:`numpy.bincount`.

Exact rule: per-pixel coverage fractions come from our compiled kernel
(:mod:`geo_revival.overlay._coverage`: signed-area accumulation along ring edges, then a running
sum per row), computed on each zone's window in row strips. As in exactextract's
``count`` and ``frac`` operations, ``pixels`` counts the pixels with a coverage fraction above
:data:`COVERAGE_TOLERANCE` (not 0: an edge running exactly along pixel boundaries gives
floating-point crumbs of ~1e-13 to the pixels beyond it) and ``coverage_fraction`` sums the
fractions (one extra, unweighted bincount); areas are weighted by the fractions.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
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
from geo_revival.overlay._coverage import block_fractions

Coverage = Literal["centre", "exact"]

#: Coverage fractions at or below this are floating-point noise, not coverage: such pixels are
#: neither counted in ``pixels`` nor weighted (1e-9 of a 30 m pixel is 1e-6 m²).
COVERAGE_TOLERANCE = 1e-9
#: Keys (zone x classes) above this many bins are counted by sorting instead of bincount.
_MAX_BINS = 1 << 22
#: Pixels of a zone counted at a time (row strips): bounds the temporaries of a block.
_PIECE = 1 << 20
#: Block edge (pixels) aimed at when the land cover is not dask-backed: large enough that
#: per-block costs stay small, small enough to bound memory (years x 16 M pixels per block).
DEFAULT_BLOCK = 4096


#: A per-pixel summary of all years: ``(zone, codes (years, n)) -> (key per pixel, bins)``.
Summary = Callable[[int, npt.NDArray[Any]], tuple[npt.NDArray[np.intp], int]]


@dataclass(frozen=True)
class Plan:
    """What to count: years (indices into the year axis), year pairs and per-pixel summaries.

    ``summary`` (a picklable function, see :data:`Summary`) gets every year of a zone's pixels
    and returns one integer key per pixel, counted per zone. ``flip_nodata``, when not
    ``None``, switches the one-year flip filter on (:func:`filter_flips` with these nodata
    codes) before anything is counted.
    """

    years: tuple[int, ...]
    pairs: tuple[tuple[int, int], ...]
    summary: Summary | None = None
    flip_nodata: tuple[int, ...] | None = None


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


def filter_flips(stack: npt.NDArray[Any], nodata: Sequence[int]) -> npt.NDArray[Any]:
    """Remove one-year flips A -> B -> A from a ``(year, ...)`` stack of class codes.

    Years are visited in order; a year takes the class of the year before it (as already
    filtered) when that class equals the class of the year after it and differs from its own,
    and all three are valid (not in ``nodata``). The first and last years never change; runs of
    two or more years are kept. So ``A B A`` -> ``A A A``, ``A B A B A`` -> ``A A A A A``,
    ``A B B A`` and ``A 0 A`` (0 nodata) are unchanged. Returns a new array.
    """
    out = np.array(stack, copy=True)
    if out.shape[0] < 3:
        return out
    valid = ~np.isin(stack, list(nodata))
    for t in range(1, out.shape[0] - 1):
        prev = out[t - 1]
        flip = (prev == stack[t + 1]) & (stack[t] != prev) & valid[t] & valid[t + 1]
        np.copyto(out[t], prev, where=flip)
    return out


# -- counting inside one block ------------------------------------------------------------------
def value_columns(coverage: Coverage, row_area: bool) -> list[str]:
    """Names of the summed columns, in the order of the weights given to :meth:`_Tally.add`.

    ``pixels`` is always an unweighted count; ``coverage_fraction`` only in exact mode;
    ``area_m2`` only when the pixel area varies by row (else the caller multiplies).
    """
    return [
        "pixels",
        *(["coverage_fraction"] if coverage == "exact" else []),
        *(["area_m2"] if row_area else []),
    ]


class _Tally:
    """Collects sparse counts of one block: (zone, year, code) and (zone, pair, from, to)."""

    def __init__(self, plan: Plan, values: list[str]) -> None:
        self.plan = plan
        self.values = values
        self.years: list[tuple[Any, ...]] = []
        self.pairs: list[tuple[Any, ...]] = []
        self.summary: list[tuple[Any, ...]] = []
        self.filtered: list[tuple[Any, ...]] = []

    def add(
        self,
        zone: int,
        values: Sequence[npt.NDArray[Any]],
        weights: Sequence[npt.NDArray[np.float64] | None],
    ) -> None:
        """Count the pixels ``values`` (one 1-D array per year) of ``zone``, weighted each way.

        ``weights`` line up with :attr:`values`; ``None`` counts pixels.

        Codes are shifted by their minimum, so that bins span only the codes present (a short
        bincount instead of one over every possible 8-bit pair).
        """
        if values[0].size == 0:
            return
        if self.plan.flip_nodata is not None or self.plan.summary is not None:
            stack = np.stack(values)
            if self.plan.flip_nodata is not None:
                filtered = filter_flips(stack, self.plan.flip_nodata)
                for y in range(stack.shape[0]):
                    changed = filtered[y] != stack[y]
                    if changed.any():
                        sums = [
                            np.array([changed.sum() if w is None else w[changed].sum()])
                            for w in weights
                        ]
                        self.filtered.append((zone, y, np.zeros(1, np.int64), sums))
                stack = filtered
                values = list(stack)
            if self.plan.summary is not None:
                keys, nbins = self.plan.summary(zone, stack)
                keys, sums = _sparse_counts(keys, nbins, weights)
                self.summary.append((zone, keys, sums))
        lo = min(int(v.min()) for v in values)
        span = max(int(v.max()) for v in values) - lo + 1
        # A year that is part of a pair is counted from the pair's marginal (same pixels,
        # nodata codes included): one bincount over all pixels less per year.
        marginals: dict[int, tuple[npt.NDArray[np.int64], list[npt.NDArray[Any]]]] = {}
        for y0, y1 in self.plan.pairs:
            keys = _keys([values[y0], values[y1]], span, lo)
            keys, sums = _sparse_counts(keys, span * span, weights)
            code, code2 = np.divmod(keys, span)
            self.pairs.append((zone, y0, y1, code + lo, code2 + lo, sums))
            for y, c in ((y0, code), (y1, code2)):
                if y in self.plan.years and y not in marginals:
                    marginals[y] = _marginal(c, sums, span)
        for y in self.plan.years:
            if y in marginals:
                keys, sums = marginals[y]
            else:
                keys, sums = _sparse_counts(_keys([values[y]], span, lo), span, weights)
            self.years.append((zone, y, keys + lo, sums))

    def frames(self) -> Counts:
        """Return the block's counts as columns."""
        return Counts(
            _frame(self.years, ["zone", "year", "code"], self.values),
            _frame(self.pairs, ["zone", "year", "year2", "code", "code2"], self.values),
            _frame(self.summary, ["zone", "key"], self.values),
            _frame(self.filtered, ["zone", "year"], self.values),
        )


Columns = dict[str, npt.NDArray[Any]]


@dataclass(frozen=True)
class Counts:
    """Sparse counts of a block as columns.

    Per (zone, year, code), (zone, year, year2, code, code2), (zone, summary key) and
    (zone, year) of pixels changed by the flip filter.
    """

    years: Columns
    pairs: Columns
    summary: Columns
    filtered: Columns


def _frame(rows: list[tuple[Any, ...]], keys: list[str], values: list[str]) -> Columns:
    """Stack tally rows ``(scalar keys..., code arrays..., sums)`` into columns."""
    if not rows:
        return {}
    sizes = np.array([len(r[-2]) for r in rows])
    columns: Columns = {}
    for i, key in enumerate(keys):
        parts = [np.broadcast_to(r[i], n) for r, n in zip(rows, sizes, strict=True)]
        columns[key] = np.concatenate(parts).astype(np.int64)
    for j, name in enumerate(values):
        columns[name] = np.concatenate([r[-1][j] for r in rows])
    return columns


def _keys(values: Sequence[npt.NDArray[Any]], span: int, lo: int) -> npt.NDArray[np.int64]:
    """Combine the codes ``values - lo`` into one int64 key per pixel (digits in base ``span``)."""
    key = values[0].astype(np.int64)
    for v in values[1:]:
        key *= span
        # 64-bit unsigned codes would make numpy add in float64; their span fits int64 here.
        key += v.astype(np.int64) if v.dtype == np.uint64 else v
    key -= lo * sum(span**i for i in range(len(values)))  # lo off every digit at once
    return key


def _marginal(
    codes: npt.NDArray[np.int64], sums: list[npt.NDArray[Any]], span: int
) -> tuple[npt.NDArray[np.int64], list[npt.NDArray[Any]]]:
    """Sum sparse pair counts over the other year: the counts of one year (dtypes kept)."""
    totals = [np.bincount(codes, weights=s, minlength=span).astype(s.dtype) for s in sums]
    nonzero = np.flatnonzero(totals[0])
    return nonzero, [t[nonzero] for t in totals]


def _sparse_counts(
    keys: npt.NDArray[Any],
    nbins: int,
    weights: Sequence[npt.NDArray[np.float64] | None],
) -> tuple[npt.NDArray[np.int64], list[npt.NDArray[Any]]]:
    """Count ``keys`` (optionally weighted several ways); return the non-empty keys and sums.

    The first of ``weights`` must be ``None`` (plain counts) or positive, so that its empty
    bins are the empty keys.
    """
    if nbins <= _MAX_BINS:
        sums = [np.bincount(keys, weights=w) for w in weights]
        nonzero = np.flatnonzero(sums[0])
        return nonzero, [s[nonzero] for s in sums]
    uniq, inverse = np.unique(keys, return_inverse=True)
    return uniq, [np.bincount(inverse, weights=w, minlength=uniq.size) for w in weights]


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
    tally = _Tally(plan, value_columns(coverage, row_area is not None))
    areas = None if row_area is None else row_area[job.row0 : job.row1]
    if coverage == "centre":
        # One GDAL environment for the block rather than one per rasterize call.
        with rasterio.Env():
            for k, zone in enumerate(job.zones):
                r0, r1, c0, c1 = (int(v) for v in job.windows[k])
                mask = None
                if not job.inside[k]:  # else every pixel centre of the window is in the zone
                    mask = rasterize(
                        [(job.geoms[k], 1)],
                        out_shape=(r1 - r0, c1 - c0),
                        transform=grid.window_transform(job.row0 + r0, job.col0 + c0),
                        fill=0,
                        all_touched=False,
                        dtype=np.uint8,
                    ).view(bool)
                step = max(1, _PIECE // (c1 - c0))
                for a in range(r0, r1, step):
                    b = min(r1, a + step)
                    strip = None if mask is None else mask[a - r0 : b - r0]
                    weights: list[npt.NDArray[np.float64] | None] = [None]
                    if areas is not None:
                        row = np.broadcast_to(areas[a:b, None], (b - a, c1 - c0))
                        weights.append(row.ravel() if strip is None else row[strip])
                    windows = [layer[a:b, c0:c1] for layer in layers]
                    pixels = [w.ravel() if strip is None else w[strip] for w in windows]
                    tally.add(int(zone), pixels, weights)
    else:
        h, w = job.row1 - job.row0, job.col1 - job.col0
        flats = [layer.reshape(h * w) for layer in layers]
        for zone, cells, fraction in _coverage_fractions(job, grid, h, w):
            for a in range(0, cells.size, _PIECE):
                part, frac = cells[a : a + _PIECE], fraction[a : a + _PIECE]
                fractions: list[npt.NDArray[np.float64] | None] = [None, frac]
                if areas is not None:
                    fractions.append(frac * areas[part // w])
                tally.add(zone, [f[part] for f in flats], fractions)
    return tally.frames()


def _count_chunks(job: BlockJob, *parts: npt.NDArray[Any], **kwargs: Any) -> Counts:
    """:func:`count_block` on a block given as its chunks along the year axis."""
    return count_block([layer for part in parts for layer in part], job, **kwargs)


def _coverage_fractions(
    job: BlockJob, grid: Grid, h: int, w: int
) -> Iterator[tuple[int, npt.NDArray[np.int64], npt.NDArray[np.float64]]]:
    """Yield (zone, flat cell index in the ``h`` x ``w`` block, coverage fraction)."""
    return block_fractions(job, grid, h, w, tolerance=COVERAGE_TOLERANCE, piece=_PIECE)


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
