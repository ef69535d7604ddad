"""Tables and layers to files planners open: CSV, Excel (XLSX) and GeoPackage.

- :func:`to_csv`: one tidy table, UTF-8 with BOM (so Excel shows Chinese), headers in Chinese
  and English with units; rates stay fractions (the header says so).
- :func:`to_xlsx`: several tables, one sheet each, bilingual headers with units, a number
  format on every numeric cell (rates shown as % while the stored value stays the fraction),
  a sheet describing the columns and a sheet with each table's provenance.

Both round measured quantities at output (:func:`round_for_output`): areas to 0.01 mu, rates to
0.01 % (4 decimals of a fraction), by column unit or, in long tables, by the row's ``unit``;
coordinates and probabilities to their natural precision; other floats keep 6 significant
digits.
- :func:`to_geopackage`: the zones and per-zone results as layers QGIS opens directly.

Land-cover rasters are written by :func:`geo_revival.landcover.io.write_landcover` (COG with the
legend's colour table); this module does not duplicate it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_revival.crs import require_crs
from geo_revival.exceptions import OutputExistsError, SchemaError
from geo_revival.labels import UNITS, column_label, column_unit, output_decimals
from geo_revival.validation import check_option

__all__ = ["column_header", "round_for_output", "to_csv", "to_geopackage", "to_xlsx"]

Header = Literal["bilingual", "names"]
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def column_header(column: str, *, rates: Literal["fraction", "percent"] = "fraction") -> str:
    """Bilingual header of ``column`` with its unit: ``"中文（单位） / English (unit)"``.

    ``rates`` says how a ``*_rate`` column is stored: as a fraction (CSV) or shown in % (XLSX).

    Examples
    --------
    >>> column_header("area_mu")
    '面积（亩） / Area (mu)'
    >>> column_header("restoration_rate")
    '治理和生态修复率（比例 0–1） / Treatment and ecological restoration rate (fraction 0–1)'
    """
    zh = column_label(column, "zh", unit=column_unit(column) != "rate")
    en = column_label(column, "en", unit=column_unit(column) != "rate")
    if column_unit(column) == "rate":
        zh, en = (
            (f"{zh}（%）", f"{en} (%)")
            if rates == "percent"
            else (f"{zh}（比例 0–1）", f"{en} (fraction 0–1)")
        )
    return en if zh == en else f"{zh} / {en}"


def _significant(values: pd.Series, digits: int = 6) -> pd.Series:
    """Round to ``digits`` significant figures: 0.45999999999999996 -> 0.46."""
    x = values.to_numpy(dtype=float, copy=True)
    ok = np.isfinite(x) & (x != 0)
    mag = np.floor(np.log10(np.abs(x[ok])))
    scale = 10.0 ** (digits - 1 - mag)
    x[ok] = np.round(x[ok] * scale) / scale
    return pd.Series(x, index=values.index, name=values.name)


def round_for_output(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` with its float columns rounded as they are written to files.

    Examples
    --------
    >>> t = pd.DataFrame({"area_mu": [-2420.199999999999], "restoration_rate": [0.7523456],
    ...                   "unit": ["mu"], "value": [0.45999999999999996]})
    >>> print(round_for_output(t).to_csv(index=False).strip())
    area_mu,restoration_rate,unit,value
    -2420.2,0.7523,mu,0.46
    """
    out = pd.DataFrame(df).copy()
    row_units = out["unit"].astype(str) if "unit" in out.columns else None
    for col in out.columns:
        if not pd.api.types.is_float_dtype(out[col]):
            continue
        decimals = output_decimals(str(col))
        if decimals is not None:
            out[col] = out[col].round(decimals)
        elif row_units is not None and output_decimals(str(col), "mu") is not None:
            per_row = row_units.map(lambda u, c=str(col): output_decimals(c, u))
            rounded = _significant(out[col])
            for d in per_row.dropna().unique():
                rows = per_row == d
                rounded[rows] = out.loc[rows, col].round(int(d))
            out[col] = rounded
        else:
            out[col] = _significant(out[col])
    return out


