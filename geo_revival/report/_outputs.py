"""The report's files: tables, GeoPackage, figures, interactive map, provenance and summary.

Each writer takes the computed results (:mod:`geo_revival.report._results`) and writes into the
report folder; the tables go through the exporters (:mod:`geo_revival.report._export`), the
charts and maps through :mod:`geo_revival.mapping`, the summary pages through
:mod:`geo_revival.report._summary`.
"""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo_revival.provenance import file_sha256
from geo_revival.report._results import _districts, _lakes, _Results, _tables


# -- tables ----------------------------------------------------------------------------------
def _file_name(stem: str, suffix: str, simulated: bool) -> str:
    """File name of a report output; simulated data carry ``simulated`` in their names."""
    return f"{stem}_simulated{suffix}" if simulated else f"{stem}{suffix}"


def _write_tables(r: _Results, folder: Path) -> None:
    from geo_revival.report._export import to_csv, to_geopackage, to_xlsx

    tables = _tables(r)
    (folder / "tables").mkdir()
    sim = r.inputs.simulated
    for name, table in tables.items():
        to_csv(pd.DataFrame(table), folder / "tables" / _file_name(name, ".csv", sim))
    # The per-unit transitions (thousands of rows) stay in CSV; the workbook is for reading.
    to_xlsx(
        {name: t for name, t in tables.items() if name != "transitions"},
        folder / "tables" / _file_name("tables", ".xlsx", sim),
    )
    gpkg = to_geopackage(
        r.inputs.zones,
        folder / _file_name("zones_results", ".gpkg", sim),
        results={
            "restoration_rate": r.accounting.rates,
            "reclaimed_area": r.accounting.flows,
        },
    )
    _write_adjusted_layers(r, gpkg)


def _write_adjusted_layers(r: _Results, gpkg: Path) -> None:
    """Add the verdict (map count, adjusted estimate, CI) and the reference sample points."""
    verdict = r.progress.drop(columns=["zone_ids"]).copy()
    verdict["verdict_uses"] = verdict["estimate_basis"]
    pd.DataFrame(verdict).pipe(
        lambda t: gpd.GeoDataFrame(t, geometry=[None] * len(t), crs=r.inputs.zones.crs)
    ).to_file(gpkg, layer="progress_verdict", driver="GPKG")
    if r.reference is not None and {"x", "y"} <= set(r.reference.columns):
        points = gpd.GeoDataFrame(
            r.reference, geometry=gpd.points_from_xy(r.reference["x"], r.reference["y"]),
            crs=r.inputs.zones.crs,
        )
        points.to_file(gpkg, layer="reference_sample", driver="GPKG")


# -- figures and maps ------------------------------------------------------------------------
def _adjusted_title(r: _Results) -> str | None:
    """Map title naming the adjusted rate next to the map count, when a sample is given."""
    rows = r.progress[
        (r.progress["indicator_id"] == "subsidence_restoration_rate")
        & (r.progress["year"] == r.year) & (r.progress["kind"] == "observed")
        & (r.progress["estimate_basis"] == "adjusted")
    ]
    if rows.empty:
        return None
    p = rows.iloc[0]
    return (
        f"采煤沉陷区治理和生态修复率 Restoration rate · {r.year} — "
        "全部沉陷区 all subsidence zones: "
        f"校正 adjusted {p['value'] * 100:.1f} % (95 % CI {p['lower'] * 100:.1f}–"
        f"{p['upper'] * 100:.1f} %), 制图 map {p['map_value'] * 100:.1f} %; "
        "zone colours: map counts"
    )


def _indicator_zones(prog: pd.DataFrame) -> dict[str, list[str]]:
    """Zones each plan indicator sums (from the progress table's ``zone_ids``)."""
    out: dict[str, list[str]] = {}
    for ind, rows in prog.groupby("indicator_id", sort=False):
        ids = ";".join(rows["zone_ids"].dropna().astype(str)).split(";")
        out[str(ind)] = list(dict.fromkeys(z for z in ids if z))
    return out


