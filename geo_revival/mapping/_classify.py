"""Class breaks and colours for choropleths (shared by the interactive and static maps).

Rates use fixed breaks that include the plan's figures (75.2 % in 2024, 78 % by 2027), so a
zone's class says where it stands against the plan. Areas use quantile breaks rounded to two
significant figures, so legends read well and classes stay populated.

Classes are coloured with a sequential ramp of strongly rising darkness (reversed viridis by
default: pale yellow to deep purple). It is chosen to stay apart from the *muted* land-cover
colours drawn under it (:func:`geo_revival.mapping._raster.muted_color`) for normal vision and the
three colour-vision deficiencies; tests/unit/test_mapping_colors.py measures this.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import to_hex

from geo_revival.exceptions import OptionError
from geo_revival.labels import column_unit
from geo_revival.plan import get_target

__all__ = ["NO_DATA_COLOR", "Classes", "classify"]

#: Fixed rate breaks (fractions): the plan's 2024 actual and 2027 target (``data/targets.csv``)
#: are class edges.
RATE_BREAKS: tuple[float, ...] = (
    0.0,
    0.25,
    0.5,
    0.7,
    get_target("subsidence_restoration_rate", year=2024, kind="actual"),
    get_target("subsidence_restoration_rate", year=2027, kind="target"),
    1.0,
)
NO_DATA_COLOR = "#d9d9d9"
#: Default class ramp and the part of it used (its palest end is too close to the background).
DEFAULT_CMAP = "viridis_r"
_RAMP_SPAN = (0.2, 1.0)


@dataclass(frozen=True)
class Classes:
    """Class edges (``len(colors) + 1`` ascending values), colours and legend labels."""

    edges: tuple[float, ...]
    colors: tuple[str, ...]
    labels: tuple[str, ...]

    def color_of(self, value: float) -> str:
        """Colour of ``value``; NaN gets :data:`NO_DATA_COLOR`. The top edge is inclusive."""
        if value is None or not np.isfinite(value):
            return NO_DATA_COLOR
        i = int(np.searchsorted(self.edges, value, side="right")) - 1
        return self.colors[min(max(i, 0), len(self.colors) - 1)]


def _nice(x: float) -> float:
    """Round to two significant figures."""
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, 1 - math.floor(math.log10(abs(x))))


def _fmt(x: float, rate: bool) -> str:
    if rate:
        return f"{x * 100:.1f}".rstrip("0").rstrip(".")
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:,.2g}"


def classify(
    values: pd.Series | Sequence[float],
    column: str,
    *,
    k: int = 5,
    cmap: str = DEFAULT_CMAP,
    breaks: Sequence[float] | None = None,
) -> Classes:
    """Choose class breaks for ``values`` of ``column`` and colour them with ``cmap``.

    Parameters
    ----------
    values
        The mapped values (NaN ignored).
    column
        Column name; a ``*_rate`` column gets :data:`RATE_BREAKS`, other columns quantiles.
    k
        Number of quantile classes (fewer when values repeat).
    cmap
        Matplotlib colormap name.
    breaks
        Explicit ascending class edges, overriding the scheme.

    Examples
    --------
    >>> c = classify([0.1, 0.8], "restoration_rate")
    >>> c.labels[-1]
    '78–100'
    """
    v = np.asarray(pd.Series(values, dtype=float).dropna())
    rate = column_unit(column) == "rate"
    if breaks is not None:
        edges = [float(b) for b in breaks]
        if len(edges) < 2 or any(a >= b for a, b in itertools.pairwise(edges)):
            raise OptionError(f"breaks must be at least two strictly ascending values, got {edges}")
    elif rate:
        edges = list(RATE_BREAKS)
        if v.size and v.max() > 1.0:
            edges[-1] = float(v.max())
    else:
        lo, hi = (float(v.min()), float(v.max())) if v.size else (0.0, 1.0)
        inner = (
            [_nice(float(q)) for q in np.quantile(v, np.linspace(0, 1, k + 1)[1:-1])]
            if v.size
            else []
        )
        edges = sorted({lo, *(q for q in inner if lo < q < hi), hi})
        if len(edges) == 1:
            edges = [lo, lo + 1.0]
    n = len(edges) - 1
    # Evenly spaced along the ramp: neighbouring classes differ as much as the ramp allows.
    colors = tuple(to_hex(colormaps[cmap](x)) for x in np.linspace(*_RAMP_SPAN, max(n, 2)))[:n]
    labels = tuple(f"{_fmt(a, rate)}–{_fmt(b, rate)}" for a, b in itertools.pairwise(edges))
    return Classes(tuple(edges), colors, labels)
