"""Sankey-style flow chart of land moving between land-cover classes or restoration states."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MPath

from geo_revival.exceptions import SchemaError
from geo_revival.labels import class_label, column_label, value_label
from geo_revival.landcover.legend import Legend, get_legend
from geo_revival.mapping._chart_common import _figure, _finish, coverage_note
from geo_revival.mapping.fonts import cjk_context
from geo_revival.validation import require_columns

__all__ = ["STATE_COLORS", "transition_flow_chart"]

#: Colours of the restoration states (restoration rule sets) in flow charts.
STATE_COLORS = {"damaged": "#a6611a", "restored": "#1b7837", "neutral": "#bdbdbd"}


def _node_colors(
    table: pd.DataFrame, source: str, target: str, legend: Legend | None
) -> dict[str, str]:
    colors: dict[str, str] = {}
    if legend is not None and {"from_code", "to_code"} <= set(table.columns):
        for name_col, code_col in ((source, "from_code"), (target, "to_code")):
            for name, code in table[[name_col, code_col]].drop_duplicates().itertuples(index=False):
                if int(code) in legend:
                    colors[str(name)] = legend.color(int(code))
    for name in pd.unique(pd.concat([table[source], table[target]]).astype(str)):
        colors.setdefault(name, STATE_COLORS.get(name, "#999999"))
    return colors


def _node_names(
    table: pd.DataFrame, source: str, target: str, legend: Legend | None
) -> dict[str, str]:
    """Display names: states and legend classes in Chinese and English."""
    names = {state: value_label("state", state) for state in STATE_COLORS}
    if legend is not None and {"from_code", "to_code"} <= set(table.columns):
        for name_col, code_col in ((source, "from_code"), (target, "to_code")):
            for name, code in table[[name_col, code_col]].drop_duplicates().itertuples(index=False):
                if int(code) in legend:
                    names[str(name)] = class_label(legend, int(code))
    return names


def _node_labels(
    ax: Axes,
    x: float,
    side: int,
    sums: list[tuple[str, float]],
    centres: list[float],
    names: Mapping[str, str],
    min_gap: float,
) -> None:
    """Label the bars of one side; labels closer than ``min_gap`` are pushed apart."""
    ys: list[float] = []
    for c in centres:
        ys.append(max(c, ys[-1] + min_gap) if ys else c)
    dx = -0.06 if side == 0 else 0.06
    for (name, value), centre, y in zip(sums, centres, ys, strict=True):
        ax.annotate(
            # Long class names (CORINE has 80-character ones) wrap instead of leaving the page.
            textwrap.fill(f"{names.get(name, name)}  {value:,.0f}", 34),
            (x + dx * 0.6, centre),
            xytext=(x + dx, y),
            ha="right" if side == 0 else "left",
            va="center",
            fontsize=7.5,
            arrowprops={"arrowstyle": "-", "lw": 0.4, "color": "#666"} if y != centre else None,
        )


def _band(
    ax: Axes, x0: float, x1: float, y0: tuple[float, float], y1: tuple[float, float], color: str
) -> None:
    """Draw a ribbon from the span y0 at x0 to the span y1 at x1, with S-shaped edges."""
    xm = (x0 + x1) / 2
    verts = [
        (x0, y0[0]),
        (xm, y0[0]),
        (xm, y1[0]),
        (x1, y1[0]),
        (x1, y1[1]),
        (xm, y1[1]),
        (xm, y0[1]),
        (x0, y0[1]),
        (x0, y0[0]),
    ]
    codes = [
        MPath.MOVETO,
        MPath.CURVE4,
        MPath.CURVE4,
        MPath.CURVE4,
        MPath.LINETO,
        MPath.CURVE4,
        MPath.CURVE4,
        MPath.CURVE4,
        MPath.CLOSEPOLY,
    ]
    ax.add_patch(PathPatch(MPath(verts, codes), fc=color, ec="none", alpha=0.45))


def transition_flow_chart(
    transitions: pd.DataFrame,
    *,
    source: str = "from_name",
    target: str = "to_name",
    area: str = "area_mu",
    from_year: int | None = None,
    to_year: int | None = None,
    zone_ids: Sequence[str] | None = None,
    legend: Legend | str | None = None,
    simulated: bool | None = None,
    title: str | None = None,
    min_share: float = 0.002,
    zones: pd.DataFrame | None = None,
) -> Figure:
    """Sankey-style chart of land moving between classes (or restoration states).

    Left: area per class in ``from_year``; right: in ``to_year``; ribbons: the transitions.

    Parameters
    ----------
    transitions
        ``overlay.transitions`` output (``from_name``/``to_name``) or a
        ``restoration.state_transitions`` result (pass ``source="from_state"``,
        ``target="to_state"``), with ``from_year``, ``to_year`` and ``area``.
    from_year, to_year
        The year pair (default: the widest pair in the table).
    zone_ids
        Zones to include (default: all, summed); the chart says which zones it sums.
    zones
        The zones table, to name the zones summed by their numbers on the map.
    legend
        Legend for class colours (default: none; states have fixed colours).
    min_share
        Ribbons smaller than this share of the total area are not drawn (they stay in the bars).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"zone_id": "z", "from_year": 2020, "to_year": 2024,
    ...                   "from_state": ["damaged", "damaged"], "to_state": ["restored", "damaged"],
    ...                   "area_mu": [30.0, 70.0]})
    >>> fig = transition_flow_chart(t, source="from_state", target="to_state")
    >>> len(fig.axes[0].patches)  # 1 bar left (damaged), 2 right, 2 ribbons
    5
    """
    require_columns(
        transitions,
        (source, target, area, "from_year", "to_year"),
        what="transitions",
        hint="pass overlay.transitions output",
    )
    t = transitions
    if zone_ids is not None:
        t = t[t["zone_id"].astype(str).isin([str(z) for z in zone_ids])]
    if from_year is None or to_year is None:
        span = t["to_year"] - t["from_year"]
        widest = t[span == span.max()].iloc[0]
        from_year = int(widest["from_year"]) if from_year is None else from_year
        to_year = int(widest["to_year"]) if to_year is None else to_year
    t = t[(t["from_year"] == from_year) & (t["to_year"] == to_year)]
    if t.empty:
        raise SchemaError(f"no transitions from {from_year} to {to_year} for the selected zones")
    leg = get_legend(legend) if legend is not None else None
    colors = _node_colors(t, source, target, leg)
    names = _node_names(t, source, target, leg)
    flows = t.groupby([t[source].astype(str), t[target].astype(str)])[area].sum()
    flows = flows[flows > 0]
    total = float(flows.sum())
    order = list(colors)
    sides = [
        flows.groupby(level=level)
        .sum()
        .reindex([n for n in order if n in flows.index.get_level_values(level)])
        for level in (0, 1)
    ]
    gap = 0.02 * total
    height = max(s.sum() for s in sides) + gap * max(len(s) for s in sides)
    with cjk_context():
        nodes = max(len(s) for s in sides)
        fig, ax = _figure((9.0, max(5.6, 0.36 * nodes + 1.6)))
        pos: dict[tuple[int, str], list[float]] = {}
        for side, (sums, x) in enumerate(zip(sides, (0.0, 1.0), strict=True)):
            y, centres = 0.0, []
            for name, value in sums.items():
                ax.add_patch(
                    Rectangle((x - 0.03, y), 0.06, value, fc=colors[name], ec="#333", lw=0.5)
                )
                centres.append(y + value / 2)
                pos[(side, name)] = [y, y]  # running offset of the ribbons within the bar
                y += value + gap
            _node_labels(
                ax, x, side, list(sums.items()), centres, names, min(0.045, 0.8 / nodes) * height
            )
        ordered = flows.sort_index(level=[0, 1], key=lambda s: s.map(order.index))
        for (a, b), value in ordered.items():
            la, rb = pos[(0, a)], pos[(1, b)]
            if value / total >= min_share:
                _band(ax, 0.03, 0.97, (la[1], la[1] + value), (rb[1], rb[1] + value), colors[a])
            la[1] += value
            rb[1] += value
        ax.set_xlim(-0.75, 1.75)
        ax.set_ylim(-3 * gap, height)
        ax.invert_yaxis()
        ax.set_axis_off()
        ax.text(0, -gap / 2, str(from_year), ha="center", va="bottom", fontsize=11)
        ax.text(1, -gap / 2, str(to_year), ha="center", va="bottom", fontsize=11)
        unit = column_label(area, "zh", unit=True).replace(column_label(area, "zh", unit=False), "")
        kind = "状态转移 State flows" if source == "from_state" else "土地覆盖转移 Land-cover flows"
        head = title or f"{kind} {from_year}→{to_year} {unit.strip('（）()') or area}"
        covers = coverage_note(list(t["zone_id"].astype(str).unique()), zones) if (
            "zone_id" in t.columns
        ) else None
        return _finish(fig, head, simulated, transitions, covers=covers, ax=ax)
