"""Reading what a box needs: windows of (remote or zipped) rasters, and mosaics of windows."""

from __future__ import annotations

import fnmatch
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

import numpy as np
import rasterio
from rasterio.merge import merge
from rasterio.warp import transform_bounds
from rasterio.windows import Window, from_bounds

from geo_revival.fetch._products import BBox

# Rows read (and written) at a time, so that a large box never sits in memory whole.
_STRIP_ROWS = 2048
_PROFILE = {"driver": "GTiff", "tiled": True, "blockxsize": 512, "blockysize": 512,
            "compress": "deflate", "predictor": 1, "BIGTIFF": "IF_SAFER"}  # fmt: skip


def _window(src: rasterio.io.DatasetReader, bbox: BBox) -> Window | None:
    """Pixel window of ``src`` covering the lon/lat ``bbox`` (outward to whole pixels)."""
    bounds = bbox
    if src.crs is not None and not src.crs.is_geographic:
        bounds = transform_bounds("EPSG:4326", src.crs, *bbox, densify_pts=21)
    win = from_bounds(*bounds, transform=src.transform)
    col0, row0 = int(np.floor(win.col_off + 1e-9)), int(np.floor(win.row_off + 1e-9))
    col1 = int(np.ceil(win.col_off + win.width - 1e-9))
    row1 = int(np.ceil(win.row_off + win.height - 1e-9))
    col0, row0 = max(col0, 0), max(row0, 0)
    col1, row1 = min(col1, src.width), min(row1, src.height)
    if col1 <= col0 or row1 <= row0:
        return None
    return Window(col0, row0, col1 - col0, row1 - row0)


def clip(src_path: str, bbox: BBox, dest: Path, band: int = 1) -> Window | None:
    """Copy the part of ``src_path`` (band ``band``) under ``bbox`` into the GeoTIFF ``dest``.

    ``src_path`` may be a GDAL path (``/vsicurl/https://...``, ``/vsizip/archive.zip/x.tif``):
    only the blocks under the window are read. Returns the window, or ``None`` (nothing
    written) if the raster does not reach into ``bbox``.
    """
    with rasterio.open(src_path) as src:
        win = _window(src, bbox)
        if win is None:
            return None
        profile = {**_PROFILE, "dtype": src.dtypes[band - 1], "count": 1, "crs": src.crs,
                   "transform": src.window_transform(win), "width": int(win.width),
                   "height": int(win.height), "nodata": src.nodata}  # fmt: skip
        with rasterio.open(dest, "w", **profile) as dst:
            dst.update_tags(**src.tags())
            for r in range(0, int(win.height), _STRIP_ROWS):
                h = min(_STRIP_ROWS, int(win.height) - r)
                part = Window(win.col_off, win.row_off + r, win.width, h)
                dst.write(src.read(band, window=part), 1, window=Window(0, r, win.width, h))
            try:
                dst.write_colormap(1, src.colormap(band))
            except ValueError:  # no colour table
                pass
    return win


def mosaic(parts: Sequence[Path], dest: Path) -> None:
    """Mosaic windows on one pixel lattice (neighbouring tiles) into ``dest``; first wins."""
    with rasterio.open(parts[0]) as first:
        nodata, tags = first.nodata, first.tags()
    merge([str(p) for p in parts], nodata=nodata, method="first", dst_path=dest,
          dst_kwds={k: v for k, v in _PROFILE.items() if k != "driver"})  # fmt: skip
    with rasterio.open(dest, "r+") as dst:
        dst.update_tags(**tags)


def zip_members(archive: Path, pattern: str) -> list[str]:
    """Members of ``archive`` whose file name matches ``pattern`` (a glob), sorted."""
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
    return sorted(n for n in names if fnmatch.fnmatch(PurePosixPath(n).name, pattern))
