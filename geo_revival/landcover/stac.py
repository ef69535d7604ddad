"""Opening land-cover series from STAC items (optional extra ``geo-revival[stac]``).

Public land-cover collections (ESA WorldCover, Esri/IO LULC, MODIS, Dynamic World exports ...)
are published as STAC items, one per tile and year. :func:`open_landcover_stac` turns such
items into the same ``(year, y, x)`` DataArray as :func:`~geo_revival.landcover.io.open_landcover`.

Two ways of reading are offered:

* ``method="files"`` (default): one item per year; the asset files are opened with
  :func:`~geo_revival.landcover.io.open_landcover`, with all its grid, legend and version checks.
* ``method="odc"``: `odc-stac <https://odc-stac.readthedocs.io>`_ loads the items onto one grid
  (``crs``/``resolution``/``bbox``), mosaicking several tiles per year and resampling by nearest
  neighbour only. Use it when a study area spans tiles (Xuzhou spans WorldCover N33E114 and
  N33E117).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from os import PathLike, fspath
from typing import Any, Literal

import numpy as np
import xarray as xr

from geo_revival._gdal import remote_env
from geo_revival._paths import gdal_path, public_name
from geo_revival.exceptions import ReadError, SchemaError
from geo_revival.landcover import _codes
from geo_revival.landcover._sources import check_versions
from geo_revival.landcover.io import open_landcover
from geo_revival.landcover.legend import Legend, get_legend
from geo_revival.validation import check_option

__all__ = ["open_landcover_stac"]


def _load_items(source: Any) -> list[Any]:
    import pystac

    if isinstance(source, (str, PathLike)):
        try:
            source = pystac.read_file(fspath(source))
        except (OSError, pystac.STACError, ValueError) as exc:
            raise ReadError(f"cannot read STAC file {fspath(source)}: {exc}") from exc
    if isinstance(source, pystac.Item):
        return [source]
    if isinstance(source, pystac.Catalog):  # also Collection
        return list(source.get_items(recursive=True))
    items = list(source)  # ItemCollection or any iterable of items
    if not all(isinstance(i, pystac.Item) for i in items):
        raise SchemaError("expected STAC items, an ItemCollection, a Catalog/Collection or a path")
    return items


def _year(item: Any) -> int:
    when: dt.datetime | None = item.datetime or item.common_metadata.start_datetime
    if when is None:
        raise SchemaError(f"STAC item {item.id!r} has neither datetime nor start_datetime")
    return when.year


def _version(item: Any) -> str:
    props = item.properties
    if props.get("version"):
        return str(props["version"])
    return next((str(v) for k, v in props.items() if k.endswith("product_version") and v), "")


def _by_year(items: list[Any]) -> dict[int, list[Any]]:
    groups: dict[int, list[Any]] = defaultdict(list)
    for item in items:
        groups[_year(item)].append(item)
    return dict(sorted(groups.items()))


def _href(item: Any, asset: str) -> str:
    if asset not in item.assets:
        raise SchemaError(
            f"STAC item {item.id!r} has no asset {asset!r}; it has {sorted(item.assets)}"
        )
    href: str = item.assets[asset].get_absolute_href()
    return href


def open_landcover_stac(
    items: Any,
    *,
    legend: str | Legend,
    asset: str = "map",
    method: Literal["files", "odc"] = "files",
    crs: Any = None,
    resolution: float | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    chunks: Any = "auto",
    strict: bool = True,
    **open_kwargs: Any,
) -> xr.DataArray:
    """Open a land-cover series from STAC items as a ``(year, y, x)`` DataArray.

    Parameters
    ----------
    items : pystac Items, ItemCollection, Catalog/Collection, or a path to one of them
        The year of an item is that of its ``datetime`` (or ``start_datetime``). Its product
        version is read from a ``version`` or ``*product_version`` property when present.
    legend : str or Legend
        The legend of the product.
    asset : str
        Asset key of the land-cover raster (``"map"`` for ESA WorldCover items).
    method : {"files", "odc"}
        ``"files"``: one item per year, read by :func:`open_landcover` (``open_kwargs`` such as
        ``align=`` or ``crs=`` are passed on). ``"odc"``: load with ``odc.stac.load`` onto the
        grid given by ``crs``, ``resolution`` and ``bbox`` (lon/lat), mosaicking the tiles of
        each year, nearest-neighbour resampling.
    crs, resolution, bbox
        Output grid for ``method="odc"`` (defaults: the items' own CRS and resolution, and
        their union extent). With ``method="files"``, ``crs`` is passed to
        :func:`open_landcover`.
    chunks : "auto", int or dict
        Dask chunks.
    strict : bool
        Unknown codes raise :class:`LegendError` (default) or warn.

    Returns
    -------
    xarray.DataArray
        As from :func:`open_landcover`; ``attrs["source"]`` holds the asset hrefs per year
        (joined by ``";"`` when a year is a mosaic).

    Raises
    ------
    SchemaError
        Items without a date or the asset, or several items per year with ``method="files"``.

    Examples
    --------
    >>> da = open_landcover_stac("catalog/catalog.json", legend="esa_worldcover")  # doctest: +SKIP
    """
    leg = get_legend(legend)
    groups = _by_year(_load_items(items))
    if not groups:
        raise SchemaError("no STAC items found")
    versions = {y: [_version(i) for i in its] for y, its in groups.items()}
    if method == "files":
        if resolution is not None or bbox is not None:
            raise SchemaError(
                "resolution= and bbox= apply to method='odc' only; method='files' reads the "
                "files on their own grid (clip the result with .rio.clip_box, or use method='odc')"
            )
        crowded = {y: [i.id for i in its] for y, its in groups.items() if len(its) > 1}
        if crowded:
            raise SchemaError(
                f"several items per year {crowded}; method='files' reads one file per year - "
                "use method='odc' to mosaic tiles"
            )
        hrefs = {y: _href(its[0], asset) for y, its in groups.items()}
        da = open_landcover(
            hrefs, legend=leg, chunks=chunks, strict=strict, crs=crs, **open_kwargs
        )
        da.attrs["version"] = [
            versions[y][0] or v for y, v in zip(groups, da.attrs["version"], strict=True)
        ]
        return da
    check_option(method, ("files", "odc"), "method")
    return _load_odc(groups, leg, asset, crs, resolution, bbox, chunks, strict, versions)


_RASTER_EXT = "https://stac-extensions.github.io/raster/v1.1.0/schema.json"


def _with_raster_metadata(item: Any, asset: str, leg: Legend) -> Any:
    """Return a copy of ``item`` whose asset declares data type and nodata (raster extension).

    odc-stac reads pixels as float32 with no nodata unless the item says otherwise; the values
    are taken from the file header (the caller's item is not modified).
    """
    import rasterio

    href = _href(item, asset)
    extra = item.assets[asset].extra_fields
    if extra.get("raster:bands") and extra["raster:bands"][0].get("data_type"):
        declared = extra["raster:bands"][0]
        dtype, nodata = declared["data_type"], declared.get("nodata")
    else:
        path = gdal_path(href)
        try:
            with remote_env(path), rasterio.open(path) as src:
                dtype, nodata = src.dtypes[0], src.nodata
        except rasterio.errors.RasterioIOError as exc:
            raise ReadError(f"cannot read STAC asset {public_name(href)}: {exc}") from exc
    if np.dtype(dtype).kind not in "iu":
        raise SchemaError(f"{href} holds {dtype} values, but legend {leg.name!r} is categorical")
    if nodata is None and leg.nodata:
        nodata = leg.nodata[0]
    clone = item.clone()
    band: dict[str, Any] = {"data_type": str(dtype)}
    if nodata is not None:
        band["nodata"] = int(nodata)
    clone.assets[asset].extra_fields["raster:bands"] = [band]
    if _RASTER_EXT not in clone.stac_extensions:
        clone.stac_extensions.append(_RASTER_EXT)
    return clone


def _load_odc(
    groups: dict[int, list[Any]],
    leg: Legend,
    asset: str,
    crs: Any,
    resolution: float | None,
    bbox: tuple[float, float, float, float] | None,
    chunks: Any,
    strict: bool,
    versions: dict[int, list[str]],
) -> xr.DataArray:
    import odc.stac

    items = [_with_raster_metadata(i, asset, leg) for its in groups.values() for i in its]
    dtype = items[0].assets[asset].extra_fields["raster:bands"][0]["data_type"]
    nodata = items[0].assets[asset].extra_fields["raster:bands"][0].get("nodata")
    if nodata is None:
        # odc-stac fills pixels no item covers with 0 then, which may be a class.
        raise SchemaError(
            f"method='odc' needs a nodata code for pixels no item covers, but neither the items "
            f"nor legend {leg.name!r} declare one; set raster:bands nodata on the assets or use "
            "method='files'"
        )
    kwargs: dict[str, Any] = {
        "bands": [asset],
        "groupby": lambda item, _parsed, _idx: _year(item),
        "resampling": "nearest",
        "chunks": {"x": 4096, "y": 4096} if chunks == "auto" else chunks,
        "dtype": dtype,
    }
    if crs is not None:
        kwargs["crs"] = crs
    if resolution is not None:
        kwargs["resolution"] = resolution
    if bbox is not None:
        kwargs["bbox"] = bbox
    ds = odc.stac.load(items, **kwargs)
    da = ds[asset]
    rename = {d: n for d, n in (("latitude", "y"), ("longitude", "x")) if d in da.dims}
    # odc-stac labels each group with its items' time; take the years from there, not by order.
    years = [int(y) for y in da["time"].dt.year.values]
    if sorted(years) != sorted(groups):
        raise SchemaError(f"odc-stac returned years {years}, expected {sorted(groups)}")
    da = da.rename({**rename, "time": "year"})
    da = da.assign_coords(year=np.array(years, dtype=np.int64))
    da.name = "landcover"
    da.attrs.pop("nodata", None)
    da = da.rio.write_nodata(nodata, encoded=False)
    # Unknown codes raise (or warn) when blocks are computed, as with code_check="lazy".
    known = _codes.known_codes(leg, nodata)
    da = da.copy(data=_codes.validated(da.data, known, leg.name, strict=strict))
    da.attrs = {
        "legend": leg.name,
        "product": leg.product,
        "version": [";".join(sorted({v for v in versions[y] if v})) for y in years],
        "source": [";".join(public_name(_href(i, asset)) for i in groups[y]) for y in years],
        "simulated": any(bool(i.properties.get("simulated")) for i in items),
        "_FillValue": da.attrs.get("_FillValue"),
    }
    if da.attrs["_FillValue"] is None:
        del da.attrs["_FillValue"]
    check_versions(dict(zip(years, da.attrs["version"], strict=True)), leg, stacklevel=4)
    return da