def _target(path: str | PathLike[str], force: bool) -> Path:
    out = Path(path)
    if out.exists() and not force:
        raise OutputExistsError(f"{out} exists; pass force=True to replace it")
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def to_csv(
    df: pd.DataFrame,
    path: str | PathLike[str],
    *,
    header: Header = "bilingual",
    force: bool = False,
) -> Path:
    """Write a tidy table as CSV (UTF-8 with BOM) with bilingual headers and units.

    Parameters
    ----------
    df
        The table (not modified). Geometry columns are dropped (use :func:`to_geopackage`).
    path
        Output file.
    header
        ``"bilingual"`` (Chinese / English with units) or ``"names"`` (the column names, for
        reading back into code).
    force
        Replace an existing file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = to_csv(pd.DataFrame({"zone_id": ["a"], "area_mu": [1.5]}),
    ...            pathlib.Path(tempfile.mkdtemp()) / "t.csv")
    >>> p.read_text(encoding="utf-8-sig").splitlines()[0]
    '区块编号 / Zone ID,面积（亩） / Area (mu)'
    """
    out = _target(path, force)
    table = pd.DataFrame(df).drop(columns=[c for c in df.columns if _is_geometry(df[c])])
    table = round_for_output(table)
    if header == "bilingual":
        table = table.rename(columns={c: column_header(str(c)) for c in table.columns})
    else:
        check_option(header, ("bilingual", "names"), "header")
    table.to_csv(out, index=False, encoding="utf-8-sig")
    return out


def _is_geometry(series: pd.Series) -> bool:
    return isinstance(series.dtype, gpd.array.GeometryDtype)


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _SHEET_BAD.sub("_", name)[:31] or "table"
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{base[: 31 - len(str(n)) - 1]}_{n}"
    taken.add(candidate.lower())
    return candidate


_FORMATS = {"rate": "0.0%", "pp": "0.0"}
_ROW_FORMATS = {"fraction": "0.0%", "rate": "0.0%"}


def _number_format(column: str, series: pd.Series, row_unit: str | None = None) -> str | None:
    """Excel number format of a cell of ``column`` (``row_unit``: the row's ``unit``)."""
    unit = column_unit(column)
    if unit in _FORMATS:
        return _FORMATS[unit]
    if unit in UNITS:
        return "#,##0.00"
    if row_unit is not None and output_decimals(column, row_unit) is not None:
        return _ROW_FORMATS.get(row_unit, "#,##0.00")
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        return None
    if pd.api.types.is_integer_dtype(series):
        return "0"  # years, codes and pixel counts: no thousands separator
    return "#,##0.0###"


def to_xlsx(
    tables: Mapping[str, pd.DataFrame],
    path: str | PathLike[str],
    *,
    force: bool = False,
) -> Path:
    r"""Write tables to one Excel workbook: a sheet per table, plus column and provenance sheets.

    Row 1 of each sheet holds the bilingual header (Chinese, line break, English, with units);
    data start on row 2, so the sheet stays one tidy table. Rates are stored as fractions and
    formatted as percentages; areas get thousands separators.

    Parameters
    ----------
    tables
        ``{sheet name: table}``; names are made valid for Excel (31 characters, no ``[]:*?/\\``).
    path
        Output ``.xlsx`` file.
    force
        Replace an existing file.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> p = to_xlsx({"rates": pd.DataFrame({"zone_id": ["a"], "restoration_rate": [0.752]})},
    ...             pathlib.Path(tempfile.mkdtemp()) / "t.xlsx")
    >>> ws = openpyxl.load_workbook(p)["rates"]
    >>> ws["B2"].value, ws["B2"].number_format
    (0.752, '0.0%')
    """
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    if not tables:
        raise SchemaError("no tables to write: pass a {sheet name: DataFrame} mapping")
    out = _target(path, force)
    taken: set[str] = set()
    columns_rows: list[dict[str, Any]] = []
    provenance_rows: list[dict[str, Any]] = []
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, df in tables.items():
            sheet = _sheet_name(str(name), taken)
            table = pd.DataFrame(df).drop(columns=[c for c in df.columns if _is_geometry(df[c])])
            table = round_for_output(table)
            table.to_excel(writer, sheet_name=sheet, index=False)
            units = table["unit"].astype(str).tolist() if "unit" in table.columns else None
            ws = writer.sheets[sheet]
            for j, col in enumerate(table.columns, start=1):
                zh_en = column_header(str(col), rates="percent").split(" / ")
                cell = ws.cell(row=1, column=j, value="\n".join(zh_en))
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                cell.font = Font(bold=True)
                width = max(12, min(40, max(len(s) for s in zh_en) + 2))
                ws.column_dimensions[get_column_letter(j)].width = width
                for i, (c,) in enumerate(ws.iter_rows(min_row=2, min_col=j, max_col=j)):
                    fmt = _number_format(str(col), table[col], units[i] if units else None)
                    if fmt:
                        c.number_format = fmt
                columns_rows.append(
                    {
                        "sheet": sheet,
                        "column": col,
                        "label_zh": column_label(str(col), "zh", unit=False),
                        "label_en": column_label(str(col), "en", unit=False),
                        "unit": _unit_text(str(col)),
                    }
                )
            ws.freeze_panes = "A2"
            ws.row_dimensions[1].height = 32
            prov = df.attrs.get("provenance")
            if prov:
                provenance_rows.append(
                    {
                        "sheet": sheet,
                        "provenance_json": json.dumps(prov, ensure_ascii=False, default=str),
                    }
                )
        meta = pd.DataFrame(columns_rows)
        meta.to_excel(writer, sheet_name=_sheet_name("columns 列说明", taken), index=False)
        if provenance_rows:
            pd.DataFrame(provenance_rows).to_excel(
                writer, sheet_name=_sheet_name("provenance 来源", taken), index=False
            )
    return out


