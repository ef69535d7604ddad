"""The typer app and what every command shares: options, reading inputs, writing outputs.

Options used by several commands are defined here once, as ``Annotated`` types; a command
lists them in its signature. Exit codes of every command: 0 ok, 2 invalid input, 3 output
exists (use ``--force``), 1 anything else.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from geo_revival import __version__

if TYPE_CHECKING:
    import geopandas as gpd
    import xarray as xr

__all__ = [
    "FORMAT_OPTION",
    "Opt",
    "OutputFormat",
    "app",
    "exit_codes",
    "print_table",
    "read_landcover",
    "read_zones",
    "write_tables",
]

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


def print_table(df: pd.DataFrame, title: str, fmt: OutputFormat) -> None:
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


#: Short name for typer.Option in ``Annotated[...]`` signatures.
Opt = typer.Option


# -- options shared by the commands that read the user's files -------------------------------
class Coverage(str, Enum):
    """Pixel rule of the overlay."""

    centre = "centre"
    exact = "exact"


class Header(str, Enum):
    """CSV header style."""

    bilingual = "bilingual"
    names = "names"


ZonesArg = Annotated[
    str,
    typer.Argument(
        help="Zone file: GeoPackage, Shapefile (.shp/.zip), GeoJSON, GeoParquet, KML; a path, "
        "URL or GDAL virtual path (/vsizip/..., /vsicurl/...).",
        show_default=False,
    ),
]
LandcoverArg = Annotated[
    list[str],
    typer.Argument(
        help="Land-cover rasters, one per year (files, a glob or a folder); years from the "
        "file names unless --year is given.",
        show_default=False,
    ),
]
OutOpt = Annotated[
    Path,
    Opt("--out", "-o", help="Output file: .csv, .xlsx or .gpkg (the suffix decides).",
        show_default=False),
]
ForceOpt = Annotated[bool, Opt("--force", help="Replace existing output files.")]
LegendOpt = Annotated[
    str, Opt(help="Legend of the land-cover codes, e.g. clcd, esa_worldcover_v200.",
             show_default=False)
]
YearsOpt = Annotated[
    list[int] | None,
    Opt("--year", help="Year of each raster, in order (repeat: --year 2020 --year 2021).",
        show_default=False),
]
CoverageOpt = Annotated[Coverage, Opt(help="Pixel rule: centre (pixel centre in zone) or exact.")]
HeaderOpt = Annotated[Header, Opt(help="CSV headers: bilingual with units, or plain names.")]
CoordsOpt = Annotated[
    str | None,
    Opt(help="What the zone file's lon/lat are: wgs84 (true), gcj02 (AMap/Tencent) or bd09 "
        "(Baidu); the last two are converted to WGS84.", show_default=False),
]
IdColumnOpt = Annotated[str, Opt(help="Zone file column with unique zone ids.")]
CategoryColumnOpt = Annotated[str, Opt(help="Zone file column with the zone category.")]
DefaultCategoryOpt = Annotated[
    str | None,
    Opt(help="Category of zones without one (or when the file has no category column).",
        show_default=False),
]
PlannedUseColumnOpt = Annotated[
    str, Opt(help="Zone file column with the planned use (宜农/宜水/宜林/宜工 or English).")
]
LayerOpt = Annotated[
    str | None, Opt(help="Layer of a multi-layer zone file.", show_default=False)
]


def read_zones(
    path: str,
    coords: str | None,
    id_column: str,
    category_column: str,
    default_category: str | None,
    planned_use_column: str,
    layer: str | None,
) -> gpd.GeoDataFrame:
    """Read the zone file with :func:`geo_revival.load_zones` and the command's options."""
    from geo_revival.zones import load_zones

    return load_zones(
        path,
        coords=coords,
        id_column=id_column,
        category_column=category_column,
        default_category=default_category,
        planned_use_column=planned_use_column,
        layer=int(layer) if layer is not None and layer.isdigit() else layer,
    )


def read_landcover(paths: Sequence[str], legend: str, years: Sequence[int] | None) -> xr.DataArray:
    """Read the rasters with :func:`geo_revival.open_landcover`."""
    from geo_revival.landcover import open_landcover

    sources: Any = paths[0] if len(paths) == 1 else list(paths)
    return open_landcover(sources, legend=legend, years=list(years) if years else None)


OUTPUT_SUFFIXES = (".csv", ".xlsx", ".gpkg")


def check_output(out: Path) -> None:
    """Refuse an output suffix no writer handles, before any work is done."""
    from geo_revival.validation import check_option

    check_option(out.suffix.lower(), OUTPUT_SUFFIXES, "the --out suffix")


def write_tables(
    tables: Mapping[str, pd.DataFrame],
    out: Path,
    *,
    zones: gpd.GeoDataFrame,
    force: bool,
    header: Header = Header.bilingual,
) -> list[Path]:
    """Write ``tables`` by the suffix of ``out`` with geo_revival.report's writers.

    ``.xlsx``: one sheet per table; ``.gpkg``: the zones plus one layer per table (rows carry
    their zone's geometry); ``.csv``: ``out`` for one table, ``<stem>_<table>.csv`` for several.
    """
    from geo_revival.report import to_csv, to_geopackage, to_xlsx

    check_output(out)
    suffix = out.suffix.lower()
    if suffix == ".xlsx":
        return [to_xlsx(tables, out, force=force)]
    if suffix == ".gpkg":
        return [to_geopackage(zones, out, results=tables, force=force)]
    if len(tables) == 1:
        (table,) = tables.values()
        return [to_csv(table, out, header=header.value, force=force)]
    return [
        to_csv(table, out.with_name(f"{out.stem}_{name}.csv"), header=header.value, force=force)
        for name, table in tables.items()
    ]


@contextmanager
def exit_codes() -> Iterator[None]:
    """Turn errors into the exit codes of every command: 2 invalid input, 3 output exists."""
    from geo_revival.exceptions import GeoRevivalError, OutputExistsError

    try:
        yield
    except OutputExistsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(3) from None
    except (GeoRevivalError, FileNotFoundError, PermissionError) as exc:
        typer.echo(f"error: {_as_flags(str(exc))}", err=True)
        raise typer.Exit(2) from None


#: Library keywords that the commands offer as options, named as the user types them.
_FLAGS = re.compile(r"\b(id_column|category_column|default_category|planned_use_column|layer"
                    r"|coords|legend|years|pairs|coverage)=")


def _as_flags(message: str) -> str:
    """Name the command-line options in messages written for the Python keywords."""
    return _FLAGS.sub(lambda m: "--" + m.group(1).replace("_", "-").replace("years", "year") + " ",
                      message)


def done(paths: Sequence[Path], what: str) -> None:
    """Say what was written."""
    typer.echo(f"{what} written to " + ", ".join(str(p) for p in paths))
