"""The map face shared by the A4 print map and the one-page summary: zones over land cover.

:func:`draw_zone_map` draws, on a given axes, the muted land cover, optional basemap tiles,
district boundaries and names, the zones as a choropleth, numbered labels for every zone part,
graticule, scale bar and north arrow. It returns what it drew (:class:`ZoneMap`), from which the
caller builds the legends and the credit line, so that they name only what is on the map.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from pyproj import CRS

from geo_revival.crs import require_crs
from geo_revival.exceptions import SchemaError
from geo_revival.landcover.legend import Legend, get_legend
from geo_revival.mapping._basemap import is_gcj02, shift_to_gcj02, tile_provider
from geo_revival.mapping._classify import Classes
from geo_revival.mapping._furniture import graticule, name_districts, north_arrow, scale_bar
from geo_revival.mapping._placement import Label, place_labels, zone_parts
from geo_revival.mapping._raster import mode_resample, show_classes

__all__ = ["ZoneMap", "draw_zone_map", "map_frame"]

#: Longest side, in pixels, of the land-cover image on a print map (A4 at 300 dpi needs ~2500).
_MAX_IMAGE_PX = 2400
_WEB_MERCATOR = CRS.from_epsg(3857)


#: Lakes (orientation layer): pale blue fill, darker outline and name colour.
LAKE_FILL = "#cfe3f1"
LAKE_EDGE = "#3f7cac"


@dataclass
class ZoneMap:
    """What :func:`draw_zone_map` put on the map (for legends, key and credits)."""

    crs: CRS
    parts: gpd.GeoDataFrame
    labels: list[Label]
    landcover_codes: list[int] = field(default_factory=list)
    legend: Legend | None = None
    landcover_year: int | None = None
    water: bool = False
    districts: gpd.GeoDataFrame | None = None
    district_names: int = 0
    lakes: gpd.GeoDataFrame | None = None
    lake_names: int = 0
    basemap: str | None = None
    basemap_attribution: str | None = None
    no_data: bool = False


def map_frame(
    bounds: tuple[float, float, float, float], ax: Axes, pad: float = 0.08
) -> tuple[float, float, float, float]:
    """Map extent: ``bounds`` plus ``pad``, widened to the axes' aspect so the data fill it."""
    xmin, ymin, xmax, ymax = bounds
    p = pad * max(xmax - xmin, ymax - ymin)
    x0, x1, y0, y1 = xmin - p, xmax + p, ymin - p, ymax + p
    fig = ax.get_figure(root=True)
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


def _on_tiles(gdf: gpd.GeoDataFrame, gcj02: bool) -> gpd.GeoDataFrame:
    return (shift_to_gcj02(gdf) if gcj02 else gdf).to_crs(_WEB_MERCATOR)


def draw_zone_map(
    ax: Axes,
    renderer: RendererBase,
    zones: gpd.GeoDataFrame,
    colors: list[str],
    *,
    crs: CRS,
    landcover: xr.DataArray | None = None,
    legend: Legend | str | None = None,
    year: int | None = None,
    districts: gpd.GeoDataFrame | None = None,
    lakes: gpd.GeoDataFrame | None = None,
    labels: bool = True,
    basemap: str | None = None,
    basemap_key: str | None = None,
    label_size: float = 7.5,
    furniture: bool = True,
) -> ZoneMap:
    """Draw zones (filled with ``colors``, one per row) over land cover on ``ax``.

    With ``basemap`` the map is drawn in Web Mercator on the provider's tiles; on GCJ-02 tiles
    (AMap/Tencent) every overlay is shifted by :func:`~geo_revival.crs.wgs84_to_gcj02` first.
    """
    gcj02 = basemap is not None and is_gcj02(basemap)
    if basemap is not None:
        crs = _WEB_MERCATOR
        z = _on_tiles(zones, gcj02)
    else:
        z = zones.to_crs(crs)
    z = z.assign(_color=colors)
    x0, x1, y0, y1 = map_frame(tuple(z.total_bounds), ax)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_facecolor("#fbfbf9")
    out = ZoneMap(crs=crs, parts=zone_parts(z), labels=[])

    if basemap is not None:
        out.basemap, out.basemap_attribution = basemap, _add_tiles(ax, basemap, basemap_key, crs)
    if landcover is not None:
        leg = get_legend(legend if legend is not None else landcover.attrs.get("legend", ""))
        years = [int(y) for y in landcover["year"].values]
        shown = max((y for y in years if y <= (year or years[-1])), default=years[0])
        da = require_crs(landcover, what="land-cover raster").sel(year=shown)
        da = mode_resample(da.rio.clip_box(x0, y0, x1, y1, crs=crs), crs, _MAX_IMAGE_PX, leg)
        if gcj02:  # a raster cannot be moved vertex by vertex: shift it by the offset at its centre
            da = _shift_raster(da, zones)
        out.landcover_codes = show_classes(ax, da, leg, alpha=0.7 if basemap else 1.0, muted=True)
        out.legend, out.landcover_year = leg, shown
        out.water = any(leg.generic(c) == "water" for c in out.landcover_codes)
    if districts is not None:
        d = require_crs(districts, what="districts")
        d = _on_tiles(d, gcj02) if basemap is not None else d.to_crs(crs)
        d = d[d.intersects(_frame_box(x0, x1, y0, y1))]
        if len(d):  # districts elsewhere (e.g. the bundled Xuzhou ones) are not drawn nor credited
            d.boundary.plot(ax=ax, color="#666", lw=0.7, ls="--", zorder=2)
            out.districts = d
    if lakes is not None:
        k = require_crs(lakes, what="lakes")
        k = _on_tiles(k, gcj02) if basemap is not None else k.to_crs(crs)
        k = k[k.intersects(_frame_box(x0, x1, y0, y1))]
        if len(k):  # lakes off the map are neither drawn nor credited
            k.plot(ax=ax, color=LAKE_FILL, edgecolor=LAKE_EDGE, linewidth=0.5, zorder=2)
            out.lakes = k
    # Large zones first, so that zones lying inside them stay visible.
    by_size = z.iloc[np.argsort(-z.geometry.area.to_numpy(), kind="stable")]
    by_size.plot(ax=ax, color=by_size["_color"], edgecolor="#222", linewidth=0.6, zorder=3)
    obstacles: list[Bbox] = []
    if furniture:
        graticule(ax, crs)
        obstacles += [scale_bar(ax, x1 - x0, renderer), north_arrow(ax, renderer)]
    if labels:
        style = {"fontsize": label_size}
        out.labels = place_labels(
            ax, out.parts, list(out.parts["label"]), renderer, obstacles=obstacles, style=style
        )
    taken = [*obstacles, *(lab.box for lab in out.labels)]
    if out.lakes is not None:
        out.lake_names = name_districts(
            ax, out.lakes, out.parts, taken, renderer, color=LAKE_EDGE
        )
    if out.districts is not None and len(out.districts):
        out.district_names = name_districts(ax, out.districts, out.parts, taken, renderer)
    ax.set_xlabel("")
    ax.set_ylabel("")
    return out


