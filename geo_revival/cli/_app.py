"""The typer app and what every command shares (table printing, options)."""

from __future__ import annotations

import sys
from enum import Enum

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from geo_revival import __version__

__all__ = ["FORMAT_OPTION", "Opt", "OutputFormat", "app", "print_table"]

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
