"""Read and validate zone layers (subsidence areas, mining zones, projects...).

:func:`load_zones` is the single entry point: it reads GeoPackage, Shapefile (also zipped),
GeoJSON, GeoParquet, KML or a GeoDataFrame, checks the schema and geometry, converts GCJ-02/BD-09
lon/lat to WGS84 when told so, and adds geodesic ``area_m2`` / ``area_mu``. Its output uses the
shared column names of ``docs/design.md``.

Chinese web-map coordinates
---------------------------
AMap/Tencent (GCJ-02) and Baidu (BD-09) lon/lat look exactly like WGS84 but are offset by a few
hundred metres, and files exported from those services are usually labelled EPSG:4326 or carry no
CRS. The numbers cannot tell them apart, so ``coords=`` must say what they are:

- ``coords="gcj02"`` / ``"bd09"``: converted to WGS84 (EPSG:4326) vertex by vertex.
- ``coords="wgs84"``: the coordinates are true ones (WGS84 or any real CRS); nothing is converted.
- ``coords`` omitted: if the layer *declares* GCJ-02/BD-09 (its CRS name, or a file name
  containing ``gcj``, ``amap``, ``gaode``, ``bd09`` or ``baidu``) a :class:`MissingCRSError` is
  raised; if it is lon/lat inside China an :class:`UndeclaredCoordsWarning` is issued (pass
  ``coords="wgs84"`` to confirm true WGS84 and silence it). Projected layers need no declaration.
"""

from __future__ import annotations

import re
import warnings
from os import PathLike
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from geo_revival._paths import is_remote
from geo_revival.crs import (
    coords_key,
    geodesic_area,
    out_of_china,
    require_crs,
    to_wgs84_geometries,
)
from geo_revival.exceptions import (
    CRSMismatchError,
    InvalidGeometryError,
    InvalidGeometryWarning,
    MissingCRSError,
    ReadError,
    SchemaError,
    UndeclaredCoordsWarning,
    UnsupportedCRSError,
)
from geo_revival.provenance import provenance
from geo_revival.units import to_mu
from geo_revival.zones._plausible import check_coordinates

__all__ = ["PLANNED_USES", "ZONE_CATEGORIES", "load_zones"]

#: Allowed values of the ``category`` column (docs/design.md).
ZONE_CATEGORIES: tuple[str, ...] = (
    "old_industrial_zone",
    "key_subsidence",
    "general_subsidence",
    "industrial_mining_zone",
    "resource_depleted_city",
    "transformation_park",
    "project",
    "other",
)

#: Allowed values of ``planned_use`` ("" = not set): 宜农, 宜水, 宜林, 宜工.
PLANNED_USES: tuple[str, ...] = ("cropland", "water", "forest", "construction")
_PLANNED_USE_ZH = {"宜农": "cropland", "宜水": "water", "宜林": "forest", "宜工": "construction"}

_SHARED = ["zone_id", "name_zh", "name_en", "category", "planned_use", "official_area_km2"]
_NAME_HINTS = {
    "gcj02": re.compile(r"gcj|amap|gaode|autonavi|mars", re.IGNORECASE),
    "bd09": re.compile(r"bd-?09|baidu", re.IGNORECASE),
}
_POLYGONAL = {"Polygon", "MultiPolygon"}


def _read(source: str | PathLike[str], layer: str | int | None) -> gpd.GeoDataFrame:
    path = Path(source)
    # URLs and GDAL virtual paths (/vsizip/, /vsicurl/) are GDAL's to open, as given.
    target: str | Path = str(source) if is_remote(source) else path
    if not is_remote(source) and not path.exists():
        raise ReadError(f"Zone file {path} does not exist; check the path.")
    try:
        if path.suffix.lower() in (".parquet", ".geoparquet") and not is_remote(source):
            return gpd.read_parquet(path)
        if layer is None:
            layers = pyogrio.list_layers(target)
            if len(layers) > 1:
                names = [str(n) for n in layers[:, 0]]
                raise SchemaError(
                    f"{path} holds {len(layers)} layers {names}; pass layer=... to choose one."
                )
        return gpd.read_file(target, layer=layer, engine="pyogrio")
    except SchemaError:
        raise
    except Exception as exc:  # every reader failure becomes one named error
        raise ReadError(
            f"Could not read zones from {source}: {exc}. Supported: GeoPackage, Shapefile (.shp or "
            ".zip), GeoJSON, GeoParquet (.parquet) and KML."
        ) from exc


