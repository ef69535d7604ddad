"""Tiny builders of bad inputs: a 4 x 4 raster of 30 m pixels and zones on it (EPSG:4548).

Everything is hand-checkable: the grid covers x 500000..500120, y 3800000..3800120 (CGCS2000 /
3-degree Gauss-Kruger CM 117E, i.e. near Xuzhou); rasters are written into the test's tmp_path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import rioxarray  # noqa: F401  (registers .rio)
import xarray as xr
from affine import Affine
from shapely.geometry import box

CRS = "EPSG:4548"
TRANSFORM = Affine(30.0, 0.0, 500_000.0, 0.0, -30.0, 3_800_120.0)
#: CLCD codes: 1 cropland, 2 forest, 5 water, 7 barren, 8 impervious.
CODES = np.array([[1, 1, 2, 2], [1, 1, 2, 2], [5, 5, 7, 7], [8, 8, 7, 7]], dtype="uint8")
WHOLE_GRID = box(500_000.0, 3_800_000.0, 500_120.0, 3_800_120.0)


def zones(
    geoms: list[Any] | None = None, crs: Any = CRS, **columns: list[Any]
) -> gpd.GeoDataFrame:
    """Zones ``a``, ``b``... (category ``other``) with the given geometries (default: the grid)."""
    geoms = geoms if geoms is not None else [WHOLE_GRID]
    data: dict[str, list[Any]] = {
        "zone_id": [chr(ord("a") + i) for i in range(len(geoms))],
        "category": ["other"] * len(geoms),
    }
    data.update(columns)
    return gpd.GeoDataFrame(data, geometry=geoms, crs=crs)


def tif(
    path: Path,
    data: np.ndarray | None = None,
    *,
    crs: Any = CRS,
    nodata: float | None = 0,
    transform: Affine = TRANSFORM,
    **profile: Any,
) -> Path:
    """Write a GeoTIFF (one band unless ``data`` is 3-D) and return its path."""
    data = CODES if data is None else np.asarray(data)
    data = data if data.ndim == 3 else data[None]
    meta: dict[str, Any] = {
        "driver": "GTiff",
        "count": data.shape[0],
        "height": data.shape[1],
        "width": data.shape[2],
        "dtype": data.dtype,
        "transform": transform,
        "nodata": nodata,
        **profile,
    }
    if crs is not None:
        meta["crs"] = crs
    with rasterio.open(path, "w", **meta) as dst:
        dst.write(data)
    return path


def landcover(
    data: np.ndarray | None = None,
    years: tuple[int, ...] = (2020,),
    *,
    crs: Any = CRS,
    legend: str | None = "clcd",
    nodata: int | None = 0,
) -> xr.DataArray:
    """An in-memory land-cover series (what ``open_landcover`` returns) on the 4 x 4 grid."""
    layer = CODES if data is None else np.asarray(data)
    stack = np.stack([layer] * len(years))
    x = 500_015.0 + 30.0 * np.arange(layer.shape[1])
    y = 3_800_105.0 - 30.0 * np.arange(layer.shape[0])
    da = xr.DataArray(
        stack, dims=("year", "y", "x"), coords={"year": list(years), "y": y, "x": x},
        name="landcover",
    )  # fmt: skip
    if legend is not None:
        da.attrs["legend"] = legend
    if crs is not None:
        da = da.rio.write_crs(crs)
    if nodata is not None:
        da = da.rio.write_nodata(nodata)
    return da


def areas(**columns: list[Any]) -> pd.DataFrame:
    """A class-area table (zone a, 2020): barren 3000 m², forest 1000 m², unless overridden."""
    data: dict[str, list[Any]] = {
        "zone_id": ["a", "a"],
        "year": [2020, 2020],
        "generic_class": ["barren", "forest"],
        "area_m2": [3000.0, 1000.0],
    }
    data.update(columns)
    return pd.DataFrame(data)


def flows(**columns: list[Any]) -> pd.DataFrame:
    """A transitions table (zone a, 2020 -> 2021): barren -> forest 1000 m², barren 3000 m²."""
    data: dict[str, list[Any]] = {
        "zone_id": ["a", "a"],
        "from_year": [2020, 2020],
        "to_year": [2021, 2021],
        "from_generic": ["barren", "barren"],
        "to_generic": ["forest", "barren"],
        "area_m2": [1000.0, 3000.0],
    }
    data.update(columns)
    return pd.DataFrame(data)


def sample(**columns: list[Any]) -> pd.DataFrame:
    """A reference sample: strata 1 and 2 (CLCD cropland, forest), three units each."""
    data: dict[str, list[Any]] = {
        "sample_id": list(range(6)),
        "stratum": [1, 1, 1, 2, 2, 2],
        "map_class": [1, 1, 1, 2, 2, 2],
        "reference_class": [1, 1, 2, 2, 2, 2],
    }
    data.update(columns)
    return pd.DataFrame(data)


STRATA_AREAS = {1: 6000.0, 2: 4000.0}
