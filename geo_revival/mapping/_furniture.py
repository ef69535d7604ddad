"""Map furniture for print maps: scale bar, north arrow, graticule, zone and district labels."""

from __future__ import annotations

import math
import textwrap
from typing import Any

import geopandas as gpd
import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.transforms import Bbox
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar
from pyproj import CRS, Transformer

__all__ = [
    "HALO",
    "graticule",
    "label_districts",
    "label_zones",
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


def scale_bar(ax: Axes, span_m: float) -> None:
    """Draw a 1-2-5 scale bar (lower left) for a map ``span_m`` metres wide."""
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


def north_arrow(ax: Axes) -> None:
    """Draw a north arrow in the top-right corner (grid north of the projected map)."""
    ax.annotate(
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


def _zone_text(z: object, lang: str) -> str:
    parts = []
    for col, want in (("name_zh", ("zh", "both")), ("name_en", ("en", "both"))):
        value = getattr(z, col, None)
        if lang in want and isinstance(value, str) and value:
            parts.append(value)
    return "\n".join(parts) or str(getattr(z, "zone_id", ""))


def label_zones(ax: Axes, zones: gpd.GeoDataFrame, lang: str, *, numbered: bool) -> list[Bbox]:
    """Label each zone at an interior point, with its name or (``numbered``) its key number.

    A label that would overlap one placed before is moved up or down and tied to its zone by
    a leader line. Returns the label boxes (display coordinates).
    """
    renderer = FigureCanvasAgg(ax.figure).get_renderer()  # type: ignore[arg-type]
    placed: list[Bbox] = []
    for i, z in enumerate(zones.itertuples(), start=1):
        p = z.geometry.representative_point()
        style: dict[str, Any]
        if numbered:
            style = {
                "fontsize": 8,
                "bbox": {"boxstyle": "circle,pad=0.2", "fc": "white", "ec": "#222", "lw": 0.6},
            }
            text = str(i)
        else:
            style = {"fontsize": 8, "linespacing": 1.0, "path_effects": HALO}
            text = _zone_text(z, lang)
        t = ax.annotate(
            text,
            (p.x, p.y),
            xytext=(0, 0),
            textcoords="offset points",
            ha="center",
            va="center",
            zorder=6,
            **style,
        )
        for dy in (0, 14, -14, 26, -26, 38, -38, 50, -50):
            t.set_position((0, dy))
            if not any(t.get_window_extent(renderer).overlaps(b) for b in placed):
                break
        if t.get_position() != (0, 0):
            ax.annotate(
                "",
                (p.x, p.y),
                xytext=t.get_position(),
                textcoords="offset points",
                arrowprops={"arrowstyle": "-", "lw": 0.6, "color": "#333"},
                zorder=5,
            )
        placed.append(t.get_window_extent(renderer))
    return placed


def zone_key(zones: gpd.GeoDataFrame, lang: str, width: int = 46) -> list[str]:
    """Key entries ``"1  中文名 English name"`` (English wrapped at ``width``) for numbered maps."""
    entries = []
    for i, z in enumerate(zones.itertuples(), start=1):
        text = _zone_text(z, lang).replace("\n", " ")
        entries.append(textwrap.fill(f"{i}  {text}", width=width, subsequent_indent="    "))
    return entries


def label_districts(
    ax: Axes, districts: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, taken: list[Bbox]
) -> None:
    """Name the districts in grey where the name overlaps neither a zone nor a zone label."""
    renderer = FigureCanvasAgg(ax.figure).get_renderer()  # type: ignore[arg-type]
    frame = ax.get_window_extent(renderer)
    zone_boxes = [
        Bbox(ax.transData.transform([(g.bounds[0], g.bounds[1]), (g.bounds[2], g.bounds[3])]))
        for g in zones.geometry
    ]
    for _, row in districts.iterrows():
        if not isinstance(row.get("name_zh"), str):
            continue
        p = row.geometry.representative_point()
        t = ax.text(
            p.x,
            p.y,
            row["name_zh"],
            fontsize=9,
            color="#666",
            ha="center",
            va="center",
            zorder=2.5,
            path_effects=HALO,
        )
        box = t.get_window_extent(renderer)
        inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
        if not inside or any(box.overlaps(b) for b in [*zone_boxes, *taken]):
            t.remove()
        else:
            taken.append(box)
