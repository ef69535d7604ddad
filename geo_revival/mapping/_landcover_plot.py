"""A window of a land-cover (or any class) raster drawn in its legend's colours.

:func:`landcover_map` draws one year on a matplotlib axes, in the raster's own CRS: classes in
the legend's colours (the same colouring as the print and web maps, :mod:`._raster`), nodata
transparent, a bilingual key, optional zone outlines, scale bar, north arrow and a
"SIMULATED / 模拟数据" label when the raster is simulated.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from pyproj import CRS
from rioxarray.exceptions import NoDataInBounds

from geo_revival.crs import quiet_cf_conversion, require_crs
from geo_revival.exceptions import NoOverlapError, SchemaError
from geo_revival.landcover.legend import Legend, get_legend
from geo_revival.mapping._furniture import north_arrow, scale_bar
from geo_revival.mapping._raster import class_handles, show_classes
from geo_revival.mapping.fonts import cjk_context, use_cjk_font
from geo_revival.provenance import is_simulated

__all__ = ["SIMULATED_LABEL", "landcover_map"]

#: Label written on maps of simulated rasters.
SIMULATED_LABEL = "SIMULATED / 模拟数据"


def _one_year(da: xr.DataArray, year: int | None) -> tuple[xr.DataArray, int | None]:
    if "year" not in da.dims:
        if da.ndim != 2:
            raise SchemaError(
                f"the land cover must have dims (year, y, x) or (y, x), not {da.dims}"
            )
        return da, year
    years = [int(y) for y in da["year"].values]
    shown = years[-1] if year is None else int(year)
    if shown not in years:
        raise SchemaError(f"year {shown} is not in the land cover; its years are {years}")
    return da.sel(year=shown), shown


def _window(
    da: xr.DataArray,
    zones: gpd.GeoDataFrame | None,
    bounds: tuple[float, float, float, float] | None,
) -> xr.DataArray:
    if bounds is None and zones is not None:
        x0, y0, x1, y1 = zones.to_crs(da.rio.crs).total_bounds
        pad = 0.05 * max(x1 - x0, y1 - y0)
        bounds = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    if bounds is None:
        return da
    try:
        return da.rio.clip_box(*bounds)
    except NoDataInBounds as exc:
        raise NoOverlapError(
            f"the window {tuple(round(float(b), 6) for b in bounds)} (in the raster's CRS) does "
            f"not overlap the land cover, whose bounds are {da.rio.bounds()}"
        ) from exc


def _decimate(da: xr.DataArray, max_pixels: int) -> xr.DataArray:
    """Keep every ``step``-th pixel (the middle one of each block): classes stay real codes."""
    step = math.ceil(max(da.sizes["y"], da.sizes["x"]) / max_pixels)
    if step <= 1:
        return da
    picked = da.isel(y=slice(step // 2, None, step), x=slice(step // 2, None, step))
    return picked.rio.write_transform(picked.rio.transform(recalc=True))


def landcover_map(
    landcover: xr.DataArray,
    year: int | None = None,
    *,
    legend: Legend | str | None = None,
    zones: gpd.GeoDataFrame | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    max_pixels: int = 1500,
    show_legend: bool = True,
    simulated: bool | None = None,
) -> Axes:
    """Draw one year of a land-cover raster in its legend's colours.

    Parameters
    ----------
    landcover
        Class raster, dims ``(year, y, x)`` or ``(y, x)``, with a rioxarray CRS.
    year
        Year to draw (default: the latest).
    legend
        Legend (or registry name) giving the class colours and names; default
        ``landcover.attrs["legend"]``. Nodata and codes outside the legend are transparent.
    zones
        Zones outlined in black; without ``bounds`` the window is their extent plus 5 %.
    ax
        Axes to draw on (default: a new figure).
    title
        Axes title (default: the legend's title and the year).
    bounds
        Window ``(xmin, ymin, xmax, ymax)`` in the raster's CRS (default: all of it).
    max_pixels
        Longest side drawn, in pixels; larger windows keep every n-th pixel (no interpolation,
        so every pixel drawn is a real class).
    show_legend
        Draw the key of the classes present (Chinese and English names) right of the map.
    simulated
        Label the map "SIMULATED / 模拟数据" (default: ``landcover.attrs["simulated"]``).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    MissingCRSError
        If ``landcover`` has no CRS.
    ValueError
        If ``year`` is not in the raster, the window misses it or no legend is known.

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray
    >>> da = xr.DataArray(np.array([[1, 5], [0, 8]], "uint8"), dims=("y", "x"),
    ...                   coords={"y": [15.0, 5.0], "x": [5.0, 15.0]}).rio.write_crs(32650)
    >>> ax = landcover_map(da, legend="clcd")
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['耕地 Cropland', '水体 Water', '不透水面 Impervious']
    """
    da = require_crs(landcover, what="land-cover raster")
    if zones is not None:
        zones = require_crs(zones, what="zones")
    leg_name = legend if legend is not None else landcover.attrs.get("legend")
    if not leg_name:
        raise SchemaError("the land cover names no legend (attrs['legend']); pass legend=")
    leg = get_legend(leg_name)
    da, shown = _one_year(da, year)
    da = _decimate(_window(da, zones, bounds), max_pixels)
    leg.check_codes(np.unique(np.asarray(da.values)), strict=False)
    if simulated is None:
        simulated = is_simulated(landcover)
    if ax is None:
        fig = Figure(figsize=(8.0, 6.0), layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
    with cjk_context(), quiet_cf_conversion():
        _draw(ax, da, leg, zones, title, shown, show_legend=show_legend, simulated=simulated)
    use_cjk_font(ax.figure)
    return ax


def _draw(
    ax: Axes,
    da: xr.DataArray,
    legend: Legend,
    zones: gpd.GeoDataFrame | None,
    title: str | None,
    year: int | None,
    *,
    show_legend: bool,
    simulated: bool,
) -> None:
    present = show_classes(ax, da, legend)
    left, bottom, right, top = da.rio.bounds()
    if zones is not None:
        zones.to_crs(da.rio.crs).boundary.plot(ax=ax, color="black", lw=0.8, zorder=3)
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)
    crs = CRS.from_user_input(da.rio.crs)
    # On a lon/lat grid a degree of longitude is shorter than one of latitude by cos(latitude).
    ax.set_aspect(1 / math.cos(math.radians((bottom + top) / 2)) if crs.is_geographic else 1)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")  # geopandas labels the axes with the CRS's axis names
    ax.set_ylabel("")
    if crs.is_projected and crs.axis_info[0].unit_name in ("metre", "meter"):
        scale_bar(ax, right - left)
    north_arrow(ax)
    if simulated:
        ax.text(
            0.015,
            0.985,
            SIMULATED_LABEL,
            transform=ax.transAxes,
            ha="left",
            va="top",
            fontsize=9,
            color="#b00000",
            bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "none", "alpha": 0.85},
            zorder=7,
        )
    ax.set_title(title or f"{legend.title or legend.name}" + (f" · {year}" if year else ""))
    if show_legend:
        ax.legend(
            handles=class_handles(legend, present),
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize=8,
            frameon=False,
            borderaxespad=0,
        )
