"""Interactive progress map (folium/Leaflet) that works offline.

:func:`progress_map` draws the zones as a choropleth of a per-zone, per-year figure (restoration
rate or treated area), with bilingual tooltips and popups, land-cover images per year in the
legend's colours, district boundaries for context, a year slider and a before/after swipe.
Leaflet is inlined from a PyPI package (see :mod:`geo_revival.mapping._assets`), so the saved HTML
file needs no network; basemap tiles are optional and off by default.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import xarray as xr
from folium import Element, MacroElement
from folium.template import Template

from geo_revival.crs import geodesic_area, quiet_cf_conversion, require_crs
from geo_revival.exceptions import SchemaError
from geo_revival.fetch import landcover_credit
from geo_revival.labels import (
    UNITS,
    class_label,
    column_label,
    column_unit,
    figure_columns,
    value_label,
)
from geo_revival.landcover.legend import Legend, get_legend
from geo_revival.mapping._assets import make_offline
from geo_revival.mapping._basemap import is_gcj02, shift_to_gcj02, tile_provider
from geo_revival.mapping._classify import DEFAULT_CMAP, NO_DATA_COLOR, classify
from geo_revival.mapping._placement import zone_parts
from geo_revival.mapping._progress_map_js import CSS, SCRIPT
from geo_revival.mapping._raster import landcover_png, muted_color
from geo_revival.mapping.fonts import cjk_webfont_css
from geo_revival.provenance import is_simulated
from geo_revival.validation import require_columns, require_zones

__all__ = ["format_value", "progress_map", "save_map"]

_CODED = ("category", "planned_use")  # columns holding codes with bilingual labels
_COORD_DECIMALS = 5  # ~1 m at Xuzhou's latitude: plenty for display, halves the file size


def format_value(value: Any, column: str) -> str:
    """Format a table value for display: rates in %, areas with thousands separators.

    Examples
    --------
    >>> format_value(0.7523, "restoration_rate"), format_value(42784.0, "treated_area_mu")
    ('75.2 %', '42,784.0 mu')
    """
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    unit = column_unit(column)
    if unit == "rate":
        return f"{float(value) * 100:.1f} %"
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        text = f"{float(value):,.1f}" if unit else f"{value}"
        return f"{text} {UNITS[unit][0]}" if unit else text
    return str(value)


def _zone_title(row: pd.Series) -> str:
    parts = [
        str(row[c]) for c in ("name_zh", "name_en") if c in row and pd.notna(row[c]) and row[c]
    ]
    return html.escape(" ".join(parts) or str(row["zone_id"]))


def _popup_html(row: pd.Series, table: pd.DataFrame, columns: list[str]) -> str:
    zone_id = html.escape(str(row["zone_id"]))
    head = f"<b>{_zone_title(row)}</b> <span style='color:#666'>({zone_id})</span>"
    facts = []
    for col in ("category", "planned_use", "area_mu", "official_area_km2"):
        if col in row and pd.notna(row[col]) and row[col] != "":
            shown = value_label(col, row[col]) if col in _CODED else format_value(row[col], col)
            facts.append(
                f"{html.escape(column_label(col, 'zh'))} {html.escape(column_label(col))}: "
                f"{html.escape(shown)}"
            )
    rows = "".join(
        "<tr><td>"
        + str(int(r["year"]))
        + "</td>"
        + "".join(f"<td>{html.escape(format_value(r[c], c))}</td>" for c in columns)
        + "</tr>"
        for _, r in table.sort_values("year").iterrows()
    )
    header = (
        "<tr><th>年份<br>Year</th>"
        + "".join(
            f"<th>{html.escape(column_label(c, 'zh'))}<br>{html.escape(column_label(c))}</th>"
            for c in columns
        )
        + "</tr>"
    )
    body = f"<table>{header}{rows}</table>" if rows else ""
    note = _area_caveat(row)
    return f"<div class='gr-popup'>{head}<br>{'<br>'.join(facts)}{note}{body}</div>"


#: A whole-district zone whose mapped outline differs from the official area by more than this
#: share gets a caveat in its popup.
_AREA_CAVEAT_SHARE = 0.05


def _area_caveat(row: pd.Series) -> str:
    """Say why a whole district's mapped area differs from its official area (if it does)."""
    whole = row.get("whole_district")
    official, mapped = row.get("official_area_km2"), row.get("_mapped_km2")
    if whole is not True and whole not in (1, "true", "True"):
        return ""
    if official is None or mapped is None or pd.isna(official) or not float(official) > 0:
        return ""
    diff = float(mapped) / float(official) - 1
    if abs(diff) <= _AREA_CAVEAT_SHARE:
        return ""
    return (
        "<p class='gr-caveat'>⚠ 整区区块：图上范围为现行行政区界（"
        f"{float(mapped):,.0f} km²），与规划所载面积 {float(official):,.0f} km² 相差 "
        f"{diff * 100:+.0f} %（日期与口径不同）。面积与比率按图上范围计算。<br>"
        "Whole-district zone: the outline drawn is today's administrative boundary "
        f"({float(mapped):,.0f} km²), {diff * 100:+.0f} % from the {float(official):,.0f} km² "
        "stated in the plan (different date and definition). Areas and rates here are of the "
        "outline drawn.</p>"
    )


