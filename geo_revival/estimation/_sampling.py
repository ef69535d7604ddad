"""Stratified random sampling of raster pixels and the reference response sheet."""

from __future__ import annotations

import io
from collections.abc import Hashable, Mapping, Sequence
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import xarray as xr
from pyproj import CRS, Transformer

from geo_revival.exceptions import (
    CRSMismatchError,
    EstimationError,
    GridMismatchError,
    MissingCRSError,
    NoOverlapError,
    OutputExistsError,
    ReadError,
    SchemaError,
)
from geo_revival.landcover import pixel_area
from geo_revival.provenance import provenance
from geo_revival.units import convert

__all__ = [
    "draw_sample",
    "read_response_sheet",
    "reference_from_raster",
    "stratum_areas",
    "write_response_sheet",
]

_INSTRUCTIONS = (
    "Interpret the pixel at lon/lat on the best available imagery of the reference date and "
    "enter its class in reference_class, one of: {classes}. Do not look at the map while "
    "interpreting. | 请在参考年份最佳影像上判读该经纬度处像元，"
    "在“参考类别”列填写以下类别之一：{classes}。判读时请勿参考制图结果。"
)
_BLINDED = ("stratum", "map_class", "stratum_pixels", "inclusion_probability", "design_weight")


def _column_labels() -> dict[str, str]:
    text = (resources.files("geo_revival") / "data" / "response_sheet_columns.csv").read_text(
        "utf-8"
    )
    table = pd.read_csv(io.StringIO(text), comment="#")
    return dict(zip(table["column"], table["label_zh"], strict=True))


def _layer(da: xr.DataArray, what: str) -> tuple[np.ndarray, CRS, Any, np.ndarray]:
    """Return (values, CRS, affine transform, valid mask) of a single-layer raster."""
    if da.ndim == 3 and da.shape[0] == 1:
        da = da.squeeze(da.dims[0], drop=True)
    if da.ndim != 2:
        raise SchemaError(
            f"{what} must be a single layer (y, x), got dims {da.dims}; select one, e.g. "
            f"{what}.sel(year=2024)."
        )
    crs = da.rio.crs
    if crs is None:
        raise MissingCRSError(
            f"{what} has no CRS; set it with {what}.rio.write_crs(...) (never assumed)."
        )
    values = np.asarray(da.values)
    valid = np.ones(values.shape, dtype=bool)
    if np.issubdtype(values.dtype, np.floating):
        valid &= ~np.isnan(values)
    nodata = da.rio.nodata
    if nodata is not None and not (isinstance(nodata, float) and np.isnan(nodata)):
        valid &= values != nodata
    return values, CRS.from_user_input(crs), da.rio.transform(), valid


def _label(value: Any) -> Hashable:
    """Plain Python label of a raster code (3.0 → 3)."""
    item = value.item() if hasattr(value, "item") else value
    if isinstance(item, float) and item.is_integer():
        return int(item)
    return item


def stratum_areas(strata: xr.DataArray, *, unit: str = "m2") -> pd.Series:
    """Area of each stratum of a raster on a projected, metre-based grid.

    ``A_h = N_h × |det(transform)|`` with ``N_h`` the valid pixels of stratum ``h``.

    Parameters
    ----------
    strata
        Single-layer integer raster with rioxarray CRS and transform; nodata excluded.
    unit
        Unit of the result (``"m2"``, ``"ha"``, ``"mu"``, ``"km2"``).

    Returns
    -------
    pandas.Series
        Area per stratum code, named ``area_<unit>``.

    Examples
    --------
    >>> import rioxarray  # noqa: F401
    >>> da = xr.DataArray(np.array([[1, 1], [2, 1]]), dims=("y", "x"),
    ...                   coords={"y": [15.0, 5.0], "x": [5.0, 15.0]}).rio.write_crs(32650)
    >>> stratum_areas(da, unit="m2").to_dict()
    {1: 300.0, 2: 100.0}
    """
    values, crs, _, valid = _layer(strata, "strata")
    if not crs.is_projected or crs.axis_info[0].unit_name not in ("metre", "meter"):
        raise EstimationError(
            f"stratum_areas needs a projected CRS in metres, got {crs.name!r}; reproject the "
            "strata (e.g. to the local Gauss-Krüger zone) or pass strata areas measured otherwise."
        )
    pixel_m2 = float(pixel_area(strata))
    codes, pixels = np.unique(values[valid], return_counts=True)
    areas = pd.Series(
        convert(pixels * pixel_m2, "m2", unit), index=[_label(c) for c in codes], dtype=float
    )
    areas.index.name = "stratum"
    return areas.rename(f"area_{unit}")