def _figures(r: _Results, folder: Path) -> dict[str, Path]:
    from geo_revival.mapping.charts import (
        rate_chart,
        transition_flow_chart,
        treated_area_chart,
        zone_bar_chart,
    )
    from geo_revival.mapping.static import save_figure, static_map

    figs = folder / "figures"
    figs.mkdir()
    zones, lc, sim = r.inputs.zones, r.inputs.landcover, r.inputs.simulated
    out: dict[str, Path] = {}
    for layout in ("landscape", "portrait"):
        fig = static_map(
            zones,
            r.accounting.rates,
            year=r.year,
            landcover=lc,
            districts=_districts(r),
            lakes=_lakes(r),
            layout=layout,
            simulated=sim,
            title=_adjusted_title(r),
        )
        out[f"map_{layout}"] = save_figure(fig, figs / f"map_{layout}")[0]
    prog = r.progress
    members = _indicator_zones(prog) if not prog.empty else {}
    treated = [
        i for i in ("subsidence_treated_area", "key_subsidence_treated_area") if i in members
    ]
    if treated:
        out["treated_area"] = save_figure(
            treated_area_chart(prog, treated, simulated=sim, zones=zones), figs / "treated_area"
        )[0]
    if "subsidence_restoration_rate" in members:
        out["restoration_rate_plan"] = save_figure(
            rate_chart(prog, simulated=sim, zones=zones), figs / "restoration_rate_plan"
        )[0]
    # One zone chart per rate indicator, each against its own plan figure for the year.
    rate_indicators = [
        i for i in members if (prog.loc[prog["indicator_id"] == i, "unit"] == "fraction").all()
    ]
    counted: set[str] = set()
    for ind in rate_indicators:
        rows = prog[(prog["indicator_id"] == ind) & (prog["year"] == r.year)]
        ref = rows["reference"].dropna()
        name = f"{rows['name_zh'].iloc[0]} {rows['name_en'].iloc[0]}" if len(rows) else ind
        reference = {f"{r.year} 规划参照 plan reference": float(ref.iloc[0])} if len(ref) else None
        out[f"zone_rates_{ind}"] = save_figure(
            zone_bar_chart(
                r.accounting.rates, zones, year=r.year, simulated=sim, reference=reference,
                zone_ids=members[ind], title=f"{name} · {r.year}",
            ),
            figs / f"zone_rates_{ind}",
        )[0]
        counted |= set(members[ind])
    others = [z for z in zones["zone_id"].astype(str) if z not in counted]
    if others:
        out["zone_rates_other"] = save_figure(
            zone_bar_chart(
                r.accounting.rates, zones, year=r.year, simulated=sim, zone_ids=others,
                title=f"其他区块（无规划指标）Other zones (no plan indicator) · {r.year}",
            ),
            figs / "zone_rates_other",
        )[0]
    base = int(lc["year"].values.min())
    if r.year > base:
        # Flows of the zones the subsidence indicators count (else all zones), not a sum
        # over whole districts that would dwarf the treated areas.
        flow_zones = members.get("subsidence_restoration_rate") or None
        for key, kwargs in (
            ("state_flows", {"source": "from_state", "target": "to_state"}),
            ("transitions", {"legend": lc.attrs.get("legend")}),
        ):
            acc = r.accounting
            table = acc.state_transitions if key == "state_flows" else acc.transitions
            out[key] = save_figure(
                transition_flow_chart(
                    table, from_year=base, to_year=r.year, simulated=sim, zone_ids=flow_zones,
                    zones=zones, **kwargs,
                ),
                figs / key,
            )[0]
    return out


def _interactive(r: _Results, folder: Path) -> Path:
    from geo_revival.mapping.interactive import progress_map, save_map

    m = progress_map(
        r.inputs.zones,
        r.accounting.rates,
        year=r.year,
        landcover=r.inputs.landcover,
        districts=_districts(r),
        simulated=r.inputs.simulated,
        title=_adjusted_title(r),
    )
    return save_map(m, folder / "progress_map.html")


# -- summary ---------------------------------------------------------------------------------
def _provenance_record(r: _Results, parameters: dict[str, Any]) -> dict[str, Any]:
    from geo_revival import __version__

    return {
        "package_version": __version__,
        "created_utc": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "simulated": r.inputs.simulated,
        "parameters": parameters,
        "rule_set": {
            "name": r.rules.name,
            "sha256": r.rules.sha256,
            "origin": r.rules.origin,
            "title": r.rules.title,
        },
        "legend": r.inputs.landcover.attrs.get("legend"),
        "inputs": {str(p): file_sha256(p) for p in r.inputs.files if Path(p).is_file()},
        "sources": r.inputs.sources,
        "tables": {name: t.attrs.get("provenance") for name, t in _tables(r).items() if t.attrs},
        "notes": r.notes,
    }


def _basis_note(r: _Results) -> str:
    if r.reference is None:
        return (
            "No reference sample was given: every value is an UNADJUSTED MAP COUNT (pixel count "
            "of the classified map, biased by its errors) and the status uses the point value. "
            "Give one (--reference sheet.csv) for error-adjusted estimates with 95 % CIs."
        )
    return (
        f"Reference sample of {len(r.reference)} units: where the basis says 'adjusted', the "
        "verdict uses the error-adjusted estimate (Olofsson et al. 2014; rates: combined ratio "
        "estimator, Cochran 1977 §6.11) and its 95 % CI — ahead/behind only when the whole "
        "interval is above/below the band, 'undetermined' when it straddles an edge; "
        "p_target_met = probability that the true value reaches the plan reference. The map "
        "count is shown next to it."
    )


def _title(year: int) -> str:
    return f"采煤沉陷区修复监测年报 {year} · Restoration monitoring report {year}"


def _write_summary(
    r: _Results, figures: dict[str, Path], prov: dict[str, Any], folder: Path
) -> None:
    from geo_revival.report._summary import summary_html, summary_pdf

    sim = r.inputs.simulated
    links = {
        "交互地图 Interactive map": "progress_map.html",
        "一页摘要 One-page summary (PDF)": "summary.pdf",
        "表格 Tables (XLSX)": f"tables/{_file_name('tables', '.xlsx', sim)}",
        "GeoPackage": _file_name("zones_results", ".gpkg", sim),
        "provenance.json": "provenance.json",
    }
    (folder / "index.html").write_text(
        summary_html(
            title=_title(r.year), year=r.year, progress=r.progress, zones=r.inputs.zones,
            simulated=sim, figures=figures, prov=prov, sources=r.inputs.sources,
            notes=r.notes, folder=folder, links=links, basis_note=_basis_note(r),
        ),
        encoding="utf-8",
    )
    sources = dict(r.inputs.sources)
    if r.inputs.districts is None and not _districts(r).intersects(
        r.inputs.zones.to_crs(_districts(r).crs).union_all()
    ).any():
        # The bundled districts are drawn only where the zones are: no credit elsewhere.
        sources = {k: v for k, v in sources.items() if not k.startswith("boundaries")}
    summary_pdf(
        folder / "summary.pdf", title=_title(r.year), year=r.year, progress=r.progress,
        zones=r.inputs.zones, rates=r.accounting.rates, landcover=r.inputs.landcover,
        districts=_districts(r), simulated=sim, sources=sources, prov=prov,
    )
