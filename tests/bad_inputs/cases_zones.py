"""Bad zone layers and coordinates (``load_zones``, ``geo_revival.crs``)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString, Point, Polygon, box

from geo_revival import load_zones
from geo_revival.crs import (
    coords_key,
    geodesic_area,
    gk_zone_crs,
    local_projected_crs,
    planar_area_factor,
    require_crs,
    to_wgs84_geometries,
)
from geo_revival.exceptions import (
    CRSMismatchError,
    InvalidGeometryError,
    MissingCRSError,
    OptionError,
    ReadError,
    SchemaError,
    UnsupportedCRSError,
)
from tests.bad_inputs._build import WHOLE_GRID, zones
from tests.bad_inputs.case import Case

LONLAT = box(117.20, 34.30, 117.21, 34.31)


def _geojson(tmp: Path, gdf: gpd.GeoDataFrame, name: str = "z.geojson") -> Path:
    path = tmp / name
    gdf.to_file(path, driver="GeoJSON")
    return path


def _no_active_geometry(_: Path) -> None:
    z = zones()
    load_zones(gpd.GeoDataFrame(pd.DataFrame(z).rename(columns={"geometry": "geom"})))


def _two_layers(tmp: Path) -> None:
    path = tmp / "z.gpkg"
    zones().to_file(path, layer="one")
    zones().to_file(path, layer="two")
    load_zones(path)


def _gcj_file(tmp: Path) -> None:
    load_zones(_geojson(tmp, zones([LONLAT], crs="EPSG:4326"), "zones_gcj02.geojson"))


def _metres_geojson(tmp: Path) -> None:
    square = Polygon([(520300, 3800000), (521300, 3800000), (521300, 3801000),
                      (520300, 3801000)])
    load_zones(_geojson(tmp, zones([square], crs="EPSG:4326")), coords="wgs84")


def _invalid_collapsed(_: Path) -> None:
    load_zones(zones([Polygon([(500000, 3800000), (500010, 3800000), (500020, 3800000)])]))


CASES = [
    Case("zones-missing-file", "passed a zone file path that does not exist",
         lambda t: load_zones(t / "nope.gpkg"), ReadError, r"nope\.gpkg does not exist"),
    Case("zones-not-a-vector-file", "passed a text file as the zone layer",
         lambda t: load_zones((t / "z.gpkg").write_text("hello") and t / "z.gpkg"),
         ReadError, r"Could not read zones from .*z\.gpkg"),
    Case("zones-wrong-type", "passed a list instead of a path or GeoDataFrame",
         lambda t: load_zones([1, 2]), SchemaError, "needs a file path or a GeoDataFrame"),
    Case("zones-no-active-geometry", "passed a GeoDataFrame whose geometry column was renamed",
         _no_active_geometry, SchemaError, r"no active geometry column.*set_geometry\('geom'\)"),
    Case("zones-empty-layer", "passed a layer with no features",
         lambda t: load_zones(zones().iloc[:0]), SchemaError, "has no features"),
    Case("zones-several-layers", "passed a GeoPackage with two layers and no layer=",
         _two_layers, SchemaError, r"holds 2 layers .*pass layer="),
    Case("zones-no-id-column", "the zone id column has another name",
         lambda t: load_zones(zones().rename(columns={"zone_id": "code"})),
         SchemaError, r"Zone id column 'zone_id' not found"),
    Case("zones-missing-ids", "some zones have no id",
         lambda t: load_zones(zones([WHOLE_GRID] * 2, zone_id=["a", None])),
         SchemaError, r"missing in rows \[1\]"),
    Case("zones-duplicate-ids", "two zones share an id",
         lambda t: load_zones(zones([WHOLE_GRID] * 2, zone_id=["a", "a"])),
         SchemaError, r"must be unique; duplicated .*\['a'\]"),
    Case("zones-two-id-columns", "id_column= names a column while zone_id also exists",
         lambda t: load_zones(zones(code=["x"]), id_column="code"),
         SchemaError, "Both 'code' and 'zone_id' exist"),
    Case("zones-unknown-category", "a zone category outside the shared vocabulary",
         lambda t: load_zones(zones(category=["mine"])), SchemaError,
         r"Unknown zone categories \['mine'\]"),
    Case("zones-no-category", "the category column is missing and no default is given",
         lambda t: load_zones(zones().drop(columns="category")), SchemaError,
         "Category column 'category' not found"),
    Case("zones-blank-category", "a zone has an empty category",
         lambda t: load_zones(zones(category=[""])), SchemaError, "have no category"),
    Case("zones-bad-default-category", "default_category= is not a category",
         lambda t: load_zones(zones(), default_category="mine"), SchemaError,
         "default_category='mine' is not a zone category"),
    Case("zones-unknown-planned-use", "planned_use holds a value outside 宜农/宜水/宜林/宜工",
         lambda t: load_zones(zones(planned_use=["fishpond"])), SchemaError,
         r"Unknown planned_use values \['fishpond'\]"),
    Case("zones-empty-geometry", "a zone has an empty geometry",
         lambda t: load_zones(zones([Polygon()])), InvalidGeometryError,
         "empty or missing geometry"),
    Case("zones-points", "zones are points, not polygons",
         lambda t: load_zones(zones([Point(500000, 3800000)])), InvalidGeometryError,
         "Zones must be polygons"),
    Case("zones-lines", "zones are lines, not polygons",
         lambda t: load_zones(zones([LineString([(500000, 3800000), (500100, 3800100)])])),
         InvalidGeometryError, "Zones must be polygons"),
    Case("zones-unrepairable", "a zone's ring collapses to a line",
         _invalid_collapsed, InvalidGeometryError, "cannot turn into a polygon"),
    Case("zones-no-crs", "a layer without CRS and without crs=",
         lambda t: load_zones(zones(crs=None)), MissingCRSError,
         "no coordinate reference system"),
    Case("zones-crs-conflict", "crs= differs from the layer's own CRS",
         lambda t: load_zones(zones(), crs="EPSG:4326"), CRSMismatchError,
         "already has CRS 'EPSG:4548'"),
    Case("zones-gcj02-undeclared", "an AMap (GCJ-02) export read without coords=",
         _gcj_file, MissingCRSError, r"look like GCJ02 .*--coords gcj02"),
    Case("zones-gcj02-projected", "coords='gcj02' with a projected CRS",
         lambda t: load_zones(zones(crs=None), coords="gcj02", crs="EPSG:4548"),
         UnsupportedCRSError, "means lon/lat degrees"),
    Case("zones-unknown-coords", "coords= names an unknown system",
         lambda t: load_zones(zones(), coords="wgs72"), OptionError,
         "coords must be one of 'wgs84', 'gcj02', 'bd09'; got 'wgs72'"),
    Case("zones-metres-as-degrees", "a GeoJSON in metres that declares EPSG:4326",
         _metres_geojson, CRSMismatchError, r"values like 520300 look like metres",
         "metres read as degrees gave NaN areas, zero shares and a 'no overlap' error later"),
    Case("zones-swapped-lonlat", "lat/lon written in the wrong order",
         lambda t: load_zones(zones([box(34.30, 117.20, 34.31, 117.21)], crs="EPSG:4326"),
                              coords="wgs84"),
         CRSMismatchError, "longitude and latitude look swapped"),
    Case("zones-huge-coordinates", "coordinates like 1e15 (corrupt numbers)",
         lambda t: load_zones(zones([box(1e15, 1e15, 1e15 + 10, 1e15 + 10)], crs="EPSG:4326"),
                              coords="wgs84"),
         CRSMismatchError, "values like 1e\\+15 are far beyond any map coordinate"),
    Case("zones-outside-area-of-use", "Gauss-Kruger eastings with the zone number prefixed",
         lambda t: load_zones(zones([box(39_520_300, 3_800_000, 39_521_300, 3_801_000)])),
         CRSMismatchError, "far outside it"),
    Case("zones-non-finite", "a vertex is NaN or infinite",
         lambda t: load_zones(zones([Polygon([(500000, 3800000), (np.inf, 3800000),
                                              (500000, 3800100)])])),
         CRSMismatchError, r"non-finite coordinates .*\['a'\]"),
    Case("crs-require-missing", "a layer without CRS given to a CRS-needing function",
         lambda t: require_crs(gpd.GeoSeries([Point(117, 34)]), what="zones"),
         MissingCRSError, "zones has no coordinate reference system"),
    Case("crs-gk-outside-china", "asked for the Gauss-Kruger zone of a longitude outside China",
         lambda t: gk_zone_crs(10.0), UnsupportedCRSError, "outside the CGCS2000"),
    Case("crs-local-no-crs", "local_projected_crs of a layer without CRS",
         lambda t: local_projected_crs(gpd.GeoSeries([LONLAT])), MissingCRSError, "crs="),
    Case("crs-planar-factor-geographic", "planar area factor of a lon/lat CRS",
         lambda t: planar_area_factor("EPSG:4326"), UnsupportedCRSError, "not projected"),
    Case("crs-geodesic-no-crs", "geodesic area of bare shapely polygons",
         lambda t: geodesic_area([box(0, 0, 1, 1)]), MissingCRSError,
         "geometries has no coordinate reference system"),
    Case("crs-gcj-projected-layer", "GCJ-02 conversion of a projected layer",
         lambda t: to_wgs84_geometries(zones(), "gcj02"), UnsupportedCRSError,
         "GCJ-02/BD-09 only exist as lon/lat"),
    Case("crs-unknown-coords-key", "coords='wgs72'",
         lambda t: coords_key("wgs72"), OptionError, "coords must be one of .*got 'wgs72'"),
]
