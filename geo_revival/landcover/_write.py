"""Writing land-cover arrays as Cloud-Optimized GeoTIFFs with the legend's colours and names."""

from __future__ import annotations

import json
import threading
import xml.etree.ElementTree as ET
from os import PathLike, fspath
from pathlib import Path

import numpy as np
import rasterio
import rasterio.shutil
import xarray as xr

from geo_revival.exceptions import MissingCRSError, OutputExistsError, SchemaError
from geo_revival.landcover import _codes
from geo_revival.landcover.legend import Legend, get_legend

_BLOCK = 512


def _target_dtype(legend: Legend, nodata: float | None) -> str:
    # GDAL stores colour tables only for Byte and UInt16 bands.
    values = _codes.known_codes(legend, nodata)
    lo, hi = min(values), max(values)
    if lo >= 0 and hi <= 255:
        return "uint8"
    if lo >= 0 and hi <= 65535:
        return "uint16"
    raise SchemaError(
        f"legend {legend.name!r} uses codes {lo}..{hi}; a colour table needs codes in 0..65535"
    )


def _paths_for(path: Path, years: list[int]) -> list[Path]:
    if "{year}" in path.name:
        return [path.with_name(path.name.format(year=y)) for y in years]
    if len(years) == 1:
        return [path]
    return [path.with_name(f"{path.stem}_{y}{path.suffix}") for y in years]


def _aux_xml(legend: Legend, nodata: float | None) -> str:
    """GDAL PAM sidecar with a raster attribute table (QGIS >= 3.30 and gdalinfo read it)."""
    root = ET.Element("PAMDataset")
    band = ET.SubElement(root, "PAMRasterBand", band="1")
    rat = ET.SubElement(band, "GDALRasterAttributeTable", tableType="thematic")
    columns = [
        ("Value", "0", "5"),  # type 0 = integer, usage 5 = MinMax (the pixel value)
        ("Class", "2", "2"),  # type 2 = string, usage 2 = Name
        ("Class_zh", "2", "0"),
        ("Generic", "2", "0"),
        ("Red", "0", "6"),
        ("Green", "0", "7"),
        ("Blue", "0", "8"),
        ("Alpha", "0", "9"),
    ]
    for i, (name, typ, usage) in enumerate(columns):
        field = ET.SubElement(rat, "FieldDefn", index=str(i))
        ET.SubElement(field, "Name").text = name
        ET.SubElement(field, "Type").text = typ
        ET.SubElement(field, "Usage").text = usage
    for i, cls in enumerate(legend.classes):
        row = ET.SubElement(rat, "Row", index=str(i))
        r, g, b, a = cls.rgba
        for value in (cls.code, cls.name_en, cls.name_zh, cls.generic_class, r, g, b, a):
            ET.SubElement(row, "F").text = str(value)
    return ET.tostring(root, encoding="unicode")


def _write_cog(
    layer: xr.DataArray,
    target: Path,
    colormap: dict[int, tuple[int, int, int, int]] | None,
    description: str,
    tags: dict[str, str],
) -> None:
    """Write one band (block by block if dask-backed) as a tiled DEFLATE COG, MODE overviews."""
    nodata = layer.rio.nodata
    layer = layer.copy()
    layer.attrs = {}
    layer.encoding = {}
    if nodata is not None:
        layer = layer.rio.write_nodata(nodata, encoded=False)
    tmp = target.with_name(f".{target.name}.tmp.tif")
    try:
        layer.rio.to_raster(
            tmp,
            driver="GTiff",
            tiled=True,
            blockxsize=_BLOCK,
            blockysize=_BLOCK,
            compress="deflate",
            lock=threading.Lock(),
        )
        with rasterio.open(tmp, "r+") as dst:
            if colormap is not None:
                dst.write_colormap(1, colormap)
            dst.set_band_description(1, description)
            dst.update_tags(**tags)
        if target.exists():
            target.unlink()
        rasterio.shutil.copy(
            tmp,
            target,
            driver="COG",
            COMPRESS="DEFLATE",
            BLOCKSIZE=_BLOCK,
            OVERVIEW_RESAMPLING="MODE",
        )
    finally:
        tmp.unlink(missing_ok=True)


