"""Charts of progress against the plans (matplotlib, Chinese and English labels).

- :func:`treated_area_chart`: cumulative treated area vs the 42,784 mu (and 17,788 mu key-area)
  trajectories of Jiangsu's 14th Five-Year Plan, with the projection and its interval.
- :func:`rate_chart`: the restoration rate vs Xuzhou's 75.2 % (2024) → 78 % (2027) path.
- :func:`zone_bar_chart`: one bar per zone for a year.
- :func:`transition_flow_chart`: a Sankey-style flow chart of land-cover (or state) transitions.

They draw tables made elsewhere (:func:`geo_revival.plan.progress`, restoration and overlay
results) and compute nothing new.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MPath
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from geo_revival.exceptions import SchemaError
from geo_revival.labels import class_label, column_label, value_label
from geo_revival.landcover.legend import Legend, get_legend
from geo_revival.mapping.fonts import cjk_context, use_cjk_font
from geo_revival.plan import rate_trajectory, treated_trajectory
from geo_revival.provenance import is_simulated
from geo_revival.validation import require_columns

__all__ = [
    "coverage_note",
    "rate_chart",
    "transition_flow_chart",
    "treated_area_chart",
    "zone_bar_chart",
]

_SIZE = (8.0, 4.8)
_OBSERVED = "#1b7837"
_PLAN = "#444444"
_BAR = "#3d8b55"  # the observed green, lightened so that white value labels read on it
#: Colours of the restoration states (restoration rule sets) in flow charts.
STATE_COLORS = {"damaged": "#a6611a", "restored": "#1b7837", "neutral": "#bdbdbd"}


def _figure(size: tuple[float, float] = _SIZE, ax: Axes | None = None) -> tuple[Figure, Axes]:
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


def _indicator_rows(table: pd.DataFrame, indicator: str) -> pd.DataFrame:
    need = {"indicator_id", "year", "kind", "value", "lower", "upper"}
    if not need <= set(table.columns):
        raise SchemaError(
            f"the progress table lacks {sorted(need - set(table.columns))}; pass the output of "
            "geo_revival.plan.progress(...)"
        )
    rows = table[table["indicator_id"] == indicator].sort_values("year")
    if rows.empty:
        raise SchemaError(
            f"the progress table has no rows for {indicator!r}; it has "
            f"{sorted(table['indicator_id'].unique())}"
        )
    return rows


def _draw_series(ax: Axes, rows: pd.DataFrame, color: str, label: str) -> None:
    obs = rows[rows["kind"] == "observed"]
    proj = rows[rows["kind"] == "projected"]
    ax.plot(obs["year"], obs["value"], "o-", color=color, lw=2, label=f"{label} 监测值 observed")
    if not proj.empty:
        last = obs.iloc[[-1]] if not obs.empty else proj.iloc[[0]]
        line = pd.concat([last, proj])
        # The line starts at the last observed point, which keeps its filled marker.
        ax.plot(
            line["year"],
            line["value"],
            "o--",
            color=color,
            lw=1.3,
            mfc="white",
            markevery=list(range(1, len(line))),
            label=f"{label} 趋势外推 projected",
        )
        ok = proj.dropna(subset=["lower", "upper"])
        if not ok.empty:
            err = np.vstack([ok["value"] - ok["lower"], ok["upper"] - ok["value"]])
            ax.errorbar(
                ok["year"],
                ok["value"],
                yerr=err,
                fmt="none",
                ecolor=color,
                capsize=4,
                lw=1,
                label=f"{label} 95 % 预测区间 prediction interval",
            )


def _year_axes(ax: Axes, column: str, *, legend_loc: Literal["upper left", "best"]) -> None:
    """Bilingual axis labels, whole-year ticks, grid and legend of a chart over the years."""
    ax.set_ylabel(f"{column_label(column, 'zh')}\n{column_label(column)}")
    ax.set_xlabel("年份 Year")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7.5, loc=legend_loc)


def treated_area_chart(
    progress_table: pd.DataFrame,
    indicators: Sequence[str] = ("subsidence_treated_area", "key_subsidence_treated_area"),
    *,
    simulated: bool | None = None,
    title: str | None = None,
    zones: pd.DataFrame | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Cumulative treated area since 2020 against the plan's linear trajectories.

    Parameters
    ----------
    progress_table
        Output of :func:`geo_revival.plan.progress` (rows ``kind`` observed/projected).
    indicators
        Treated-area indicators to draw; each gets its plan trajectory
        (:func:`geo_revival.plan.treated_trajectory`) as a dashed line.
    simulated
        Mark the chart as made from simulated data (default: when the table says so in its
        ``attrs``, provenance included).
    title
        Chart title.
    zones
        The zones table, to name the zones summed by their numbers on the map (the progress
        table's ``zone_ids``); without it their ids are listed.
    ax
        Axes to draw on (e.g. a page with several charts); default a new figure.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"indicator_id": "subsidence_treated_area", "year": [2020, 2021],
    ...                   "kind": "observed", "value": [0.0, 9000.0], "lower": None, "upper": None})
    >>> fig = treated_area_chart(t, ["subsidence_treated_area"])
    >>> fig.axes[0].get_ylabel().splitlines()
    ['累计治理面积（亩）', 'Cumulative treated area (mu)']
    """
    own = ax is None
    with cjk_context():
        fig, ax = _figure(ax=ax)
        colors = [_OBSERVED, "#2166ac", "#762a83"]
        ids: list[str] = []
        for ind, color in zip(indicators, colors, strict=False):
            rows = _indicator_rows(progress_table, ind)
            ids += _progress_zone_ids(rows)
            name = rows["name_zh"].iloc[0] if "name_zh" in rows else ind
            plan = treated_trajectory(ind)
            # A projection past the plan period has nothing to be compared with.
            rows = rows[(rows["kind"] == "observed") | (rows["year"] <= plan["year"].max())]
            ax.plot(
                plan["year"],
                plan["reference"],
                ls=":",
                color=color,
                lw=1.5,
                label=f"{name} 规划进度 plan trajectory",
            )
            end = plan.iloc[-1]
            ax.annotate(
                f"{end['reference']:,.0f} 亩 ({int(end['year'])})",
                (end["year"], end["reference"]),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
                color=color,
            )
            _draw_series(ax, rows, color, name)
        _year_axes(ax, "cumulative_treated_area_mu", legend_loc="upper left")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set_ylim(bottom=0)
        ax.margins(x=0.12)
        return _finish(
            fig,
            title or "沉陷区治理面积 Treated subsidence land, 2021–2025",
            simulated,
            progress_table,
            covers=coverage_note(ids, zones) if ids else None,
            ax=ax,
            own=own,
        )


