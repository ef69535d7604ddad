"""The report's summary: the verdict table, ``index.html`` and the one-page ``summary.pdf``.

``summary.pdf`` is one A4 page drawn by matplotlib, all vector except the land-cover image:
title, verdict table (Chinese and English), the map with zone numbers and key, the two plan
charts, the data sources and a provenance digest (full record in ``provenance.json``).
"""

from __future__ import annotations

import hashlib
import html
import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

__all__ = ["empty_verdict_reason", "summary_html", "summary_pdf", "verdict_table"]

_STATUS_TEXT = {
    "ahead": "超前 ahead",
    "on_track": "符合进度 on track",
    "behind": "滞后 behind",
    "undetermined": "不确定 undetermined (CI straddles the band)",
}
_BASIS_TEXT = {
    "adjusted": "误差校正估计 adjusted estimate",
    "adjusted level + map trend": "校正水平+制图趋势 adjusted level + map trend",
    "unadjusted map count": "未校正制图统计 unadjusted map count",
}
#: Verdict columns and their bilingual headers (HTML and PDF).
_COLUMNS = {
    "indicator": "指标 Indicator",
    "year": "年份 Year",
    "kind": "类型 Kind",
    "value": "结论所用数值 Value used (95 % CI / PI)",
    "basis": "依据 Basis",
    "map_count": "制图统计 Map count",
    "p_target_met": "达标概率 P(target met)",
    "reference": "规划参照 Plan reference",
    "status": "状态 Status",
}


