"""Command line ``geo-revival``: a thin typer layer over the public functions.

Examples
--------
.. code-block:: bash

    geo-revival targets               # plan targets and baselines as a table
    geo-revival zones --format csv    # zone catalogue as CSV
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from geo_revival import __version__
from geo_revival.plan import plan_targets, zone_catalogue

__all__ = ["app"]

app = typer.Typer(
    name="geo-revival",
    help="Monitor land restoration in coal-mining subsidence areas against the plan targets.",
    no_args_is_help=True,
    add_completion=False,
)


class OutputFormat(str, Enum):
    """How tables are printed."""

    table = "table"
    csv = "csv"


FORMAT_OPTION = typer.Option(OutputFormat.table, "--format", "-f", help="table or csv.")


def _print(df: pd.DataFrame, title: str, fmt: OutputFormat) -> None:
    if fmt is OutputFormat.csv:
        df.to_csv(sys.stdout, index=False)
        return
    table = Table(title=title)
    for i, column in enumerate(df.columns):
        numeric = pd.api.types.is_numeric_dtype(df[column]) and df[column].dtype != bool
        # ids (first column) are never wrapped, so that they can be copied and searched
        width = int(df[column].astype(str).str.len().max()) if i == 0 else None
        table.add_column(
            str(column), justify="right" if numeric else "left", overflow="fold", min_width=width
        )
    for row in df.itertuples(index=False):
        table.add_row(*("" if pd.isna(v) else f"{v:,.6g}" if isinstance(v, float) else str(v)
                        for v in row))
    console = Console()
    if not console.is_terminal:  # pipes and test runners: wide enough not to wrap every cell
        console = Console(width=160)
    console.print(table)


def _version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Geo-revival command line."""


@app.command()
def targets(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Print the plan targets and baselines (rates as fractions)."""
    df = plan_targets()
    if fmt is OutputFormat.table:
        df = df[["indicator_id", "name_zh", "value", "unit", "year", "kind", "scope",
                 "source_doc"]]
    _print(df, "Plan targets and baselines (000: Jiangsu 14th FYP; 004: Xuzhou plan to 2027)", fmt)


@app.command()
def zones(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Print the catalogue of the 15 zones of the Jiangsu plan (专栏1)."""
    df = zone_catalogue()
    if fmt is OutputFormat.table:
        df = df[["zone_id", "name_zh", "category", "official_area_km2", "official_area_mu",
                 "people", "adcode", "city"]]
    _print(df, "Zone catalogue (plan 000, 专栏1; official areas)", fmt)


_Opt = typer.Option


@app.command()
def report(
    out: Annotated[
        str, _Opt("--out", "-o", help="Output folder; must be empty unless --force.")
    ] = "report",
    zones: Annotated[
        str | None, _Opt(help="Zone layer (GeoPackage, Shapefile ...). Default: simulated demo.")
    ] = None,
    landcover: Annotated[
        list[str] | None, _Opt(help="Land-cover raster file, glob or folder (repeatable).")
    ] = None,
    legend: Annotated[str | None, _Opt(help="Legend of the land cover, e.g. clcd.")] = None,
    rules: Annotated[str, _Opt(help="Rule set name or TOML file.")] = "default",
    year: Annotated[int | None, _Opt(help="Report year (default: the latest).")] = None,
    force: Annotated[bool, _Opt("--force", help="Replace a non-empty output folder.")] = False,
    rasters: Annotated[
        bool, _Opt("--rasters/--no-rasters", help="Write the land cover as COGs.")
    ] = True,
    quiet: Annotated[bool, _Opt("--quiet", "-q", help="No progress bar.")] = False,
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


demo_app = typer.Typer(help="The SIMULATED Xuzhou demo scenario.", no_args_is_help=True)
app.add_typer(demo_app, name="demo")


class DemoExtent(str, Enum):
    """Extent of the simulated rasters."""

    zones = "zones"
    prefecture = "prefecture"


@demo_app.command("build")
def demo_build(
    out: Annotated[
        str | None, _Opt("--out", "-o", help="Output folder (default: the repository's data/).")
    ] = None,
    seed: Annotated[int | None, _Opt(help="Random seed (default: the shipped seed).")] = None,
    extent: Annotated[
        DemoExtent, _Opt(help="zones (shipped, bounding box of the zones) or prefecture.")
    ] = DemoExtent.zones,
) -> None:
    """Regenerate the simulated scenario byte-for-byte (zones, projects, land cover, truth)."""
    from geo_revival.demo import build_xuzhou

    files = build_xuzhou(out, seed=seed, extent=extent.value)
    typer.echo(f"{len(files)} SIMULATED files written under {files['build'].parent.parent}/")
