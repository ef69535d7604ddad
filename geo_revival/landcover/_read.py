"""Reading land-cover blocks: the one place where raster values leave the files.

:func:`open_layer` opens one year lazily (rioxarray supplies coordinates and chunks) and
:func:`resolve_nodata` chooses the series' nodata code. Every block of an
:func:`~geo_revival.landcover.io.open_landcover` series is read by a :class:`BlockReader`,
whether at open time (eager code check) or much later inside a dask computation
(``class_areas`` on a large raster). It

- turns every GDAL read failure (a truncated or damaged file) into a
  :class:`~geo_revival.exceptions.ReadError` naming the file and the window;
- honours GDAL mask bands (internal or ``.msk`` sidecar, and alpha bands) as nodata, as
  rasterio, rasterstats and exactextract do;
- maps the file's own nodata value (or NaN) to the series' nodata code;
- casts float rasters to integer codes when every value of the block is integral (or NaN), and
  refuses blocks holding non-integral values.
"""

from __future__ import annotations

import contextlib
import os
import threading
import warnings
from dataclasses import dataclass
from typing import Any, cast

import dask.array as dsa
import numpy as np
import numpy.typing as npt
import rasterio
import rioxarray
import xarray as xr
from dask.base import tokenize
from rasterio.crs import CRS as RioCRS
from rasterio.enums import Resampling
from rasterio.errors import RasterioError
from rasterio.windows import Window

from geo_revival._gdal import remote_env
from geo_revival._paths import is_network, is_remote, public_name
from geo_revival.exceptions import ReadError, SchemaError
from geo_revival.grid import Grid
from geo_revival.landcover._sources import Layer, remote_failed

# Open datasets per thread (rasterio datasets must not be shared between threads), so that a
# series of thousands of small blocks does not reopen its files for each; keyed by a local
# file's modification time and size, so that a rewritten file is read afresh (URLs and GDAL
# virtual paths have no os.stat: keyed by the path alone).
_THREAD = threading.local()
_MAX_OPEN = 32


def _cache() -> dict[tuple[Any, ...], tuple[Any, ...]]:
    if not hasattr(_THREAD, "datasets"):
        _THREAD.datasets = {}
    cache: dict[tuple[Any, ...], tuple[Any, ...]] = _THREAD.datasets
    return cache


def _close(handles: tuple[Any, ...]) -> None:
    for handle in reversed(handles):
        with contextlib.suppress(Exception):
            handle.close()


def _forget(path: str) -> None:
    cache = _cache()
    for key in [k for k in cache if k[0] == path]:
        _close(cache.pop(key))


def _open(path: str, warp: tuple[tuple[str, Any], ...] | None) -> Any:
    """Return the dataset (or warped VRT) to read ``path`` from in this thread."""
    if is_remote(path):
        key: tuple[Any, ...] = (path, warp, None, None)
    else:
        stat = os.stat(path)
        key = (path, warp, stat.st_mtime_ns, stat.st_size)
    cache = _cache()
    if key not in cache:
        _forget(path)  # an older version of the file
        if len(cache) >= _MAX_OPEN:
            _close(cache.pop(next(iter(cache))))
        src = rasterio.open(path)
        if warp is None:
            cache[key] = (src,)
        else:
            from rasterio.vrt import WarpedVRT

            cache[key] = (src, WarpedVRT(src, **dict(warp)))
    return cache[key][-1]


# Integer dtypes tried, smallest first, for float rasters cast to class codes.
_CAST_DTYPES = ("uint8", "uint16", "int16", "int32")


def read_failed(path: str, what: str, exc: BaseException) -> OSError:
    """Return the error for a failed raster read (``what``: e.g. ``"rows 0-255"``).

    :class:`~geo_revival.exceptions.FetchError` for rasters read over the network (HTTP error,
    timeout, dropped connection), :class:`ReadError` for files.
    """
    if is_network(path):
        return remote_failed(path, what, exc)
    return ReadError(
        f"could not read {what} of the raster {path}: {str(exc).rstrip('.')}. The file is "
        "probably truncated or damaged (e.g. an interrupted download or copy); download or "
        "export it again (gdalinfo -checksum FILE reads every block and shows where it fails)."
    )


def cast_dtype(codes: list[int]) -> np.dtype[Any]:
    """Smallest integer dtype holding every code (class codes and nodata) of a legend."""
    lo, hi = min(codes, default=0), max(codes, default=0)
    for name in _CAST_DTYPES:
        info = np.iinfo(name)
        if info.min <= lo and hi <= info.max:
            return np.dtype(name)
    return np.dtype("int64")