def _require_geometry(data: Any) -> None:
    if not isinstance(data, gpd.GeoDataFrame):
        raise SchemaError("The zone source has no geometry column.")
    name = data._geometry_column_name
    if name is None or name not in data.columns:
        geo = [str(c) for c in data.columns if isinstance(data[c].dtype, gpd.array.GeometryDtype)]
        hint = (
            f"it has geometry column(s) {geo}: pick one with gdf.set_geometry({geo[0]!r})"
            if geo
            else "it has no geometry column at all; build it with gpd.GeoDataFrame(..., "
            "geometry=...)"
        )
        raise SchemaError(
            f"The zones GeoDataFrame has no active geometry column "
            f"({'none set' if name is None else f'{name!r} was dropped or renamed'}); {hint}."
        )


def _declared_coords(crs: CRS | None, path: Path | None) -> str | None:
    """GCJ-02/BD-09 declared by the layer's CRS name or by its file name, if any."""
    texts = [crs.name] if crs is not None else []
    if path is not None:
        texts.append(path.name)
    for key, pattern in _NAME_HINTS.items():
        if any(pattern.search(t) for t in texts):
            return key
    return None


def _resolve_coords(
    data: gpd.GeoDataFrame, crs: Any, coords: str | None, path: Path | None
) -> gpd.GeoDataFrame:
    layer_crs = None if data.crs is None else CRS.from_user_input(data.crs)
    declared = _declared_coords(layer_crs, path)
    where = f"file {path.name}" if path is not None else "GeoDataFrame"
    if declared is not None and coords is None:
        raise MissingCRSError(
            f"The zones ({where}) look like {declared.upper()} web-map coordinates (from the "
            f"CRS or file name) but coords= was not given. Pass coords='{declared}' to convert "
            "them to WGS84, or coords='wgs84' if they are true WGS84 (on the command line: "
            f"--coords {declared} or --coords wgs84)."
        )
    if declared is not None and coords not in (None, declared) and layer_crs is not None and (
        _NAME_HINTS[declared].search(layer_crs.name)
    ):
        raise CRSMismatchError(
            f"The zones' CRS {layer_crs.name!r} declares {declared.upper()} but coords={coords!r} "
            f"was given. Pass coords='{declared}' (command line: --coords {declared}) or fix the "
            "file's CRS."
        )
    if coords in ("gcj02", "bd09"):
        if crs is not None and not CRS.from_user_input(crs).is_geographic:
            raise UnsupportedCRSError(
                f"coords={coords!r} means lon/lat degrees, but crs={crs!r} is projected."
            )
        return to_wgs84_geometries(data, coords, what="zones")
    out = require_crs(data, crs, what="zones")
    if coords is None and CRS.from_user_input(out.crs).is_geographic:
        west, south, east, north = out.to_crs("EPSG:4326").total_bounds
        if not out_of_china([west, east], [south, north]).any():
            warnings.warn(
                "The zones are lon/lat inside China and coords= was not given. Data from AMap/"
                "Tencent (GCJ-02) or Baidu (BD-09) are offset by hundreds of metres from WGS84: "
                "pass coords='gcj02' or coords='bd09' to convert them, or coords='wgs84' to "
                "confirm true WGS84 (this silences the warning); on the command line --coords "
                "gcj02, --coords bd09 or --coords wgs84.",
                UndeclaredCoordsWarning,
                stacklevel=3,
            )
    return out


def _check_ids(gdf: gpd.GeoDataFrame, id_column: str) -> None:
    if id_column not in gdf.columns:
        raise SchemaError(
            f"Zone id column {id_column!r} not found; columns are {list(gdf.columns)}. "
            "Pass id_column=... naming the column with unique zone ids."
        )
    if id_column != "zone_id" and "zone_id" in gdf.columns:
        raise SchemaError(
            f"Both {id_column!r} and 'zone_id' exist; drop one or use id_column='zone_id'."
        )
    ids = gdf[id_column]
    missing = np.flatnonzero(ids.isna().to_numpy() | (ids.astype(str).str.strip() == ""))
    if len(missing):
        raise SchemaError(
            f"Zone ids in column {id_column!r} are missing in rows {missing.tolist()}; "
            "every zone needs a non-empty id."
        )
    dup = ids.astype(str)[ids.astype(str).duplicated()].unique().tolist()
    if dup:
        raise SchemaError(f"Zone ids must be unique; duplicated in {id_column!r}: {sorted(dup)}.")


