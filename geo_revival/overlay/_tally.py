"""What the engine counts in a block, and how: the plan, the compiled count, sparse rows.

A block's zone windows are counted by :func:`geo_revival._kernels.count_window` (one C loop
over the pixels of a window, all years at once, without the GIL). Class codes are mapped to
dense indices first (:class:`CodeIndex`), so count tables are small whatever the code values;
:class:`Tally` turns the dense tables into sparse rows ``(zone, ..., sums)`` that the driver
concatenates and sums.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from geo_revival import _kernels
from geo_revival.exceptions import SchemaError

#: Coverage fractions at or below this are floating-point noise, not coverage: such pixels are
#: neither counted in ``pixels`` nor weighted (1e-9 of a 30 m pixel is 1e-6 m²).
COVERAGE_TOLERANCE = 1e-9
#: Most distinct class codes in one block (count tables are codes² per year pair).
MAX_CODES = 1024


@dataclass(frozen=True)
class Trajectory:
    """Per-pixel restoration trajectories to count per zone (see :mod:`geo_revival._kernels`).

    ``table[i + 1, code]`` is the state of ``code`` in zone ``i`` (0 nodata, 1 damaged,
    2 restored, 3 neutral; codes past the table's width are nodata); ``persistence`` as for
    :func:`geo_revival.restoration.trajectories`. Counted keys decode with
    :func:`geo_revival._kernels.decode_trajectory_keys`.
    """

    table: npt.NDArray[np.uint8]
    persistence: int


@dataclass(frozen=True)
class Plan:
    """What to count: years (indices into the year axis), year pairs and trajectories.

    Years that appear in a pair are counted from the pair's marginals. ``trajectory`` adds
    trajectory counts over all years (in order); ``flip_nodata``, when not ``None``, switches
    the one-year flip filter on (:func:`filter_flips` with these nodata codes) before anything
    is counted.
    """

    years: tuple[int, ...]
    pairs: tuple[tuple[int, int], ...]
    trajectory: Trajectory | None = None
    flip_nodata: tuple[int, ...] | None = None


@dataclass(frozen=True)
class CodeIndex:
    """Dense indices of the class codes of a block: ``index[value]`` for every layer value.

    ``layers`` are the block's layers as uint8/uint16 (other integer dtypes are recoded:
    layer value ``v`` stands for code ``decode[v]``); ``codes[i]`` is the code of index ``i``.
    """

    layers: list[npt.NDArray[Any]]
    index: npt.NDArray[np.uint16]
    codes: npt.NDArray[np.int64]
    decode: npt.NDArray[np.int64] | None = None


def code_index(layers: Sequence[npt.NDArray[Any]]) -> CodeIndex:
    """Index the codes found in ``layers`` (one array per year): their range, or the set."""
    lo = min(int(a.min()) for a in layers) if layers[0].size else 0
    hi = max(int(a.max()) for a in layers) if layers[0].size else 0
    if layers[0].dtype in (np.uint8, np.uint16) and hi - lo < MAX_CODES:
        codes = np.arange(lo, hi + 1, dtype=np.int64)
        index = np.zeros(256 if layers[0].dtype == np.uint8 else 1 << 16, np.uint16)
        index[codes] = np.arange(codes.size, dtype=np.uint16)
        return CodeIndex(list(layers), index, codes)
    # A wide range of codes, or a dtype the kernel does not read: recode to the codes present.
    codes = np.unique(np.concatenate([np.unique(a) for a in layers])).astype(np.int64)
    if codes.size > MAX_CODES:
        raise SchemaError(
            f"{codes.size} distinct class codes in one block; the overlay handles at most "
            f"{MAX_CODES} (is this a land-cover map?)"
        )
    recoded = [np.searchsorted(codes, a).astype(np.uint16) for a in layers]
    index = np.zeros(1 << 16, np.uint16)
    index[: codes.size] = np.arange(codes.size, dtype=np.uint16)
    return CodeIndex(recoded, index, codes, codes)


def filter_flips(stack: npt.NDArray[Any], nodata: Sequence[int]) -> npt.NDArray[Any]:
    """Remove one-year flips A -> B -> A from a ``(year, ...)`` stack of class codes.

    Years are visited in order; a year takes the class of the year before it (as already
    filtered) when that class equals the class of the year after it and differs from its own,
    and all three are valid (not in ``nodata``). The first and last years never change; runs of
    two or more years are kept. So ``A B A`` -> ``A A A``, ``A B A B A`` -> ``A A A A A``,
    ``A B B A`` and ``A 0 A`` (0 nodata) are unchanged. Returns a new array.
    """
    stack = np.asarray(stack)
    if stack.shape[0] < 3 or stack.size == 0:
        return stack.copy()
    ci = code_index(list(stack.reshape(stack.shape[0], -1)))
    # Flags per layer value, for every value of the dtype (the kernel's lookup).
    values = ci.decode if ci.decode is not None else np.arange(ci.index.size)
    flags = np.zeros(ci.index.size, np.uint8)
    flags[: values.size] = np.isin(values, list(nodata))
    out = _kernels.filter_flips(np.stack(ci.layers), flags)
    if ci.decode is not None:
        out = ci.decode[out].astype(stack.dtype)
    return out.reshape(stack.shape)


def value_columns(coverage: str, row_area: bool) -> list[str]:
    """Names of the summed columns: ``pixels``, then the weight sums the kernel returns.

    ``pixels`` is always an unweighted count; ``coverage_fraction`` only in exact mode;
    ``area_m2`` only when the pixel area varies by row (else the caller multiplies).
    """
    return [
        "pixels",
        *(["coverage_fraction"] if coverage == "exact" else []),
        *(["area_m2"] if row_area else []),
    ]


Row = tuple[Any, ...]
Columns = dict[str, npt.NDArray[Any]]


@dataclass(frozen=True)
class Counts:
    """Sparse counts of a block as columns.

    Per (zone, year, code), (zone, year, year2, code, code2), (zone, trajectory key) and
    (zone, year) of pixels changed by the flip filter.
    """

    years: Columns
    pairs: Columns
    summary: Columns
    filtered: Columns


class Tally:
    """Counts the zone windows of one block (codes indexed by ``index``) into sparse rows."""

    def __init__(self, plan: Plan, values: list[str], index: CodeIndex) -> None:
        self.plan, self.values, self.index = plan, values, index
        self.pairs = np.array(plan.pairs, np.intp).reshape(-1, 2)
        # A year that is part of a pair is counted from the pair's marginal (same pixels,
        # nodata codes included).
        self.marginal: dict[int, tuple[int, int]] = {}
        for p, pair in enumerate(plan.pairs):
            for side, y in enumerate(pair):
                self.marginal.setdefault(y, (p, side))
        self.lone = np.array([y for y in plan.years if y not in self.marginal], np.intp)
        flip = plan.flip_nodata if plan.flip_nodata is not None else ()
        self.nodata = np.isin(index.codes, list(flip)).astype(np.uint8)
        self.rows: dict[str, list[Row]] = {k: [] for k in ("years", "pairs", "summary", "filtered")}

    def _states(self, zone: int) -> npt.NDArray[np.uint8] | None:
        if self.plan.trajectory is None:
            return None
        row = self.plan.trajectory.table[zone + 1]
        codes = self.index.codes
        inside = (codes >= 0) & (codes < row.size)
        return np.where(inside, row[np.where(inside, codes, 0)], 0).astype(np.uint8)

    def add(
        self,
        zone: int,
        layers: Sequence[npt.NDArray[Any]],
        mask: npt.NDArray[np.uint8] | None = None,
        fraction: npt.NDArray[np.float64] | None = None,
        area: npt.NDArray[np.float64] | None = None,
    ) -> None:
        """Count one window of ``zone``: 2-D ``layers`` (indexed dtype), selected and weighted.

        ``mask`` selects pixels (centre rule); ``fraction`` weights them (exact rule, pixels at
        or below :data:`COVERAGE_TOLERANCE` left out); ``area`` is m² per pixel (times the
        fraction), given when pixel areas vary.
        """
        traj = self.plan.trajectory
        (years, pairs, keys, flips), weights = _kernels.count_window(
            list(layers),
            mask,
            fraction,
            area,
            self.index.index,
            self.index.codes.size,
            self.pairs,
            self.lone,
            self._states(zone),
            traj.persistence if traj is not None else 1,
            self.plan.flip_nodata is not None,
            self.nodata,
            COVERAGE_TOLERANCE,
        )
        codes = self.index.codes
        for p, (y0, y1) in enumerate(self.plan.pairs):
            i, j = np.nonzero(pairs[p])
            if i.size:
                sums = [pairs[p][i, j], *(w[p][i, j] for w in weights[1])]
                self.rows["pairs"].append((zone, y0, y1, codes[i], codes[j], sums))
        lone = {int(y): k for k, y in enumerate(self.lone)}
        for y in self.plan.years:
            if y in lone:
                tables = [years[lone[y]], *(w[lone[y]] for w in weights[0])]
            else:
                p, side = self.marginal[y]
                tables = [t.sum(axis=1 - side) for t in (pairs[p], *(w[p] for w in weights[1]))]
            nz = np.flatnonzero(tables[0])
            if nz.size:
                self.rows["years"].append((zone, y, codes[nz], [t[nz] for t in tables]))
        if traj is not None:
            nz = np.flatnonzero(keys)
            if nz.size:
                self.rows["summary"].append((zone, nz, [keys[nz], *(w[nz] for w in weights[2])]))
        for t in np.flatnonzero(flips):
            sums = [flips[t : t + 1], *(w[t : t + 1] for w in weights[3])]
            self.rows["filtered"].append((zone, int(t), np.zeros(1, np.int64), sums))

    def frames(self) -> Counts:
        """Return the block's counts as columns."""
        return Counts(
            _frame(self.rows["years"], ["zone", "year", "code"], self.values),
            _frame(self.rows["pairs"], ["zone", "year", "year2", "code", "code2"], self.values),
            _frame(self.rows["summary"], ["zone", "key"], self.values),
            _frame(self.rows["filtered"], ["zone", "year"], self.values),
        )


def _frame(rows: list[Row], keys: list[str], values: list[str]) -> Columns:
    """Stack tally rows ``(scalar keys..., code arrays..., sums)`` into columns."""
    if not rows:
        return {}
    sizes = np.array([len(r[-2]) for r in rows])
    columns: Columns = {}
    for i, key in enumerate(keys):
        if np.ndim(rows[0][i]) == 0:  # a scalar key per row (zone, year): repeat it
            columns[key] = np.repeat(np.array([r[i] for r in rows], np.int64), sizes)
        else:
            columns[key] = np.concatenate([r[i] for r in rows]).astype(np.int64)
    for j, name in enumerate(values):
        columns[name] = np.concatenate([r[-1][j] for r in rows])
    return columns
