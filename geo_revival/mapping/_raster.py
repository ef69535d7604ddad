"""Land-cover rasters in a legend's colours: one colouring for the print maps and the web maps.

Codes become legend colours through one palette (:func:`legend_palette`, :func:`class_index`);
nodata and codes outside the legend are transparent. Rasters are downsampled by *mode*
(majority class) or by picking whole pixels, never by interpolation, which would invent codes.
"""

from __future__ import annotations

import base64
import io
import math

import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.patches import Patch
from PIL import Image
from pyproj import CRS
from rasterio.enums import Resampling

from geo_revival.crs import require_crs
from geo_revival.labels import class_label
from geo_revival.landcover.legend import Legend

__all__ = [
    "class_handles",
    "class_index",
    "landcover_png",
    "legend_palette",
    "legend_rgba",
    "mode_resample",
    "muted_color",
    "show_classes",
]

_WEB_MERCATOR = "EPSG:3857"
#: Pale blue of water on muted land cover (CIELAB L* 86): water stays recognisable as water.
_MUTED_WATER = "#c6dcee"
_D65 = np.array([0.95047, 1.0, 1.08883])
_RGB_TO_XYZ = np.array(
    [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
     [0.0193339, 0.1191920, 0.9503041]]
)


def _srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    t = (lin @ _RGB_TO_XYZ.T) / _D65
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _lab_to_srgb(lab: np.ndarray) -> np.ndarray:
    fy = (lab[0] + 16) / 116
    f = np.array([fy + lab[1] / 500, fy, fy - lab[2] / 200])
    t = np.where(f > 6 / 29, f**3, 3 * (6 / 29) ** 2 * (f - 4 / 29)) * _D65
    lin = np.linalg.solve(_RGB_TO_XYZ, t)
    rgb = np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * np.abs(lin) ** (1 / 2.4) - 0.055)
    return np.clip(rgb, 0, 1)


def muted_color(color: str, *, water: bool = False) -> str:
    """Return a pale, greyish version of a land-cover colour, to draw under a choropleth.

    Lightness is squeezed into CIELAB L* 62-98 and chroma cut to 40 % (at most 16), so that
    land-cover classes stay distinguishable from each other but never look like a class of
    the (saturated, darker) choropleth ramp. Water becomes one pale blue.

    Examples
    --------
    >>> muted_color("#1f8a1f")  # a saturated forest green becomes a pale grey-green
    '#b8ccb2'
    """
    if water:
        return _MUTED_WATER
    from matplotlib.colors import to_hex, to_rgb

    lab = _srgb_to_lab(np.array(to_rgb(color)))
    chroma = float(np.hypot(lab[1], lab[2]))
    scale = min(0.4 * chroma, 16.0) / chroma if chroma > 0 else 0.0
    muted = np.array([62 + 0.36 * lab[0], lab[1] * scale, lab[2] * scale])
    r, g, b = (float(v) for v in _lab_to_srgb(muted))
    return str(to_hex((r, g, b)))


def legend_palette(legend: Legend, *, muted: bool = False) -> np.ndarray:
    """RGBA palette ``(n + 1, 4)`` of ``uint8``: row 0 transparent, row ``i`` class ``i - 1``.

    ``muted`` gives the pale colours of :func:`muted_color` (land cover under a choropleth).

    Examples
    --------
    >>> from geo_revival.landcover.legend import get_legend
    >>> legend_palette(get_legend("clcd"))[0].tolist()
    [0, 0, 0, 0]
    """
    if not muted:
        return np.array([(0, 0, 0, 0), *(c.rgba for c in legend.classes)], dtype=np.uint8)
    from matplotlib.colors import to_rgba

    rows = [
        [round(255 * v) for v in to_rgba(_class_color(legend, c.code, muted=True))]
        for c in legend.classes
    ]
    return np.array([(0, 0, 0, 0), *rows], dtype=np.uint8)


def _class_color(legend: Legend, code: int, *, muted: bool) -> str:
    color = legend.color(code)
    return muted_color(color, water=legend.generic(code) == "water") if muted else color