def _sorted_labels(labels: Sequence[Hashable]) -> list[Hashable]:
    try:
        return sorted(labels)  # type: ignore[type-var]
    except TypeError:
        return sorted(labels, key=str)


def draw_sample(
    strata: xr.DataArray,
    allocation: Mapping[Hashable, int] | pd.Series,
    *,
    seed: int,
    map_classes: xr.DataArray | None = None,
) -> gpd.GeoDataFrame:
    """Draw a stratified random sample of pixels from a stratum raster.

    Each stratum ``h`` is a simple random sample without replacement of ``n_h`` of its ``N_h``
    valid pixels (inclusion probability ``n_h / N_h``), the design assumed by
    :func:`estimate_areas`. Rows are returned in random order and numbered in that order, so the
    ``sample_id`` does not reveal the stratum to interpreters.

    Parameters
    ----------
    strata
        Single-layer raster of stratum codes (e.g. a mapped change-class map) with rioxarray CRS
        and transform; nodata pixels are not part of the population.
    allocation
        Sample size per stratum code (e.g. from :func:`allocate_sample`). Every stratum present
        in the raster needs at least 2 units (fewer leaves its variance undefined); mask a
        stratum to nodata to leave it out of the population.
    seed
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same sample.
    map_classes
        Map to assess when it differs from the strata (Stehman 2014), on the same grid;
        default: the strata are the map classes.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``sample_id`` (1…n), ``stratum``, ``map_class``, ``row``, ``col``, ``x``, ``y``
        (pixel centre, raster CRS), ``lon``, ``lat`` (WGS84), ``stratum_pixels`` (``N_h``),
        ``inclusion_probability`` (``n_h/N_h``), ``design_weight`` (``N_h/n_h``), point
        ``geometry`` in the raster CRS. ``attrs``: ``provenance`` (seed, allocation, legend),
        ``simulated`` (copied from the raster attrs).

    Examples
    --------
    >>> import rioxarray  # noqa: F401
    >>> codes = np.repeat([[1], [2]], 5, axis=1).repeat(5, axis=0)  # 10 x 5 pixels, two strata
    >>> da = xr.DataArray(codes, dims=("y", "x"), coords={"y": np.arange(10)[::-1] * 30.0,
    ...                   "x": np.arange(5) * 30.0}).rio.write_crs(4548)
    >>> s = draw_sample(da, {1: 3, 2: 2}, seed=42)
    >>> s["stratum"].value_counts().sort_index().tolist()
    [3, 2]
    """
    values, crs, transform, valid = _layer(strata, "strata")
    alloc = {_label(k): int(v) for k, v in dict(allocation).items()}
    flat, flat_valid = values.ravel(), valid.ravel()
    codes, pixels = np.unique(flat[flat_valid], return_counts=True)
    population = {_label(c): int(p) for c, p in zip(codes, pixels, strict=True)}
    unallocated = [h for h in population if h not in alloc]
    if unallocated:
        raise EstimationError(
            f"strata {unallocated} are in the raster but not in the allocation: their pixels "
            "could never be sampled and every estimate would be biased. Allocate at least 2 "
            "units to each, or set them to nodata to leave them out of the population."
        )
    absent = [h for h, n in alloc.items() if h not in population]
    if absent:
        raise EstimationError(
            f"strata {absent} have an allocation but no pixels in the raster (zero-size strata); "
            "drop them from the allocation."
        )
    too_few = {h: n for h, n in alloc.items() if n < 2}
    if too_few:
        raise EstimationError(
            f"allocation {too_few} gives strata fewer than 2 units: their variance, and so every "
            "standard error, would be undefined."
        )
    too_many = {h: (n, population[h]) for h, n in alloc.items() if n > population[h]}
    if too_many:
        raise EstimationError(
            "allocation exceeds the pixels of strata (n_h, N_h) = "
            f"{too_many}; sampling is without replacement."
        )

    rng = np.random.default_rng(seed)
    picked, labels = [], []
    for h in _sorted_labels(list(alloc)):
        candidates = np.flatnonzero(flat_valid & (flat == h))
        picked.append(candidates[rng.choice(candidates.size, alloc[h], replace=False)])
        labels.extend([h] * alloc[h])
    order = rng.permutation(len(labels))
    index = np.concatenate(picked)[order]
    stratum = np.asarray(labels, dtype=object)[order]
    rows, cols = np.divmod(index, values.shape[1])
    xs, ys = transform * (cols + 0.5, rows + 0.5)
    lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(xs, ys)
    n_h = np.array([alloc[h] for h in stratum], dtype=float)
    big_n = np.array([population[h] for h in stratum], dtype=float)

    if map_classes is None:
        mapped = stratum
    else:
        map_values, map_crs, map_transform, map_valid = _layer(map_classes, "map_classes")
        if map_crs != crs or map_transform != transform or map_values.shape != values.shape:
            raise GridMismatchError(
                "map_classes must share the grid (CRS, transform, shape) of the strata; "
                "reproject/align it with rioxarray's reproject_match first."
            )
        if not map_valid[rows, cols].all():
            raise EstimationError(
                f"map_classes is nodata at {int((~map_valid[rows, cols]).sum())} sampled pixels; "
                "the map must cover the whole stratified area."
            )
        mapped = np.array([_label(v) for v in map_values[rows, cols]], dtype=object)

    out = gpd.GeoDataFrame(
        {
            "sample_id": np.arange(1, len(index) + 1),
            "stratum": pd.array(stratum.tolist()),
            "map_class": pd.array(list(mapped)),
            "row": rows,
            "col": cols,
            "x": xs,
            "y": ys,
            "lon": lon,
            "lat": lat,
            "stratum_pixels": big_n.astype(int),
            "inclusion_probability": n_h / big_n,
            "design_weight": big_n / n_h,
        },
        geometry=gpd.points_from_xy(xs, ys),
        crs=crs,
    )
    simulated = bool(strata.attrs.get("simulated", False))
    out.attrs["simulated"] = simulated
    out.attrs["provenance"] = provenance(
        "draw_sample",
        parameters={"seed": seed, "allocation": alloc, "map_classes": map_classes is not None},
        legend=strata.attrs.get("legend"),
        simulated=simulated,
        crs=crs.to_string(),
        transform=tuple(transform)[:6],
        shape=tuple(values.shape),
    )
    return out