def rate_chart(
    progress_table: pd.DataFrame,
    indicator: str = "subsidence_restoration_rate",
    *,
    simulated: bool | None = None,
    title: str | None = None,
    zones: pd.DataFrame | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw a restoration rate against the plan's values (75.2 % in 2024 → 78 % in 2027).

    Plan years are marked by kind (actual, target); the projection carries its interval.
    ``zones`` and ``ax`` as in :func:`treated_area_chart`.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"indicator_id": "subsidence_restoration_rate", "year": [2023, 2024],
    ...                   "kind": "observed", "value": [0.70, 0.74], "lower": None, "upper": None})
    >>> fig = rate_chart(t)
    >>> [x.get_text() for x in fig.axes[0].texts][-1]
    '78 %'
    """
    own = ax is None
    with cjk_context():
        fig, ax = _figure(ax=ax)
        rows = _indicator_rows(progress_table, indicator)
        name = rows["name_zh"].iloc[0] if "name_zh" in rows else indicator
        plan = rate_trajectory(indicator)
        ax.plot(
            plan["year"], plan["reference"], ls=":", color=_PLAN, lw=1.5, label="规划值 plan values"
        )
        marks = {
            "actual": ("s", "规划基数 plan baseline (actual)"),
            "baseline": ("s", "规划基数 plan baseline"),
            "target": ("*", "规划目标 plan target"),
        }
        for kind, (marker, label) in marks.items():
            pts = plan[plan["reference_kind"] == kind]
            if not pts.empty:
                ax.plot(
                    pts["year"], pts["reference"], marker, color=_PLAN, ms=9, ls="none", label=label
                )
        _draw_series(ax, rows, _OBSERVED, name)
        # Each plan figure is written above everything drawn in its year (the projection and
        # its interval included), so that no marker or error bar runs through it.
        tops = rows[["value", "upper"]].astype(float).max(axis=1).groupby(rows["year"]).max()
        for _, p in plan[plan["reference_kind"] != "trajectory"].iterrows():
            top = max(float(p["reference"]), float(tops.get(p["year"], -np.inf)))
            ax.annotate(
                f"{p['reference'] * 100:.3g} %",
                (p["year"], top),
                xytext=(0, 9),
                textcoords="offset points",
                ha="center",
                fontsize=8.5,
                color=_PLAN,
            )
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))
        _year_axes(ax, "restoration_rate", legend_loc="best")
        ax.margins(x=0.08, y=0.15)
        ids = _progress_zone_ids(rows)
        return _finish(
            fig,
            title or f"{name}",
            simulated,
            progress_table,
            covers=coverage_note(ids, zones) if ids else None,
            ax=ax,
            own=own,
        )


def zone_bar_chart(
    results: pd.DataFrame,
    zones: pd.DataFrame | None = None,
    *,
    value: str = "restoration_rate",
    year: int | None = None,
    simulated: bool | None = None,
    title: str | None = None,
    reference: Mapping[str, float] | None = None,
    zone_ids: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """One horizontal bar per zone: ``value`` in ``year`` (default the latest), sorted.

    Parameters
    ----------
    results
        Tidy table with ``zone_id``, ``year`` and ``value``.
    zones
        Optional table with ``zone_id``, ``name_zh``, ``name_en`` for the bar labels.
    reference
        Vertical reference lines ``{label: value}``: the plan's figure for the indicator these
        zones count towards (draw one chart per indicator, each with its own reference).
    zone_ids
        Zones to draw (default: all in ``results``).
    ax
        Axes to draw on; default a new figure.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"zone_id": ["a", "b"], "year": 2024, "restoration_rate": [0.5, 0.8]})
    >>> [t.get_text() for t in zone_bar_chart(r).axes[0].get_yticklabels()]
    ['a', 'b']
    """
    require_columns(
        results, ("zone_id", "year", value), what="results", hint=f"zone_bar_chart draws {value!r}"
    )
    year = int(results["year"].max()) if year is None else int(year)
    rows = results[results["year"] == year].sort_values(value)
    if zone_ids is not None:
        rows = rows[rows["zone_id"].astype(str).isin([str(z) for z in zone_ids])]
    if rows.empty:
        raise ValueError(f"results have no rows for year {year}")
    names = {}
    if zones is not None:
        for _, z in pd.DataFrame(zones).iterrows():
            zh, en = (z.get(c) if isinstance(z.get(c), str) else "" for c in ("name_zh", "name_en"))
            names[str(z["zone_id"])] = "\n".join(
                p for p in (zh, textwrap.shorten(en, 48, placeholder="…")) if p
            ) or str(z["zone_id"])
    labels = [names.get(str(z), str(z)) for z in rows["zone_id"]]
    rate = value.endswith("_rate")
    own = ax is None
    with cjk_context():
        fig, ax = _figure((8.0, max(3.0, 0.5 * len(rows) + 1.8)), ax=ax)
        vals = rows[value].to_numpy(float)
        ax.barh(range(len(rows)), np.nan_to_num(vals), color=_BAR)
        ax.set_yticks(range(len(rows)), labels, fontsize=8)
        refs = list((reference or {}).values())
        longest = float(np.nanmax([*vals, *refs, 0.0]))
        for i, v in enumerate(vals):
            text = "–" if np.isnan(v) else (f"{v * 100:.1f} %" if rate else f"{v:,.0f}")
            # Values sit on an opaque box above the reference lines: inside the end of a long
            # bar, after a short one.
            inside = not np.isnan(v) and v >= 0.15 * longest
            ax.annotate(
                text,
                (0 if np.isnan(v) else v, i),
                xytext=(-4, 0) if inside else (4, 0),
                textcoords="offset points",
                ha="right" if inside else "left",
                va="center",
                fontsize=8,
                color="white" if inside else "black",
                bbox={"boxstyle": "square,pad=0.15", "fc": _BAR if inside else "white", "lw": 0},
                zorder=3,
            )
        for k, (label, ref) in enumerate((reference or {}).items()):
            ax.axvline(
                ref, color=_PLAN, ls=("--", ":", "-.")[k % 3], lw=1.2, label=label, zorder=2
            )
        if reference and own:
            fig.legend(fontsize=8, loc="outside lower center", ncols=len(reference), frameon=False)
        elif reference:
            ax.legend(fontsize=7, loc="lower right")
        if rate:
            ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            ax.set_xlim(0, 1.08)
        else:
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
            ax.margins(x=0.12)
        ax.set_xlabel(f"{column_label(value, 'zh')}\n{column_label(value)}")
        ax.grid(axis="x", alpha=0.3)
        name = f"{column_label(value, 'zh', unit=False)} {column_label(value, unit=False)}"
        head = title or f"{name} · {year}"
        covers = coverage_note(list(rows["zone_id"].astype(str)), zones)
        return _finish(fig, head, simulated, results, zones, covers=covers, ax=ax, own=own)


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
        raise ValueError(f"no transitions from {from_year} to {to_year} for the selected zones")
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
