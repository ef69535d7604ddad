"""Pieces shared by the charts: figure set-up, titles, and the "zones covered" note."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from geo_revival.mapping.fonts import use_cjk_font
from geo_revival.provenance import is_simulated

__all__ = ["coverage_note"]

SIZE = (8.0, 4.8)


def _figure(size: tuple[float, float] = SIZE, ax: Axes | None = None) -> tuple[Figure, Axes]:
    if ax is not None:
        fig = ax.get_figure(root=True)
        assert isinstance(fig, Figure)
        return fig, ax
    fig = Figure(figsize=size, dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _finish(
    fig: Figure,
    title: str,
    simulated: bool | None,
    *data: object,
    covers: str | None = None,
    ax: Axes | None = None,
    own: bool = True,
) -> Figure:
    """Title the chart, marked simulated when ``simulated`` is true (or, if None, the data are).

    ``covers`` (the zones the chart sums) goes under the title. A chart drawn on a caller's
    axes (``own=False``) gets an axes title instead of a figure title.
    """
    if simulated or (simulated is None and is_simulated(*data)):
        title += "\n模拟数据 — simulated data"
    if own:
        fig.suptitle(title, fontsize=12)
        if covers and ax is not None:
            ax.set_title(covers, fontsize=8, loc="left", color="#333")
    elif ax is not None:
        ax.set_title(title + (f"\n{covers}" if covers else ""), fontsize=8, loc="left")
    return use_cjk_font(fig)


def _ranges(numbers: list[int]) -> str:
    """``[1, 2, 3, 5]`` -> ``"1–3, 5"``."""
    out: list[str] = []
    for n in sorted(numbers):
        if out and n == int(out[-1].split("–")[-1]) + 1:
            out[-1] = f"{out[-1].split('–')[0]}–{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


def coverage_note(zone_ids: Sequence[str], zones: pd.DataFrame | None = None) -> str:
    """Which zones a chart sums: their numbers on the map (with ``zones``) or their ids.

    Examples
    --------
    >>> import pandas as pd
    >>> z = pd.DataFrame({"zone_id": ["a", "b", "c", "d"]})
    >>> coverage_note(["a", "b", "d"], z)
    '区块 Zones 1–2, 4 (3 of 4, numbered as on the map)'
    >>> coverage_note(["a"])
    '区块 Zones: a'
    """
    ids = [str(z) for z in dict.fromkeys(zone_ids)]
    if zones is not None and "zone_id" in zones.columns:
        order = {str(z): i + 1 for i, z in enumerate(zones["zone_id"])}
        numbers = [order[z] for z in ids if z in order]
        if len(numbers) == len(ids):
            return (
                f"区块 Zones {_ranges(numbers)} ({len(ids)} of {len(order)}, "
                "numbered as on the map)"
            )
    return textwrap.shorten("区块 Zones: " + ", ".join(ids), 160, placeholder=" …")


def _progress_zone_ids(rows: pd.DataFrame) -> list[str]:
    if "zone_ids" not in rows.columns:
        return []
    ids: list[str] = []
    for value in rows["zone_ids"].dropna().astype(str):
        ids += [z for z in value.split(";") if z]
    return list(dict.fromkeys(ids))