def _geojson(gdf: gpd.GeoDataFrame) -> dict[str, Any]:
    wgs = gdf.to_crs("EPSG:4326")
    geoms = shapely.transform(wgs.geometry.values, lambda xy: np.round(xy, _COORD_DECIMALS))
    wgs = wgs.set_geometry(gpd.GeoSeries(geoms, index=wgs.index, crs="EPSG:4326"))
    return json.loads(wgs.to_json(drop_id=True))


def _check_results(results: pd.DataFrame, value: str, zones: gpd.GeoDataFrame) -> None:
    require_columns(
        results,
        ("zone_id", "year", value),
        what="results",
        hint=f"progress_map maps {value!r} per zone and year (e.g. restoration_rate output)",
    )
    unknown = sorted(set(results["zone_id"].astype(str)) - set(zones["zone_id"].astype(str)))
    if unknown:
        raise SchemaError(
            f"results name zone_id(s) {unknown[:10]} that are not in the zones layer; "
            "pass the zones the results were computed for"
        )


def _landcover_config(
    landcover: xr.DataArray, legend: Legend, max_size: int, *, gcj02: bool = False
) -> dict[str, Any]:
    images: list[dict[str, Any]] = []
    present: dict[int, list[int]] = {}
    for y in landcover["year"].values:
        # Muted as on the print map: the land cover must not look like a class of the zones.
        url, bounds, codes = landcover_png(
            landcover.sel(year=y), legend, max_size=max_size, muted=True
        )
        if gcj02:  # image corners moved to GCJ-02 (the offset varies by metres across it)
            from geo_revival.crs import wgs84_to_gcj02

            lon, lat = wgs84_to_gcj02([bounds[0][1], bounds[1][1]], [bounds[0][0], bounds[1][0]])
            bounds = [[float(lat[0]), float(lon[0])], [float(lat[1]), float(lon[1])]]
        images.append({"year": int(y), "url": url, "bounds": bounds})
        for c in codes:
            present.setdefault(c, []).append(int(y))
    classes = [
        {
            "code": c.code,
            "color": muted_color(c.color, water=c.generic_class == "water"),
            "label": html.escape(class_label(legend, c.code)),
            "years": present[c.code],
        }
        for c in legend.classes
        if c.code in present
    ]
    return {
        "images": images,
        "classes": classes,
        "base_year": images[0]["year"] if images else None,
    }