def reference_from_raster(
    sample: gpd.GeoDataFrame,
    reference: xr.DataArray,
    *,
    column: str = "reference_class",
) -> gpd.GeoDataFrame:
    """Return a copy of ``sample`` with the reference class read from a raster at each point.

    For simulations and for a reference map of higher quality (e.g. the demo's truth series):
    the pixel of ``reference`` that contains each sample point gives its reference class.

    Parameters
    ----------
    sample
        Points with a CRS (e.g. from :func:`draw_sample`).
    reference
        Single-layer raster of reference classes with CRS, the same CRS as ``sample``.
    column
        Name of the column to fill.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``sample`` with ``column`` set.

    Examples
    --------
    >>> import rioxarray  # noqa: F401
    >>> da = xr.DataArray(np.array([[1, 2], [3, 4]]), dims=("y", "x"),
    ...                   coords={"y": [15.0, 5.0], "x": [5.0, 15.0]}).rio.write_crs(4548)
    >>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([5.0, 15.0], [5.0, 15.0]), crs=4548)
    >>> reference_from_raster(pts, da)["reference_class"].tolist()
    [3, 2]
    """
    values, crs, transform, valid = _layer(reference, "reference")
    if sample.crs is None:
        raise MissingCRSError("sample has no CRS; set it with sample.set_crs(...).")
    if CRS.from_user_input(sample.crs) != crs:
        raise CRSMismatchError(
            f"sample CRS {sample.crs.to_string()} differs from the reference raster CRS "
            f"{crs.to_string()}; reproject one of them."
        )
    cols_f, rows_f = ~transform * (sample.geometry.x.to_numpy(), sample.geometry.y.to_numpy())
    rows, cols = np.floor(rows_f).astype(int), np.floor(cols_f).astype(int)
    inside = (rows >= 0) & (rows < values.shape[0]) & (cols >= 0) & (cols < values.shape[1])
    if not inside.all():
        raise NoOverlapError(
            f"{int((~inside).sum())} sample points lie outside the reference raster."
        )
    if not valid[rows, cols].all():
        raise EstimationError(
            f"the reference raster is nodata at {int((~valid[rows, cols]).sum())} sample points; "
            "every sample unit needs a reference class."
        )
    out = sample.copy()
    out[column] = pd.array([_label(v) for v in values[rows, cols]])
    return out


