"""Commands that print or build the project's own data: targets, zones, the demo."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from geo_revival.cli._app import FORMAT_OPTION, Opt, OutputFormat, app, print_table
from geo_revival.plan import plan_targets, zone_catalogue


@app.command()
def targets(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Print the plan targets and baselines (rates as fractions)."""
    df = plan_targets()
    if fmt is OutputFormat.table:
        df = df[["indicator_id", "name_zh", "value", "unit", "year", "kind", "scope",
                 "source_doc"]]
    title = "Plan targets and baselines (000: Jiangsu 14th FYP; 004: Xuzhou plan to 2027)"
    print_table(df, title, fmt)


@app.command()
def zones(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Print the catalogue of the 15 zones of the Jiangsu plan (专栏1)."""
    df = zone_catalogue()
    if fmt is OutputFormat.table:
        df = df[["zone_id", "name_zh", "category", "official_area_km2", "official_area_mu",
                 "people", "adcode", "city"]]
    print_table(df, "Zone catalogue (plan 000, 专栏1; official areas)", fmt)


demo_app = typer.Typer(help="The SIMULATED Xuzhou demo scenario.", no_args_is_help=True)
app.add_typer(demo_app, name="demo")


class DemoExtent(str, Enum):
    """Extent of the simulated rasters."""

    zones = "zones"
    prefecture = "prefecture"


@demo_app.command("build")
def demo_build(
    out: Annotated[
        str | None, Opt("--out", "-o", help="Output folder (default: the repository's data/).")
    ] = None,
    seed: Annotated[int | None, Opt(help="Random seed (default: the shipped seed).")] = None,
    extent: Annotated[
        DemoExtent, Opt(help="zones (shipped, bounding box of the zones) or prefecture.")
    ] = DemoExtent.zones,
) -> None:
    """Regenerate the simulated scenario byte-for-byte (zones, projects, land cover, truth)."""
    from geo_revival.demo import build_xuzhou

    files = build_xuzhou(out, seed=seed, extent=extent.value)
    typer.echo(f"{len(files)} SIMULATED files written under {files['build'].parent.parent}/")
