"""Bilingual (Chinese/English) labels and units of the shared column names.

The labels are data (``geo_revival/data/column_labels.csv``); units come from the column-name
suffixes of docs/design.md (``*_mu``, ``*_ha``, ``*_m2``, ``*_km2``, ``*_rate``).
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from geo_revival.landcover.legend import Legend

__all__ = [
    "DECIMALS",
    "UNITS",
    "bilingual",
    "class_label",
    "column_label",
    "column_unit",
    "figure_columns",
    "output_decimals",
    "value_label",
]

Lang = Literal["en", "zh"]

#: unit suffix -> (English, Chinese) unit label.
UNITS: dict[str, tuple[str, str]] = {
    "mu": ("mu", "亩"),
    "ha": ("ha", "公顷"),
    "m2": ("m²", "平方米"),
    "km2": ("km²", "平方公里"),
    "rate": ("%", "%"),
    "pp": ("percentage points", "百分点"),
}

#: Decimals kept in output files per unit: areas to 0.01 mu (≈ 6.7 m², 0.0007 ha), rates
#: (fractions) to 0.01 % = 4 decimals, percentage points to 0.01. The figures are estimates
#: from 10-30 m pixels: more digits would only carry floating-point noise.
DECIMALS: dict[str, int] = {"mu": 2, "ha": 4, "m2": 0, "km2": 6, "rate": 4, "pp": 2}
#: Columns whose unit is given per row by a ``unit`` column (long tables such as progress).
_ROW_UNIT_COLUMNS = (
    *("value", "lower", "upper", "reference", "tolerance", "map_value", "se"),
    *("estimate", "ci_low", "ci_high"),
)
#: Decimals of unitless quantities that have a natural precision (coordinates: ~0.1 m,
#: probabilities: 0.1 percentage point); other unitless floats keep 6 significant digits.
_COLUMN_DECIMALS = {"lon": 6, "lat": 6, "x": 2, "y": 2, "p_target_met": 3}
#: Row unit names (``unit`` column) -> unit keys of :data:`DECIMALS`.
_ROW_UNITS = {"mu": "mu", "ha": "ha", "m2": "m2", "km2": "km2", "fraction": "rate", "rate": "rate"}


@cache
def _table() -> dict[str, tuple[str, str]]:
    text = (resources.files("geo_revival") / "data" / "column_labels.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {r["column"]: (r["label_en"], r["label_zh"]) for r in rows}


def column_unit(column: str) -> str | None:
    """Return the unit suffix of ``column``: ``"mu"``, ``"ha"``, ``"m2"``, ``"km2"``, ``"rate"``.

    None when the name carries no unit.

    Examples
    --------
    >>> column_unit("treated_area_mu"), column_unit("restoration_rate"), column_unit("year")
    ('mu', 'rate', None)
    """
    suffix = column.rsplit("_", 1)[-1]
    return suffix if suffix in UNITS and "_" in column else None


def output_decimals(column: str, row_unit: str | None = None) -> int | None:
    """Decimals to keep when writing ``column`` (None: not a measured quantity).

    Columns named with a unit suffix use :data:`DECIMALS`; the value columns of long tables
    (``value``, ``lower``, ``reference`` …) use the row's ``unit`` (``"mu"``, ``"fraction"``).

    Examples
    --------
    >>> output_decimals("area_mu"), output_decimals("restoration_rate")
    (2, 4)
    >>> output_decimals("value", "fraction"), output_decimals("year")
    (4, None)
    """
    if column in _COLUMN_DECIMALS:
        return _COLUMN_DECIMALS[column]
    unit = column_unit(column)
    if unit is None and column in _ROW_UNIT_COLUMNS and row_unit is not None:
        unit = _ROW_UNITS.get(str(row_unit))
    return DECIMALS.get(unit) if unit else None


def _stem(column: str) -> str:
    unit = column_unit(column)
    return column if unit in (None, "rate") else column[: -len(str(unit)) - 1]


def column_label(column: str, lang: Lang = "en", *, unit: bool = True) -> str:
    """Label of ``column`` in ``lang``, with its unit in brackets when ``unit`` is true.

    Rates are labelled in % (they are stored as fractions and shown as percentages).

    Examples
    --------
    >>> column_label("treated_area_mu")
    'Treated area (mu)'
    >>> column_label("treated_area_mu", "zh")
    '治理面积（亩）'
    """
    table = _table()
    stem = _stem(column)
    en, zh = table.get(column) or table.get(stem) or (stem.replace("_", " "), "")
    text = zh if lang == "zh" and zh else en
    u = column_unit(column)
    if unit and u:
        name = UNITS[u][1 if lang == "zh" else 0]
        text = f"{text}（{name}）" if lang == "zh" else f"{text} ({name})"
    return text


def bilingual(column: str, *, unit: bool = True, sep: str = " / ") -> str:
    """Chinese and English label of ``column`` in one string.

    Examples
    --------
    >>> bilingual("area_mu")
    '面积（亩） / Area (mu)'
    """
    zh = column_label(column, "zh", unit=unit)
    en = column_label(column, "en", unit=unit)
    return en if zh == en else f"{zh}{sep}{en}"


def class_label(legend: Legend, code: int) -> str:
    """Chinese and English name of a legend class, e.g. ``"耕地 Cropland"``.

    Examples
    --------
    >>> from geo_revival.landcover.legend import get_legend
    >>> class_label(get_legend("clcd"), 5)
    '水体 Water'
    """
    cls = legend[code]
    return " ".join(dict.fromkeys(n for n in (cls.name_zh, cls.name_en) if n))


def figure_columns(df: Any, first: str | None = None) -> list[str]:
    """Numeric columns worth showing to a reader, ``first`` first.

    Keys (``zone_id``, ``year``, ``base_year``, ``pixels``) are left out, and an area given in
    mu is not repeated in m² and ha.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"zone_id": ["a"], "year": [2024], "area_m2": [1.0], "area_ha": [1.0],
    ...                   "area_mu": [1.0], "restoration_rate": [0.5]})
    >>> figure_columns(t, "restoration_rate")
    ['restoration_rate', 'area_mu']
    """
    import pandas as pd

    keys = {"zone_id", "year", "base_year", "from_year", "to_year", "pixels"}
    cols = [
        c
        for c in df.columns
        if c not in keys
        and pd.api.types.is_numeric_dtype(df[c])
        and not pd.api.types.is_bool_dtype(df[c])
    ]
    stems_in_mu = {c[:-3] for c in cols if c.endswith("_mu")}
    cols = [c for c in cols if not (column_unit(c) in ("m2", "ha") and _stem(c) in stems_in_mu)]
    if first is not None:
        cols = [first, *[c for c in cols if c != first]]
    return cols


@cache
def _values() -> dict[tuple[str, str], tuple[str, str]]:
    text = (resources.files("geo_revival") / "data" / "value_labels.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {(r["column"], r["value"]): (r["label_en"], r["label_zh"]) for r in rows}


def value_label(column: str, value: object) -> str:
    """Return the Chinese and English label of a coded value (zone category, planned use).

    Values without a label are returned as they are.

    Examples
    --------
    >>> value_label("planned_use", "water")
    '宜水 water'
    """
    en, zh = _values().get((column, str(value)), (str(value), ""))
    return f"{zh} {en}".strip()
