"""The yearly monitoring report: one folder with tables, GeoPackage, figures, maps and a summary.

:func:`build_report` runs the steps in order: it reads the inputs (``_inputs``), has
``_results`` run the accounting (:func:`geo_revival.restoration.account`) and the plan
comparison (:func:`geo_revival.plan.progress`), and hands their tables to the writers of the
files (``_outputs``). It computes nothing itself. The folder is written next to its destination
and moved into place only when complete, so a failure leaves nothing half-written; an existing
report replaced with ``force`` is swapped out atomically (see :mod:`geo_revival.report._folder`).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from geo_revival._bars import progress_bar
from geo_revival.crs import quiet_cf_conversion
from geo_revival.exceptions import OutputExistsError, SchemaError
from geo_revival.report._folder import clean_stale, handle_sigterm, new_partial, swap_into_place
from geo_revival.report._inputs import PathLikeStr, ReportInputs, demo_inputs, load_inputs
from geo_revival.report._outputs import (
    _figures,
    _file_name,
    _interactive,
    _provenance_record,
    _write_summary,
    _write_tables,
)
from geo_revival.report._results import _compute

__all__ = ["build_report"]


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
