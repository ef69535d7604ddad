"""The report's results: the accounting and plan comparison it shows, computed once.

:func:`_compute` runs :func:`geo_revival.restoration.account` and :func:`geo_revival.plan.progress`
and keeps their warnings as notes; :func:`_tables` names the tables the report writes;
:func:`_districts` and :func:`_lakes` read the context layers drawn on the maps once per report.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from geo_revival.exceptions import SchemaError
from geo_revival.report._inputs import ReportInputs


@dataclass
class _Results:
    inputs: ReportInputs
    rules: Any
    year: int
    accounting: Any
    progress: pd.DataFrame
    notes: list[str]
    reference: pd.DataFrame | None = None
    #: Context layers drawn on the maps, read once per report (see :func:`_districts`).
    _context: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)


def _compute(inputs: ReportInputs, rules: Any, year: int | None) -> _Results:
    from geo_revival.plan import progress
    from geo_revival.restoration import account, load_rules

    ruleset = load_rules(rules)
    years = sorted(int(y) for y in inputs.landcover["year"].values)
    report_year = years[-1] if year is None else int(year)
    if report_year not in years:
        raise SchemaError(
            f"year {report_year} is not in the land cover (years {years}); pass one of them"
        )
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        acc = account(inputs.zones, inputs.landcover, projects=inputs.projects, rules=ruleset)
        prog = progress(
            acc.status, acc.state_transitions, inputs.zones, reference=inputs.reference
        )
    for w in caught:
        if issubclass(w.category, UserWarning):
            text = f"{w.category.__name__}: {w.message}"
            if text not in notes:
                notes.append(text)
    reference = None
    if inputs.reference is not None:
        from geo_revival.plan import read_reference

        reference = read_reference(inputs.reference)
    return _Results(inputs, ruleset, report_year, acc, prog, notes, reference)


def _tables(r: _Results) -> dict[str, pd.DataFrame]:
    acc = r.accounting
    return {
        "restoration_rate": acc.rates,
        "restoration_status": acc.status,
        "reclaimed_area": acc.flows,
        # margin_mu / margin_pp split `margin` by unit: writing all three would repeat it.
        "progress": r.progress.drop(columns=["margin"])
        if {"margin_mu", "margin_pp"} <= set(r.progress.columns)
        else r.progress,
        "class_areas": acc.class_areas,
        "transitions": acc.transitions,
        **({"reference_sample": r.reference} if r.reference is not None else {}),
    }


def _districts(r: _Results) -> gpd.GeoDataFrame:
    # The maps, the interactive map and the summary all draw them: read the bundled file once.
    if r.inputs.districts is not None:
        return r.inputs.districts
    if "districts" not in r._context:
        from geo_revival.zones import load_districts

        r._context["districts"] = load_districts()
    return r._context["districts"]


def _lakes(r: _Results) -> gpd.GeoDataFrame:
    if "lakes" not in r._context:
        from geo_revival.zones import load_lakes

        r._context["lakes"] = load_lakes()
    return r._context["lakes"]
