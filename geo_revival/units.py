"""Area units: square metres, mu (亩), hectares and square kilometres.

The single place where unit factors live. 1 mu = 10000/15 m² exactly, so
15 mu = 1 ha and 1 km² = 1500 mu. Factors are exact :class:`fractions.Fraction`
values; conversions of floats multiply by their float value.

Examples
--------
>>> to_mu(10_000.0, "m2")
15.0
>>> convert(1.0, "km2", "mu")
1500.0
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from geo_revival.exceptions import SchemaError

__all__ = [
    "M2_PER_UNIT",
    "AreaUnit",
    "add_area_columns",
    "area_column",
    "convert",
    "to_ha",
    "to_km2",
    "to_m2",
    "to_mu",
]

AreaUnit = Literal["m2", "mu", "ha", "km2"]

#: Square metres in one unit, exact.
M2_PER_UNIT: dict[str, Fraction] = {
    "m2": Fraction(1),
    "mu": Fraction(10_000, 15),
    "ha": Fraction(10_000),
    "km2": Fraction(1_000_000),
}

_ALIASES = {
    "m²": "m2", "sqm": "m2", "m^2": "m2",
    "亩": "mu",
    "hectare": "ha", "hectares": "ha", "公顷": "ha",
    "km²": "km2", "km^2": "km2", "sqkm": "km2", "平方公里": "km2",
}

T = TypeVar("T", float, "npt.NDArray[np.floating]", "pd.Series")


def _unit(name: str) -> str:
    key = name.lower()  # the aliases are lower case
    key = _ALIASES.get(key, key)
    if key not in M2_PER_UNIT:
        raise SchemaError(
            f"Unknown area unit {name!r}; use one of {sorted(M2_PER_UNIT)} "
            "(aliases such as 'km²', '亩', 'hectare' are accepted)."
        )
    return key


def factor(from_unit: str, to_unit: str) -> Fraction:
    """Return the exact factor that converts ``from_unit`` to ``to_unit``.

    Examples
    --------
    >>> factor("ha", "mu")
    Fraction(15, 1)
    """
    return M2_PER_UNIT[_unit(from_unit)] / M2_PER_UNIT[_unit(to_unit)]


def convert(value: T, from_unit: str, to_unit: str) -> T:
    """Convert an area (scalar, array or Series) between units.

    Parameters
    ----------
    value
        Area in ``from_unit``.
    from_unit, to_unit
        One of ``"m2"``, ``"mu"``, ``"ha"``, ``"km2"`` (or an alias).

    Returns
    -------
    Same type as ``value``.

    Examples
    --------
    >>> convert(42_784, "mu", "km2")  # the 14th FYP treatment target
    28.522666666666666
    """
    f = factor(from_unit, to_unit)
    if f.denominator == 1:
        return value * f.numerator
    # Multiply then divide by integers so that e.g. 15 mu -> exactly 1 ha.
    return value * f.numerator / f.denominator


def to_m2(value: T, unit: str) -> T:
    """Convert ``value`` in ``unit`` to square metres."""
    return convert(value, unit, "m2")


def to_mu(value: T, unit: str = "m2") -> T:
    """Convert ``value`` in ``unit`` (default m²) to mu."""
    return convert(value, unit, "mu")


def to_ha(value: T, unit: str = "m2") -> T:
    """Convert ``value`` in ``unit`` (default m²) to hectares."""
    return convert(value, unit, "ha")


def to_km2(value: T, unit: str = "m2") -> T:
    """Convert ``value`` in ``unit`` (default m²) to square kilometres."""
    return convert(value, unit, "km2")


def area_column(unit: str) -> str:
    """Return the column name that holds areas in ``unit``, e.g. ``"area_mu"``."""
    return f"area_{_unit(unit)}"


def add_area_columns(
    df: pd.DataFrame,
    m2_column: str = "area_m2",
    units: tuple[str, ...] = ("ha", "mu"),
    prefix: str = "area",
) -> pd.DataFrame:
    """Return a copy of ``df`` with area columns in ``units`` derived from ``m2_column``.

    Examples
    --------
    >>> add_area_columns(pd.DataFrame({"area_m2": [10_000.0]}))["area_mu"].item()
    15.0
    """
    out = df.copy()
    for u in units:
        out[f"{prefix}_{_unit(u)}"] = convert(out[m2_column].astype(float), "m2", u)
    return out