def _categories(
    gdf: gpd.GeoDataFrame, column: str, default: str | None, ids: pd.Series
) -> pd.Series:
    if default is not None and default not in ZONE_CATEGORIES:
        raise SchemaError(
            f"default_category={default!r} is not a zone category; use one of {ZONE_CATEGORIES}."
        )
    if column not in gdf.columns:
        if default is None:
            raise SchemaError(
                f"Category column {column!r} not found; columns are {list(gdf.columns)}. Pass "
                f"category_column=... or default_category=... (one of {ZONE_CATEGORIES})."
            )
        return pd.Series(default, index=gdf.index, dtype="str")
    values = gdf[column].astype("object")
    unset = (values.isna() | (values.astype(str).str.strip() == "")).to_numpy()
    if default is not None:
        values = values.where(~unset, default)
    elif unset.any():
        raise SchemaError(
            f"Zones {ids[unset].tolist()} have no category in column {column!r}; fill it or pass "
            f"default_category=... (one of {ZONE_CATEGORIES})."
        )
    bad = ~values.astype(str).isin(ZONE_CATEGORIES)
    if bad.any():
        found = sorted({str(v) for v in values[bad]})
        raise SchemaError(
            f"Unknown zone categories {found} in column {column!r}; allowed: {ZONE_CATEGORIES}. "
            "Map your values to these, or pass default_category= for missing ones."
        )
    return values.astype("str")


def _planned_use_column(gdf: gpd.GeoDataFrame, column: str) -> gpd.GeoDataFrame:
    if column == "planned_use":
        return gdf
    if column not in gdf.columns:
        raise SchemaError(
            f"Planned-use column {column!r} not found; columns are {list(gdf.columns)}. "
            "Pass planned_use_column=... naming it, or leave it out (no planned use)."
        )
    if "planned_use" in gdf.columns:
        raise SchemaError(
            f"Both {column!r} and 'planned_use' exist; drop one or use "
            "planned_use_column='planned_use'."
        )
    return gdf.rename(columns={column: "planned_use"})


