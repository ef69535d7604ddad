"""Small land-cover rasters and zones for the overlay tests (shared by unit/property/e2e tests)."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr
from affine import Affine
from shapely.geometry.base import BaseGeometry


def make_landcover(
    years: dict[int, npt.ArrayLike],
    *,
    res: float = 10.0,
    origin: tuple[float, float] = (0.0, 30.0),
    crs: str | None = "EPSG:4548",
    nodata: int | None = 0,
    legend: str = "clcd",
    dtype: str = "uint8",
    chunks: dict[str, int] | None = None,
) -> xr.DataArray:
    """A (year, y, x) land cover whose top-left corner is ``origin`` and pixels ``res`` wide."""
    data = np.stack([np.asarray(v, dtype=dtype) for v in years.values()])
    _, h, w = data.shape
    x0, y0 = origin
    da = xr.DataArray(
        data,
        dims=("year", "y", "x"),
        coords={
            "year": list(years),
            "y": y0 - res * (np.arange(h) + 0.5),
            "x": x0 + res * (np.arange(w) + 0.5),
        },
        name="landcover",
        attrs={"legend": legend, "simulated": True},
    )
    da = da.rio.write_transform(Affine(res, 0, x0, 0, -res, y0))
    if crs is not None:
        da = da.rio.write_crs(crs)
    if nodata is not None:
        da = da.rio.write_nodata(nodata)
    return da.chunk(chunks) if chunks else da


def make_zones(
    geoms: dict[str, BaseGeometry], crs: str | None = "EPSG:4548"
) -> gpd.GeoDataFrame:
    """Zones named by the keys of ``geoms``."""
    return gpd.GeoDataFrame({"zone_id": list(geoms)}, geometry=list(geoms.values()), crs=crs)


def as_dict(df: object, keys: Sequence[str], value: str = "pixels") -> dict[tuple, float]:
    """``{(key values...): value}`` from a result table, for comparisons with hand counts."""
    import pandas as pd

    assert isinstance(df, pd.DataFrame)
    return {
        tuple(row[k] for k in keys): float(row[value])
        for row in df[[*keys, value]].to_dict("records")
    }