def _sheet_paths(path: str | PathLike[str]) -> tuple[Path, Path]:
    base = Path(path)
    if base.suffix.lower() in (".csv", ".gpkg"):
        base = base.with_suffix("")
    return base.with_suffix(".csv"), base.with_suffix(".gpkg")


def write_response_sheet(
    sample: gpd.GeoDataFrame,
    path: str | PathLike[str],
    *,
    classes: Sequence[Hashable] | None = None,
    blind: bool = False,
    overwrite: bool = False,
) -> dict[str, Path]:
    """Write the sample as a response sheet to fill in: CSV (Excel) and GeoPackage (QGIS).

    Both files have an empty ``reference_class`` column, optional ``reference_confidence``,
    ``interpreter`` and ``comment`` columns and an ``instructions`` column; headers are
    bilingual, ``"reference_class (参考类别)"``. The CSV is UTF-8 with BOM so Excel shows the
    Chinese correctly. Fill in either file and read it back with :func:`read_response_sheet`.
    A sample drawn from simulated strata (``attrs["simulated"]``) says so in the instructions.

    Parameters
    ----------
    sample
        Output of :func:`draw_sample` (point GeoDataFrame with CRS).
    path
        Base path; ``.csv`` and ``.gpkg`` are written next to each other.
    classes
        Allowed reference classes, listed in the instructions; default: the map classes.
    blind
        Leave out stratum, map class and design columns so interpreters cannot see the map
        (good practice in Olofsson et al. 2014); :func:`read_response_sheet` then needs the
        sample to restore them.
    overwrite
        Replace existing files.

    Returns
    -------
    dict
        ``{"csv": Path, "gpkg": Path}``.

    Examples
    --------
    >>> paths = write_response_sheet(sample, "reference_2024")  # doctest: +SKIP
    """
    if not isinstance(sample, gpd.GeoDataFrame) or sample.crs is None:
        raise SchemaError("sample must be a GeoDataFrame with a CRS (the output of draw_sample).")
    missing = [c for c in ("sample_id", "map_class") if c not in sample.columns]
    if missing:
        raise SchemaError(f"sample lacks columns {missing}; use the output of draw_sample.")
    csv_path, gpkg_path = _sheet_paths(path)
    existing = [str(p) for p in (csv_path, gpkg_path) if p.exists()]
    if existing and not overwrite:
        raise OutputExistsError(f"{existing} exist; pass overwrite=True to replace them.")
    allowed = list(classes) if classes is not None else _sorted_labels(
        list(pd.unique(sample["map_class"]))
    )
    sheet = pd.DataFrame(sample.drop(columns=sample.geometry.name))
    if blind:
        sheet = sheet.drop(columns=[c for c in _BLINDED if c in sheet.columns])
    for col in ("reference_class", "reference_confidence", "interpreter", "comment"):
        sheet[col] = pd.Series([None] * len(sheet), dtype="string", index=sheet.index)
    sheet["instructions"] = _INSTRUCTIONS.format(classes=", ".join(map(str, allowed)))
    if sample.attrs.get("simulated"):  # a sheet from simulated strata must say so where it is read
        sheet["instructions"] = "SIMULATED data / 模拟数据. " + sheet["instructions"]
    labels = _column_labels()
    headers = {c: f"{c} ({labels[c]})" if c in labels else c for c in sheet.columns}
    sheet = sheet.rename(columns=headers)

    for p in (csv_path, gpkg_path):
        p.parent.mkdir(parents=True, exist_ok=True)
        if p.exists():
            p.unlink()
    sheet.to_csv(csv_path, index=False, encoding="utf-8-sig")
    gpd.GeoDataFrame(sheet, geometry=sample.geometry.to_numpy(), crs=sample.crs).to_file(
        gpkg_path, layer="response_sheet", driver="GPKG"
    )
    return {"csv": csv_path, "gpkg": gpkg_path}


def _normalise_label(text: str, lookup: Mapping[str, Hashable]) -> Hashable | None:
    if text in lookup:
        return lookup[text]
    try:  # Excel may turn 3 into 3.0
        number = float(text)
    except ValueError:
        return None
    return lookup.get(str(int(number))) if number.is_integer() else None


