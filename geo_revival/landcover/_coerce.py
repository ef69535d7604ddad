"""One normaliser for land-cover arrays: :func:`as_landcover`.

Every function that takes land cover calls it first, so the shape, CRS, legend and year checks
live here once and users may pass the arrays the ecosystem hands them: ``rioxarray.open_rasterio``
(``band, y, x``), odc-stac / stackstac (``time, y, x``), grids on ``lat/lon``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr

from geo_revival.exceptions import GridMismatchError, MissingCRSError, SchemaError
from geo_revival.grid import Grid
from geo_revival.landcover.legend import Legend, get_legend

__all__ = ["as_landcover"]

_SPATIAL = {"lat": "y", "latitude": "y", "lon": "x", "longitude": "x"}
_LAYER_DIMS = ("year", "time", "band")


def as_landcover(
    da: Any,
    *,
    legend: str | Legend | None = None,
    years: Sequence[int] | None = None,
) -> xr.DataArray:
    """Return land cover as geo-revival works with it: integer codes, dims ``(year, y, x)``.

    Accepts what :func:`~geo_revival.landcover.open_landcover` returns, or any rioxarray-aware
    DataArray with a CRS: first dimension ``year``, ``time`` (datetimes; their calendar years
    become ``year``) or ``band`` (labelled by ``years=``), or none (one layer, ``years=`` gives
    its year); spatial dimensions ``y, x`` or ``lat, lon`` (renamed to ``y, x``). A ``band``
    dimension of length 1 beside ``time`` (stackstac) is dropped. The input is never modified.

    Parameters
    ----------
    da : xarray.DataArray
        The land-cover array.
    legend : str or Legend, optional
        Legend of the codes, when ``da.attrs["legend"]`` does not name one (stored there as a
        name; a :class:`Legend` must be registered, see
        :func:`~geo_revival.landcover.register_legend`).
    years : sequence of int, optional
        For arrays whose layers carry no year (``band`` or no layer dimension): the year of
        each layer, in order. For arrays with years: the years to keep, in this order.

    Returns
    -------
    xarray.DataArray
        Dims ``(year, y, x)``, integer ``year`` coordinate, ``attrs["legend"]`` set; the data
        are not copied or loaded.

    Raises
    ------
    SchemaError
        Not a DataArray, unknown dimensions, non-integer codes, no legend, years missing,
        repeated or not matching the layers.
    MissingCRSError
        The array has no CRS (geo-revival never assumes one).
    GridMismatchError
        The grid is rotated or not north-up.
    LegendError
        The legend is not registered.

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray  # noqa: F401
    >>> band = xr.DataArray(np.ones((1, 2, 2), "uint8"), dims=("band", "y", "x"),
    ...                     coords={"band": [1], "y": [15.0, 5.0], "x": [5.0, 15.0]}
    ...                     ).rio.write_crs("EPSG:4548")
    >>> lc = as_landcover(band, legend="clcd", years=[2021])
    >>> lc.dims, lc["year"].values.tolist(), lc.attrs["legend"]
    (('year', 'y', 'x'), [2021], 'clcd')
    """
    if not isinstance(da, xr.DataArray):
        raise SchemaError(
            f"landcover must be an xarray DataArray, not {type(da).__name__}; open files with "
            "geo_revival.open_landcover(...) or rioxarray.open_rasterio(...)"
        )
    out = _spatial_dims(da)
    out = _year_dim(out, years)
    if out.dtype.kind not in "iu":
        raise SchemaError(
            f"landcover must hold integer class codes, not {out.dtype}; "
            "fill NaN with the nodata code and cast, e.g. .fillna(0).astype('uint8') "
            "(rioxarray.open_rasterio: leave mask_and_scale=False)"
        )
    out = out.assign_attrs(legend=_legend_name(out.attrs.get("legend"), legend))
    if out.rio.crs is None:
        raise MissingCRSError(
            "landcover has no CRS; set the one it was produced in with "
            "landcover.rio.write_crs(...) (geo-revival never assumes a CRS)"
        )
    Grid.of(out).require_north_up()
    # The stored transform survives slicing such as .isel(y=slice(None, None, -1)): the
    # coordinates say how the rows really run.
    for dim, step in (("y", -1), ("x", 1)):
        values = out[dim].values if dim in out.coords else np.array([])
        if values.size > 1 and np.sign(values[1] - values[0]) != step:
            raise GridMismatchError(
                f"landcover must be on a north-up grid ({dim} {'de' if step < 0 else 'in'}"
                f"creasing), but its {dim} coordinates run the other way; flip it with "
                f".isel({dim}=slice(None, None, -1))"
            )
    return out.transpose("year", "y", "x")


def _spatial_dims(da: xr.DataArray) -> xr.DataArray:
    renames = {d: _SPATIAL[d] for d in da.dims if d in _SPATIAL}
    out = da.rename(renames) if renames else da
    layer = [d for d in out.dims if d not in ("y", "x")]
    if "time" in layer and "band" in layer and out.sizes["band"] == 1:
        out = out.isel(band=0, drop=True)  # stackstac: (time, band, y, x) with one asset
        layer.remove("band")
    if {"y", "x"} - set(out.dims) or len(layer) > 1 or (layer and layer[0] not in _LAYER_DIMS):
        raise SchemaError(
            f"landcover must have dims (year|time|band, y|lat, x|lon), not {da.dims}; "
            "select or stack the other dimensions first"
        )
    if renames:
        out = out.rio.set_spatial_dims(x_dim="x", y_dim="y")
    return out


def _year_dim(da: xr.DataArray, years: Sequence[int] | None) -> xr.DataArray:
    wanted = None if years is None else [int(y) for y in np.atleast_1d(np.asarray(years))]
    if wanted is not None and len(set(wanted)) != len(wanted):
        # Each repeat would be counted again: duplicate rows, not an error anyone would see.
        raise SchemaError(f"years {wanted} repeat a year; give each year once")
    if "year" in da.dims:
        out = da
    elif "time" in da.dims:
        stamps = pd.DatetimeIndex(da["time"].values)
        out = da.assign_coords(time=stamps.year.to_numpy()).rename(time="year")
    else:
        layered = da if "band" in da.dims else da.expand_dims("band")
        if wanted is None or len(wanted) != layered.sizes["band"]:
            what = f"{layered.sizes['band']} band(s)" if "band" in da.dims else "one layer"
            got = "no years" if wanted is None else f"{len(wanted)} year(s)"
            raise SchemaError(
                f"the land cover has {what} but {got} were given; pass years=[...] with the "
                "year of each band in order"
            )
        out = layered.drop_vars("band", errors="ignore").rename(band="year")
        return out.assign_coords(year=np.asarray(wanted, dtype=np.int64))
    if "year" not in out.coords:
        raise SchemaError("landcover has a 'year' dimension without coordinate values")
    index = out["year"].to_index()
    if index.has_duplicates:
        raise SchemaError(
            "landcover needs one layer per year: its years repeat "
            f"({index.tolist()}); select one layer per year, e.g. "
            "da.groupby('time.year').first() for odc-stac/stackstac time series"
        )
    out = out.assign_coords(year=index.astype(np.int64))
    if wanted is not None:
        unknown = sorted(set(wanted) - set(out["year"].values.tolist()))
        if unknown:
            raise SchemaError(
                f"years {unknown} are not in the land cover (years: {index.tolist()})"
            )
        out = out.sel(year=wanted)
    return out


def _legend_name(attr: Any, given: str | Legend | None) -> str:
    if given is None:
        if attr is None:
            raise SchemaError(
                "the land cover names no legend: pass legend=... (e.g. legend='clcd' or "
                "'esa_worldcover_v200'; see geo_revival.list_legends()) or set "
                "landcover.attrs['legend']"
            )
        return str(attr)
    name = get_legend(given).name
    get_legend(name)  # a Legend object must be registered: the overlay looks it up by name
    if attr is not None and get_legend(str(attr)).name != name:
        raise SchemaError(
            f"legend={name!r} contradicts the land cover's attrs['legend']={attr!r}; "
            "drop one of them"
        )
    return name
