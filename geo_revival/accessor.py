"""A thin xarray accessor: ``da.gr.class_areas(zones)``, ``da.gr.pixel_area()``.

xarray accessors exist only once registered, so this module must be imported first (like
``import rioxarray`` for ``da.rio``)::

    import geo_revival.accessor  # noqa: F401  (registers da.gr)

``import geo_revival`` does not register it: the package imports nothing heavy until a name is
used. Every method is the public function with the array as its land-cover argument, nothing
more; their documentation is that of the functions.

Examples
--------
>>> import geopandas as gpd, numpy as np, xarray as xr, rioxarray  # noqa: F401
>>> import geo_revival.accessor  # noqa: F401
>>> from shapely.geometry import box
>>> band = xr.DataArray(np.array([[[1, 2], [2, 2]]], "uint8"), dims=("band", "y", "x"),
...                     coords={"band": [1], "y": [15.0, 5.0], "x": [5.0, 15.0]}
...                     ).rio.write_crs("EPSG:4548")
>>> zones = gpd.GeoDataFrame({"zone_id": ["a"]}, geometry=[box(0, 0, 20, 20)], crs=4548)
>>> band.gr.class_areas(zones, legend="clcd", years=[2021])["pixels"].tolist()
[1, 3]
>>> float(band.gr.pixel_area())
100.0
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import xarray as xr

from geo_revival.landcover import as_landcover, pixel_area
from geo_revival.overlay import class_areas, coverage_report, transition_matrix, transitions

__all__ = ["GeoRevivalAccessor"]


@xr.register_dataarray_accessor("gr")
class GeoRevivalAccessor:
    """``da.gr``: geo-revival functions with ``da`` as the land cover."""

    def __init__(self, da: xr.DataArray) -> None:
        self._da = da

    def as_landcover(self, **kwargs: Any) -> xr.DataArray:
        """:func:`geo_revival.landcover.as_landcover` of this array."""
        return as_landcover(self._da, **kwargs)

    def pixel_area(self) -> xr.DataArray:
        """:func:`geo_revival.landcover.pixel_area` of this array (m²)."""
        return pixel_area(self._da)

    def class_areas(self, zones: Any, **kwargs: Any) -> pd.DataFrame:
        """:func:`geo_revival.overlay.class_areas` of ``zones`` on this array."""
        return class_areas(zones, self._da, **kwargs)

    def transitions(self, zones: Any, **kwargs: Any) -> pd.DataFrame:
        """:func:`geo_revival.overlay.transitions` of ``zones`` on this array."""
        return transitions(zones, self._da, **kwargs)

    def transition_matrix(self, zones: Any, start: int, end: int, **kwargs: Any) -> pd.DataFrame:
        """:func:`geo_revival.overlay.transition_matrix` of ``zones`` on this array."""
        return transition_matrix(zones, self._da, start, end, **kwargs)

    def coverage_report(self, zones: Any, **kwargs: Any) -> pd.DataFrame:
        """:func:`geo_revival.overlay.coverage_report` of ``zones`` on this array."""
        return coverage_report(zones, self._da, **kwargs)