def class_index(codes: np.ndarray, legend: Legend) -> np.ndarray:
    """Palette index of each code: ``i + 1`` for the legend's class ``i``, 0 for anything else.

    Examples
    --------
    >>> from geo_revival.landcover.legend import get_legend
    >>> class_index(np.array([[0, 1], [2, 99]]), get_legend("clcd")).tolist()
    [[0, 1], [2, 0]]
    """
    index = np.zeros(np.shape(codes), dtype=np.uint8)
    for i, cls in enumerate(legend.classes, start=1):
        index[codes == cls.code] = i
    return index


def legend_rgba(codes: np.ndarray, legend: Legend, *, muted: bool = False) -> np.ndarray:
    """``(..., 4)`` ``uint8`` image of ``codes`` in the legend's colours; non-classes transparent.

    Examples
    --------
    >>> from geo_revival.landcover.legend import get_legend
    >>> leg = get_legend("clcd")
    >>> legend_rgba(np.array([0, 1]), leg)[:, 3].tolist()
    [0, 255]
    """
    return legend_palette(legend, muted=muted)[class_index(codes, legend)]


def _fill_value(da: xr.DataArray, legend: Legend) -> int:
    nodata = da.rio.nodata
    if nodata is not None and not math.isnan(nodata):
        return int(nodata)
    return legend.nodata[0] if legend.nodata else 0


def mode_resample(
    da: xr.DataArray, crs: CRS | str, max_size: int, legend: Legend
) -> xr.DataArray:
    """Reproject 2-D ``da`` to ``crs`` with *mode* resampling, at most ``max_size`` pixels across.

    A projected raster is never upsampled when drawn on a projected map.
    """
    da = require_crs(da, what="land-cover raster")
    target = CRS.from_user_input(crs)
    left, bottom, right, top = da.rio.transform_bounds(target)
    resolution = max(right - left, top - bottom) / max_size
    if da.rio.crs == target or (da.rio.crs.is_projected and target.is_projected):
        resolution = max(resolution, abs(float(da.rio.resolution()[0])))
    return da.rio.reproject(
        target,
        resolution=resolution,
        resampling=Resampling.mode,
        nodata=_fill_value(da, legend),
    )


def show_classes(
    ax: Axes, da: xr.DataArray, legend: Legend, *, alpha: float = 1.0, muted: bool = False
) -> list[int]:
    """Draw 2-D ``da`` (in the axes' coordinates) in the legend's colours; return codes shown."""
    codes = np.asarray(da.values)
    left, bottom, right, top = da.rio.bounds()
    ax.imshow(
        legend_rgba(codes, legend, muted=muted),
        extent=(left, right, bottom, top),
        origin="upper" if float(da["y"][0]) > float(da["y"][-1]) else "lower",
        interpolation="nearest",
        alpha=alpha,
        zorder=1,
    )
    present = set(np.unique(codes).tolist())
    return [c for c in legend.codes if c in present]


def class_handles(
    legend: Legend, codes: list[int], *, alpha: float = 1.0, muted: bool = False
) -> list[Patch]:
    """Legend entries (colour patch, Chinese and English name) for ``codes`` of ``legend``."""
    return [
        Patch(
            fc=_class_color(legend, c, muted=muted),
            ec="#555",
            lw=0.4,
            alpha=alpha,
            label=class_label(legend, c),
        )
        for c in codes
    ]


def landcover_png(
    da: xr.DataArray, legend: Legend, *, max_size: int = 1024, muted: bool = False
) -> tuple[str, list[list[float]], list[int]]:
    """Render one year of land cover as a palette PNG ``data:`` URL in Web Mercator.

    Parameters
    ----------
    da
        2-D land-cover DataArray (``y``, ``x``) with a CRS.
    legend
        Legend that gives the colours; nodata and codes outside the legend are transparent.
    max_size
        Longest side of the image in pixels.
    muted
        Pale colours (:func:`muted_color`), as under the choropleth of the print maps.

    Returns
    -------
    url, bounds, codes
        The ``data:image/png`` URL, ``[[south, west], [north, east]]`` in degrees, and the
        legend codes present in the image.
    """
    merc = mode_resample(da, _WEB_MERCATOR, max_size, legend)
    codes = np.asarray(merc.values)
    present = [c for c in legend.codes if np.any(codes == c)]
    img = Image.fromarray(class_index(codes, legend), mode="P")
    img.putpalette(legend_palette(legend, muted=muted)[:, :3].ravel().tolist())
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True, transparency=0)
    url = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
    w, s, e, n = merc.rio.transform_bounds("EPSG:4326")
    return url, [[s, w], [n, e]], present
