"""``geo-revival fetch`` and ``geo-revival cache``: real land cover into the local cache."""

from __future__ import annotations

from typing import Annotated

import numpy as np
import pandas as pd
import typer
import xarray as xr

from geo_revival.cli._app import FORMAT_OPTION, Opt, OutputFormat, app, print_table

cache_app = typer.Typer(help="The download cache of fetched land cover.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


def parse_years(values: list[str] | None) -> list[int]:
    """``["2020,2021", "2022"]`` -> ``[2020, 2021, 2022]`` (repeatable, comma-separated)."""
    years: list[int] = []
    for value in values or []:
        for part in value.split(","):
            lo, _, hi = part.strip().partition("-")
            if lo:
                years.extend(range(int(lo), int(hi or lo) + 1))
    return years


def class_counts(da: xr.DataArray) -> pd.DataFrame:
    """Pixels per year and class code of a land-cover array (tidy table)."""
    from geo_revival.landcover import get_legend

    leg = get_legend(da.attrs["legend"])
    names = {c.code: c.name_en for c in leg.classes}
    rows = []
    for year in da["year"].values:
        values: np.ndarray = np.asarray(da.sel(year=year))
        codes, counts = np.unique(values, return_counts=True)
        rows += [{"year": int(year), "code": int(c), "class": names.get(int(c), "no data"),
                  "pixels": int(n)} for c, n in zip(codes, counts, strict=True)]  # fmt: skip
    return pd.DataFrame(rows, columns=["year", "code", "class", "pixels"])


@app.command()
def fetch(
    product: Annotated[str, typer.Argument(help="esa_worldcover, clcd, glc_fcs30d ...")],
    years: Annotated[
        list[str], Opt("--years", "-y", help="Years: 2020,2021 or 2018-2020 (repeatable).")
    ],
    zones: Annotated[str | None, Opt(help="Zone file; its bounding box is fetched.")] = None,
    bbox: Annotated[
        tuple[float, float, float, float] | None,
        Opt(help="Lon/lat box: minx miny maxx maxy (instead of --zones)."),
    ] = None,
    to: Annotated[
        str | None, Opt("--to", help="Fetch into this folder (copy it to an offline machine).")
    ] = None,
    cache_dir: Annotated[str | None, Opt(help="Cache folder (default: user cache).")] = None,
    base_url: Annotated[str | None, Opt(help="Mirror replacing the host of every URL.")] = None,
    record: Annotated[str | None, Opt(help="Zenodo record instead of the listed one.")] = None,
    timeout: Annotated[float, Opt(help="Seconds before a silent server fails.")] = 60.0,
    fmt: OutputFormat = FORMAT_OPTION,
    quiet: Annotated[bool, Opt("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Fetch real land cover for zones or a box into the cache; print pixels per class.

    Exit codes: 0 fetched; 2 invalid input or fetch failed.
    """
    from geo_revival.exceptions import GeoRevivalError
    from geo_revival.fetch import fetch_landcover

    if (zones is None) == (bbox is None):
        typer.echo("error: give exactly one of --zones FILE or --bbox minx miny maxx maxy",
                   err=True)  # fmt: skip
        raise typer.Exit(2)
    try:
        da = fetch_landcover(
            product, zones if zones is not None else bbox, parse_years(years),
            cache_dir=to or cache_dir, base_url=base_url, progress=not quiet, timeout=timeout,
            record=record,
        )  # fmt: skip
    except (GeoRevivalError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    print_table(class_counts(da), f"{product}: pixels per class ({da.attrs['licence']})", fmt)
    for src in da.attrs["provenance"]["sources"]:
        typer.echo(f"{src['year']}: {src['path']}", err=True)
    typer.echo(f"Cite: {da.attrs['citation']}", err=True)


@cache_app.command("list")
def cache_list(
    cache_dir: Annotated[str | None, Opt(help="Cache folder (default: user cache).")] = None,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """List the complete files in the cache."""
    from geo_revival.fetch import cache_dir as resolve
    from geo_revival.fetch import list_cache

    df = list_cache(cache_dir)
    print_table(df[["product", "version", "kind", "size_bytes", "path"]],
                f"cache {resolve(cache_dir)}", fmt)  # fmt: skip


@cache_app.command("clear")
def cache_clear(
    product: Annotated[str | None, Opt(help="Only this product.")] = None,
    cache_dir: Annotated[str | None, Opt(help="Cache folder (default: user cache).")] = None,
) -> None:
    """Delete cached land cover (all products, or one)."""
    from geo_revival.fetch import clear_cache

    freed = clear_cache(cache_dir, product=product)
    typer.echo(f"freed {freed:,} bytes")