@dataclass(frozen=True)
class BlockReader:
    """Reads windows of one band as integer codes (array-like for :func:`dask.array.from_array`).

    ``file_nodata`` is the value the file marks missing pixels with (NaN for float files);
    ``fill`` the series' nodata code written for them, for masked pixels and for NaN.
    ``warp`` holds :class:`rasterio.vrt.WarpedVRT` arguments when the band is warped onto
    another grid.
    """

    path: str
    band: int
    shape: tuple[int, int]
    dtype: np.dtype[Any]
    file_dtype: str
    file_nodata: float | None
    fill: int | None
    masked: bool
    warp: tuple[tuple[str, Any], ...] | None = None

    @property
    def ndim(self) -> int:
        return 2

    def __getitem__(self, key: tuple[slice, slice]) -> npt.NDArray[Any]:
        rows, cols = (
            range(*k.indices(n)) for k, n in zip(key, self.shape, strict=True)
        )
        window = Window(cols.start, rows.start, len(cols), len(rows))
        what = f"rows {rows.start}-{rows.stop - 1}, columns {cols.start}-{cols.stop - 1}"
        if not len(rows) or not len(cols):
            return np.empty((len(rows), len(cols)), self.dtype)
        try:
            # Remote settings here, in whichever process reads the block (dask workers too).
            with remote_env(self.path):
                ds = _open(self.path, self.warp)
                try:
                    data = ds.read(self.band, window=window)
                    valid = ds.read_masks(self.band, window=window) if self.masked else None
                except BaseException:
                    _forget(self.path)  # GDAL's state of a failed dataset is not to be reused
                    raise
        except (RasterioError, OSError) as exc:
            raise read_failed(self.path, what, exc) from exc
        return self._codes(data, valid, what)

    def _codes(
        self, data: npt.NDArray[Any], valid: npt.NDArray[Any] | None, what: str
    ) -> npt.NDArray[Any]:
        if data.dtype.kind != "f" and valid is None and self.file_nodata in (None, self.fill):
            return data  # the common case: integer codes whose nodata is already the series'
        invalid = np.zeros(data.shape, bool) if valid is None else valid == 0
        if self.file_nodata is not None and not np.isnan(self.file_nodata):
            invalid |= data == self.file_nodata
        if data.dtype.kind == "f":
            invalid |= np.isnan(data)
            values = data[~invalid]
            if values.size and not np.array_equal(values, np.round(values)):
                odd = values[values != np.round(values)][:3].tolist()
                raise SchemaError(
                    f"{public_name(self.path)} ({self.file_dtype}) holds non-integral values "
                    f"such as {odd} ({what}); land-cover classes are integer codes. Float files "
                    "are accepted only when every value is a whole class code or NaN: this one "
                    "looks like a continuous product or a resampled (interpolated) map."
                )
            info = np.iinfo(self.dtype)
            if values.size and (values.min() < info.min or values.max() > info.max):
                raise SchemaError(
                    f"{public_name(self.path)} holds values {values.min():g}.."
                    f"{values.max():g} ({what}) outside the class codes of its legend "
                    f"({self.dtype} range)."
                )
            data = np.where(invalid, 0, data)
        out = data.astype(self.dtype, copy=False)  # our own freshly read buffer: edited in place
        if self.fill is not None:
            out[invalid] = self.fill
        return out


def lazy_band(reader: BlockReader, chunks: tuple[tuple[int, ...], ...]) -> dsa.Array:
    """Return a dask array of ``reader`` with the given chunks (one file read per chunk)."""
    name = "landcover-read-" + tokenize(reader, chunks)
    return dsa.from_array(
        reader,
        chunks=chunks,
        name=name,
        lock=False,
        asarray=False,
        fancy=False,
        meta=np.empty((0, 0), reader.dtype),
    )


#: ``nodata=`` default of ``open_landcover``: use the nodata values the files declare.
FROM_FILES = "file"


@dataclass(frozen=True)
class Nodata:
    """The nodata code of a series and how the files' values are turned into it."""

    code: int | None
    #: ``nodata=`` was given: the files' own nodata declarations are not used.
    ignore_file: bool
    #: Integer dtype that float files are cast to.
    cast_to: np.dtype[Any]

    def dtype_for(self, layer: Any) -> np.dtype[Any]:
        return self.cast_to if np.dtype(layer.dtype).kind == "f" else np.dtype(layer.dtype)

    def notes(self, layer: Any) -> str:
        """How the values of ``layer`` were changed on reading ('' if not at all)."""
        parts = []
        if np.dtype(layer.dtype).kind == "f":
            parts.append(f"{layer.dtype} values cast to {self.cast_to} (NaN -> {self.code})")
        if layer.masked:
            parts.append(f"GDAL mask band: masked pixels -> nodata {self.code}")
        return "; ".join(parts)


