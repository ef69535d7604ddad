"""Zonal class areas and transition matrices: the only place that walks pixels.

Every function takes ``(zones, landcover, ...)``: zones as a GeoDataFrame with a CRS and an id
column, or a file path / URL of one (:func:`~geo_revival.zones.as_zones`); land cover as
:func:`~geo_revival.landcover.open_landcover` returns it or any rioxarray DataArray with a CRS
(normalised by :func:`~geo_revival.landcover.as_landcover`, with ``legend=`` and ``years=`` when
the array does not carry them). Results are tidy DataFrames with ``pixels``, ``area_m2``,
``area_ha`` and ``area_mu`` (and ``coverage_fraction`` with ``coverage="exact"``).

Zone semantics
--------------
* Zones are transformed to the raster's CRS (edges densified first so that long edges stay
  true); the raster is never resampled.
* ``coverage="centre"``: a pixel belongs to a zone when its centre does, exactly as
  :func:`rasterio.features.rasterize` (``all_touched=False``) decides. ``coverage="exact"``:
  each pixel counts with the fraction of its area inside the zone (computed by our own kernel
  in double precision, agreeing with exactextract's single-precision fractions to about 1e-7 per
  pixel; fractions <= 1e-9 count as 0). As in exactextract (``count`` vs
  ``frac``), ``pixels`` is then the integer number of pixels the zone covers at all (fraction
  > 0), ``coverage_fraction`` the sum of their fractions, and the areas are weighted by the
  fractions (sum of fraction x pixel area). A pixel half inside a zone gives ``pixels`` 1,
  ``coverage_fraction`` 0.5 and half a pixel's area. Transitions count a pixel when it is
  valid in both years, with the same weights.
* Areas use :func:`~geo_revival.landcover.io.pixel_area`: planar in a projected CRS, exact
  ellipsoidal per row on lon/lat grids.
* Overlapping zones each count their pixels: a pixel in two zones counts in both.
* Nodata pixels (``landcover.rio.nodata`` and the legend's nodata codes) are left out of class
  areas and transitions and reported by :func:`coverage_report`.
* Zones that miss the raster raise :class:`~geo_revival.exceptions.NoOverlapError` (or are
  reported with :class:`~geo_revival.exceptions.CoverageWarning` and dropped when
  ``on_missing="warn"``); zones partly outside the raster or partly on nodata get a
  :class:`~geo_revival.exceptions.CoverageWarning`.

Out-of-core, one pass
---------------------
The raster is read block by block (its dask chunks; files are chunked like their internal tiles
when the array is not dask-backed). Only blocks some zone touches are read, each once for all
zones and years. Blocks run on local threads, or on a ``dask.distributed`` cluster when
``client`` is given, e.g. ``client = distributed.Client("tcp://scheduler:8786")``; workers must
be able to read the land-cover files at the same paths. The code of every counted pixel is
checked against the legend here, so the lazy per-block check of
:func:`~geo_revival.landcover.io.open_landcover` is switched off during the (local) pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from typing import Any

import geopandas as gpd
import pandas as pd
import xarray as xr

from geo_revival.exceptions import (
    SchemaError,
)
from geo_revival.landcover import Legend, as_landcover
from geo_revival.overlay import _engine as engine
from geo_revival.overlay._inputs import (
    COVERAGES,
    Coverage,
    OnMissing,
    OverlayInputs,
    Pairs,
    _resolve_pairs,
    _select_years,
    prepare_overlay,
)
from geo_revival.overlay._tables import (
    _count,
    _coverage_table,
    _finish,
    _include,
    _label,
    _provenance,
    _valid,
    _warn_coverage,
)
from geo_revival.validation import check_option, renamed_keywords
from geo_revival.zones import as_zones

__all__ = [
    "OverlayInputs",
    "class_areas",
    "coverage_report",
    "prepare_overlay",
    "transition_matrix",
    "transitions",
]

#: Value columns a transition matrix can hold.
MATRIX_VALUES = ("pixels", "coverage_fraction", "area_m2", "area_ha", "area_mu")

# -- public functions ------------------------------------------------------------------------
@renamed_keywords(zone_id="id_column")
def class_areas(
    zones: gpd.GeoDataFrame | str | PathLike[str],
    landcover: xr.DataArray,
    *,
    id_column: str = "zone_id",
    legend: str | Legend | None = None,
    years: Sequence[int] | None = None,
    include_cols: Sequence[str] = (),
    coverage: Coverage = "centre",
    on_missing: OnMissing = "raise",
    strict: bool = True,
    progress: bool = False,
    client: Any = None,
) -> pd.DataFrame:
    """Area of each land-cover class in each zone and year.

    Parameters
    ----------
    zones : geopandas.GeoDataFrame, str or os.PathLike
        Polygons with a CRS and a unique id column ``id_column``; they may overlap. Or the
        path, URL or GDAL virtual path of a zone file, read with
        :func:`~geo_revival.zones.load_zones` (use it directly for its options).
    landcover : xarray.DataArray
        Integer class codes with a CRS: what :func:`~geo_revival.landcover.open_landcover`
        returns, or e.g. ``rioxarray.open_rasterio(path)`` (``band, y, x``), an odc-stac /
        stackstac ``time, y, x`` array or one on ``lat, lon`` (see
        :func:`~geo_revival.landcover.as_landcover`). May be numpy- or dask-backed.
    id_column : str
        Column holding the zone ids (reported as ``zone_id``).
    legend : str or Legend, optional
        Legend of the codes when ``landcover.attrs["legend"]`` does not name one.
    years : sequence of int, optional
        Years to count (default: all); for arrays whose layers carry no year (``band``), the
        year of each layer.
    include_cols : sequence of str
        Zone columns copied into every row of the result, after ``zone_id`` (as exactextract's
        ``include_cols``), so the result needs no merge that would lose its provenance.
    coverage : {"centre", "exact"}
        Pixel-centre rule, or fractional pixel coverage: ``pixels`` then counts the pixels
        the zone touches with a coverage fraction above 1e-9 (floating-point noise of
        edges along pixel boundaries is not coverage), the added ``coverage_fraction``
        column sums their fractions, and areas are weighted by the fractions.
    on_missing : {"raise", "warn"}
        Zones that miss the raster: raise :class:`NoOverlapError`, or warn and leave them out.
    strict : bool
        Raise :class:`LegendError` on codes the legend does not know (default), or warn with
        :class:`UnknownCodeWarning` and report them with empty names.
    progress : bool
        Show a progress bar over raster blocks.
    client : distributed.Client, optional
        Run the blocks on this dask.distributed cluster instead of local threads.

    Returns
    -------
    pandas.DataFrame
        ``zone_id, year, class_code, class_name, generic_class, pixels, area_m2, area_ha,
        area_mu``, with ``coverage_fraction`` after ``pixels`` when ``coverage="exact"``;
        one row per zone, year and class present. Provenance in ``attrs["provenance"]``.

    Examples
    --------
    >>> import geopandas as gpd, numpy as np, xarray as xr, rioxarray  # noqa: F401
    >>> from shapely.geometry import box
    >>> lc = xr.DataArray(np.array([[[1, 2], [2, 2]]], "uint8"), dims=("year", "y", "x"),
    ...                   coords={"year": [2020], "y": [15.0, 5.0], "x": [5.0, 15.0]},
    ...                   attrs={"legend": "clcd"}).rio.write_crs("EPSG:4548")
    >>> zones = gpd.GeoDataFrame({"zone_id": ["a"]}, geometry=[box(0, 0, 20, 20)], crs=4548)
    >>> df = class_areas(zones, lc)
    >>> df["class_code"].tolist(), df["pixels"].tolist(), df["area_m2"].tolist()
    ([1, 2], [1, 3], [100.0, 300.0])
    """
    zones = as_zones(zones)
    landcover = as_landcover(landcover, legend=legend, years=years)
    check_option(coverage, COVERAGES, "coverage")
    setup = prepare_overlay(zones, landcover, id_column, None, on_missing)
    plan = engine.Plan(years=tuple(range(len(setup.years))), pairs=())
    counts = _count(setup, plan, coverage, progress, client)[0]
    _warn_coverage(setup, counts, ["code"])
    table = _valid(counts, setup, ["code"])
    table = _label(table, setup, strict, [("code", "class_name", "generic_class")])
    table = table.rename(columns={"code": "class_code"})
    columns = ["zone_id", "year", "class_code", "class_name", "generic_class"]
    out = _include(_finish(table, setup, columns), zones, id_column, include_cols)
    out.attrs["provenance"] = _provenance(
        "class_areas", setup, coverage=coverage, years=list(setup.years), id_column=id_column
    )
    return out


@renamed_keywords(zone_id="id_column")
def transitions(
    zones: gpd.GeoDataFrame | str | PathLike[str],
    landcover: xr.DataArray,
    *,
    id_column: str = "zone_id",
    legend: str | Legend | None = None,
    years: Sequence[int] | None = None,
    pairs: Pairs = "consecutive",
    include_cols: Sequence[str] = (),
    coverage: Coverage = "centre",
    on_missing: OnMissing = "raise",
    strict: bool = True,
    progress: bool = False,
    client: Any = None,
) -> pd.DataFrame:
    """Class-to-class transitions of each zone for several pairs of years, in one pass.

    Parameters
    ----------
    zones, landcover, id_column, legend, years, include_cols, coverage, on_missing, strict, \
