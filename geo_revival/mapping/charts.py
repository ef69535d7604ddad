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
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from geo_revival.exceptions import SchemaError
from geo_revival.labels import column_label
from geo_revival.mapping._chart_common import (
    _figure,
    _finish,
    _progress_zone_ids,
    coverage_note,
)
from geo_revival.mapping._flow_chart import transition_flow_chart
from geo_revival.mapping.fonts import cjk_context
from geo_revival.plan import rate_trajectory, treated_trajectory
from geo_revival.validation import require_columns

__all__ = [
    "coverage_note",
    "rate_chart",
    "transition_flow_chart",
    "treated_area_chart",
    "zone_bar_chart",
]

_OBSERVED = "#1b7837"
_PLAN = "#444444"
_BAR = "#3d8b55"  # the observed green, lightened so that white value labels read on it


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
    adjusted = (
        obs[obs["estimate_basis"] == "adjusted"] if "estimate_basis" in obs else obs.iloc[:0]
    )
    if adjusted.empty:
        ax.plot(obs["year"], obs["value"], "o-", color=color, lw=2,
                label=f"{label} 监测值 observed")
    else:  # map counts as the line, error-adjusted estimates with their CI on top
        ax.plot(obs["year"], obs["map_value"], "o-", color=color, lw=2, alpha=0.45,
                label=f"{label} 制图统计 map count (unadjusted)")
        ax.errorbar(
            adjusted["year"], adjusted["value"],
            yerr=np.vstack([adjusted["value"] - adjusted["lower"],
                            adjusted["upper"] - adjusted["value"]]),
            fmt="D", color=color, ecolor=color, capsize=5, lw=1.5, ms=6,
            label=f"{label} 误差校正估计 adjusted estimate (95 % CI)",
        )
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
        raise SchemaError(f"results have no rows for year {year}")
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
