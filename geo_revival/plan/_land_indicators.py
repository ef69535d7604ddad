"""Plan indicators measured from the land cover of an area: forest cover, built-up land per GDP.

Both are *map counts* (class areas of a land-cover map inside the area, pixel-centre rule), so
they carry the map's errors; ``estimate_basis`` says so. Their definitions differ from the
statistics the plans report, which are compiled by other agencies:

**Forest / tree cover rate** (林木覆盖率, plan file ``forest_cover_rate``; Xuzhou 31.60 % in 2024,
targets 31.34 % / 31.30 % / 31.25 % for 2025-2027, plan 004 annex #19):

- *definition here*: land-cover area of the chosen generic classes (default ``forest``) divided
  by the area of the chosen region with valid land cover, per year;
- *data requirements*: a land-cover series of the whole region (not only the restoration zones)
  with a legend mapping to the generic ``forest`` class, and the region's outline;
- *caveats*: the forestry statistic (林木覆盖率) counts forest land with canopy cover ≥ 0.2,
  special shrubland and the crown area of scattered and roadside/"four-side" trees (四旁树),
  measured by forest inventories, not classified pixels; a 30 m map misses rows of trees and
  small woods and may count orchards or shrubs differently. Expect a level difference of
  several percentage points; use the map value for its *change*, not as the official figure.
  The targets *decline* slightly (the plan allows for land-use change), so the target is a
  floor: met when the rate is at least the target.

**Built-up land per unit of GDP** (单位GDP建设用地使用面积, ``built_up_land_per_gdp``, ha per
100 million yuan (公顷/亿元); 28.88 in 2024, targets 27.56 / 26.30 / 25.09, plan 004 annex #12):

- *definition here*: land-cover ``built_up`` area of the region (ha) divided by the region's GDP
  of the same year in 100 million yuan (亿元) that the user supplies;
- *data requirements*: the land-cover series of the whole administrative region and the GDP
  per year from the statistical yearbook (same price basis as the plan's figure, usually
  current prices);
- *caveats*: the official figure uses construction land (建设用地) from the land survey
  (国土变更调查), which includes roads, mining land and rural settlements a 30 m built-up class
  may miss or merge; values are comparable only for the same region outline and GDP basis.
  Lower is better: met when the value is at most the target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from os import PathLike
from typing import Any

import geopandas as gpd
import pandas as pd
import xarray as xr

from geo_revival.exceptions import SchemaError
from geo_revival.landcover import Legend, as_landcover
from geo_revival.plan._targets import plan_targets
from geo_revival.provenance import provenance
from geo_revival.validation import zones_first

__all__ = ["built_up_land_per_gdp", "forest_cover_rate"]

_FOREST_CAVEAT = (
    "map count of land-cover classes {classes} / valid area; NOT the forestry bureau's "
    "林木覆盖率 (inventory: canopy ≥ 0.2, special shrubland, four-side trees)"
)
_BUILT_CAVEAT = (
    "map count of land-cover built_up / user-supplied GDP; NOT the land-survey 建设用地 figure"
)


def _region_areas(landcover: xr.DataArray, area: Any) -> pd.DataFrame:
    """Class areas of the whole region (all polygons as one zone), per year and generic class."""
    from geo_revival.overlay import class_areas
    from geo_revival.zones import as_zones

    if isinstance(area, (str, PathLike)):
        try:  # zone categories mean nothing for a region's outline
            area = as_zones(area, default_category="other")
        except SchemaError as exc:
            raise SchemaError(
                f"{exc} (The region file is read by load_zones; for an outline without a "
                "'zone_id' column read it with geopandas.read_file(path) or "
                "geo_revival.load_zones(path, id_column=...) and pass the GeoDataFrame.)"
            ) from exc
    if not isinstance(area, gpd.GeoDataFrame) or area.empty:
        raise SchemaError(
            "area must be a non-empty GeoDataFrame (the region's outline, with CRS) or the "
            "path/URL of a zone file."
        )
    region = gpd.GeoDataFrame({"zone_id": ["region"]}, geometry=[area.union_all()], crs=area.crs)
    table = class_areas(region, landcover)
    return pd.DataFrame(
        table.groupby(["year", "generic_class"], as_index=False)["area_m2"].sum()
    )


def _compare(
    out: pd.DataFrame, indicator_id: str, higher_is_better: bool, note: str
) -> pd.DataFrame:
    plan = plan_targets()
    plan = plan[plan["indicator_id"] == indicator_id].set_index("year")
    out["reference"] = out["year"].map(plan["value"]).astype(float)
    out["reference_kind"] = out["year"].map(plan["kind"])
    margin = out["value"] - out["reference"]
    met = (margin >= 0 if higher_is_better else margin <= 0).astype("boolean")
    out["meets_target"] = met.mask(out["reference"].isna())
    out.insert(0, "indicator_id", indicator_id)
    out["estimate_basis"] = "unadjusted map count"
    out["note"] = note
    return out


def forest_cover_rate(
    area: gpd.GeoDataFrame | str | PathLike[str],
    landcover: xr.DataArray,
    *,
    classes: Sequence[str] = ("forest",),
    legend: str | Legend | None = None,
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Forest cover rate of a region from land cover, next to the plan's 林木覆盖率 targets.

    See the module docstring for the definition, data requirements and caveats (a land-cover
    forest share is not the forestry bureau's tree-cover statistic).

    Parameters
    ----------
    area
        The region (one or more polygons, united), with CRS; or the path or URL of a zone file
        with a ``zone_id`` column (read by :func:`~geo_revival.zones.load_zones`, as every
        function taking zones does; no category needed).
    landcover
        Land-cover series ``(year, y, x)`` covering the region.
    classes
        Generic classes counted as tree cover (e.g. ``("forest", "shrub")``).
    legend, years
        As for :func:`~geo_revival.landcover.as_landcover`: the legend when
        ``landcover.attrs`` names none, the year of each band or the years to keep.

    Returns
    -------
    pandas.DataFrame
        ``indicator_id, year, value`` (fraction), ``cover_area_m2``, ``valid_area_m2``,
        ``reference``, ``reference_kind``, ``meets_target`` (rate ≥ target),
        ``estimate_basis`` (``unadjusted map count``), ``note``.

    Examples
    --------
    >>> import numpy as np, rioxarray  # noqa: F401
    >>> from shapely.geometry import box
    >>> lc = xr.DataArray(np.array([[[2, 1], [1, 1]]], "uint8"), dims=("year", "y", "x"),
    ...                   coords={"year": [2025], "y": [15.0, 5.0], "x": [5.0, 15.0]},
    ...                   attrs={"legend": "clcd"}).rio.write_crs("EPSG:4548")
    >>> region = gpd.GeoDataFrame(geometry=[box(0, 0, 20, 20)], crs=4548)
    >>> out = forest_cover_rate(region, lc)
    >>> out[["year", "value", "reference", "meets_target"]].values.tolist()
    [[2025, 0.25, 0.3134, False]]
    """
    area, landcover = zones_first(area, landcover, "forest_cover_rate")
    landcover = as_landcover(landcover, legend=legend, years=years)
    areas = _region_areas(landcover, area)
    total = areas.groupby("year")["area_m2"].sum()
    cover = areas[areas["generic_class"].isin(list(classes))].groupby("year")["area_m2"].sum()
    cover = cover.reindex(total.index, fill_value=0.0)
    out = pd.DataFrame({"year": total.index.astype(int), "value": (cover / total).to_numpy(),
                        "cover_area_m2": cover.to_numpy(), "valid_area_m2": total.to_numpy()})
    out = _compare(out, "forest_cover_rate", True, _FOREST_CAVEAT.format(classes=list(classes)))
    out.attrs["provenance"] = provenance(
        "forest_cover_rate", parameters={"classes": list(classes)},
        legend=landcover.attrs.get("legend"),
        simulated=bool(landcover.attrs.get("simulated", False)),
    )
    return out