def progress_map(
    zones: gpd.GeoDataFrame,
    results: pd.DataFrame | None = None,
    *,
    value: str = "restoration_rate",
    year: int | None = None,
    landcover: xr.DataArray | None = None,
    legend: Legend | str | None = None,
    districts: gpd.GeoDataFrame | None = None,
    title: str | None = None,
    simulated: bool | None = None,
    tiles: str | None = None,
    max_image_size: int = 800,
    breaks: Sequence[float] | None = None,
    cmap: str = DEFAULT_CMAP,
    basemap: str | None = None,
    basemap_key: str | None = None,
) -> folium.Map:
    """Map the zones' restoration progress, year by year, in a page that works offline.

    Parameters
    ----------
    zones
        Zones GeoDataFrame (``zone_id``, ``name_zh``, ``name_en`` …, CRS set).
    results
        Tidy per-zone, per-year table with ``zone_id``, ``year`` and ``value`` (e.g. the output
        of :func:`geo_revival.restoration.restoration_rate`); its other numeric columns appear
        in the popups. ``None`` maps the ``value`` column of ``zones`` itself (one "year").
    value
        Column to map: a ``*_rate`` column (fixed classes at the plan's 75.2 % and 78 %) or an
        area column such as ``treated_area_mu`` (quantile classes).
    year
        Year shown first (default: the latest year of ``results``).
    landcover
        Land-cover DataArray (``year``, ``y``, ``x``) shown as one image per year.
    legend
        Legend (or registry name) for the land-cover colours; default ``landcover.attrs["legend"]``.
    districts
        District boundaries drawn as context (e.g. :func:`geo_revival.load_districts`).
    title
        Map title; "(simulated / 模拟数据)" is appended when the data are simulated.
    simulated
        Whether the data are simulated; default from the ``attrs`` of ``landcover``, ``results``
        or ``zones`` (provenance chain included).
    tiles
        Optional folium basemap (e.g. ``"OpenStreetMap"``); needs internet, so off by default.
    max_image_size
        Longest side, in pixels, of each land-cover image (controls the HTML size).
    breaks, cmap
        Explicit class edges and the matplotlib colormap of the choropleth.
    basemap, basemap_key
        Optional online basemap (needs internet when the page is opened): an xyzservices name
        such as ``"OpenStreetMap.Mapnik"`` or ``"Gaode.Normal"``, or ``"Tianditu.Vector"``
        with a Tianditu key. On AMap (GCJ-02) tiles every overlay is shifted to GCJ-02 with
        :func:`geo_revival.crs.wgs84_to_gcj02` so that it sits on the tiles.

    Returns
    -------
    folium.Map
        Save it with :func:`save_map` (or ``Map.save``).

    Raises
    ------
    MissingCRSError
        If ``zones`` or ``landcover`` has no CRS.
    SchemaError
        If ``results`` lacks ``zone_id``, ``year`` or ``value``, or names unknown zones.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> z = gpd.GeoDataFrame({"zone_id": ["a"], "name_en": ["A"]},
    ...                      geometry=[box(117.1, 34.2, 117.2, 34.3)], crs=4326)
    >>> r = pd.DataFrame({"zone_id": ["a"], "year": [2024], "restoration_rate": [0.75]})
    >>> m = progress_map(z, r)
    >>> "cdn.jsdelivr" in m.get_root().render()
    False
    """
    with quiet_cf_conversion():
        return _progress_map(
            zones, results, value=value, year=year, landcover=landcover, legend=legend,
            districts=districts, title=title, simulated=simulated, tiles=tiles,
            max_image_size=max_image_size, breaks=breaks, cmap=cmap, basemap=basemap,
            basemap_key=basemap_key,
        )


