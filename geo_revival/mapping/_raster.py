"""Land-cover rasters as small coloured PNG overlays for web maps.

The raster is reprojected to Web Mercator (what Leaflet displays) with *mode* resampling, which
keeps the majority class when it is downsampled, and coloured with the legend's colours.
"""

from __future__ import annotations

import base64
import io
import math

import numpy as np
import xarray as xr
from PIL import Image
from rasterio.enums import Resampling

from geo_revival.exceptions import MissingCRSError
from geo_revival.landcover.legend import Legend

__all__ = ["landcover_png"]

_WEB_MERCATOR = "EPSG:3857"


def _to_web_mercator(da: xr.DataArray, max_size: int, nodata: int) -> xr.DataArray:
    if da.rio.crs is None:
        raise MissingCRSError(
            "the land-cover raster has no CRS; set one with da.rio.write_crs(...) before mapping"
        )
    left, bottom, right, top = da.rio.transform_bounds(_WEB_MERCATOR)
    resolution = max(right - left, top - bottom) / max_size
    native = abs(da.rio.resolution()[0])
    if da.rio.crs.is_projected:
        resolution = max(resolution, native)  # never upsample a projected raster
    return da.rio.reproject(
        _WEB_MERCATOR, resolution=resolution, resampling=Resampling.mode, nodata=nodata
    )


def landcover_png(
    da: xr.DataArray, legend: Legend, *, max_size: int = 1024
) -> tuple[str, list[list[float]], list[int]]:
    """Render one year of land cover as a palette PNG ``data:`` URL.

    Parameters
    ----------
    da
        2-D land-cover DataArray (``y``, ``x``) with a CRS.
    legend
        Legend that gives the colours; nodata and codes outside the legend are transparent.
    max_size
        Longest side of the image in pixels.

    Returns
    -------
    url, bounds, codes
        The ``data:image/png`` URL, ``[[south, west], [north, east]]`` in degrees, and the
        legend codes present in the image.
    """
    nodata = da.rio.nodata
    fill = (
        int(nodata)
        if nodata is not None and not math.isnan(nodata)
        else (legend.nodata[0] if legend.nodata else 0)
    )
    merc = _to_web_mercator(da, max_size, fill)
    codes = np.asarray(merc.values)
    present = [c for c in legend.codes if np.any(codes == c)]
    # Palette index 0 is transparent; class i of the legend gets index i + 1.
    index = np.zeros(codes.shape, dtype=np.uint8)
    palette = [0, 0, 0]
    for i, cls in enumerate(legend.classes, start=1):
        index[codes == cls.code] = i
        palette += list(cls.rgba[:3])
    img = Image.fromarray(index, mode="P")
    img.putpalette(palette)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True, transparency=0)
    url = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
    w, s, e, n = merc.rio.transform_bounds("EPSG:4326")
    return url, [[s, w], [n, e]], present
