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
  each pixel counts with the fraction of its area inside the zone (exactextract's coverage
  fractions, single precision: about 1e-7 per pixel). As in exactextract (``count`` vs
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

import itertools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from os import PathLike
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
import xarray as xr
from pyproj import CRS, Transformer

from geo_revival.crs import geodesic_area, planar_area_factor, require_crs
from geo_revival.exceptions import (
    CoverageWarning,
    InvalidGeometryError,
    NoOverlapError,
    SchemaError,
)
from geo_revival.grid import Grid
from geo_revival.landcover import Legend, as_landcover, get_legend, pixel_area
from geo_revival.overlay import _engine as engine
from geo_revival.provenance import provenance
from geo_revival.units import add_area_columns
from geo_revival.validation import check_option, check_zone_ids, renamed_keywords, require_columns
from geo_revival.zones import as_zones, check_coordinates

__all__ = [
    "OverlayInputs",
    "class_areas",
    "coverage_report",
    "prepare_overlay",
    "transition_matrix",
    "transitions",
]

Coverage = Literal["centre", "exact"]
OnMissing = Literal["raise", "warn"]
Pairs = Literal["consecutive", "all"] | Sequence[tuple[int, int]]
COVERAGES = ("centre", "exact")
ON_MISSING = ("raise", "warn")
PAIRS = ("consecutive", "all")
#: Value columns a transition matrix can hold.
MATRIX_VALUES = ("pixels", "coverage_fraction", "area_m2", "area_ha", "area_mu")

#: Densified zone edges are at most this many raster pixels long before reprojection.
_SEGMENT_PIXELS = 4.0
#: Shares below this are treated as 0 (floating-point noise of polygon clipping).
_SHARE_TOL = 1e-9


@dataclass(frozen=True)
class OverlayInputs:
    """Validated inputs, zones in the raster's CRS, and the raster's grid facts."""

    ids: npt.NDArray[Any]
    geoms: npt.NDArray[np.object_]
    present: npt.NDArray[np.bool_]
    zone_area_m2: npt.NDArray[np.float64]
    inside_area_m2: npt.NDArray[np.float64]
    landcover: xr.DataArray
    years: tuple[int, ...]
    grid: Grid
    legend: Legend
    nodata: frozenset[int]
    area_constant: float | None
    row_area: npt.NDArray[np.float64] | None


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


def prepare_overlay(
    zones: gpd.GeoDataFrame | str | PathLike[str],
    landcover: xr.DataArray,
    id_column: str = "zone_id",
    years: Sequence[int] | None = None,
    on_missing: OnMissing = "raise",
    *,
    quiet: bool = False,
) -> OverlayInputs:
    """Validate zones and land cover once and bring the zones onto the raster's grid.

    The shared first step of every overlay and of the per-pixel state maps
    (:func:`geo_revival.restoration.state_map`), so that both refuse the same bad inputs.

    Parameters
    ----------
    zones
        Zone layer with a CRS and the ``id_column`` column (or its path, see
        :func:`~geo_revival.zones.as_zones`).
    landcover
        Land cover, normalised by :func:`~geo_revival.landcover.as_landcover`.
    id_column
        Name of the zone identifier column.
    years
        Years to use (``None``: all).
    on_missing
        ``"raise"`` or ``"warn"`` for zones that do not overlap the raster.
    quiet
        Say nothing about missing zones (used by :func:`coverage_report`, which reports them).

    Returns
    -------
    OverlayInputs
        Zone ids and geometries in the raster's CRS, their areas inside and outside the
        raster, the grid, legend, nodata codes and pixel areas.

    Examples
    --------
    >>> import geopandas as gpd, numpy as np, shapely, xarray as xr, rioxarray  # noqa: F401
    >>> lc = xr.DataArray(np.ones((1, 2, 2), "uint8"), dims=("year", "y", "x"),
    ...                   coords={"year": [2020], "y": [15.0, 5.0], "x": [5.0, 15.0]},
    ...                   attrs={"legend": "clcd"}).rio.write_crs("EPSG:32650")
    >>> zones = gpd.GeoDataFrame({"zone_id": ["a"]}, geometry=[shapely.box(0, 0, 20, 20)],
    ...                          crs="EPSG:32650")
    >>> prepare_overlay(zones, lc, "zone_id", None, "raise").years
    (2020,)
    """
    check_option(on_missing, ON_MISSING, "on_missing")
    zones = require_crs(as_zones(zones), what="zones")
    ids = _zone_ids(zones, id_column)
    lc = as_landcover(landcover)
    raster_crs = CRS.from_user_input(lc.rio.crs)
    grid = Grid.of(lc)
    geoms = _to_raster_crs(zones, raster_crs, grid)
    extent = shapely.box(*grid.bounds)
    zone_area = _area_m2(geoms, raster_crs)
    inside_area = _area_m2(shapely.intersection(geoms, extent), raster_crs)
    present = shapely.intersects(geoms, extent) & (inside_area > 0)
    if not present.all():
        # Coordinates that cannot be in the zones' CRS are the cause, not the location (the
        # area of use is not checked: small test grids near 0, 0 are legitimate here).
        check_coordinates(
            zones[~present], [str(i) for i in ids[~present]], "zones", area_of_use=False
        )
    if not present.all() and not quiet:
        missing = ", ".join(map(str, ids[~present][:10]))
        msg = (
            f"{(~present).sum()} zone(s) do not overlap the raster (e.g. {missing}); raster "
            f"bounds {tuple(round(b, 6) for b in extent.bounds)} in {raster_crs.to_string()}. "
            "Check that zones and land cover cover the same area, or pass on_missing='warn' "
            "to leave such zones out."
        )
        if on_missing == "raise":
            raise NoOverlapError(msg)
        warnings.warn(msg, CoverageWarning, stacklevel=3)
    area = pixel_area(lc)
    constant = float(area) if area.ndim == 0 else None
    row_area = None if constant is not None else np.asarray(area.values, np.float64)
    return OverlayInputs(
        ids=ids,
        geoms=geoms,
        present=present,
        zone_area_m2=zone_area,
        inside_area_m2=inside_area,
        landcover=lc,
        years=tuple(_years_of(lc, years)),
        grid=grid,
        legend=get_legend(lc.attrs["legend"]),
        nodata=_nodata(lc),
        area_constant=constant,
        row_area=row_area,
    )


def _zone_ids(zones: gpd.GeoDataFrame, id_column: str) -> npt.NDArray[Any]:
    ids = check_zone_ids(zones, id_column)
    geoms = zones.geometry.to_numpy()
    bad = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    bad |= ~np.isin(shapely.get_type_id(geoms), [3, 6])  # Polygon, MultiPolygon
    bad |= ~shapely.is_valid(geoms)
    if bad.any():
        raise InvalidGeometryError(
            f"zones {ids[bad].tolist()[:10]} have empty, non-polygonal or invalid geometry; "
            "repair them (geo_revival.load_zones or shapely.make_valid) or drop them"
        )
    return ids


def _include(
    table: pd.DataFrame, zones: gpd.GeoDataFrame, id_column: str, include_cols: Sequence[str]
) -> pd.DataFrame:
    """Copy the zone columns ``include_cols`` into every row, after ``zone_id``."""
    columns = [include_cols] if isinstance(include_cols, str) else list(include_cols)
    if not columns:
        return table
    require_columns(zones, columns, what="zones", hint="include_cols names zone columns")
    clash = [c for c in columns if c in table.columns or c == zones.geometry.name]
    if clash:
        raise SchemaError(
            f"include_cols {clash} would replace result columns (or the geometry); "
            "rename them in the zones first"
        )
    values = pd.DataFrame(zones[columns]).set_axis(zones[id_column].to_numpy())
    extra = values.reindex(table["zone_id"].to_numpy()).reset_index(drop=True)
    at = list(table.columns).index("zone_id") + 1
    return pd.concat([table.iloc[:, :at], extra, table.iloc[:, at:]], axis=1)


def _years_of(lc: xr.DataArray, years: Sequence[int] | None) -> list[int]:
    available = [int(y) for y in lc["year"].values]
    if years is None:
        return available
    wanted = [int(y) for y in years]
    if len(set(wanted)) != len(wanted):
        # Each repeat would be counted again: duplicate rows, not an error anyone would see.
        raise SchemaError(f"years {wanted} repeat a year; give each year once")
    unknown = sorted(set(wanted) - set(available))
    if unknown:
        raise SchemaError(f"years {unknown} are not in the land cover (years: {available})")
    return wanted


def _select_years(setup: OverlayInputs, years: Sequence[int]) -> OverlayInputs:
    return OverlayInputs(**{**setup.__dict__, "years": tuple(_years_of(setup.landcover, years))})


def _nodata(lc: xr.DataArray) -> frozenset[int]:
    codes = set(get_legend(lc.attrs["legend"]).nodata)
    if lc.rio.nodata is not None and not np.isnan(lc.rio.nodata):
        codes.add(int(lc.rio.nodata))
    return frozenset(codes)


def _to_raster_crs(zones: gpd.GeoDataFrame, crs: CRS, grid: Grid) -> npt.NDArray[Any]:
    """Zone geometries in the raster CRS; edges densified first so that they stay true."""
    zone_crs = CRS.from_user_input(zones.crs)
    geoms = zones.geometry.to_numpy()
    if zone_crs.equals(crs):
        return np.asarray(geoms, dtype=object)
    # A pixel's size expressed in zone-CRS units, at the raster centre.
    to_zone = Transformer.from_crs(crs, zone_crs, always_xy=True)
    t = grid.transform
    cx, cy = t @ (grid.width / 2, grid.height / 2)
    xs, ys = to_zone.transform([cx, cx + t.a], [cy, cy + t.e])
    pixel = float(np.hypot(xs[1] - xs[0], ys[1] - ys[0]))
    dense = shapely.segmentize(geoms, _SEGMENT_PIXELS * pixel)
    out = gpd.GeoSeries(dense, crs=zone_crs).to_crs(crs).to_numpy()
    return np.asarray(shapely.make_valid(out), dtype=object)


def _area_m2(geoms: npt.NDArray[Any], crs: CRS) -> npt.NDArray[np.float64]:
    """Planar area for projected CRSs (like the pixel areas), geodesic for lon/lat."""
    if crs.is_projected:
        return np.asarray(shapely.area(geoms) * planar_area_factor(crs), np.float64)
    return geodesic_area(gpd.GeoSeries(geoms, crs=crs)).to_numpy()


def _resolve_pairs(pairs: Pairs, years: tuple[int, ...]) -> list[tuple[int, int]]:
    ordered = sorted(years)
    if isinstance(pairs, str):
        if pairs == "consecutive":
            out = list(itertools.pairwise(ordered))
            if len(ordered) > 2:
                out.append((ordered[0], ordered[-1]))
        elif pairs == "all":
            out = [(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :]]
        else:
            check_option(pairs, PAIRS, "pairs (or give a list of (from_year, to_year))")
    else:
        out = [(int(a), int(b)) for a, b in pairs]
        if len(set(out)) != len(out):
            # Repeated pairs would be summed into one row: every count doubled.
            raise SchemaError(f"pairs {out} repeat a pair; give each pair once")
    if not out:
        raise SchemaError(f"transitions need at least two years; the land cover has {ordered}")
    unknown = sorted({y for p in out for y in p} - set(years))
    if unknown:
        raise SchemaError(f"years {unknown} are not in the land cover (years: {ordered})")
    return out


# -- counting and tables ----------------------------------------------------------------------
def _count(
    setup: OverlayInputs, plan: engine.Plan, coverage: Coverage, progress: bool, client: Any
) -> tuple[pd.DataFrame, ...]:
    """Run the engine; return the (years, pairs, summary, filtered) counts.

    Zones are indices into all zones, years calendar years; ``area_m2`` is set.
    """
    check_option(coverage, COVERAGES, "coverage")
    lc = setup.landcover.sel(year=list(setup.years))
    data = engine.as_dask(lc)
    row_edges = np.r_[0, np.cumsum(data.chunks[1])]
    col_edges = np.r_[0, np.cumsum(data.chunks[2])]
    present = np.flatnonzero(setup.present)
    geoms = setup.geoms[present]
    jobs = engine.plan_blocks(geoms, setup.grid, row_edges, col_edges)
    if plan.trajectory is not None:  # its table names zones among all zones, as callers do
        states = plan.trajectory.table
        rows = np.vstack([states[:1], states[present + 1]])
        plan = replace(plan, trajectory=replace(plan.trajectory, table=rows))
    # Jobs name zones by their position among present zones; map back to all zones.
    tables = engine.run(
        data, jobs, setup.grid, plan, coverage, setup.row_area, progress=progress, client=client
    )
    for table in tables:
        table["zone"] = present[table["zone"].to_numpy()]
        if setup.area_constant is not None:
            weight = "coverage_fraction" if coverage == "exact" else "pixels"
            table["area_m2"] = table[weight] * setup.area_constant
        for column in ("year", "year2"):
            if column in table:
                table[column] = np.asarray(setup.years)[table[column].to_numpy()]
    return tables


def _valid(counts: pd.DataFrame, setup: OverlayInputs, code_columns: list[str]) -> pd.DataFrame:
    nodata = list(setup.nodata)
    keep = np.ones(len(counts), bool)
    for c in code_columns:
        keep &= ~counts[c].isin(nodata).to_numpy()
    return counts.loc[keep].reset_index(drop=True)


def _label(
    table: pd.DataFrame, setup: OverlayInputs, strict: bool, columns: list[tuple[str, str, str]]
) -> pd.DataFrame:
    """Add class names and generic classes for code columns: ``(code, name, generic)``."""
    legend = setup.legend
    found = np.unique(np.concatenate([table[c].to_numpy() for c, _, _ in columns]))
    unknown = set(legend.check_codes(found, strict=strict))
    names = {int(c): (None if c in unknown else legend.class_name(int(c))) for c in found}
    generic = {int(c): (None if c in unknown else legend.generic(int(c))) for c in found}
    out = table.copy()
    for code, name, generic_column in columns:
        out[name] = out[code].map(names)
        out[generic_column] = out[code].map(generic)
    return out


def _finish(
    table: pd.DataFrame, setup: OverlayInputs, columns: list[str], year_column: str = "year"
) -> pd.DataFrame:
    table = table.rename(columns={"year": year_column})
    table["zone_id"] = setup.ids[table["zone"].to_numpy()]
    table = table.sort_values(["zone", *columns[1:3]], kind="stable")
    table = add_area_columns(table[[*columns, *_value_columns(table), "area_m2"]])
    return table.reset_index(drop=True)


def _value_columns(table: pd.DataFrame) -> list[str]:
    """``pixels``, and ``coverage_fraction`` when the counts are exact-mode ones."""
    return ["pixels", *(["coverage_fraction"] if "coverage_fraction" in table else [])]


def _coverage_table(setup: OverlayInputs, counts: pd.DataFrame) -> pd.DataFrame:
    nodata = counts["code"].isin(list(setup.nodata)).to_numpy()
    values = _value_columns(counts)
    sums = []
    for flag, label in ((~nodata, "valid"), (nodata, "nodata")):
        s = counts.loc[flag].groupby(["zone", "year"])[[*values, "area_m2"]].sum()
        sums.append(s.rename(columns=lambda c, lab=label: f"{lab}_{c}"))
    index = pd.MultiIndex.from_product(
        [range(len(setup.ids)), list(setup.years)], names=["zone", "year"]
    )
    out = pd.concat(sums, axis=1).reindex(index).fillna(0).reset_index()
    zone = out["zone"].to_numpy()
    area = setup.zone_area_m2[zone]
    out.insert(0, "zone_id", setup.ids[zone])
    out.insert(2, "zone_area_m2", area)
    out["outside_area_m2"] = np.clip(area - setup.inside_area_m2[zone], 0, None)
    for part in ("valid", "nodata", "outside"):
        out[f"{part}_share"] = out[f"{part}_area_m2"] / area
    out = out.drop(columns="zone")
    for part in ("valid", "nodata"):
        out[f"{part}_pixels"] = out[f"{part}_pixels"].astype(np.int64)  # NaN-filled as float
    per_part = [[f"{part}_{v}" for v in [*values, "area_m2"]] for part in ("valid", "nodata")]
    shares = ["outside_area_m2", "valid_share", "nodata_share", "outside_share"]
    return out[["zone_id", "year", "zone_area_m2", *per_part[0], *per_part[1], *shares]]


def _warn_coverage(setup: OverlayInputs, counts: pd.DataFrame, code_columns: list[str]) -> None:
    """One CoverageWarning per kind of partial coverage, naming a few zones."""
    nodata = np.zeros(len(counts), bool)
    for c in code_columns:
        nodata |= counts[c].isin(list(setup.nodata)).to_numpy()
    zones = counts["zone"].to_numpy()
    present = setup.present
    with_valid = np.zeros(len(setup.ids), bool)
    with_valid[zones[~nodata]] = True
    with_nodata = np.zeros(len(setup.ids), bool)
    with_nodata[zones[nodata]] = True
    outside = setup.zone_area_m2 - setup.inside_area_m2 > _SHARE_TOL * setup.zone_area_m2
    problems = {
        "extend beyond the raster": present & outside,
        "contain nodata pixels": present & with_nodata,
        "have no valid pixel": present & ~with_valid,
    }
    for what, flags in problems.items():
        if flags.any():
            examples = ", ".join(map(str, setup.ids[flags][:5]))
            warnings.warn(
                f"{flags.sum()} zone(s) {what} (e.g. {examples}); their areas cover only part "
                "of the zone. See coverage_report(zones, landcover) for the shares.",
                CoverageWarning,
                stacklevel=4,
            )


def _provenance(function: str, setup: OverlayInputs, **parameters: Any) -> dict[str, Any]:
    attrs = setup.landcover.attrs
    return provenance(
        function,
        parameters=parameters,
        legend=setup.legend.name,
        landcover_source=attrs.get("source"),
        landcover_version=attrs.get("version"),
        **({"landcover_value_cast": attrs["value_cast"]} if attrs.get("value_cast") else {}),
        simulated=bool(attrs.get("simulated", False)),
        crs=CRS.from_user_input(setup.landcover.rio.crs).to_string(),
    )