def _unit_text(column: str) -> str:
    unit = column_unit(column)
    if unit == "rate":
        return "fraction 0–1 (shown as %)"
    return UNITS[unit][0] if unit else ""


def to_geopackage(
    zones: gpd.GeoDataFrame,
    path: str | PathLike[str],
    *,
    results: Mapping[str, pd.DataFrame] | None = None,
    force: bool = False,
) -> Path:
    """Write the zones and per-zone results to a GeoPackage that QGIS opens directly.

    Layer ``zones`` holds the zones as given; each ``results`` table becomes a layer of the same
    name with one feature per row, carrying its zone's geometry (join on ``zone_id``), so a
    per-year table can be filtered or animated by ``year`` in QGIS. Each layer's description
    holds its provenance (JSON).

    Parameters
    ----------
    zones
        Zones GeoDataFrame with ``zone_id`` and a CRS.
    path
        Output ``.gpkg`` file.
    results
        ``{layer name: tidy table with zone_id}``, e.g. ``{"restoration_rate": rates}``.
    force
        Replace an existing file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from shapely.geometry import box
    >>> z = gpd.GeoDataFrame({"zone_id": ["a"]}, geometry=[box(0, 0, 1, 1)], crs=4548)
    >>> r = pd.DataFrame({"zone_id": ["a", "a"], "year": [2020, 2024],
    ...                   "restoration_rate": [0.5, 0.8]})
    >>> p = to_geopackage(z, pathlib.Path(tempfile.mkdtemp()) / "z.gpkg", results={"rates": r})
    >>> len(gpd.read_file(p, layer="rates"))
    2
    """
    zones = require_crs(zones, what="zones")
    if "zone_id" not in zones.columns:
        raise SchemaError("zones lack the column 'zone_id'")
    out = _target(path, force)
    if out.exists():
        out.unlink()
    geometry = zones[["zone_id", "geometry"]].assign(zone_id=zones["zone_id"].astype(str))
    layers: dict[str, gpd.GeoDataFrame] = {"zones": zones}
    for name, table in (results or {}).items():
        if "zone_id" not in table.columns:
            raise SchemaError(f"results table {name!r} has no 'zone_id' column to join on")
        joined = geometry.merge(table.assign(zone_id=table["zone_id"].astype(str)), on="zone_id")
        joined.attrs = dict(table.attrs)
        layers[str(name)] = gpd.GeoDataFrame(joined, geometry="geometry", crs=zones.crs)
    for name, layer in layers.items():
        prov = layer.attrs.get("provenance", {})
        layer.to_file(
            out,
            layer=name,
            driver="GPKG",
            engine="pyogrio",
            layer_options={"DESCRIPTION": json.dumps(prov, ensure_ascii=False, default=str)},
        )
    return out