def _planned_uses(gdf: gpd.GeoDataFrame) -> pd.Series:
    if "planned_use" not in gdf.columns:
        return pd.Series("", index=gdf.index, dtype="str")
    values = gdf["planned_use"].astype("object").where(gdf["planned_use"].notna(), "")
    values = values.astype(str).str.strip().replace(_PLANNED_USE_ZH)
    bad = ~values.isin((*PLANNED_USES, ""))
    if bad.any():
        raise SchemaError(
            f"Unknown planned_use values {sorted(set(values[bad]))}; allowed: {PLANNED_USES} "
            "(or 宜农/宜水/宜林/宜工), or empty."
        )
    return values.astype("str")


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry:
    """Keep only the polygonal parts of a repaired geometry (make_valid may add lines/points)."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in _POLYGONAL]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _check_and_repair(gdf: gpd.GeoDataFrame, ids: pd.Series) -> tuple[gpd.GeoSeries, np.ndarray]:
    geoms = gdf.geometry
    empty = (geoms.isna() | geoms.is_empty).to_numpy()
    if empty.any():
        raise InvalidGeometryError(
            f"Zones {ids[empty].tolist()} have empty or missing geometry; remove them or fix "
            "their polygons."
        )
    geoms = gpd.GeoSeries(shapely.force_2d(geoms.to_numpy()), index=gdf.index, crs=gdf.crs)
    kinds = geoms.geom_type.to_numpy()
    wrong = ~np.isin(kinds, list(_POLYGONAL))
    if wrong.any():
        found = dict(zip(ids[wrong].tolist(), kinds[wrong].tolist(), strict=True))
        raise InvalidGeometryError(
            f"Zones must be polygons; these are not: {found}. Buffer points/lines into areas "
            "first if that is what you mean."
        )
    invalid = ~geoms.is_valid.to_numpy()
    if invalid.any():
        reasons = shapely.is_valid_reason(geoms.to_numpy()[invalid])
        repaired = [_polygonal_part(g) for g in shapely.make_valid(geoms.to_numpy()[invalid])]
        lost = [i for i, g in zip(ids[invalid], repaired, strict=True) if shapely.is_empty(g)]
        if lost:
            raise InvalidGeometryError(
                f"Zones {lost} have invalid geometry that make_valid cannot turn into a polygon "
                "(e.g. a collapsed ring); fix them in the source data."
            )
        values = geoms.to_numpy().copy()
        values[invalid] = repaired
        geoms = gpd.GeoSeries(values, index=gdf.index, crs=gdf.crs)
        detail = "; ".join(f"{i}: {r}" for i, r in zip(ids[invalid], reasons, strict=True))
        warnings.warn(
            f"Repaired invalid geometry of {int(invalid.sum())} zone(s) with shapely.make_valid "
            f"({detail}); see column geometry_repaired. Check the areas of these zones.",
            InvalidGeometryWarning,
            stacklevel=3,
        )
    return geoms, invalid


def load_zones(
    source: str | PathLike[str] | gpd.GeoDataFrame,
    *,
    crs: Any = None,
    coords: str | None = None,
    id_column: str = "zone_id",
    category_column: str = "category",
    layer: str | int | None = None,
    default_category: str | None = None,
    planned_use_column: str = "planned_use",
) -> gpd.GeoDataFrame:
    """Read a zone layer, validate it and add geodesic areas.

    Parameters
    ----------
    source
        Path to a GeoPackage, Shapefile (``.shp`` or zipped ``.zip``), GeoJSON, GeoParquet or KML
        file, a URL or GDAL virtual path (``/vsizip/``, ``/vsicurl/``) of one, or a
        GeoDataFrame (never modified).
    crs
        CRS of the layer if it has none. Never assumed: a layer without CRS and without ``crs=``
        raises :class:`MissingCRSError`.
    coords
        ``"wgs84"`` (true coordinates), ``"gcj02"`` (AMap/Tencent) or ``"bd09"`` (Baidu); the
        last two are converted to WGS84. See the module docstring for what happens when omitted.
    id_column, category_column
        Columns holding the zone id and category; renamed to ``zone_id`` and ``category``.
    layer
        Layer name/index for multi-layer files (required when there are several).
    default_category
        Category for zones without one (or when the column is absent).
    planned_use_column
        Column holding the planned use (宜农/宜水/宜林/宜工 or their English names); renamed to
        ``planned_use``. Optional: zones without it get ``""`` (not set).

    Returns
    -------
    geopandas.GeoDataFrame
        ``zone_id`` (str), ``name_zh``, ``name_en``, ``category``, ``planned_use`` (``""`` if
        unset), ``official_area_km2``, ``area_m2``, ``area_mu`` (geodesic), ``geometry_repaired``,
        the other input columns, and ``geometry``. CRS is the input's, or EPSG:4326 after a
        GCJ-02/BD-09 conversion. ``attrs["provenance"]`` records parameters and the file hash.

    Raises
    ------
    ReadError, SchemaError, InvalidGeometryError, MissingCRSError, CRSMismatchError
        Unreadable file; missing/duplicate ids, unknown categories or planned uses, no active
        geometry column; empty or non-polygonal geometry; no CRS; conflicting coordinate
        declarations; coordinates that cannot be in the declared CRS (metres labelled
        EPSG:4326, swapped lon/lat, NaN/infinite values, far outside the CRS's area of use: the
        message says what the values look like).

    Warns
    -----
    InvalidGeometryWarning
        Invalid polygons were repaired with ``shapely.make_valid``.
    UndeclaredCoordsWarning
        Lon/lat inside China without ``coords=``.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> gdf = gpd.GeoDataFrame({"zone_id": ["a"], "category": ["key_subsidence"]},
    ...                        geometry=[box(117.0, 34.0, 117.01, 34.01)], crs="EPSG:4326")
    >>> zones = load_zones(gdf, coords="wgs84")
    >>> round(float(zones["area_mu"].iloc[0]))
    1537
    """
    key = None if coords is None else coords_key(coords)
    path: Path | None = None
    if isinstance(source, gpd.GeoDataFrame):
        data = source.copy()
    elif isinstance(source, (str, PathLike)):
        path = Path(source)
        data = _read(source, layer)
    else:
        raise SchemaError(
            f"load_zones needs a file path or a GeoDataFrame, not {type(source).__name__}."
        )
    _require_geometry(data)
    if data.empty:
        raise SchemaError("The zone layer has no features.")

    data = _planned_use_column(data, planned_use_column)
    _check_ids(data, id_column)
    categories = _categories(
        data, category_column, default_category, data[id_column].astype(str)
    )
    planned = _planned_uses(data)
    data = _resolve_coords(data, crs, key, path)

    ids = data[id_column].astype(str)
    check_coordinates(data, ids.tolist(), f"file {path.name}" if path else "GeoDataFrame")
    geoms, repaired = _check_and_repair(data, ids)

    out = data.drop(columns=[id_column, category_column], errors="ignore")
    out["zone_id"] = ids.astype("str")
    out["category"] = categories
    out["planned_use"] = planned
    for column in ("name_zh", "name_en"):
        if column not in out.columns:
            out[column] = pd.Series(pd.NA, index=out.index, dtype="str")
    if "official_area_km2" not in out.columns:
        out["official_area_km2"] = np.nan
    out = out.set_geometry(geoms.rename(out.geometry.name))
    out["area_m2"] = geodesic_area(out).to_numpy()
    out["area_mu"] = to_mu(out["area_m2"])
    out["geometry_repaired"] = repaired
    geometry_name = out.geometry.name
    first = [*_SHARED, "area_m2", "area_mu", "geometry_repaired"]
    rest = [c for c in out.columns if c not in first and c != geometry_name]
    out = out[[*first, *rest, geometry_name]].reset_index(drop=True)
    out.attrs = {
        "provenance": provenance(
            "load_zones",
            parameters={
                "coords": key,
                "crs": None if crs is None else str(crs),
                "id_column": id_column,
                "category_column": category_column,
                "layer": layer,
                "default_category": default_category,
                "planned_use_column": planned_use_column,
            },
            inputs=[path] if path is not None else [],
        )
    }
    return out