def _fmt(value: Any, unit: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    if unit == "fraction":
        return f"{float(value) * 100:.1f} %"
    if unit == "mu":
        return f"{float(value):,.0f} 亩 mu"
    return f"{float(value):,.4g} {unit}"


def verdict_table(progress_table: pd.DataFrame, year: int) -> pd.DataFrame:
    """Select the rows of a progress table a reader needs: the report year and projections.

    Returns one row per indicator and year with formatted ``value`` (and interval) — the
    figure the status uses —, ``basis`` (adjusted estimate or unadjusted map count),
    ``map_count``, ``p_target_met``, ``reference`` and ``status`` texts in Chinese and English.

    Examples
    --------
    >>> t = pd.DataFrame({"indicator_id": ["r"], "name_zh": ["率"], "name_en": ["Rate"],
    ...     "year": [2024], "kind": ["observed"], "value": [0.74], "unit": ["fraction"],
    ...     "reference": [0.752], "reference_kind": ["actual"], "status": ["behind"]})
    >>> row = verdict_table(t, 2024).iloc[0]
    >>> row["value"], row["map_count"], row["reference"], row["status"]
    ('74.0 %', '–', '75.2 % (actual)', '滞后 behind')
    """
    t = progress_table
    out: list[dict[str, Any]] = []
    if t.empty:
        return pd.DataFrame(out, columns=list(_COLUMNS))
    # Projections beyond the plan's period (no reference value) are left out.
    rows = t[
        ((t["year"] == year) & (t["kind"] == "observed"))
        | ((t["kind"] == "projected") & t["reference"].notna())
    ]
    order = {ind: i for i, ind in enumerate(pd.unique(t["indicator_id"]))}  # as progress() has them
    rows = rows.sort_values(
        ["indicator_id", "year"], key=lambda c: c.map(order) if c.name == "indicator_id" else c
    )
    for _, p in rows.iterrows():
        value = _fmt(p["value"], p["unit"])
        if pd.notna(p.get("lower")) and pd.notna(p.get("upper")):
            value += f" ({_fmt(p['lower'], p['unit'])} – {_fmt(p['upper'], p['unit'])})"
        out.append(
            {
                "indicator": f"{p['name_zh']} {p['name_en']}",
                "year": int(p["year"]),
                "kind": "监测 observed" if p["kind"] == "observed" else "外推 projected (95 % PI)",
                "value": value,
                "basis": _BASIS_TEXT.get(
                    str(p.get("estimate_basis")), str(p.get("estimate_basis", "–"))
                ),
                "map_count": _fmt(p.get("map_value"), p["unit"]),
                "p_target_met": "–"
                if pd.isna(p.get("p_target_met"))
                else f"{float(p['p_target_met']):.2f}",
                "reference": _fmt(p["reference"], p["unit"])
                + (f" ({p['reference_kind']})" if pd.notna(p.get("reference_kind")) else ""),
                "status": _STATUS_TEXT.get(str(p["status"]), "无参照 no reference"),
            }
        )
    return pd.DataFrame(out, columns=list(_COLUMNS))


def empty_verdict_reason(zones: pd.DataFrame) -> str:
    """Why the verdict is empty, and which zone categories would feed each plan indicator.

    Examples
    --------
    >>> why = empty_verdict_reason(pd.DataFrame({"category": ["other"]})).splitlines()
    >>> why[1][:51]
    'No progress verdict: none of your zones (categories'
    >>> "subsidence_restoration_rate ← key_subsidence / general_subsidence" in why[2]
    True
    """
    from geo_revival.plan import progress_indicators

    have = sorted(set(zones["category"].astype(str))) if "category" in zones else []
    feeds = "; ".join(
        f"{row.indicator_id} ← {' / '.join(str(c) for c in row.zone_categories)}"  # type: ignore[union-attr]
        for row in progress_indicators().itertuples()
    )
    return (
        f"无进度结论：区块（类别 {', '.join(have) or '无'}）不属于任何规划指标统计的类别。\n"
        f"No progress verdict: none of your zones (categories: {', '.join(have) or 'none'}) "
        "is of a category that a plan indicator counts.\n"
        f"规划指标及其统计的区块类别 Indicators and the zone categories they count: {feeds}. "
        "Set the zones' `category` column to report against the plan."
    )


def provenance_digest(prov: dict[str, Any]) -> list[str]:
    """Return a few lines that identify the run; the full record is ``provenance.json``."""
    inputs = prov.get("inputs", {})
    combined = hashlib.sha256("".join(sorted(inputs.values())).encode()).hexdigest()[:16]
    rs = prov["rule_set"]
    return [
        f"geo-revival {prov['package_version']} · Python {prov['python']} · "
        f"created 生成于 {prov['created_utc']}",
        f"规则集 Rule set {rs['name']} (sha256 {str(rs['sha256'])[:12]}…) · "
        f"legend {prov.get('legend')} · "
        f"parameters {json.dumps(prov['parameters'], ensure_ascii=False)}",
        f"{len(inputs)} input file(s) 输入文件, combined sha256 {combined}… · "
        "full record 完整记录: provenance.json",
    ]


# -- index.html ------------------------------------------------------------------------------
def summary_html(
    *,
    title: str,
    year: int,
    progress: pd.DataFrame,
    zones: pd.DataFrame,
    simulated: bool,
    figures: dict[str, Path],
    prov: dict[str, Any],
    sources: dict[str, str],
    notes: list[str],
    folder: Path,
    links: dict[str, str],
    basis_note: str = "",
) -> str:
    """Return the report's ``index.html``: verdict, links, figures, sources, provenance."""
    from geo_revival.mapping.fonts import cjk_webfont_css

    esc = html.escape
    verdict = verdict_table(progress, year)
    head = "<tr>" + "".join(f"<th>{esc(v)}</th>" for v in _COLUMNS.values()) + "</tr>"
    rows = "".join(
        "<tr>" + "".join(f"<td>{esc(str(v))}</td>" for v in row) + "</tr>"
        for row in verdict.itertuples(index=False)
    )
    table = (
        f"<table>{head}{rows}</table>"
        if len(verdict)
        else "<p class='why'>" + esc(empty_verdict_reason(zones)).replace("\n", "<br>") + "</p>"
    )
    banner = (
        "<p class='sim'>模拟数据 — SIMULATED DATA. These figures come from simulated data, "
        "not from observations, and say nothing about real progress.</p>"
        if simulated
        else ""
    )
    imgs = "".join(
        f"<figure><img src='{esc(p.relative_to(folder).as_posix())}' alt='{esc(k)}'></figure>"
        for k, p in figures.items()
        if k != "map_portrait"
    )
    source_items = "".join(f"<li><b>{esc(k)}</b>: {esc(v)}</li>" for k, v in sources.items())
    inputs = (
        "".join(
            f"<li><code>{esc(k)}</code> sha256 <code>{esc(v)}</code></li>"
            for k, v in prov["inputs"].items()
        )
        or "<li>(in-memory inputs)</li>"
    )
    note_items = "".join(f"<li>{esc(n)}</li>" for n in notes) or "<li>无 none</li>"
    rs = prov["rule_set"]
    params = esc(json.dumps(prov["parameters"], ensure_ascii=False))
    link_html = " · ".join(f"<a href='{esc(href)}'>{esc(text)}</a>" for text, href in links.items())
    body = f"""<h1>{esc(title)}</h1>{banner}
<h2>进度结论 Progress verdict</h2>
{table}
<p class='small'>Status compares the value with the plan reference ± the tolerance band of
<code>progress_indicators.csv</code>; projections are OLS trends with 95 % prediction intervals.
{esc(basis_note)} Each chart names the zones it sums (numbers as on the map).</p>
<p>{link_html}</p>
{imgs}
<h2>数据来源 Data sources</h2><ul>{source_items}</ul>
<h2>规则集 Rule set</h2>
<p><b>{esc(rs["name"])}</b> — {esc(rs["title"])} (sha256 <code>{esc(rs["sha256"])}</code>)</p>
<h2>可追溯性 Provenance</h2>
<ul><li>geo-revival {esc(prov["package_version"])}, Python {esc(prov["python"])},
created {esc(prov["created_utc"])}</li><li>parameters <code>{params}</code></li>{inputs}</ul>
<h2>注意 Notes</h2><ul>{note_items}</ul>"""
    font = cjk_webfont_css(body)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>{font}
body {{ font-family: "GeoRevival CJK", "Helvetica Neue", Arial, sans-serif; max-width: 1100px;
  margin: 1.5em auto; padding: 0 1em; color: #222; font-size: 14px; }}
h1 {{ font-size: 22px; }} h2 {{ font-size: 17px; margin-top: 1.4em; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ccc; padding: 4px 6px; text-align: left; font-size: 13px; }}
.sim {{ background: #fde0dc; color: #900; padding: 8px; font-weight: bold; }}
.why {{ background: #fff4d6; padding: 8px; }}
.small {{ font-size: 12px; color: #555; }} code {{ font-size: 11px; word-break: break-all; }}
figure {{ margin: 1em 0; }} img {{ max-width: 100%; border: 1px solid #ddd; }}
</style></head><body>{body}</body></html>
"""


# -- summary.pdf -----------------------------------------------------------------------------
_W, _H = 210.0, 297.0  # A4 portrait, mm
_M = 8.0  # margin, mm (as the print maps)


def _box(x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
    return x / _W, y / _H, w / _W, h / _H


def _verdict_axes(fig: Figure, verdict: pd.DataFrame, zones: pd.DataFrame, top: float) -> float:
    """Draw the verdict table (or why it is empty) below ``top`` (mm); return its bottom."""
    import textwrap

    if verdict.empty:
        why = "\n".join(
            textwrap.fill(line, 95 if i < 2 else 150)
            for i, line in enumerate(empty_verdict_reason(zones).splitlines())
        )
        fig.text(
            _M / _W,
            top / _H,
            why,
            fontsize=6.5,
            va="top",
            ha="left",
            wrap=False,
            color="#553b00",
            bbox={"boxstyle": "square,pad=0.4", "fc": "#fff4d6", "ec": "none"},
        )
        return top - 6 - 3.2 * why.count("\n")
    widths = [0.24, 0.05, 0.08, 0.17, 0.1, 0.09, 0.07, 0.1, 0.1]
    # Cells wrap to their column (~1 mm per Latin character at 5.8 pt, CJK about twice).
    chars = [max(6, int(w * (_W - 2 * _M) / 1.05)) for w in widths]

    def cell(text: str, width: int, split: bool) -> str:
        zh, _, en = text.partition(" ") if split else ("", "", text)
        lines = [zh] if zh else []
        return "\n".join([*lines, *textwrap.wrap(en, width)]) or "–"

    split = ("indicator", "kind", "basis", "status")  # "中文 English": Chinese on its own line
    cells = [
        [cell(str(v), n, k in split) for (k, v), n in zip(row.items(), chars, strict=True)]
        for _, row in verdict.iterrows()
    ]
    head = [cell(h, n, True) for h, n in zip(_COLUMNS.values(), chars, strict=True)]
    lines = [max(c.count("\n") + 1 for c in row) for row in [head, *cells]]
    line_mm = 2.45
    heights = [n * line_mm + 1.2 for n in lines]
    height = sum(heights)
    ax = fig.add_axes(_box(_M, top - height, _W - 2 * _M, height))
    ax.set_axis_off()
    table = ax.table(
        cellText=cells,
        colLabels=head,
        colWidths=widths,
        cellLoc="left",
        bbox=Bbox.from_bounds(0, 0, 1, 1),
    )
    table.auto_set_font_size(False)
    table.set_fontsize(5.8)
    for (r, _), c in table.get_celld().items():
        c.set_linewidth(0.3)
        c.set_edgecolor("#999")
        c.set_height(heights[r] / height)  # rows as tall as their wrapped text
        if r == 0:
            c.set_facecolor("#eeeeee")
    return top - height


def summary_pdf(
    path: Path,
    *,
    title: str,
    year: int,
    progress: pd.DataFrame,
    zones: gpd.GeoDataFrame,
    rates: pd.DataFrame,
    landcover: Any,
    districts: gpd.GeoDataFrame | None,
    simulated: bool,
    sources: dict[str, str],
    prov: dict[str, Any],
) -> None:
    """Write the one-page A4 summary (vector charts, vector map with its land-cover image)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from geo_revival.crs import quiet_cf_conversion
    from geo_revival.mapping.fonts import cjk_context, use_cjk_font

    with cjk_context(), quiet_cf_conversion():
        fig = Figure(figsize=(_W / 25.4, _H / 25.4))
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.text(0.5, (_H - _M) / _H, title, ha="center", va="top", fontsize=12.5)
        top = _H - _M - 7
        if simulated:
            fig.text(
                0.5,
                top / _H,
                "模拟数据 — simulated data, not observations",
                ha="center",
                va="top",
                fontsize=9,
                color="#b00000",
            )
            top -= 5.5
        top = _verdict_axes(fig, verdict_table(progress, year), zones, top - 1) - 4
        map_h = min(100.0, top - 150)
        _map_panel(
            fig,
            renderer,
            (_M, top - map_h, _W - 2 * _M, map_h),
            zones,
            rates,
            year,
            landcover,
            districts,
        )
        _charts(fig, progress, zones, rates, year, simulated, top - map_h - 6)
        _footer(fig, sources, prov)
        use_cjk_font(fig)
        fig.savefig(
            path, format="pdf", metadata={"Creator": f"geo-revival {prov['package_version']}"}
        )


def _map_panel(
    fig: Figure,
    renderer: RendererBase,
    rect_mm: tuple[float, float, float, float],
    zones: gpd.GeoDataFrame,
    rates: pd.DataFrame,
    year: int,
    landcover: Any,
    districts: gpd.GeoDataFrame | None,
) -> None:
    from matplotlib.patches import Patch

    from geo_revival.labels import column_label
    from geo_revival.mapping import draw_rate_panel

    x, y, w, h = rect_mm
    map_w = w * 0.56
    ax = fig.add_axes(_box(x + 9, y, map_w - 9, h))
    panel = draw_rate_panel(
        ax, renderer, zones, rates, year, landcover=landcover, districts=districts
    )
    classes = panel.classes
    for t in ax.get_xticklabels() + ax.get_yticklabels():
        t.set_fontsize(5.5)
    handles = [
        Patch(fc=c, ec="#222", lw=0.4, label=lab)
        for c, lab in zip(classes.colors, classes.labels, strict=True)
    ]
    leg = fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=((x + map_w + 3) / _W, (y + h) / _H),
        title=f"{column_label('restoration_rate', 'zh')} {year}\nRestoration rate (%)",
        fontsize=6,
        title_fontsize=6.5,
        ncols=3,
        frameon=False,
        borderaxespad=0,
        borderpad=0,
        alignment="left",
        handlelength=1.5,
        columnspacing=0.8,
    )
    below = leg.get_window_extent(renderer).y0 / fig.bbox.height
    key = panel.key
    fig.text(
        (x + map_w + 3) / _W,
        below - 2.5 / _H,
        "区块 Zones\n" + "\n".join(key),
        fontsize=5.2,
        va="top",
        ha="left",
        linespacing=1.2,
    )


def _charts(
    fig: Figure,
    progress: pd.DataFrame,
    zones: pd.DataFrame,
    rates: pd.DataFrame,
    year: int,
    simulated: bool,
    top: float,
) -> None:
    from geo_revival.mapping.charts import rate_chart, treated_area_chart, zone_bar_chart

    indicators = set(progress["indicator_id"]) if not progress.empty else set()
    treated = [
        i for i in ("subsidence_treated_area", "key_subsidence_treated_area") if i in indicators
    ]
    slots: list[tuple[str, Any]] = []
    if treated:
        slots.append(
            (
                "treated",
                lambda ax: treated_area_chart(
                    progress, treated, simulated=simulated, zones=zones, ax=ax
                ),
            )
        )
    if "subsidence_restoration_rate" in indicators:
        slots.append(
            ("rate", lambda ax: rate_chart(progress, simulated=simulated, zones=zones, ax=ax))
        )
    if not slots:  # no plan indicator: the zones' own rates instead
        slots.append(
            (
                "zones",
                lambda ax: zone_bar_chart(rates, zones, year=year, simulated=simulated, ax=ax),
            )
        )
    height = top - 50
    for i, (kind, draw) in enumerate(slots):
        if kind == "zones":  # bar labels (zone names) need the left third of the page
            rows = len(rates.loc[rates["year"] == year])
            h = min(height - 14, 14 + 7 * rows)
            rect = _box(_M + 60, 52 + (height - 14 - h), _W - 2 * _M - 64, h)
        else:
            rect = _box(_M + 14 + i * 98, 52, 80, height - 14)
        ax: Axes = fig.add_axes(rect)
        draw(ax)
        ax.tick_params(labelsize=5.5)
        ax.xaxis.label.set_fontsize(6)
        ax.yaxis.label.set_fontsize(6)
        ax.title.set_fontsize(6.5)
        legend = ax.get_legend()
        if legend is not None:
            for text in legend.get_texts():
                text.set_fontsize(5)
        for text in ax.texts:
            text.set_fontsize(5.5)


def _footer(fig: Figure, sources: dict[str, str], prov: dict[str, Any]) -> None:
    import textwrap

    def wrap(text: str) -> str:
        return textwrap.fill(text, 150, subsequent_indent="   ")

    lines = ["数据来源 Sources"] + [wrap(f"• {k}: {v}") for k, v in sources.items()]
    lines += ["可追溯性 Provenance"] + [wrap(f"• {d}") for d in provenance_digest(prov)]
    fig.text(
        _M / _W,
        (_M + 32) / _H,
        "\n".join(lines),
        fontsize=5.3,
        va="top",
        ha="left",
        linespacing=1.25,
        wrap=False,
    )
