"""Overlay tables: running the engine for prepared inputs and shaping its counts.

Counts become tidy tables here: nodata rows dropped, class names attached, zone ids and area
columns added, partial coverage warned about and provenance recorded.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from geo_revival._kernels import MAX_LAYERS
from geo_revival.exceptions import (
    CoverageWarning,
    SchemaError,
)
from geo_revival.overlay import _engine as engine
from geo_revival.overlay._inputs import _SHARE_TOL, COVERAGES, Coverage, OverlayInputs
from geo_revival.provenance import provenance
from geo_revival.units import add_area_columns
from geo_revival.validation import check_option, require_columns


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


# -- counting and tables ----------------------------------------------------------------------
def _count(
    setup: OverlayInputs, plan: engine.Plan, coverage: Coverage, progress: bool, client: Any
) -> tuple[pd.DataFrame, ...]:
    """Run the engine; return the (years, pairs, summary, filtered) counts.

    Zones are indices into all zones, years calendar years; ``area_m2`` is set.
    """
    check_option(coverage, COVERAGES, "coverage")
    if len(setup.years) > MAX_LAYERS:
        # The counting kernel holds a pixel's classes of every year at once (one bit a year in
        # trajectories); no land-cover product has more annual maps than this.
        raise SchemaError(
            f"{len(setup.years)} years in one call; the overlay counts at most {MAX_LAYERS} "
            "years at a time: pass years= (or select years) and call it again for the rest."
        )
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