def write_classified(
    da: xr.DataArray,
    path: str | PathLike[str],
    *,
    colormap: dict[int, tuple[int, int, int, int]] | None = None,
    classes: dict[int, str] | None = None,
    description: str = "",
    tags: dict[str, str] | None = None,
    simulated: bool = False,
    force: bool = False,
) -> Path:
    """Write one integer band (e.g. a derived class map) as a COG, with an optional colour table.

    Same file layout as :func:`write_landcover` (tiled DEFLATE COG, ``MODE`` overviews, written
    block by block from dask), for maps that are not land cover: the colour table and class
    names come from the caller.

    Parameters
    ----------
    da : xarray.DataArray
        ``(y, x)`` integer values with CRS and transform (rioxarray); nodata from ``da.rio.nodata``.
    path : path-like
        Output file.
    colormap : dict, optional
        ``{value: (r, g, b, a)}``; needs ``uint8`` or ``uint16`` values (GDAL colour tables).
    classes : dict, optional
        ``{value: name}``, stored as the JSON tag ``classes``.
    description, tags
        Band description and extra dataset tags.
    simulated : bool
        Simulated data must have ``simulated`` in the file name (tag ``simulated`` is set).
    force : bool
        Replace an existing file.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    SchemaError
        Not a 2-D integer array, a colour table on other than 8/16-bit unsigned values, or
        simulated data without ``simulated`` in the file name.
    MissingCRSError
        No CRS.
    OutputExistsError
        The file exists and ``force`` is False.

    Examples
    --------
    >>> write_classified(classes, "out/map.tif", colormap={1: (255, 0, 0, 255)})  # doctest: +SKIP
    """
    target = Path(fspath(path))
    if da.ndim != 2 or np.dtype(da.dtype).kind not in "iu":
        raise SchemaError(f"need a 2-D integer array (y, x), not {da.dims} of {da.dtype}")
    if colormap is not None and np.dtype(da.dtype) not in (np.uint8, np.uint16):
        raise SchemaError(f"a colour table needs uint8 or uint16 values, not {da.dtype}")
    if da.rio.crs is None:
        raise MissingCRSError("the array has no CRS; attach one with da.rio.write_crs(...)")
    if simulated and "simulated" not in target.name.lower():
        raise SchemaError(
            f"simulated data must say so in the file name; rename {target.name!r} to include "
            "'simulated'"
        )
    if target.exists() and not force:
        raise OutputExistsError(f"{target} exists; pass force=True to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    all_tags = {**(tags or {}), "simulated": str(bool(simulated)).lower()}
    if classes is not None:
        all_tags["classes"] = json.dumps({str(k): v for k, v in classes.items()})
    _write_cog(da, target, colormap, description, all_tags)
    return target


def write_landcover(
    da: xr.DataArray,
    path: str | PathLike[str],
    *,
    legend: str | Legend | None = None,
    simulated: bool | None = None,
    force: bool = False,
) -> list[Path]:
    """Write land cover as Cloud-Optimized GeoTIFFs with the legend's colour table.

    One single-band file is written per year (GeoTIFF colour tables apply to one band, and
    one file per year is how the products themselves are distributed). Each file is a COG
    (GDAL ``COG`` driver, DEFLATE, 512 px tiles, overviews resampled by ``MODE`` so that
    they hold real class codes), carries the legend's colours as its colour table (GDAL,
    QGIS and ArcGIS show the colours directly), and the tags ``legend``, ``product``,
    ``version``, ``source``, ``year``, ``simulated`` and ``classes`` (JSON ``{code: name}``).
    A ``.aux.xml`` sidecar holds a GDAL raster attribute table with English and Chinese class
    names, generic class and colour, which ``gdalinfo`` and QGIS show as class labels.

    Parameters
    ----------
    da : xarray.DataArray
        ``(year, y, x)`` or ``(y, x)`` integer codes with CRS and transform (rioxarray),
        e.g. from :func:`open_landcover`. Dask arrays are written block by block.
    path : path-like
        Output file. With several years, ``{year}`` in the name is replaced by the year;
        without it, ``_<year>`` is appended to the stem.
    legend : str or Legend, optional
        Defaults to ``da.attrs["legend"]``.
    simulated : bool, optional
        Defaults to ``da.attrs["simulated"]`` (False if absent). Simulated data must have
        ``simulated`` in the file name.
    force : bool
        Replace existing files.

    Returns
    -------
    list of pathlib.Path
        The files written, in year order.

    Raises
    ------
    SchemaError
        Float data, codes outside 0..65535, or simulated data without ``simulated`` in the
        file name.
    MissingCRSError
        ``da`` has no CRS.
    OutputExistsError
        A file exists and ``force`` is False.
    LegendError
        The data hold codes absent from the legend (checked while writing).

    Examples
    --------
    >>> write_landcover(da, "out/clcd_{year}.tif")  # doctest: +SKIP
    [PosixPath('out/clcd_2020.tif'), PosixPath('out/clcd_2021.tif')]
    """
    leg_name = legend if legend is not None else da.attrs.get("legend")
    if leg_name is None:
        raise SchemaError("no legend given and da.attrs has no 'legend'; pass legend=")
    leg = get_legend(leg_name)
    if np.dtype(da.dtype).kind not in "iu":
        raise SchemaError(f"land cover must be integer codes, not {da.dtype}")
    if da.rio.crs is None:
        raise MissingCRSError("the array has no CRS; attach one with da.rio.write_crs(...)")
    is_simulated = bool(da.attrs.get("simulated", False) if simulated is None else simulated)
    if "year" in da.dims:
        stack = da
    elif "year" in da.coords:  # e.g. da.sel(year=2020)
        stack = da.expand_dims(year=[int(da["year"])])
    else:
        raise SchemaError("da has no 'year' dimension or coordinate; assign one (year=...)")
    years = [int(y) for y in stack["year"].values]
    targets = _paths_for(Path(fspath(path)), years)
    if is_simulated:
        bad = [str(p) for p in targets if "simulated" not in p.name.lower()]
        if bad:
            raise SchemaError(
                f"simulated data must say so in the file name; rename {bad} to include "
                "'simulated' (e.g. xuzhou_simulated_{year}.tif)"
            )
    existing = [str(p) for p in targets if p.exists()]
    if existing and not force:
        raise OutputExistsError(f"{existing} exist; pass force=True to replace them")

    nodata = da.rio.nodata
    dtype = _target_dtype(leg, nodata)
    known = _codes.known_codes(leg, nodata)
    versions = list(da.attrs.get("version", [])) or [""] * len(years)
    sources = list(da.attrs.get("source", [])) or [""] * len(years)
    classes = json.dumps({str(c.code): c.name_en for c in leg.classes}, ensure_ascii=False)
    classes_zh = json.dumps({str(c.code): c.name_zh for c in leg.classes}, ensure_ascii=False)

    for i, (year, target) in enumerate(zip(years, targets, strict=True)):
        target.parent.mkdir(parents=True, exist_ok=True)
        layer = stack.sel(year=year, drop=True).drop_vars("year", errors="ignore")
        if hasattr(layer.data, "dask"):
            layer = layer.copy(data=_codes.validated(layer.data, known, leg.name, strict=True))
        else:
            _codes.validated(layer.chunk().data, known, leg.name, strict=True).compute()
        layer = layer.astype(dtype)
        if nodata is not None:
            layer = layer.rio.write_nodata(nodata, encoded=False)
        tags = {
            "legend": leg.name,
            "product": da.attrs.get("product", leg.product),
            "version": versions[i] if i < len(versions) else "",
            "source": Path(sources[i]).name if i < len(sources) and sources[i] else "",
            "year": str(year),
            "simulated": str(is_simulated).lower(),
            "classes": classes,
            "classes_zh": classes_zh,
        }
        _write_cog(layer, target, leg.colormap(), f"{leg.product} land cover {year}", tags)
        Path(f"{target}.aux.xml").write_text(_aux_xml(leg, nodata), encoding="utf-8")
    return targets
