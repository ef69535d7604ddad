"""Map furniture for print maps: scale bar, arrow, graticule, district names, key, inset."""

from __future__ import annotations

import math
import textwrap
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
import shapely.ops
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure, SubFigure
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar
from pyproj import CRS, Transformer
from shapely.geometry import box

__all__ = [
    "HALO",
    "graticule",
    "inset_map",
    "name_districts",
    "nice_length",
    "north_arrow",
    "scale_bar",
    "zone_key",
]

HALO = [patheffects.withStroke(linewidth=2.5, foreground="white")]


def nice_length(span_m: float) -> float:
    """Return a 1-2-5 length close to a fifth of ``span_m``.

    Examples
    --------
    >>> nice_length(37_000)
    5000.0
    """
    target = span_m / 5
    exp = 10 ** math.floor(math.log10(target))
    return float(max(m * exp for m in (1, 2, 5) if m * exp <= target))


def scale_bar(ax: Axes, span_m: float, renderer: RendererBase | None = None) -> Bbox:
    """Draw a 1-2-5 scale bar (lower left) for a map ``span_m`` metres wide; return its box."""
    length = nice_length(span_m)
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    bar = AnchoredSizeBar(
        ax.transData,
        length,
        label,
        "lower left",
        pad=0.6,
        borderpad=0.8,
        sep=4,
        frameon=True,
        size_vertical=span_m / 250,
        fontproperties={"size": 9},
    )
    bar.patch.set_alpha(0.85)
    ax.add_artist(bar)
    return bar.get_window_extent(renderer)


def north_arrow(ax: Axes, renderer: RendererBase | None = None) -> Bbox:
    """Draw a north arrow in the top-right corner (grid north); return its box."""
    arrow = ax.annotate(
        "N\n北",
        xy=(0.955, 0.965),
        xytext=(0.955, 0.84),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=10,
        arrowprops={"arrowstyle": "-|>,head_width=0.5,head_length=0.9", "color": "black", "lw": 2},
        bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "none", "alpha": 0.8},
    )
    boxes = [arrow.get_window_extent(renderer)]
    if arrow.arrow_patch is not None:
        boxes.append(arrow.arrow_patch.get_window_extent(renderer))
    return Bbox.union(boxes)


def _degree_step(span_deg: float) -> float:
    return min((s for s in (0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0) if span_deg / s <= 6), default=5.0)