progress, client
        As for :func:`class_areas`.
    pairs : {"consecutive", "all"} or sequence of (from_year, to_year)
        ``"consecutive"``: each year to the next, plus first to last year when there are more
        than two; ``"all"``: every earlier year to every later year; or explicit pairs.

    Returns
    -------
    pandas.DataFrame
        ``zone_id, from_year, to_year, from_code, to_code, from_name, to_name, from_generic,
        to_generic, pixels, area_m2, area_ha, area_mu`` (plus ``coverage_fraction`` after
        ``pixels`` when ``coverage="exact"``); pixels that are nodata in either year are left
        out (see :func:`coverage_report`).

    Examples
    --------
    >>> import geopandas as gpd, numpy as np, xarray as xr, rioxarray  # noqa: F401
    >>> from shapely.geometry import box
    >>> lc = xr.DataArray(np.array([[[1, 2], [3, 3]], [[1, 5], [3, 3]]], "uint8"),
    ...                   dims=("year", "y", "x"),
    ...                   coords={"year": [2020, 2021], "y": [15.0, 5.0], "x": [5.0, 15.0]},
    ...                   attrs={"legend": "clcd"}).rio.write_crs("EPSG:4548")
    >>> zones = gpd.GeoDataFrame({"zone_id": ["a"]}, geometry=[box(0, 10, 20, 20)], crs=4548)
    >>> transitions(zones, lc)[["from_code", "to_code", "pixels"]].to_numpy().tolist()
    [[1, 1, 1], [2, 5, 1]]
    """
    zones = as_zones(zones)
    landcover = as_landcover(landcover, legend=legend, years=years)
    check_option(coverage, COVERAGES, "coverage")
    setup = prepare_overlay(zones, landcover, id_column, None, on_missing)
    year_pairs = _resolve_pairs(pairs, setup.years)
    needed = sorted({y for p in year_pairs for y in p})
    setup = _select_years(setup, needed)
    index = {y: i for i, y in enumerate(setup.years)}
    plan = engine.Plan(years=(), pairs=tuple((index[a], index[b]) for a, b in year_pairs))
    counts = _count(setup, plan, coverage, progress, client)[1]
    _warn_coverage(setup, counts, ["code", "code2"])
    table = _valid(counts, setup, ["code", "code2"])
    table = _label(
        table,
        setup,
        strict,
        [("code", "from_name", "from_generic"), ("code2", "to_name", "to_generic")],
    )
    table = table.rename(columns={"year2": "to_year", "code": "from_code", "code2": "to_code"})
    columns = [
        "zone_id",
        "from_year",
        "to_year",
        "from_code",
        "to_code",
        "from_name",
        "to_name",
        "from_generic",
        "to_generic",
    ]
    out = _finish(table, setup, columns, year_column="from_year")
    out = _include(out, zones, id_column, include_cols)
    out.attrs["provenance"] = _provenance(
        "transitions",
        setup,
        coverage=coverage,
        pairs=[list(p) for p in year_pairs],
        id_column=id_column,
    )
    return out


def transition_matrix(
    zones: gpd.GeoDataFrame | str | PathLike[str],
    landcover: xr.DataArray,
    start: int,
    end: int,
    *,
    values: str = "area_m2",
    **kwargs: Any,
) -> pd.DataFrame:
    """Square from-class x to-class matrix of each zone, from year ``start`` to year ``end``.

    Computed by :func:`transitions` (for tidy long tables of several year pairs use it
    directly) and pivoted: rows ``(zone_id, from_code)``, columns ``to_code``, both over every
    class code that occurs in either year in any zone, so each zone's block is square with the
    same class order; transitions that do not occur are 0.

    Parameters
    ----------
    zones, landcover
        As for :func:`class_areas`.
    start, end
        The two years.
    values : {"area_m2", "area_ha", "area_mu", "pixels", "coverage_fraction"}
        What the cells hold (``coverage_fraction`` needs ``coverage="exact"``).
    **kwargs
        Other keywords of :func:`transitions` (``id_column``, ``legend``, ``coverage`` ...).

    Returns
    -------
    pandas.DataFrame
        Index ``(zone_id, from_code)``, columns ``to_code``; row sums are each zone's area (or
        pixels) by class in ``start`` and column sums by class in ``end`` (pixels valid in
        both years). ``attrs``: ``provenance``, ``values``, and ``class_names`` (code -> name).

    Examples
    --------
    >>> import geopandas as gpd, numpy as np, xarray as xr, rioxarray  # noqa: F401
    >>> from shapely.geometry import box
    >>> lc = xr.DataArray(np.array([[[1, 2], [3, 3]], [[1, 5], [3, 3]]], "uint8"),
    ...                   dims=("year", "y", "x"),
    ...                   coords={"year": [2020, 2021], "y": [15.0, 5.0], "x": [5.0, 15.0]},
    ...                   attrs={"legend": "clcd"}).rio.write_crs("EPSG:4548")
    >>> zones = gpd.GeoDataFrame({"zone_id": ["a"]}, geometry=[box(0, 0, 20, 20)], crs=4548)
    >>> m = transition_matrix(zones, lc, 2020, 2021, values="pixels")
    >>> m.loc["a"]  # doctest: +NORMALIZE_WHITESPACE
    to_code    1  2  3  5
    from_code
    1          1  0  0  0
    2          0  0  0  1
    3          0  0  2  0
    5          0  0  0  0
    """
    check_option(values, MATRIX_VALUES, "values")
    if "pairs" in kwargs:
        raise TypeError("transition_matrix takes start and end, not pairs=; see transitions()")
    long = transitions(zones, landcover, pairs=[(start, end)], **kwargs)
    if values not in long.columns:
        raise SchemaError(f"values={values!r} needs coverage='exact' (no such column here)")
    codes = sorted({*long["from_code"].tolist(), *long["to_code"].tolist()})
    ids = pd.unique(long["zone_id"])
    index = pd.MultiIndex.from_product([ids, codes], names=["zone_id", "from_code"])
    wide = long.pivot_table(
        index=["zone_id", "from_code"], columns="to_code", values=values, aggfunc="sum",
        fill_value=0, sort=False,
    )
    out = wide.reindex(index=index, columns=pd.Index(codes, name="to_code"), fill_value=0)
    names = dict(zip(long["from_code"], long["from_name"], strict=True))
    names.update(zip(long["to_code"], long["to_name"], strict=True))
    out.attrs["provenance"] = {**long.attrs["provenance"], "function": "transition_matrix"}
    out.attrs["values"] = values
    out.attrs["class_names"] = {int(c): names[c] for c in codes}
    return out


@renamed_keywords(zone_id="id_column")
def coverage_report(
    zones: gpd.GeoDataFrame | str | PathLike[str],
    landcover: xr.DataArray,
    *,
    id_column: str = "zone_id",
    legend: str | Legend | None = None,
    years: Sequence[int] | None = None,
    include_cols: Sequence[str] = (),
    coverage: Coverage = "centre",
    progress: bool = False,
    client: Any = None,
) -> pd.DataFrame:
    """How much of each zone the raster covers with valid data, per year.

    Zones that miss the raster are reported (``outside_share`` 1), never raised. Parameters
    as for :func:`class_areas`.

    Returns
    -------
    pandas.DataFrame
        ``zone_id, year, zone_area_m2, valid_pixels, valid_area_m2, nodata_pixels,
        nodata_area_m2, outside_area_m2, valid_share, nodata_share, outside_share``; with
        ``coverage="exact"`` also ``valid_coverage_fraction`` and ``nodata_coverage_fraction``
        after the pixel counts, which (as in :func:`class_areas`) count every pixel the zone
        touches, while areas and shares are weighted by coverage fractions.
        Zone areas are planar in the raster's projected CRS, or geodesic for lon/lat grids.
        Outside area is measured on the polygon; valid and nodata areas on the pixels, so with
        the centre rule the three shares add up to 1 only approximately.

    Examples
    --------
    >>> import geopandas as gpd, numpy as np, xarray as xr, rioxarray  # noqa: F401
    >>> from shapely.geometry import box
    >>> lc = xr.DataArray(np.array([[[1, 0], [1, 1]]], "uint8"), dims=("year", "y", "x"),
    ...                   coords={"year": [2020], "y": [15.0, 5.0], "x": [5.0, 15.0]},
    ...                   attrs={"legend": "clcd"}).rio.write_crs("EPSG:4548")
    >>> zones = gpd.GeoDataFrame({"zone_id": ["a"]}, geometry=[box(0, 10, 40, 20)], crs=4548)
    >>> coverage_report(zones, lc)[["valid_share", "nodata_share", "outside_share"]].values
    array([[0.25, 0.25, 0.5 ]])
    """
    zones = as_zones(zones)
    landcover = as_landcover(landcover, legend=legend, years=years)
    check_option(coverage, COVERAGES, "coverage")
    setup = prepare_overlay(zones, landcover, id_column, None, "warn", quiet=True)
    plan = engine.Plan(years=tuple(range(len(setup.years))), pairs=())
    counts = _count(setup, plan, coverage, progress, client)[0]
    out = _include(_coverage_table(setup, counts), zones, id_column, include_cols)
    out.attrs["provenance"] = _provenance(
        "coverage_report", setup, coverage=coverage, years=list(setup.years), id_column=id_column
    )
    return out


