"""Input checks shared by every subpackage: columns, zone ids, option strings, renamed keywords.

Each check lives here once; subpackages call these instead of writing their own. Land-cover
arrays are checked and normalised by :func:`geo_revival.landcover.as_landcover`, zone inputs by
:func:`geo_revival.zones.as_zones`.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd

from geo_revival.crs import require_crs
from geo_revival.exceptions import OptionError, SchemaError

__all__ = [
    "check_option",
    "check_zone_ids",
    "renamed_keywords",
    "require_columns",
    "require_zones",
    "zones_first",
]

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def require_columns(table: pd.DataFrame, columns: Iterable[str], *, what: str, hint: str) -> None:
    """Raise :class:`SchemaError` naming the ``columns`` that ``table`` lacks, and ``hint``.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a"], what="results", hint="")
    """
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise SchemaError(f"{what} lack columns {missing}; {hint}")


def require_zones(zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return ``zones`` if it has a CRS and a ``zone_id`` column; raise otherwise."""
    zones = require_crs(zones, what="zones")
    if "zone_id" not in zones.columns:
        raise SchemaError("zones lack the column 'zone_id'; load them with load_zones(...)")
    return zones


def check_option(value: T, allowed: Sequence[Any], name: str) -> T:
    """Return ``value`` if it is one of ``allowed``; raise :class:`OptionError` naming them.

    Examples
    --------
    >>> check_option("exact", ("centre", "exact"), "coverage")
    'exact'
    >>> check_option("center", ("centre", "exact"), "coverage")
    Traceback (most recent call last):
    ...
    geo_revival.exceptions.OptionError: coverage must be one of 'centre', 'exact'; got 'center'
    """
    # ``in`` on a tuple would compare numpy arrays element-wise; only hashable scalars are options.
    try:
        ok = value in allowed
    except (TypeError, ValueError):
        ok = False
    if not ok:
        choices = ", ".join(repr(a) for a in allowed)
        raise OptionError(f"{name} must be one of {choices}; got {value!r}")
    return value


def check_zone_ids(
    zones: pd.DataFrame, id_column: str = "zone_id", *, what: str = "zones"
) -> npt.NDArray[Any]:
    """Return the zone ids of ``zones[id_column]``: present, not missing, unique.

    Raises
    ------
    SchemaError
        ``zones`` is empty, lacks ``id_column``, or its ids are missing or repeated.

    Examples
    --------
    >>> check_zone_ids(pd.DataFrame({"zone_id": ["a", "b"]})).tolist()
    ['a', 'b']
    """
    if len(zones) == 0:
        raise SchemaError(f"{what} is empty: there is nothing to overlay")
    if id_column not in zones.columns:
        raise SchemaError(
            f"{what} have no column {id_column!r} (columns: {list(zones.columns)}); "
            "pass id_column=<the column with unique zone ids>"
        )
    ids = zones[id_column]
    if ids.isna().any():
        raise SchemaError(f"zone id column {id_column!r} of {what} has missing values")
    dupes = ids[ids.duplicated()].unique().tolist()
    if dupes:
        raise SchemaError(f"zone ids of {what} must be unique; repeated: {dupes[:10]}")
    return np.asarray(ids.to_numpy())


def renamed_keywords(**renames: str) -> Callable[[F], F]:
    """Accept old keyword names (``old="new"``) with a :class:`DeprecationWarning`.

    Examples
    --------
    >>> @renamed_keywords(zone_id="id_column")
    ... def f(*, id_column="zone_id"):
    ...     return id_column
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     f(zone_id="unit_id")
    'unit_id'
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f"{func.__name__}() got both {old}= and {new}=")
                    warnings.warn(
                        f"{func.__name__}({old}=...) is deprecated; use {new}=...",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def zones_first(first: Any, second: Any, function: str) -> tuple[Any, Any]:
    """Return ``(zones, landcover)`` from a call made in either order (old order warns).

    Every function taking both takes ``(zones, landcover, ...)``; a few used to take the land
    cover first. A DataArray given first is recognised and swapped with a
    :class:`DeprecationWarning`.

    Examples
    --------
    >>> zones_first("zones.gpkg", "lc", "class_areas")
    ('zones.gpkg', 'lc')
    """
    import xarray as xr

    if isinstance(first, xr.DataArray) and not isinstance(second, xr.DataArray):
        warnings.warn(
            f"{function}(landcover, zones, ...) is deprecated; call {function}(zones, "
            "landcover, ...) as every function taking both does",
            DeprecationWarning,
            stacklevel=3,
        )
        return second, first
    return first, second