def built_up_land_per_gdp(
    area: gpd.GeoDataFrame | str | PathLike[str],
    landcover: xr.DataArray,
    gdp_100m_yuan: Mapping[int, float],
    *,
    legend: str | Legend | None = None,
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Built-up land per unit of GDP (ha per 100 million yuan) of a region, next to the targets.

    See the module docstring for the definition, data requirements and caveats (a land-cover
    built-up class is not the land survey's construction land).

    Parameters
    ----------
    area
        The administrative region the GDP belongs to, with CRS; or the path or URL of a zone
        file (as for :func:`forest_cover_rate`).
    landcover
        Land-cover series ``(year, y, x)`` covering the region.
    gdp_100m_yuan
        ``{year: GDP in 100 million yuan (亿元)}``; years without GDP are left out.
    legend, years
        As for :func:`forest_cover_rate`.

    Returns
    -------
    pandas.DataFrame
        ``indicator_id, year, value`` (ha per 100 million yuan), ``built_up_area_ha``,
        ``gdp_100m_yuan``, ``reference``, ``reference_kind``, ``meets_target``
        (value ≤ target), ``estimate_basis``, ``note``.

    Raises
    ------
    SchemaError
        GDP missing, zero or negative for every year of the land cover.

    Examples
    --------
    >>> import numpy as np, rioxarray  # noqa: F401
    >>> from shapely.geometry import box
    >>> lc = xr.DataArray(np.full((1, 10, 10), 8, "uint8"), dims=("year", "y", "x"),
    ...                   coords={"year": [2025], "y": np.arange(10)[::-1] * 100.0 + 50,
    ...                           "x": np.arange(10) * 100.0 + 50},
    ...                   attrs={"legend": "clcd"}).rio.write_crs("EPSG:4548")
    >>> region = gpd.GeoDataFrame(geometry=[box(0, 0, 1000, 1000)], crs=4548)
    >>> built_up_land_per_gdp(region, lc, {2025: 4.0})[["value", "meets_target"]].values.tolist()
    [[25.0, True]]
    """
    area, landcover = zones_first(area, landcover, "built_up_land_per_gdp")
    landcover = as_landcover(landcover, legend=legend, years=years)
    gdp = pd.Series({int(k): float(v) for k, v in dict(gdp_100m_yuan).items()}, dtype=float)
    areas = _region_areas(landcover, area)
    built = areas[areas["generic_class"] == "built_up"].groupby("year")["area_m2"].sum()
    years = sorted(int(y) for y in areas["year"].unique())
    usable = [y for y in years if y in gdp.index and gdp[y] > 0]
    if not usable:
        raise SchemaError(
            f"gdp_100m_yuan has no positive GDP for the land-cover years {years}; give "
            "{year: GDP in 100 million yuan} from the statistical yearbook."
        )
    ha = built.reindex(usable, fill_value=0.0).to_numpy() / 10_000
    out = pd.DataFrame({"year": usable, "value": ha / gdp[usable].to_numpy(),
                        "built_up_area_ha": ha, "gdp_100m_yuan": gdp[usable].to_numpy()})
    out = _compare(out, "built_up_land_per_gdp", False, _BUILT_CAVEAT)
    params: dict[str, Any] = {"gdp_100m_yuan": {int(y): float(gdp[y]) for y in usable}}
    out.attrs["provenance"] = provenance(
        "built_up_land_per_gdp", parameters=params, legend=landcover.attrs.get("legend"),
        simulated=bool(landcover.attrs.get("simulated", False)),
    )
    return out