def graticule(ax: Axes, crs: CRS) -> None:
    """Meridians and parallels every 0.1-1°, labelled where they leave the map frame."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    to_ll = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    to_xy = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    lon, lat = to_ll.transform([x0, x1, x0, x1], [y0, y0, y1, y1])
    w, e, s, n = min(lon), max(lon), min(lat), max(lat)
    step = _degree_step(max(e - w, n - s))
    xticks, xlabels, yticks, ylabels = [], [], [], []
    lats = np.linspace(s - step, n + step, 100)
    for lo in np.arange(math.floor(w / step) * step, e + step, step):
        xs, ys = to_xy.transform(np.full_like(lats, lo), lats)
        ax.plot(xs, ys, color="#888", lw=0.4, ls=":", zorder=1.5)
        xb = float(np.interp(y0, ys, xs))
        if x0 < xb < x1:
            xticks.append(xb)
            xlabels.append(f"{lo:.2f}".rstrip("0").rstrip(".") + "°E")
    lons = np.linspace(w - step, e + step, 100)
    for la in np.arange(math.floor(s / step) * step, n + step, step):
        xs, ys = to_xy.transform(lons, np.full_like(lons, la))
        ax.plot(xs, ys, color="#888", lw=0.4, ls=":", zorder=1.5)
        yl = float(np.interp(x0, xs, ys))
        if y0 < yl < y1:
            yticks.append(yl)
            ylabels.append(f"{la:.2f}".rstrip("0").rstrip(".") + "°N")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xticks(xticks, xlabels, fontsize=8)
    ax.set_yticks(yticks, ylabels, fontsize=8, rotation=90, va="center")
    ax.tick_params(length=3, direction="out")
    # Ticks are degrees now: matplotlib's offset text ("1e6") would refer to metres.
    ax.xaxis.get_offset_text().set_visible(False)
    ax.yaxis.get_offset_text().set_visible(False)


def _names(row: Any, lang: str = "both") -> str:
    parts = []
    for col, want in (("name_zh", ("zh", "both")), ("name_en", ("en", "both"))):
        value = getattr(row, col, None)
        if lang in want and isinstance(value, str) and value:
            parts.append(value)
    return " ".join(parts) or str(getattr(row, "zone_id", ""))


def zone_key(zones: gpd.GeoDataFrame, parts: gpd.GeoDataFrame, lang: str, width: int) -> list[str]:
    """Key entries ``"1  中文名 English name"`` (wrapped at ``width`` characters).

    A zone drawn in several parts says so: ``"8  … (8a–8k: 11 parts 部分)"``.
    """
    count = parts.groupby("zone_index")["label"].agg(list)
    entries = []
    for i, z in enumerate(zones.itertuples()):
        text = _names(z, lang)
        labels = count.get(i, [])
        if len(labels) > 1:
            text += f" ({labels[0]}–{labels[-1]}: {len(labels)} parts 部分)"
        entries.append(textwrap.fill(f"{i + 1}  {text}", width=width, subsequent_indent="    "))
    return entries


def name_districts(
    ax: Axes,
    districts: gpd.GeoDataFrame,
    parts: gpd.GeoDataFrame,
    taken: list[Bbox],
    renderer: RendererBase,
    *,
    color: str = "#555",
) -> int:
    """Write place names (Chinese over English) where they touch no zone or label.

    Each name is tried at points inside the visible part of its place (a district, a lake), pole
    of inaccessibility first; a place with no free spot stays unnamed. The boxes of the names
    written are added to ``taken``, so that later names avoid them. Returns how many names were
    written.
    """
    frame = ax.get_window_extent(renderer)
    view = box(frame.x0 + 3, frame.y0 + 3, frame.x1 - 3, frame.y1 - 3)
    zones = shapely.union_all(
        [shapely.transform(g, ax.transData.transform) for g in parts.geometry]
    )
    blocked = [box(b.x0 - 2, b.y0 - 2, b.x1 + 2, b.y1 + 2) for b in taken]
    written = 0
    for row in districts.itertuples():
        text = "\n".join(
            v
            for v in (getattr(row, "name_zh", None), _short_en(getattr(row, "name_en", None)))
            if isinstance(v, str) and v
        )
        if not text:
            continue
        area = shapely.transform(row.geometry, ax.transData.transform).intersection(view)
        if area.is_empty:
            continue
        t = ax.text(
            0,
            0,
            text,
            fontsize=7,
            color=color,
            ha="center",
            va="center",
            linespacing=1.0,
            zorder=2.5,
            path_effects=HALO,
            style="italic",
        )
        ext = t.get_window_extent(renderer)
        w, h = ext.width + 2, ext.height + 2
        for x, y in _interior_points(area):
            cand = box(x - w / 2, y - h / 2, x + w / 2, y + h / 2)
            if (
                view.contains(cand)
                and not cand.intersects(zones)
                and not any(cand.intersects(b) for b in blocked)
            ):
                dx, dy = ax.transData.inverted().transform((x, y))
                t.set_position((float(dx), float(dy)))
                blocked.append(cand)
                taken.append(Bbox.from_extents(*cand.bounds))
                written += 1
                break
        else:
            t.remove()
    return written


def _short_en(name: object) -> str | None:
    """``"Tongshan District"`` -> ``"Tongshan"``: the type is in the Chinese name already."""
    if not isinstance(name, str):
        return None
    for suffix in (" District", " County", " City"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name if len(name) <= 24 else None


def _interior_points(area: Any) -> list[tuple[float, float]]:
    polys = sorted(getattr(area, "geoms", [area]), key=lambda g: -g.area)
    pts: list[tuple[float, float]] = []
    for poly in polys[:3]:
        if poly.geom_type != "Polygon" or poly.area < 50:
            continue
        pole = shapely.ops.polylabel(poly, tolerance=1.0)
        pts.append((pole.x, pole.y))
        x0, y0, x1, y1 = poly.bounds
        grid = [
            (x, y)
            for x in np.linspace(x0, x1, 12)[1:-1]
            for y in np.linspace(y0, y1, 12)[1:-1]
            if poly.contains(shapely.Point(x, y))
        ]
        pts += sorted(grid, key=lambda p: (p[0] - pole.x) ** 2 + (p[1] - pole.y) ** 2)
    return pts


def inset_map(
    fig: Figure | SubFigure,
    corner: tuple[float, float],
    size: tuple[float, float],
    context: gpd.GeoDataFrame,
    frame: tuple[float, float, float, float],
    crs: Any,
) -> Axes | None:
    """Locator map: ``context`` outlines and the map frame in red.

    Its top-left corner is at ``corner`` and it is at most ``size`` (figure fractions), shaped
    like the area it shows. Returns None (draws nothing) when the context adds nothing around
    the frame.
    """
    ctx = context.to_crs(crs)
    x0, x1, y0, y1 = frame
    cx0, cy0, cx1, cy1 = ctx.total_bounds
    cx0, cy0, cx1, cy1 = min(cx0, x0), min(cy0, y0), max(cx1, x1), max(cy1, y1)
    if (x1 - x0) * (y1 - y0) > 0.5 * (cx1 - cx0) * (cy1 - cy0):
        return None
    pad = 0.04 * max(cx1 - cx0, cy1 - cy0)
    cx0, cy0, cx1, cy1 = cx0 - pad, cy0 - pad, cx1 + pad, cy1 + pad
    root = fig.get_figure(root=True)
    assert root is not None
    fw, fh = root.get_size_inches()
    w, h = size
    shape = (cy1 - cy0) / (cx1 - cx0) * fw / fh  # height / width in figure fractions
    w, h = (w, w * shape) if w * shape <= h else (h / shape, h)
    ax = fig.add_axes((corner[0], corner[1] - h, w, h))
    ctx.plot(ax=ax, facecolor="#eeeeea", edgecolor="#888", linewidth=0.3)
    ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec="#c00000", lw=1.2))
    ax.set_xlim(cx0, cx1)
    ax.set_ylim(cy0, cy1)
    ax.set_aspect("auto")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.5)
    ax.set_title("位置 Location", fontsize=7.5, loc="left", pad=2)
    return ax
