"""``geo-revival report``: the yearly report bundle."""

from __future__ import annotations

from typing import Annotated

import typer

from geo_revival.cli._app import (
    CategoryColumnOpt,
    CoordsOpt,
    DefaultCategoryOpt,
    IdColumnOpt,
    LayerOpt,
    Opt,
    PlannedUseColumnOpt,
    app,
    exit_codes,
)


@app.command()
def report(
    out: Annotated[
        str, Opt("--out", "-o", help="Output folder; must be empty unless --force.")
    ] = "report",
    zones: Annotated[
        str | None, Opt(help="Zone layer (GeoPackage, Shapefile ...). Default: simulated demo.")
    ] = None,
    landcover: Annotated[
        list[str] | None, Opt(help="Land-cover raster file, glob or folder (repeatable).")
    ] = None,
    legend: Annotated[str | None, Opt(help="Legend of the land cover, e.g. clcd.")] = None,
    rules: Annotated[str, Opt(help="Rule set name or TOML file.")] = "default",
    year: Annotated[int | None, Opt(help="Report year (default: the latest).")] = None,
    force: Annotated[bool, Opt("--force", help="Replace a non-empty output folder.")] = False,
    rasters: Annotated[
        bool, Opt("--rasters/--no-rasters", help="Write the land cover as COGs.")
    ] = True,
    quiet: Annotated[bool, Opt("--quiet", "-q", help="No progress bar.")] = False,
    coords: CoordsOpt = None,
    id_column: IdColumnOpt = "zone_id",
    category_column: CategoryColumnOpt = "category",
    default_category: DefaultCategoryOpt = None,
    planned_use_column: PlannedUseColumnOpt = "planned_use",
    layer: LayerOpt = None,
) -> None:
    """Write the yearly report: tables, GeoPackage, maps, charts, HTML/PDF summary.

    Exit codes: 0 written; 2 invalid input; 3 output folder not empty (use --force); 1 other.
    """
    from geo_revival.report import build_report

    sources = None if not landcover else landcover[0] if len(landcover) == 1 else landcover
    zone_options = {
        "coords": None if coords is None else coords.value,
        "id_column": id_column,
        "category_column": category_column,
        "default_category": default_category,
        "planned_use_column": planned_use_column,
        "layer": int(layer) if layer is not None and layer.isdigit() else layer,
    }
    with exit_codes():
        path = build_report(
            out, zones=zones, landcover=sources, legend=legend, rules=rules, year=year,
            force=force, rasters=rasters, progress=not quiet, zone_options=zone_options,
        )
    typer.echo(f"report written to {path}/ (open {path / 'index.html'})")
