"""Plan targets, baselines and the zone catalogue, read from versioned data files.

The figures live in ``geo_revival/data/targets.csv`` and ``geo_revival/data/zones.csv`` with their
source passage (see ``geo_revival/data/SOURCE.md``); this module only reads and types them.

Examples
--------
>>> get_target("subsidence_treated_area")
42784.0
>>> get_target("subsidence_restoration_rate", year=2027)
0.78
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pandas as pd

from geo_revival.exceptions import PlanLookupError
from geo_revival.provenance import provenance
from geo_revival.units import convert

__all__ = ["get_target", "plan_targets", "zone_catalogue"]

_DATA = files("geo_revival") / "data"

_TARGET_DTYPES = {
    "indicator_id": "string",
    "name_zh": "string",
    "name_en": "string",
    "value": "float64",
    "unit": "string",
    "year": "Int64",
    "period_start": "Int64",
    "period_end": "Int64",
    "kind": "string",
    "scope": "string",
    "source_doc": "string",
    "source_section": "string",
    "note": "string",
}

_ZONE_DTYPES = {
    "zone_id": "string",
    "name_zh": "string",
    "name_en": "string",
    "category": "string",
    "category_zh": "string",
    "official_area_km2": "float64",
    "official_area_approx": "boolean",
    "people": "Int64",
    "people_approx": "boolean",
    "adcode": "string",
    "district_zh": "string",
    "city": "string",
    "source_doc": "string",
    "source_section": "string",
    "note": "string",
}


def _read(name: str, dtypes: dict[str, str]) -> tuple[pd.DataFrame, Path]:
    path = Path(str(_DATA / name))
    # keep_default_na=False + na_values=[""]: only empty cells are missing, never "NA" text.
    df = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])
    return df, path


def plan_targets() -> pd.DataFrame:
    """Return every target, baseline and reported achievement of the two plans.

    Returns
    -------
    pandas.DataFrame
        One row per indicator and year: ``indicator_id, name_zh, name_en, value, unit, year,
        period_start, period_end, kind, scope, source_doc, source_section, note``. Rates are
        fractions (``unit == "fraction"``). ``attrs["provenance"]`` records the file and its hash.

    Examples
    --------
    >>> t = plan_targets()
    >>> t.loc[t["indicator_id"] == "key_subsidence_treated_area", "value"].item()
    17788.0
    """
    df, path = _read("targets.csv", _TARGET_DTYPES)
    df.attrs["provenance"] = provenance("plan_targets", inputs=[path])
    return df


def get_target(indicator_id: str, year: int | None = None, kind: str | None = None) -> float:
    """Return the single value of an indicator, optionally for a year and kind.

    Parameters
    ----------
    indicator_id
        E.g. ``"subsidence_treated_area"`` or ``"subsidence_restoration_rate"``.
    year
        The year the value refers to (needed when the indicator has several years).
    kind
        ``"target"``, ``"actual"`` or ``"baseline"``.

    Raises
    ------
    PlanLookupError
        If no row or more than one row matches; the message lists what exists.

    Examples
    --------
    >>> get_target("subsidence_restoration_rate", year=2024, kind="actual")
    0.752
    """
    t = plan_targets()
    rows = t[t["indicator_id"] == indicator_id]
    if rows.empty:
        known = ", ".join(sorted(t["indicator_id"].unique()))
        raise PlanLookupError(f"Unknown indicator_id {indicator_id!r}; known indicators: {known}.")
    if year is not None:
        rows = rows[rows["year"] == year]
    if kind is not None:
        rows = rows[rows["kind"] == kind]
    if len(rows) != 1:
        options = t.loc[t["indicator_id"] == indicator_id, ["year", "kind"]]
        listed = ", ".join(f"(year={y}, kind={k!r})" for y, k in options.itertuples(index=False))
        problem = "No value" if rows.empty else f"{len(rows)} values"
        raise PlanLookupError(
            f"{problem} for indicator_id={indicator_id!r}, year={year!r}, kind={kind!r}. "
            f"Available: {listed}. Pass year= and/or kind= to pick one."
        )
    return float(rows["value"].iloc[0])


def zone_catalogue() -> pd.DataFrame:
    """Return the 15 zones of plan 000's 专栏1 with category, names, official area and people.

    Returns
    -------
    pandas.DataFrame
        ``zone_id`` (stable slug), ``name_zh``, ``name_en``, ``category`` (project vocabulary,
        see :data:`geo_revival.zones.ZONE_CATEGORIES`), ``category_zh``, ``official_area_km2``,
        ``official_area_mu``, ``official_area_approx``, ``people`` (nullable int),
        ``people_approx``, ``adcode`` (nullable str), ``district_zh``, ``city``, ``source``,
        ``source_doc``, ``source_section``, ``note``.

    Examples
    --------
    >>> z = zone_catalogue().set_index("zone_id")
    >>> z.loc["xz_jiawang_key_subsidence", "official_area_mu"]
    np.float64(139350.0)
    """
    df, path = _read("zones.csv", _ZONE_DTYPES)
    columns = list(df.columns)
    df.insert(
        columns.index("official_area_km2") + 1,
        "official_area_mu",
        convert(df["official_area_km2"], "km2", "mu"),
    )
    df.insert(
        columns.index("source_doc") + 1,  # +1: official_area_mu was inserted before it
        "source",
        "plan " + df["source_doc"] + " " + df["source_section"],
    )
    df.attrs["provenance"] = provenance("zone_catalogue", inputs=[path])
    return df
