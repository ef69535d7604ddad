"""``geo-revival report``: the yearly report bundle."""

from __future__ import annotations

from typing import Annotated

import typer

from geo_revival.cli._app import Opt, app


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
) -> None:
    """Write the yearly report: tables, GeoPackage, maps, charts, HTML/PDF summary.

    Exit codes: 0 written; 2 invalid input; 3 output folder not empty (use --force); 1 other.
    """
    from geo_revival.exceptions import GeoRevivalError, OutputExistsError
    from geo_revival.report import build_report

    sources = None if not landcover else landcover[0] if len(landcover) == 1 else landcover
    try:
        path = build_report(
            out, zones=zones, landcover=sources, legend=legend, rules=rules, year=year,
            force=force, rasters=rasters, progress=not quiet,
        )
    except OutputExistsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(3) from None
    except (GeoRevivalError, FileNotFoundError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"report written to {path}/ (open {path / 'index.html'})")
