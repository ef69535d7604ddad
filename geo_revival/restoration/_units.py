"""Accounting units: zones split by treatment projects so that each piece has one planned use.

A project's planned use overrides its zone's: inside a project polygon the land is read with the
project's use, in the rest of the zone with the zone's. Each zone becomes the pieces
``zone ∩ project`` (one per project it meets, ``unit_id = "<zone_id>/<project_id>"``) and the
remainder ``zone − projects`` (``unit_id = "<zone_id>/remainder"``). Zones may overlap each other
(each is split on its own, as the overlay counts a pixel in every zone that holds it); projects
must not overlap each other. The overlay engine counts the units (``id_column="unit_id"``) and
:func:`attach_units` gives each row its zone and planned use back. Re-exported by
:mod:`geo_revival.restoration`.
"""

from __future__ import annotations

from os import PathLike

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo_revival.crs import require_crs
from geo_revival.exceptions import SchemaError
from geo_revival.restoration._rules import planned_use_strings
from geo_revival.validation import check_zone_ids
from geo_revival.zones import as_zones

__all__ = ["UNIT_COLUMNS", "accounting_units", "attach_units"]

#: Columns of :func:`accounting_units` besides ``geometry``.
UNIT_COLUMNS = ("unit_id", "zone_id", "project_id", "planned_use")

# Overlaps smaller than this share of the smaller project are boundary noise, not overlaps.
_OVERLAP_TOLERANCE = 1e-9


def _uses(layer: pd.DataFrame, what: str) -> pd.Series:
    for column in ("zone_id", "planned_use"):
        if column not in layer.columns:
            raise SchemaError(
                f"{what} need a {column!r} column (planned_use: cropland, water, forest, "
                "construction or '' for none); load them with geo_revival.load_zones."
            )
    check_zone_ids(layer, "zone_id", what=what)
    return planned_use_strings(layer["planned_use"])


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _check_no_overlap(projects: gpd.GeoDataFrame) -> None:
    geoms = projects.geometry.to_numpy()
    left, right = projects.sindex.query(geoms, predicate="intersects")
    for i, j in zip(left, right, strict=True):
        if i >= j:
            continue
        shared = shapely.intersection(geoms[i], geoms[j]).area
        if shared > _OVERLAP_TOLERANCE * min(geoms[i].area, geoms[j].area):
            a, b = projects["zone_id"].iloc[i], projects["zone_id"].iloc[j]
            raise SchemaError(
                f"projects {a!r} and {b!r} overlap ({shared:.6g} square CRS units); a pixel "
                "would get two planned uses. Clip one of them so that projects do not overlap."
            )


def accounting_units(
    zones: gpd.GeoDataFrame | str | PathLike[str],
    projects: gpd.GeoDataFrame | str | PathLike[str] | None = None,
) -> gpd.GeoDataFrame:
    """Split zones by projects into units with one effective planned use each.

    Parameters
    ----------
    zones
        Zones with ``zone_id``, ``planned_use`` and a CRS (or a zone file's path, see
        :func:`geo_revival.zones.as_zones`).
    projects
        Treatment projects with ``zone_id`` (the project id), ``planned_use`` and a CRS
        (transformed to the zones' CRS), or a path. A project with no planned use takes its
        zone's.

    Returns
    -------
    geopandas.GeoDataFrame
        ``unit_id, zone_id, project_id, planned_use, geometry`` in the zones' CRS;
        ``project_id`` is ``""`` for the remainder of a zone; empty pieces are left out.

    Raises
    ------
    SchemaError
        Missing columns, duplicate ids, or projects that overlap each other.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> zones = gpd.GeoDataFrame({"zone_id": ["z"], "planned_use": [""]},
    ...                          geometry=[box(0, 0, 4, 4)], crs=4548)
    >>> lake = gpd.GeoDataFrame({"zone_id": ["lake"], "planned_use": ["water"]},
    ...                         geometry=[box(0, 0, 1, 4)], crs=4548)
    >>> units = accounting_units(zones, lake)
    >>> units[["unit_id", "planned_use"]].values.tolist(), units.area.tolist()
    ([['z/lake', 'water'], ['z/remainder', '']], [4.0, 12.0])
    """
    zones = require_crs(as_zones(zones), what="zones")
    layer = None if projects is None else as_zones(projects)
    zone_uses = _uses(zones, "zones")
    rows: list[tuple[str, str, str, str, BaseGeometry]] = []
    if layer is None or layer.empty:
        for zid, use, geom in zip(zones["zone_id"], zone_uses, zones.geometry, strict=True):
            rows.append((f"{zid}/remainder", str(zid), "", use, geom))
    else:
        layer = require_crs(layer, what="projects").to_crs(zones.crs)
        project_uses = _uses(layer, "projects")
        _check_no_overlap(layer)
        hits_zone, hits_project = layer.sindex.query(
            zones.geometry.to_numpy(), predicate="intersects"
        )
        for z, (zid, use, geom) in enumerate(
            zip(zones["zone_id"], zone_uses, zones.geometry, strict=True)
        ):
            pieces = []
            for p in hits_project[hits_zone == z]:
                piece = _polygonal(shapely.intersection(geom, layer.geometry.iloc[p]))
                if piece.is_empty or piece.area == 0:
                    continue
                pid = str(layer["zone_id"].iloc[p])
                rows.append((f"{zid}/{pid}", str(zid), pid, project_uses.iloc[p] or use, piece))
                pieces.append(piece)
            rest = (
                _polygonal(shapely.difference(geom, shapely.union_all(pieces))) if pieces else geom
            )
            if not rest.is_empty and rest.area > 0:
                rows.append((f"{zid}/remainder", str(zid), "", use, rest))
    frame = pd.DataFrame(rows, columns=[*UNIT_COLUMNS, "geometry"])
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=zones.crs)


def attach_units(table: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Turn an overlay table of units back into one of zones, keeping unit and planned use.

    Parameters
    ----------
    table
        ``overlay.class_areas``/``transitions`` result computed with ``id_column="unit_id"``
        (its ``zone_id`` column holds unit ids).
    units
        The :func:`accounting_units` result the table was computed on.

    Returns
    -------
    pandas.DataFrame
        A copy with ``unit_id``, ``zone_id`` (the zone), ``project_id`` and ``planned_use``,
        ready for :func:`~geo_revival.restoration.restoration_status` with ``planned_use=None``.

    Examples
    --------
    >>> units = pd.DataFrame({"unit_id": ["z/lake"], "zone_id": ["z"], "project_id": ["lake"],
    ...                       "planned_use": ["water"]})
    >>> t = pd.DataFrame({"zone_id": ["z/lake"], "year": [2020], "area_m2": [1.0]})
    >>> attach_units(t, units)[["unit_id", "zone_id", "planned_use"]].values.tolist()
    [['z/lake', 'z', 'water']]
    """
    missing = [c for c in UNIT_COLUMNS if c not in units.columns]
    if missing:
        raise SchemaError(f"units lack column(s) {missing}; build them with accounting_units().")
    lookup = pd.DataFrame(units[list(UNIT_COLUMNS)]).set_index("unit_id")
    unknown = sorted(set(table["zone_id"]) - set(lookup.index), key=str)
    if unknown:
        raise SchemaError(
            f"table ids {unknown[:10]} are not units; compute the table on the same units with "
            "id_column='unit_id'."
        )
    out = table.rename(columns={"zone_id": "unit_id"})
    out = out.join(lookup, on="unit_id")
    first = ["unit_id", "zone_id", "project_id", "planned_use"]
    out = out[first + [c for c in out.columns if c not in first]]
    out.attrs = dict(table.attrs)
    return out