def _integral(value: float, what: str) -> int:
    if not float(value).is_integer():
        raise SchemaError(f"{what} {value!r} is not a whole number; nodata must be a code")
    return int(value)


def resolve_nodata(layers: list[Any], legend: Any, override: Any = FROM_FILES) -> Nodata:
    """Choose the series' nodata code from ``override``, the files or the legend.

    A code that the files declare as nodata but that the legend uses for a class raises
    :class:`SchemaError` (Dynamic World exports with nodata 0 = water would lose the class).
    """
    classes = set(legend.codes)
    ignore = override != FROM_FILES if isinstance(override, str) else True
    if isinstance(override, str) and override != FROM_FILES:
        raise SchemaError(f"nodata must be a code, None or 'file', not {override!r}")
    if ignore:
        code = None if override is None else _integral(override, "nodata=")
    else:
        code = None
        for la in layers:
            if la.nodata is None or np.isnan(la.nodata):
                continue
            value = _integral(la.nodata, f"the nodata value of {la.path}")
            if value in classes:
                raise SchemaError(
                    f"{la.path} declares nodata {value}, but {value} is the class "
                    f"{legend.class_name(value)!r} in legend {legend.name!r}: all its pixels "
                    f"would be dropped without a word. If {value} means "
                    f"{legend.class_name(value)!r} in this file, pass nodata=None (the file has "
                    "no nodata value) or another code; if it really marks missing data, pass "
                    f"nodata={value} to confirm (the class is then not counted)."
                )
            code = value if code is None else code
        if code is None and legend.nodata:
            code = int(legend.nodata[0])
    needs_code = any(la.masked or np.dtype(la.dtype).kind == "f" for la in layers)
    ints = [np.dtype(la.dtype) for la in layers if np.dtype(la.dtype).kind in "iu"]
    base = ints[0] if ints else cast_dtype([*classes, *legend.nodata])
    if code is None and needs_code:
        # Masked pixels and NaN need a code: the largest value of the data type that is no class.
        top = int(np.iinfo(base).max)
        code = next(v for v in range(top, top - len(classes) - 2, -1) if v not in classes)
    known = [*classes, *legend.nodata, *([code] if code is not None else [])]
    return Nodata(code=code, ignore_file=ignore, cast_to=cast_dtype(known))


def open_layer(
    layer: Layer,
    chunks: dict[str, int],
    crs: RioCRS | None,
    target: Grid | None,
    nodata: Nodata,
) -> xr.DataArray:
    """Open one band lazily; warp it onto ``target`` (nearest neighbour) when given.

    rioxarray supplies coordinates and chunking; the values are read by a
    :class:`~geo_revival.landcover._read.BlockReader`, so that read errors name the file, mask
    bands count as nodata and float codes are cast.
    """
    with warnings.catch_warnings(), remote_env(layer.path):
        # rioxarray converts chunk dicts internally and warns about its own call style.
        warnings.simplefilter("ignore", FutureWarning)
        warp: tuple[tuple[str, Any], ...] | None = None
        if target is None:
            da = rioxarray.open_rasterio(
                layer.path, chunks=chunks, lock=False, mask_and_scale=False, cache=False
            )
        else:
            import rasterio
            from rasterio.vrt import WarpedVRT

            vrt_kwargs: dict[str, Any] = {
                "crs": target.crs,
                "transform": target.transform,
                "width": target.width,
                "height": target.height,
                "resampling": Resampling.nearest,  # categorical data: never interpolate
            }
            if crs is not None:
                vrt_kwargs["src_crs"] = crs
            # Pixels outside the source get the nodata code, never a class code.
            fill = layer.nodata if layer.nodata is not None else nodata.code
            if fill is not None:
                vrt_kwargs["nodata"] = fill
            warp = tuple(vrt_kwargs.items())
            with rasterio.open(layer.path) as src, WarpedVRT(src, **vrt_kwargs) as vrt:
                da = rioxarray.open_rasterio(
                    vrt, chunks=chunks, lock=False, mask_and_scale=False, cache=False
                )
    band = cast(xr.DataArray, da).sel(band=layer.band, drop=True)
    file_nodata = None if nodata.ignore_file else layer.nodata
    if target is not None and file_nodata is None:
        file_nodata = vrt_kwargs.get("nodata")
    reader = BlockReader(
        path=layer.path,
        band=layer.band,
        shape=(band.sizes["y"], band.sizes["x"]),
        dtype=nodata.dtype_for(layer),
        file_dtype=layer.dtype,
        file_nodata=file_nodata,
        fill=nodata.code,
        masked=layer.masked,
        warp=warp,
    )
    return band.copy(data=lazy_band(reader, band.data.chunks))