def _frame_box(x0: float, x1: float, y0: float, y1: float) -> Any:
    from shapely.geometry import box

    return box(x0, y0, x1, y1)


def _add_tiles(ax: Axes, name: str, key: str | None, crs: CRS) -> str:
    try:
        import contextily
    except ImportError as exc:
        raise ImportError(
            "basemap tiles need contextily: pip install 'geo-revival[basemap]' (and internet)"
        ) from exc
    provider = tile_provider(name, key=key)
    contextily.add_basemap(ax, source=provider, crs=crs.to_string(), attribution=False, zorder=0)
    return str(provider.get("attribution", name))


def _shift_raster(da: xr.DataArray, zones: gpd.GeoDataFrame) -> xr.DataArray:
    """Move a Web Mercator raster by the GCJ-02 offset at the zones' centre.

    The offset changes by a few metres across a county; the vector overlays are shifted exactly.
    """
    from shapely.geometry import Point

    centre = zones.to_crs("EPSG:4326").union_all().centroid
    pts = gpd.GeoDataFrame(geometry=[Point(centre.x, centre.y)], crs="EPSG:4326")
    a, b = pts.to_crs(_WEB_MERCATOR).geometry[0], _on_tiles(pts, True).geometry[0]
    moved = da.assign_coords(x=da["x"] + (b.x - a.x), y=da["y"] + (b.y - a.y))
    return moved.rio.write_transform(moved.rio.transform(recalc=True))


def zone_values(
    zones: gpd.GeoDataFrame, results: pd.DataFrame | None, value: str, year: int | None
) -> tuple[pd.Series, pd.Series, int | None]:
    """Values of ``value`` per zone for ``year`` (default: latest) and all values (for classes)."""
    from geo_revival.validation import require_columns

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
        raise SchemaError(
            f"results have no rows for year {year}; years: {sorted(results['year'].unique())}"
        )
    by_zone = rows.set_index(rows["zone_id"].astype(str))[value]
    return zones["zone_id"].astype(str).map(by_zone), results[value], year


def zone_colors(classes: Classes, values: pd.Series) -> list[str]:
    """Fill colour of each zone."""
    return [classes.color_of(float(v)) for v in values]


@dataclass(frozen=True)
class RatePanel:
    """What :func:`draw_rate_panel` drew: the rate classes (for a legend) and the zone key."""

    classes: Classes
    key: list[str]


def draw_rate_panel(
    ax: Axes,
    renderer: RendererBase,
    zones: gpd.GeoDataFrame,
    rates: pd.DataFrame,
    year: int,
    *,
    landcover: xr.DataArray | None = None,
    districts: gpd.GeoDataFrame | None = None,
    lakes: gpd.GeoDataFrame | None = None,
    label_size: float = 5.5,
    key_width: int = 78,
) -> RatePanel:
    """Draw the zones coloured by restoration-rate class on ``ax``, as a panel of a larger page.

    The building block of the report's one-page summary: the same classes, labels and
    furniture as :func:`geo_revival.static_map`, without the page around it.

    Examples
    --------
    >>> from geo_revival.mapping import draw_rate_panel  # doctest: +SKIP
    >>> panel = draw_rate_panel(ax, fig.canvas.get_renderer(), zones, rates, 2025)  # doctest: +SKIP
    >>> panel.classes.labels[:2]  # doctest: +SKIP
    """
    from geo_revival.crs import local_projected_crs
    from geo_revival.mapping._classify import classify
    from geo_revival.mapping._furniture import zone_key

    values, all_values, _ = zone_values(zones, rates, "restoration_rate", year)
    classes = classify(all_values, "restoration_rate")
    lc_crs = landcover.rio.crs if landcover is not None else None
    crs = lc_crs if lc_crs is not None and lc_crs.is_projected else local_projected_crs(zones)
    drawn = draw_zone_map(
        ax,
        renderer,
        zones,
        zone_colors(classes, values),
        crs=crs,
        landcover=landcover,
        year=year,
        districts=districts,
        lakes=lakes,
        label_size=label_size,
    )
    return RatePanel(classes, zone_key(zones, drawn.parts, "both", width=key_width))
