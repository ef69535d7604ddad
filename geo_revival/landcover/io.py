"""Reading and writing land-cover series; pixel areas.

Public functions: :func:`open_landcover`, :func:`check_codes`, :func:`pixel_area`,
:func:`write_landcover` and :func:`read_zone_windows`. For other geo-revival modules (not
re-exported): :func:`skip_block_code_checks`.

A land-cover series is an ``xarray.DataArray`` named ``landcover`` with dims
``("year", "y", "x")``, integer dtype, dask-backed, with CRS, transform and nodata attached
through rioxarray and the attrs ``legend``, ``product``, ``version`` (per year), ``source``
(per year) and ``simulated``.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import xarray as xr
from affine import Affine
from pyproj import CRS, Proj, Transformer
from rasterio.crs import CRS as RioCRS

from geo_revival.crs import planar_area_factor, quiet_cf_conversion
from geo_revival.exceptions import (
    AreaDistortionWarning,
    GridMismatchError,
    LegendError,
    MissingCRSError,
    NoOverlapError,
    SchemaError,
    UnsupportedCRSError,
)
from geo_revival.grid import Grid, differences, intersection_windows, same_lattice
from geo_revival.landcover import _codes
from geo_revival.landcover._read import FROM_FILES, open_layer, resolve_nodata
from geo_revival.landcover._sources import (
    BandYears,
    Layer,
    Sources,
    check_versions,
    resolve_layers,
)
from geo_revival.landcover._write import write_classified, write_landcover
from geo_revival.landcover._zones import read_zone_windows
from geo_revival.landcover.legend import Legend, get_legend, report_unknown
from geo_revival.validation import check_option

__all__ = [
    "check_codes",
    "open_landcover",
    "pixel_area",
    "read_zone_windows",
    "write_classified",
    "write_landcover",
]

Align = Literal["error", "reproject", "intersect"]
CodeCheck = Literal["auto", "eager", "lazy"]
Chunks = Literal["auto", "blocks"] | int | Mapping[str, int]

#: Up to this many pixels (all years) ``code_check="auto"`` reads the data once at open time.
EAGER_CHECK_MAX_PIXELS = 1 << 24
# Target chunk for chunks="auto": about 4096 x 4096 px, in whole file blocks.
_CHUNK_EDGE = 4096


def _auto_chunks(layer: Layer) -> dict[str, int]:
    bh, bw = layer.block_shape
    x = min(layer.width, bw * max(1, math.ceil(_CHUNK_EDGE / bw)))
    # Rows to reach ~4096^2 pixels, so that full-width strips do not make huge chunks.
    y = min(layer.height, bh * max(1, math.ceil(_CHUNK_EDGE * _CHUNK_EDGE / x / bh)))
    return {"band": 1, "y": y, "x": x}


def _block_chunks(layer: Layer) -> dict[str, int]:
    bh, bw = layer.block_shape
    if bh * bw < 64 * 64:  # small tiles or thin strips: group rows to ~256 x 256 px a chunk
        bh *= math.ceil(256 * 256 / (bh * bw))
    return {"band": 1, "y": bh, "x": bw}


def _chunks_for(layer: Layer, chunks: Chunks) -> dict[str, int]:
    if isinstance(chunks, str):
        if chunks == "blocks":
            return _block_chunks(layer)
        check_option(chunks, ("auto", "blocks"), "chunks (or an int or a dict)")
        return _auto_chunks(layer)
    if isinstance(chunks, int):
        return {"band": 1, "y": chunks, "x": chunks}
    return {"band": 1, **{k: int(v) for k, v in chunks.items() if k in ("y", "x")}}


def _grid_of(layer: Layer, crs: RioCRS | None) -> Grid:
    return Grid(layer.transform, layer.height, layer.width, crs if crs is not None else layer.crs)


def _align(layers: list[Layer], align: Align, crs: RioCRS | None) -> tuple[Grid | None, list[Any]]:
    """Check grids; return the target grid for warping and per-layer (rows, cols) slices."""
    grids = [_grid_of(la, crs) for la in layers]
    ref = grids[0]
    problems = {
        la.year: differences(ref, g) for la, g in zip(layers[1:], grids[1:], strict=True)
    }
    problems = {y: p for y, p in problems.items() if p}
    full = [(slice(None), slice(None))] * len(layers)
    if not problems:
        return None, full
    if align == "reproject":
        return ref, full
    lattice_ok = all(same_lattice(ref, g) for g in grids)
    if align == "intersect" and lattice_ok:
        windows = intersection_windows(grids)
        if windows is None:
            raise NoOverlapError(
                f"the years {[la.year for la in layers]} share no common extent; "
                "align='intersect' needs overlapping rasters"
            )
        return None, windows
    detail = "; ".join(
        f"year {y} ({next(la.name for la in layers if la.year == y)}): {', '.join(p)}"
        for y, p in problems.items()
    )
    hint = (
        "Pass align='reproject' to resample them onto the first year's grid by nearest "
        "neighbour"
        + (", or align='intersect' to keep the common extent." if lattice_ok else ".")
    )
    if align == "intersect":
        hint = "align='intersect' needs the same CRS, resolution and pixel alignment. " + hint
    raise GridMismatchError(
        f"the years are not on the grid of year {layers[0].year} ({layers[0].name}): "
        f"{detail}. {hint}"
    )


@quiet_cf_conversion()
def open_landcover(
    sources: Sources,
    *,
    legend: str | Legend,
    years: Sequence[int] | None = None,
    chunks: Chunks = "auto",
    band_years: BandYears | None = None,
    align: Align = "error",
    strict: bool = True,
    crs: Any = None,
    product: str | None = None,
    code_check: CodeCheck = "auto",
    nodata: float | str | None = FROM_FILES,
) -> xr.DataArray:
    """Open annual land-cover rasters as one lazily loaded ``(year, y, x)`` DataArray.

    Parameters
    ----------
    sources : path, glob pattern, directory, URL, list of paths or URLs, or {year: path}
        The rasters, one per year (or one multi-band file with ``band_years``). Besides local
        or shared-filesystem paths: ``http(s)://`` URLs (Cloud-Optimized GeoTIFFs are read by
        HTTP range requests, only the blocks computed), ``s3://bucket/key`` (read as
        ``/vsis3/bucket/key``; credentials from ``AWS_*`` environment variables, or
        ``AWS_NO_SIGN_REQUEST=YES`` for public buckets), ``gs://`` and GDAL virtual paths
        (``/vsicurl/``, ``/vsis3/``, ``/vsiaz/``, ``/vsizip/`` ...). Remote layers are read with
        the GDAL settings listed in ``docs/cluster.md`` (no directory listing, 60 s timeout, 2
        retries; your own ``GDAL_*`` environment variables win), in every process that reads
        blocks (dask workers too). Glob patterns work for local paths only.
    legend : str or Legend
        Registry name (see :func:`~geo_revival.landcover.legend.list_legends`) or a Legend.
    years : sequence of int, optional
        One year per file, in the order of ``sources`` (sorted order for patterns and
        directories). By default years are parsed from the file names
        (``CLCD_v01_2021_albert_jiangsu.tif``, ``ESA_WorldCover_10m_2021_v200_..._Map.tif``,
        MODIS ``...A2019001...``).
    chunks : "auto", "blocks", int or dict
        Dask chunks; ``"auto"`` uses about 4096 x 4096 px rounded up to whole file blocks;
        ``"blocks"`` the files' own blocks (strips of a few rows are grouped), so that reading
        a small window reads only the blocks it touches.
    band_years : sequence of int or {year: band}, optional
        For a single multi-band file whose bands are years (e.g. GLC_FCS30D annual tiles).
    align : {"error", "reproject", "intersect"}
        What to do when years are on different grids: raise :class:`GridMismatchError`
        (default); warp every year onto the first year's grid with nearest-neighbour
        resampling (lazily, through a GDAL warped VRT); or keep the common extent of grids that
        share CRS, resolution and pixel alignment.
    strict : bool
        Codes absent from the legend raise :class:`LegendError` (default) or, with
        ``strict=False``, give an :class:`UnknownCodeWarning`.
    crs : CRS-like, optional
        CRS to use for files that have none. It also *replaces* a declared CRS: use it when
        a declared CRS is known to be wrong (e.g. MODIS CMG files declare a Clarke-1866
        "unknown" datum but are WGS84 lon/lat).
    product : str, optional
        Product name for ``attrs["product"]``; defaults to the legend's product.
    code_check : {"auto", "eager", "lazy"}
        When unknown codes are detected. ``"eager"`` reads all data once now; ``"lazy"`` checks
        each block when it is computed (so errors surface at ``.compute()``, and a computation
        that reads only part of the raster checks only that part); ``"auto"`` is eager up to
        :data:`EAGER_CHECK_MAX_PIXELS` pixels and lazy beyond. Use :func:`check_codes` for a
        full report on a large raster.
    nodata : int, None or "file"
        The series' nodata code. ``"file"`` (default): the value the files declare, else the
        legend's nodata code. A declared value that is one of the legend's classes raises
        :class:`SchemaError` (e.g. Dynamic World exported with nodata 0 = water). An int
        replaces the files' declarations (like ``crs=``); ``None`` ignores them (every value
        is a class). Pixels a GDAL mask band (internal, ``.msk`` sidecar or alpha) marks invalid
        and NaN of float files get this code; without any, the largest code of the data type
        that is no class (e.g. 255).

    Float files are accepted when every value is a whole class code or NaN (checked block by
    block as the blocks are read); they are cast to the smallest integer type holding the
    legend's codes, and ``attrs["value_cast"]`` (one text per year) records the cast, as it
    records applied mask bands. Every read failure (a truncated or damaged file), at open time
    or later when dask reads a block, raises :class:`ReadError` naming the file (a
    :class:`~geo_revival.exceptions.FetchError` naming the URL for remote layers).
    ``attrs["source"]`` records URLs without query strings or user info (a signed URL's
    token is not kept).

    Returns
    -------
    xarray.DataArray
        Named ``landcover``, dims ``("year", "y", "x")``, integer dtype as stored (nodata is
        *not* masked to NaN; ``da.rio.nodata`` tells it), with ``attrs`` ``legend``,
        ``product``, ``version`` and ``source`` (lists, one per year; versions come from the
        file name, e.g. ``v200`` or MODIS collection ``006``, else from a ``product_version``
        tag) and ``simulated`` (True if any file has a true ``simulated`` GeoTIFF tag or
        ``simulated`` in its name).

    Raises
    ------
    ReadError
        A file is missing, not a raster, truncated or damaged, or a pattern matches nothing
        (or is given as a URL).
    FetchError
        A remote layer could not be read: HTTP error (404 ...), timeout, connection dropped
        mid-read (never a partial array).
    SchemaError
        Years missing, ambiguous or duplicated; float rasters with non-integral values;
        multi-band files without ``band_years``; a declared nodata value that is a class.
    MissingCRSError
        A raster has no CRS and ``crs`` was not given.
    GridMismatchError
        Years on different grids with ``align="error"`` (the message says what differs).
    NoOverlapError
        ``align="intersect"`` and the years share no extent.
    LegendError
        Codes absent from the legend (``strict=True``).

    Warns
    -----
    ProductVersionWarning
        Years come from different product versions, or versions the legend does not list.

    Examples
    --------
    >>> da = open_landcover("ESA_WorldCover_10m_20*_Map.tif",  # doctest: +SKIP
    ...                     legend="esa_worldcover_v200", align="error")
    >>> da.sizes, da.attrs["version"]  # doctest: +SKIP
    ({'year': 2, 'y': 36000, 'x': 36000}, ['v100', 'v200'])
    """
    # Checked up front: with matching grids a misspelt value would otherwise pass unseen.
    check_option(align, ("error", "reproject", "intersect"), "align")
    leg = get_legend(legend)
    layers = resolve_layers(sources, years, band_years)
    user_crs = RioCRS.from_user_input(crs) if crs is not None else None
    for la in layers:
        if la.crs is None and user_crs is None:
            raise MissingCRSError(
                f"{la.name} has no CRS; pass crs=... (e.g. crs='EPSG:4326') if you know it"
            )
    check_versions({la.year: la.version for la in layers}, leg)
    target, windows = _align(layers, align, user_crs)

    series_nodata = resolve_nodata(layers, leg, nodata)
    if target is not None and series_nodata.code is None:
        # Warping fills pixels no source covers; without a nodata code GDAL writes 0, which
        # may be a class (dynamic_world: 0 = water).
        raise SchemaError(
            f"align='reproject' needs a nodata code for pixels the warped years do not cover, "
            f"but neither the files nor legend {leg.name!r} declare one. Set it on the files "
            "(e.g. gdal_edit.py -a_nodata 255 file.tif), pass nodata=<code> or use a legend "
            "with a nodata code."
        )
    arrays = []
    for la, (rows, cols) in zip(layers, windows, strict=True):
        da = open_layer(la, _chunks_for(la, chunks), user_crs, target, series_nodata)
        da = da.isel(y=rows, x=cols)
        arrays.append(da.drop_vars("spatial_ref", errors="ignore"))

    out = xr.concat(
        arrays, dim="year", join="override", coords="minimal", compat="override",
        combine_attrs="drop",
    )  # fmt: skip
    out = out.assign_coords(year=np.array([la.year for la in layers], dtype=np.int64))
    out.name = "landcover"
    out_crs = target.crs if target is not None else (user_crs or layers[0].crs)
    out = out.rio.write_crs(out_crs)
    # The transform from the grids, not from coordinates (which fail for 1-pixel-wide rasters).
    rows0, cols0 = windows[0]
    base = target.transform if target is not None else layers[0].transform
    out = out.rio.write_transform(base @ Affine.translation(cols0.start or 0, rows0.start or 0))
    out.encoding.pop("_FillValue", None)  # the files' nodata, replaced by the series' code
    out.attrs.pop("_FillValue", None)
    if series_nodata.code is not None:
        out = out.rio.write_nodata(series_nodata.code, encoded=False)

    known = _codes.known_codes(leg, series_nodata.code)
    mode = code_check
    if mode == "auto":
        mode = "eager" if out.size <= EAGER_CHECK_MAX_PIXELS else "lazy"
    if mode == "eager":
        unknown = sorted(set(_codes.all_codes(out.data).tolist()) - known)
        report_unknown(unknown, leg.name, known, strict=strict)
    elif mode == "lazy":
        out = out.copy(data=_codes.validated(out.data, known, leg.name, strict=strict))
    else:
        check_option(code_check, ("auto", "eager", "lazy"), "code_check")

    out.attrs.update(
        legend=leg.name,
        product=product or leg.product,
        version=[la.version for la in layers],
        source=[la.name for la in layers],
        simulated=any(la.simulated for la in layers),
    )
    notes = [series_nodata.notes(la) for la in layers]
    if any(notes):  # float codes cast or mask bands applied: said in the provenance
        out.attrs["value_cast"] = notes
    return out


def check_codes(
    da: xr.DataArray, legend: str | Legend | None = None, *, strict: bool = True
) -> tuple[int, ...]:
    """Read all of ``da`` block by block and check its codes against the legend.

    Parameters
    ----------
    da : xarray.DataArray
        A land-cover array (numpy- or dask-backed).
    legend : str or Legend, optional
        Defaults to ``da.attrs["legend"]``.
    strict : bool
        Raise :class:`LegendError` on unknown codes, or warn with ``strict=False``.

    Returns
    -------
    tuple of int
        The unknown codes (empty if all are known). ``da.rio.nodata`` counts as known.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> check_codes(xr.DataArray(np.array([[1, 2], [0, 9]], "uint8")), "clcd")
    ()
    """
    if legend is None:
        if "legend" not in da.attrs:
            raise LegendError("no legend given and da.attrs has no 'legend'; pass legend=")
        legend = da.attrs["legend"]
    leg = get_legend(legend)
    data = da.data
    import dask.array as dsa

    found = _codes.all_codes(data if isinstance(data, dsa.Array) else dsa.from_array(data))
    known = _codes.known_codes(leg, da.rio.nodata)
    unknown = tuple(sorted(set(found.tolist()) - known))
    report_unknown(unknown, leg.name, known, strict=strict)
    return unknown


@contextlib.contextmanager
def skip_block_code_checks() -> Iterator[None]:
    """Compute arrays from ``open_landcover(code_check="lazy")`` without their per-block check.

    For callers that check the code of every pixel they read against the legend themselves
    (the overlay engine does), so that the lazy check of :func:`open_landcover` does not repeat
    that work. It applies to computations run in this process (dask's local schedulers);
    dask.distributed workers still run the per-block checks.

    Examples
    --------
    >>> lc = open_landcover("lc_*.tif", legend="clcd", code_check="lazy")  # doctest: +SKIP
    >>> with skip_block_code_checks():  # doctest: +SKIP
    ...     values = lc.compute()  # unknown codes do not raise here: check them yourself
    """
    with _codes.block_checks_skipped():
        yield


def _crs_of(da: xr.DataArray) -> CRS:
    crs = da.rio.crs
    if crs is None:
        raise MissingCRSError(
            "the raster has no CRS, so its pixel area is unknown; attach one with "
            "da.rio.write_crs(...) or open it with open_landcover(..., crs=...)"
        )
    return CRS.from_user_input(crs)


def _zone_area_between(lat1: np.ndarray, lat2: np.ndarray, e2: float) -> np.ndarray:
    """Return ``q(φ2) - q(φ1)``: the area between two latitudes is Δλ · b²/2 times this.

    ``q(φ) = s/(1 - e²s²) + atanh(e s)/e`` with ``s = sin φ``. Differenced term by term with
    ``s2 - s1 = 2 cos((φ1+φ2)/2) sin((φ2-φ1)/2)`` instead of subtracting two values of ``q``:
    for thin rows near the poles q(φ2) and q(φ1) agree to 6 digits or more and their plain
    difference loses them (1e-9 relative error at 88° for 0.001° rows).
    """
    s1, s2 = np.sin(lat1), np.sin(lat2)
    ds = 2.0 * np.cos((lat1 + lat2) / 2.0) * np.sin((lat2 - lat1) / 2.0)
    if e2 == 0.0:  # sphere: the limit of the ellipsoidal formula
        return 2.0 * ds
    e = math.sqrt(e2)
    first = ds * (1.0 + e2 * s1 * s2) / ((1.0 - e2 * s1 * s1) * (1.0 - e2 * s2 * s2))
    return first + np.arctanh(e * ds / (1.0 - e2 * s1 * s2)) / e


#: Areal scale factors further than this from 1 make planar pixel areas warn.
AREA_DISTORTION_TOLERANCE = 0.01


def _warn_area_distortion(crs: CRS, centre: tuple[float, float]) -> None:
    """Warn when the projection's areal scale at ``centre`` is not within 1 % of 1."""
    geographic = crs.geodetic_crs
    if geographic is None:
        return
    lon, lat = Transformer.from_crs(crs, geographic, always_xy=True).transform(*centre)
    scale = float(Proj(crs).get_factors(lon, lat).areal_scale)
    if not np.isfinite(scale) or abs(scale - 1.0) > AREA_DISTORTION_TOLERANCE:
        warnings.warn(
            f"the raster's CRS {crs.name!r} is not equal-area: at its centre ({lon:.4f}, "
            f"{lat:.4f}) one m² of the plane is {scale:.4g} m² of ground, so planar pixel areas "
            "are off by that factor. Warp the land cover to an equal-area CRS (e.g. an Albers "
            "projection) or to the local Gauss-Kruger zone (geo_revival.local_projected_crs).",
            AreaDistortionWarning,
            stacklevel=3,
        )


def pixel_area(da: xr.DataArray) -> xr.DataArray:
    """Area of the pixels of ``da`` in square metres.

    * **Projected CRS**: every pixel has the same area in the projection plane,
      ``|a·e − b·d|`` of the affine transform times the square of the linear unit in metres.
      It is returned as a 0-d DataArray. This is the true ground area only for equal-area
      projections (e.g. CLCD's Albers); conformal ones (UTM, Gauss–Krüger) differ from it by
      their scale factor squared (< 0.1 % inside a Gauss–Krüger 3° zone).
    * **Geographic CRS** (lon/lat): the exact area of each cell on the CRS's ellipsoid, which
      depends on latitude only; returned as a 1-D DataArray along ``y``. For the band between
      latitudes φ1 and φ2 and a width Δλ (radians) the area is
      ``Δλ · b²/2 · [q(φ2) − q(φ1)]`` with
      ``q(φ) = sin φ / (1 − e² sin² φ) + ln((1 + e sin φ) / (1 − e sin φ)) / (2e)``.

    Either result broadcasts against ``(year, y, x)`` in xarray arithmetic.

    Parameters
    ----------
    da : xarray.DataArray
        A raster with CRS and transform attached (rioxarray), e.g. from :func:`open_landcover`.

    Returns
    -------
    xarray.DataArray
        Named ``pixel_area_m2`` with ``attrs["units"] == "m2"``.

    Raises
    ------
    MissingCRSError
        If ``da`` has no CRS.
    UnsupportedCRSError
        If the CRS is neither projected nor geographic, or a geographic grid is rotated.

    Warns
    -----
    AreaDistortionWarning
        Projected CRS whose areal scale at the raster's centre is more than 1 % from 1
        (e.g. Web Mercator: planar areas ~1.46 x the ground area at 34° N).

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray  # noqa: F401
    >>> da = xr.DataArray(np.zeros((2, 2), "uint8"), dims=("y", "x"),
    ...                   coords={"y": [0.5, -0.5], "x": [0.5, 1.5]}).rio.write_crs("EPSG:4326")
    >>> float(pixel_area(da)[0]) / 1e6  # 1° x 1° cell at the equator, km²
    12308.463893975...
    """
    crs = _crs_of(da)
    t = da.rio.transform(recalc=False)
    if crs.is_projected:
        area = abs(t.a * t.e - t.b * t.d) * planar_area_factor(crs)
        _warn_area_distortion(crs, t @ (da.sizes["x"] / 2, da.sizes["y"] / 2))
        return xr.DataArray(
            area, name="pixel_area_m2", attrs={"units": "m2", "method": "planar (projected CRS)"}
        )
    if not crs.is_geographic:
        raise UnsupportedCRSError(
            f"pixel_area supports projected or geographic CRSs, not {crs.name!r}"
        )
    if t.b != 0 or t.d != 0:
        raise GridMismatchError(
            "pixel_area does not support rotated lon/lat grids; warp the raster to a north-up grid"
        )
    to_rad = crs.axis_info[0].unit_conversion_factor  # radians per angular unit
    ellps = crs.ellipsoid
    if ellps is None:
        raise UnsupportedCRSError(f"the CRS {crs.name!r} declares no ellipsoid")
    a = ellps.semi_major_metre
    b = ellps.semi_minor_metre
    e2 = 1.0 - (b * b) / (a * a)
    ny = da.sizes["y"]
    # Row edges from the transform (exact), not from rounded coordinate values.
    rows = np.arange(ny + 1, dtype="float64")
    edges = np.clip((t.f + rows * t.e) * to_rad, -math.pi / 2, math.pi / 2)
    area = abs(t.a * to_rad) * b * b / 2.0 * np.abs(_zone_area_between(edges[:-1], edges[1:], e2))
    coords = {"y": da["y"].values} if "y" in da.coords else {}
    return xr.DataArray(
        area,
        dims=("y",),
        coords=coords,
        name="pixel_area_m2",
        attrs={"units": "m2", "method": f"ellipsoidal ({ellps.name}) per row"},
    )
