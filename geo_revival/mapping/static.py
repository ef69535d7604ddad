"""Print-ready static maps (matplotlib): A4 landscape or portrait, PNG 300 dpi, PDF and SVG.

:func:`static_map` draws the zones as a choropleth of one year's figure over the muted land
cover and the district boundaries (:mod:`._zone_map`), with title, a number on every zone part
(callouts with leader lines where a part is too small), legends that fit their column whatever
the number of classes, a zone key, an inset locator map, scale bar, north arrow, graticule and
a credit line naming what is drawn ("simulated" when the data are). All ink stays at least
:data:`MARGIN_MM` from the paper's edges.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from os import PathLike
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import pandas as pd
import xarray as xr
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import Bbox
from pyproj import CRS

from geo_revival.crs import local_projected_crs, quiet_cf_conversion
from geo_revival.labels import column_label
from geo_revival.landcover.legend import Legend
from geo_revival.mapping._classify import DEFAULT_CMAP, NO_DATA_COLOR, Classes, classify
from geo_revival.mapping._credits import MARGIN_MM, credit_line, credit_text, wrap_text
from geo_revival.mapping._furniture import inset_map, zone_key
from geo_revival.mapping._raster import class_handles
from geo_revival.mapping._zone_map import (
    LAKE_EDGE,
    LAKE_FILL,
    ZoneMap,
    draw_zone_map,
    zone_colors,
    zone_values,
)
from geo_revival.mapping.fonts import cjk_context, use_cjk_font
from geo_revival.provenance import is_simulated
from geo_revival.validation import check_option, require_zones

__all__ = ["A4_INCHES", "MARGIN_MM", "credit_line", "save_figure", "static_map"]

#: A4 paper (210 x 297 mm) in inches, (width, height) per orientation.
A4_INCHES = {"landscape": (297 / 25.4, 210 / 25.4), "portrait": (210 / 25.4, 297 / 25.4)}
#: Page boxes in mm, (left, bottom, width, height): the map and the legend columns.
_BOXES: dict[str, dict[str, Any]] = {
    "landscape": {"map": (20, 26, 172, 148), "columns": [(202, 26, 87, 158)], "title": 202},
    "portrait": {
        "map": (20, 112, 182, 152),
        "columns": [(MARGIN_MM + 2, 24, 92, 78), (108, 24, 94, 78)],
        "title": 289,
    },
}
_SCALES = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5)


def static_map(
    zones: gpd.GeoDataFrame,
    results: pd.DataFrame | None = None,
    *,
    value: str = "restoration_rate",
    year: int | None = None,
    landcover: xr.DataArray | None = None,
    legend: Legend | str | None = None,
    districts: gpd.GeoDataFrame | None = None,
    lakes: gpd.GeoDataFrame | None = None,
    title: str | None = None,
    source: str | None = None,
    simulated: bool | None = None,
    layout: Literal["landscape", "portrait"] = "landscape",
    labels: Literal["zh", "en", "both", "none"] = "both",
    crs: CRS | str | int | None = None,
    breaks: Sequence[float] | None = None,
    cmap: str = DEFAULT_CMAP,
    basemap: str | None = None,
    basemap_key: str | None = None,
) -> Figure:
    """Draw one year's zone figures as an A4 print map.

    Parameters
    ----------
    zones
        Zones GeoDataFrame (``zone_id``, ``name_zh``, ``name_en``, CRS set).
    results
        Tidy table with ``zone_id``, ``year`` and ``value`` (e.g. ``restoration_rate`` output);
        ``None`` maps the ``value`` column of ``zones``.
    value
        Column to map (``*_rate`` columns get the plan-based classes, areas quantile classes).
    year
        Year to map (default: latest in ``results``); the land cover of that year (or the
        latest before it) is drawn underneath.
    landcover, legend
        Optional land-cover DataArray and its legend (default ``landcover.attrs["legend"]``).
    districts
        District boundaries for context (e.g. :func:`geo_revival.load_districts`).
    lakes
        Lakes for orientation (e.g. :func:`geo_revival.load_lakes`); drawn and named where
        they fall on the map, credited only then.
    title, source
        Title and source/credit line; defaults are built from the data.
    simulated
        Whether the data are simulated (default: from the ``attrs`` of ``landcover``, ``results``
        or ``zones``, provenance chain included); simulated maps say so in the title and the
        source line.
    layout
        A4 ``"landscape"`` or ``"portrait"``.
    labels
        Language of the zone key: Chinese, English or both; ``"none"`` draws no zone numbers
        and no key. Every zone part is numbered (``8a``, ``8b`` … for multi-part zones), with
        callouts for parts too small to hold their number.
    crs
        Map projection (default: the land cover's projected CRS, else the local CGCS2000
        Gauss–Krüger zone of the zones).
    breaks, cmap
        Explicit class edges and the matplotlib colormap.
    basemap, basemap_key
        Optional online basemap tiles under the map (needs internet and ``contextily``):
        an xyzservices name such as ``"OpenStreetMap.Mapnik"`` or ``"Gaode.Normal"``, or
        ``"Tianditu.Vector"`` with a Tianditu key. The map is then in Web Mercator; on AMap
        (GCJ-02) tiles the overlays are shifted to GCJ-02 so that they sit on the tiles.
        Default: no tiles (works offline).

    Returns
    -------
    matplotlib.figure.Figure
        Save with :func:`save_figure` (PNG at 300 dpi, PDF, SVG).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> z = gpd.GeoDataFrame({"zone_id": ["a"], "name_zh": ["贾汪"], "restoration_rate": [0.7]},
    ...                      geometry=[box(117.4, 34.4, 117.5, 34.5)], crs=4326)
    >>> fig = static_map(z, simulated=True)
    >>> float(round(fig.get_figwidth(), 2))
    11.69
    """
    # Text is measured while the figure is built, so the CJK font must be active already.
    with cjk_context(), quiet_cf_conversion():
        fig = _draw(
            zones=zones,
            results=results,
            value=value,
            year=year,
            landcover=landcover,
            legend=legend,
            districts=districts,
            lakes=lakes,
            title=title,
            source=source,
            simulated=simulated,
            layout=layout,
            labels=labels,
            crs=crs,
            breaks=breaks,
            cmap=cmap,
            basemap=basemap,
            basemap_key=basemap_key,
        )
    return use_cjk_font(fig)


def _mm(fig: Figure, rect: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    w, h = fig.get_size_inches() * 25.4
    return rect[0] / w, rect[1] / h, rect[2] / w, rect[3] / h


def _draw(
    *,
    zones: gpd.GeoDataFrame,
    results: pd.DataFrame | None,
    value: str,
    year: int | None,
    landcover: xr.DataArray | None,
    legend: Legend | str | None,
    districts: gpd.GeoDataFrame | None,
    lakes: gpd.GeoDataFrame | None,
    title: str | None,
    source: str | None,
    simulated: bool | None,
    layout: str,
    labels: str,
    crs: CRS | str | int | None,
    breaks: Sequence[float] | None,
    cmap: str,
    basemap: str | None,
    basemap_key: str | None,
) -> Figure:
    zones = require_zones(zones)
    check_option(layout, tuple(A4_INCHES), "layout")
    if simulated is None:
        simulated = is_simulated(landcover, results, zones)
    if crs is None:
        lc_crs = None if landcover is None else landcover.rio.crs
        crs = lc_crs if lc_crs is not None and lc_crs.is_projected else local_projected_crs(zones)
    crs = CRS.from_user_input(crs)
    values, all_values, year = zone_values(zones, results, value, year)
    classes = classify(all_values, value, breaks=breaks, cmap=cmap)

    fig = Figure(figsize=A4_INCHES[layout], dpi=100)
    renderer = FigureCanvasAgg(fig).get_renderer()
    boxes = _BOXES[layout]
    ax = fig.add_axes(_mm(fig, boxes["map"]))
    drawn = draw_zone_map(
        ax,
        renderer,
        zones,
        zone_colors(classes, values),
        crs=crs,
        landcover=landcover,
        legend=legend,
        year=year or (None if landcover is None else int(landcover["year"].max())),
        districts=districts,
        lakes=lakes,
        labels=labels != "none",
        basemap=basemap,
        basemap_key=basemap_key,
    )
    drawn.no_data = bool(values.isna().any())

    label_zh, label_en = column_label(value, "zh"), column_label(value)
    head = title or f"{label_zh} {label_en}" + (f" · {year}" if year else "")
    w_mm, h_mm = fig.get_size_inches() * 25.4
    top = boxes["title"] / h_mm
    # Long titles (e.g. with an adjusted estimate and its CI) wrap, smaller, within the margins.
    max_px = (w_mm - 2 * MARGIN_MM) / w_mm * fig.bbox.width
    head_text = fig.text(0.5, top, "", ha="center", va="top", fontsize=15)
    for size in (15.0, 13.0, 11.5):
        head_text.set_fontsize(size)
        wrapped = wrap_text(head, max_px, head_text, renderer)
        if wrapped.count("\n") < 2:
            break
    head_text.set_text(wrapped)
    below = head_text.get_window_extent(renderer).y0 / fig.bbox.height
    if simulated:
        fig.text(
            0.5,
            below - 1.5 / h_mm,
            "模拟数据 — simulated data, not observations",
            ha="center",
            va="top",
            fontsize=11,
            color="#b00000",
        )
    blocks = _blocks(zones, drawn, classes, value, labels, districts, ax)
    _stack(fig, renderer, blocks, [_mm(fig, c) for c in boxes["columns"]])
    credit = source or credit_line(drawn, zones=zones, landcover=landcover, simulated=simulated)
    credit_text(fig, renderer, credit, width_mm=w_mm - 2 * MARGIN_MM)
    return fig


# -- legend column ---------------------------------------------------------------------------
# A block draws itself with its top-left corner at (x, top) (figure fraction) within `width`,
# at a font `scale`, and returns its artists; _stack measures them and moves on down.
Block = Callable[[Figure, RendererBase, float, float, float, float], list[Artist]]


def _blocks(
    zones: gpd.GeoDataFrame,
    drawn: ZoneMap,
    classes: Classes,
    value: str,
    lang: str,
    districts: gpd.GeoDataFrame | None,
    ax: Axes,
) -> list[Block]:
    out: list[Block] = []
    if districts is not None and drawn.districts is not None:
        frame = (*ax.get_xlim(), *ax.get_ylim())

        def inset(
            fig: Figure, r: RendererBase, x: float, top: float, w: float, s: float
        ) -> list[Artist]:
            size = (w, 38 * s / (fig.get_figheight() * 25.4))
            title_room = 4.5 * s / (fig.get_figheight() * 25.4)
            a = inset_map(fig, (x, top - title_room), size, districts, frame, drawn.crs)
            return [a] if a is not None else []

        out.append(inset)
    handles: list[Artist] = [
        Patch(fc=c, ec="#222", lw=0.5, label=lab)
        for c, lab in zip(classes.colors, classes.labels, strict=True)
    ]
    if drawn.no_data:
        handles.append(Patch(fc=NO_DATA_COLOR, ec="#222", lw=0.5, label="无数据 no data"))
    if drawn.districts is not None:
        handles.append(Line2D([], [], color="#666", ls="--", lw=0.7, label="区县界 District"))
    if drawn.lakes is not None:
        handles.append(Patch(fc=LAKE_FILL, ec=LAKE_EDGE, lw=0.5, label="湖泊 Lake"))
    rate_title = f"{column_label(value, 'zh')}\n{column_label(value)}"
    out.append(_legend_block(handles, rate_title, max_cols=2))
    if drawn.legend is not None and drawn.landcover_codes:
        lc = class_handles(drawn.legend, drawn.landcover_codes, muted=True)
        title = f"土地覆盖 Land cover {drawn.landcover_year} (淡色 muted)"
        out.append(_legend_block(list(lc), title, max_cols=3))
    if lang != "none":
        out.append(_key_block(zones, drawn, lang))
    return out


def _legend_block(handles: list[Artist], title: str, *, max_cols: int) -> Block:
    def draw(
        fig: Figure, r: RendererBase, x: float, top: float, w: float, s: float
    ) -> list[Artist]:
        size = 8.0 * s
        width_px = w * fig.bbox.width
        probe = fig.text(0, 0, "", fontsize=size)
        best = None
        for ncols in range(min(max_cols, len(handles)), 0, -1):
            # handle (2 em) + pad (0.8 em) per column, column spacing 1.2 em
            col_px = (width_px - (ncols - 1) * 1.2 * size * fig.dpi / 72) / ncols
            text_px = col_px - 2.8 * size * fig.dpi / 72
            labels = [wrap_text(str(h.get_label()), text_px, probe, r) for h in handles]
            leg = fig.legend(
                handles=handles,
                labels=labels,
                title=wrap_text(title, width_px, probe, r),
                loc="upper left",
                bbox_to_anchor=(x, top),
                ncols=ncols,
                fontsize=size,
                title_fontsize=size + 0.5,
                frameon=False,
                borderaxespad=0,
                borderpad=0,
                alignment="left",
                columnspacing=1.2,
                handlelength=2.0,
                handletextpad=0.8,
                labelspacing=0.35,
            )
            box = leg.get_window_extent(r)
            if box.width <= width_px + 1:
                best = leg
                break
            leg.remove()
        probe.remove()
        return [best] if best is not None else []

    return draw


def _key_block(zones: gpd.GeoDataFrame, drawn: ZoneMap, lang: str) -> Block:
    def draw(
        fig: Figure, r: RendererBase, x: float, top: float, w: float, s: float
    ) -> list[Artist]:
        size = 7.0 * s
        probe = fig.text(0, 0, "", fontsize=size)
        width_px = w * fig.bbox.width
        entries = [
            wrap_text(e.replace("\n    ", " "), width_px, probe, r)
            for e in zone_key(zones, drawn.parts, lang, width=10_000)
        ]
        probe.remove()
        head = fig.text(x, top, "区块 Zones", fontsize=size + 1.5, va="top", ha="left")
        hb = head.get_window_extent(r)
        y = top - (hb.height + 3 * s) / fig.bbox.height
        body = fig.text(
            x,
            y,
            "\n".join(e.replace("\n", "\n    ") for e in entries),
            fontsize=size,
            va="top",
            ha="left",
            linespacing=1.25,
        )
        return [head, body]

    return draw


def _stack(
    fig: Figure,
    r: RendererBase,
    blocks: list[Block],
    columns: list[tuple[float, float, float, float]],
) -> None:
    """Draw ``blocks`` top-down in ``columns``; shrink the fonts until everything fits."""
    gap = 4 / (fig.get_size_inches()[1] * 25.4)
    for scale in _SCALES:
        artists: list[Artist] = []
        col, (x, bottom, w, h) = 0, columns[0]
        top, fits = bottom + h, True
        for block in blocks:
            drawn = block(fig, r, x, top, w, scale)
            low = _lowest(drawn, r, fig, top)
            if low < bottom and col + 1 < len(columns) and top < bottom + h:
                for a in drawn:  # does not fit under the previous blocks: next column
                    a.remove()
                col += 1
                x, bottom, w, h = columns[col]
                top = bottom + h
                drawn = block(fig, r, x, top, w, scale)
                low = _lowest(drawn, r, fig, top)
            artists += drawn
            fits = fits and low >= bottom
            top = low - gap
        if fits or scale == _SCALES[-1]:
            return
        for a in artists:
            a.remove()


def _lowest(artists: list[Artist], r: RendererBase, fig: Figure, default: float) -> float:
    return min((_bbox(a, r).y0 / fig.bbox.height for a in artists), default=default)


def _bbox(artist: Artist, r: RendererBase) -> Bbox:
    if isinstance(artist, Axes):
        return artist.get_tightbbox(r) or artist.get_window_extent(r)
    return artist.get_window_extent(r)


def save_figure(
    fig: Figure,
    stem: str | PathLike[str],
    formats: Iterable[str] = ("png", "pdf", "svg"),
    *,
    dpi: int = 300,
) -> list[Path]:
    """Save ``fig`` as ``stem.<format>`` for each format (PNG at ``dpi``); return the paths.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from matplotlib.figure import Figure
    >>> paths = save_figure(Figure(), pathlib.Path(tempfile.mkdtemp()) / "x", ["png"], dpi=50)
    >>> paths[0].suffix
    '.png'
    """
    stem = Path(stem)
    paths = []
    for fmt in formats:
        path = stem.with_suffix(f".{fmt}")
        fig.savefig(path, format=fmt, dpi=dpi, metadata=_metadata(fmt))
        paths.append(path)
    return paths


def _metadata(fmt: str) -> dict[str, str] | None:
    from geo_revival import __version__

    creator = f"geo-revival {__version__} (matplotlib)"
    if fmt == "png":
        return {"Software": creator}
    if fmt in ("pdf", "svg"):
        return {"Creator": creator}
    return None