def _numbers(zones: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Zone-part numbers as on the print map, at each part's pole of inaccessibility."""
    from shapely.ops import polylabel

    parts = zone_parts(zones.to_crs(zones.estimate_utm_crs()))
    points = gpd.GeoSeries(
        [polylabel(g, tolerance=10.0) for g in parts.geometry], crs=parts.crs
    ).to_crs("EPSG:4326")
    return [
        {"label": lab, "latlng": [round(p.y, _COORD_DECIMALS), round(p.x, _COORD_DECIMALS)]}
        for lab, p in zip(parts["label"], points, strict=True)
    ]


def _progress_map(
    zones: gpd.GeoDataFrame,
    results: pd.DataFrame | None,
    *,
    value: str,
    year: int | None,
    landcover: xr.DataArray | None,
    legend: Legend | str | None,
    districts: gpd.GeoDataFrame | None,
    title: str | None,
    simulated: bool | None,
    tiles: str | None,
    max_image_size: int,
    breaks: Sequence[float] | None,
    cmap: str,
    basemap: str | None,
    basemap_key: str | None,
) -> folium.Map:
    zones = require_zones(zones)
    gcj02 = basemap is not None and is_gcj02(basemap)
    zones = zones.assign(
        zone_id=zones["zone_id"].astype(str), _mapped_km2=geodesic_area(zones).to_numpy() / 1e6
    )
    if gcj02:
        zones = shift_to_gcj02(zones)
        districts = shift_to_gcj02(districts) if districts is not None else None
    numbers = _numbers(zones)  # in the table's order, like the print map
    # Large zones first: zones drawn later lie on top, so zones inside others stay clickable.
    # Geodesic area: a planar area in degrees would mis-order zones at different latitudes.
    zones = zones.iloc[np.argsort(-geodesic_area(zones).to_numpy(), kind="stable")]
    if results is None:
        if value not in zones.columns:
            raise SchemaError(f"zones have no column {value!r} to map; pass results=")
        results = pd.DataFrame({"zone_id": zones["zone_id"], "year": 0, value: zones[value]})
    _check_results(results, value, zones)
    results = results.assign(zone_id=results["zone_id"].astype(str))

    lc_cfg: dict[str, Any] = {"images": [], "classes": [], "base_year": None}
    if landcover is not None:
        landcover = require_crs(landcover, what="land-cover raster")
        leg = get_legend(legend if legend is not None else landcover.attrs.get("legend", ""))
        lc_cfg = _landcover_config(landcover, leg, max_image_size, gcj02=gcj02)
    if simulated is None:
        simulated = is_simulated(landcover, results, zones)

    result_years = sorted(int(y) for y in results["year"].unique())
    years = sorted(set(result_years) | {im["year"] for im in lc_cfg["images"]})
    current = int(year) if year is not None else (result_years[-1] if result_years else years[-1])
    if current not in years:
        raise SchemaError(f"year {current} has neither results nor land cover; years: {years}")

    classes = classify(results[value], value, breaks=breaks, cmap=cmap)
    columns = figure_columns(results, value)
    features = _geojson(zones)
    by_zone = dict(tuple(results.groupby("zone_id")))
    for feature, (_, row) in zip(features["features"], zones.iterrows(), strict=True):
        table = by_zone.get(row["zone_id"], results.iloc[0:0])
        vals = {str(int(r["year"])): r[value] for _, r in table.iterrows()}
        props = feature["properties"]
        feature["properties"] = {
            "zone_id": row["zone_id"],
            "_title": _zone_title(row),
            "_fill": {y: classes.color_of(float(v)) for y, v in vals.items()},
            "_label": {y: format_value(v, value) for y, v in vals.items() if pd.notna(v)},
            "_popup": _popup_html(row, table, columns),
        }
        del props

    suffix = " <small>模拟数据 · simulated data</small>" if simulated else ""
    label_zh, label_en = column_label(value, "zh"), column_label(value)
    config = {
        "year": current,
        "years": years,
        "zones": features,
        "districts": _geojson(districts) if districts is not None else None,
        "landcover": lc_cfg,
        "classes": [
            {"color": c, "label": lab}
            for c, lab in zip(classes.colors, classes.labels, strict=True)
        ],
        "nodata_color": NO_DATA_COLOR,
        "numbers": numbers,
        "title_html": html.escape(title or f"{label_zh} {label_en}") + suffix,
        "text": {
            "zones": "区块 Zones",
            "landcover": "土地覆盖 Land cover",
            "districts": "区县界 Districts",
            "value": html.escape(f"{label_zh} {label_en}"),
            "value_title": html.escape(f"{label_zh} {label_en}"),
            "nodata": "无数据 no data",
            "year": "年份 Year",
            "compare": f"与 {lc_cfg['base_year']} 年对比 Compare with {lc_cfg['base_year']}",
            "no_landcover": "该年无土地覆盖 no land cover for this year",
            "landcover_of": "土地覆盖年份 land cover of",
            "legend": "图例 Legend",
            "numbers": "区块编号 Zone numbers",
        },
    }
    # Fractional zoom lets fitBounds fill the window with the zones.
    m = folium.Map(tiles=tiles, control_scale=True, zoom_snap=0.25, zoom_delta=0.5)
    if basemap is not None:
        provider = tile_provider(basemap, key=basemap_key)
        folium.TileLayer(
            tiles=provider.build_url(),
            attr=provider.get("html_attribution", provider.get("attribution", basemap)),
            name=basemap,
            max_zoom=provider.get("max_zoom", 18),
        ).add_to(m)
    page_title = title or f"{label_zh} {label_en}"
    m.get_root().title = page_title + (" · 模拟数据 simulated data" if simulated else "")  # type: ignore[attr-defined]
    make_offline(m)
    font = cjk_webfont_css(json.dumps(config, ensure_ascii=False) + "◀▶–·")
    m.get_root().header.add_child(  # type: ignore[attr-defined]
        Element(f"<style>{font}\n{CSS}</style>"), name="geo_revival_css"
    )
    _ProgressLayer(config).add_to(m)
    credit = landcover_credit(landcover) if landcover is not None else ""
    if credit:  # fetched products require their attribution on maps
        _Attribution(credit).add_to(m)
    return m


class _Attribution(MacroElement):
    """Adds a credit to the map's attribution control (bottom right)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});"
        "{% endmacro %}"
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class _ProgressLayer(MacroElement):
    """Renders :data:`SCRIPT` with the map's configuration."""

    _template = Template("{% macro script(this, kwargs) %}" + SCRIPT + "{% endmacro %}")

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self._name = "GeoRevivalProgress"
        # `</` would close the <script> element early if a name contained it.
        self.config = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")


def save_map(m: folium.Map, path: str | PathLike[str]) -> Path:
    """Write ``m`` as one self-contained HTML file (UTF-8) and return its path.

    Examples
    --------
    >>> import folium, tempfile, pathlib
    >>> p = save_map(folium.Map(tiles=None), pathlib.Path(tempfile.mkdtemp()) / "m.html")
    >>> p.suffix
    '.html'
    """
    out = Path(path)
    out.write_text(m.get_root().render(), encoding="utf-8")
    return out