def read_response_sheet(
    path: str | PathLike[str],
    *,
    classes: Sequence[Hashable] | None = None,
    sample: pd.DataFrame | None = None,
    reference_column: str = "reference_class",
) -> pd.DataFrame:
    """Read a filled-in response sheet (CSV or GeoPackage) and validate the reference labels.

    Parameters
    ----------
    path
        The ``.csv`` or ``.gpkg`` written by :func:`write_response_sheet`, after filling in.
    classes
        Allowed reference classes; default: the map classes of the sheet (or of ``sample``).
        Labels are matched as text, so ``"3"`` typed in Excel becomes the class ``3``.
    sample
        The drawn sample; required when the sheet was written with ``blind=True`` (stratum and
        map class are restored by ``sample_id``).
    reference_column
        Column holding the reference labels.

    Returns
    -------
    pandas.DataFrame
        The sheet with plain English column names (no ``instructions``), reference labels as
        class labels; a GeoDataFrame for GeoPackage input. Provenance (with the file hash) in
        ``attrs``.

    Raises
    ------
    ReadError
        The file does not exist or is not CSV/GeoPackage.
    SchemaError
        Columns missing, the reference column is empty, some units have no reference label
        (listed by ``sample_id``), or labels are not among ``classes`` (listed).

    Examples
    --------
    >>> sheet = read_response_sheet("reference_2024.csv")  # doctest: +SKIP
    """
    p = Path(path)
    if not p.is_file():
        raise ReadError(f"response sheet {p} does not exist.")
    if p.suffix.lower() == ".csv":
        table: pd.DataFrame = pd.read_csv(p, encoding="utf-8-sig")
    elif p.suffix.lower() == ".gpkg":
        table = gpd.read_file(p)
    else:
        raise ReadError(f"{p} is neither .csv nor .gpkg.")
    names = [str(c).split(" (")[0].strip() for c in table.columns]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise SchemaError(
            f"response sheet {p.name} has the columns {repeated} twice (e.g. 'reference_class' "
            "added beside 'reference_class (参考类别)'); keep one of each and fill that one."
        )
    table = table.set_axis(names, axis=1)
    table = table.drop(columns=[c for c in ("instructions",) if c in table.columns])
    for col in ("sample_id", reference_column):
        if col not in table.columns:
            raise SchemaError(f"response sheet {p.name} has no {col!r} column.")
    if "map_class" not in table.columns:
        if sample is None:
            raise SchemaError(
                f"{p.name} has no map_class column (written with blind=True); pass sample= to "
                "restore stratum and map class by sample_id."
            )
        keep = [c for c in sample.columns if c not in table.columns or c == "sample_id"]
        merged = table.merge(pd.DataFrame(sample[keep]), on="sample_id", how="left",
                             indicator=True)
        unknown_ids = merged.loc[merged["_merge"] != "both", "sample_id"]
        if len(unknown_ids) or len(table) != len(sample):
            raise SchemaError(
                f"{p.name} and the sample do not list the same sample_id values "
                f"(unknown: {unknown_ids.tolist()[:5]}, sheet {len(table)} vs sample "
                f"{len(sample)} rows)."
            )
        table = merged.drop(columns="_merge")

    allowed = list(classes) if classes is not None else list(pd.unique(table["map_class"]))
    lookup = {str(c).strip(): c for c in allowed}
    raw = table[reference_column].astype("string").str.strip()
    blank = raw.isna() | (raw == "")
    if blank.all():
        raise SchemaError(
            f"the {reference_column!r} column of {p.name} is empty: interpret the sample units "
            "and fill it in first."
        )
    if blank.any():
        ids = table.loc[blank, "sample_id"].tolist()
        raise SchemaError(
            f"{len(ids)} sample units in {p.name} have no reference label "
            f"(sample_id {ids[:10]}{' …' if len(ids) > 10 else ''}); fill them in."
        )
    labels = [_normalise_label(t, lookup) for t in raw.tolist()]
    unknown = [i for i, lab in enumerate(labels) if lab is None]
    if unknown:
        bad = sorted({raw.iloc[i] for i in unknown})
        ids = table["sample_id"].iloc[unknown].tolist()
        raise SchemaError(
            f"unknown reference labels {bad} in {p.name} (sample_id {ids[:10]}); allowed: "
            f"{allowed}. Fix the labels or pass classes= with every class."
        )
    table[reference_column] = pd.array(labels)
    table.attrs["provenance"] = provenance(
        "read_response_sheet", parameters={"classes": allowed}, inputs=[p]
    )
    if sample is not None and "provenance" in sample.attrs:
        table.attrs["provenance"]["sample"] = sample.attrs["provenance"]
    return table
