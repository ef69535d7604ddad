"""``geo-revival class-areas`` and ``transitions``: the overlay on the user's own files."""

from __future__ import annotations

from typing import Annotated, Any

from geo_revival.cli._app import (
    CategoryColumnOpt,
    CoordsOpt,
    Coverage,
    CoverageOpt,
    DefaultCategoryOpt,
    ForceOpt,
    Header,
    HeaderOpt,
    IdColumnOpt,
    LandcoverArg,
    LayerOpt,
    LegendOpt,
    Opt,
    OutOpt,
    PlannedUseColumnOpt,
    YearsOpt,
    ZonesArg,
    app,
    check_output,
    done,
    exit_codes,
    read_landcover,
    read_zones,
    write_tables,
)

IncludeOpt = Annotated[
    list[str] | None,
    Opt("--include-col", help="Zone column to copy into every row (repeatable).",
        show_default=False),
]


@app.command("class-areas")
def class_areas_command(
    zones: ZonesArg,
    landcover: LandcoverArg,
    out: OutOpt,
    legend: LegendOpt,
    year: YearsOpt = None,
    coverage: CoverageOpt = Coverage.centre,
    include_col: IncludeOpt = None,
    header: HeaderOpt = Header.bilingual,
    force: ForceOpt = False,
    coords: CoordsOpt = None,
    id_column: IdColumnOpt = "zone_id",
    category_column: CategoryColumnOpt = "category",
    default_category: DefaultCategoryOpt = None,
    planned_use_column: PlannedUseColumnOpt = "planned_use",
    layer: LayerOpt = None,
) -> None:
    """Area of each land-cover class in each zone and year (geo_revival.class_areas).

    Example: geo-revival class-areas zones.gpkg worldcover_2021.tif --legend
    esa_worldcover_v200 -o areas.csv

    Exit codes: 0 written; 2 invalid input; 3 output exists (use --force); 1 other.
    """
    from geo_revival.overlay import class_areas

    with exit_codes():
        check_output(out)
        z = read_zones(zones, coords, id_column, category_column, default_category,
                       planned_use_column, layer)
        lc = read_landcover(landcover, legend, year)
        table = class_areas(z, lc, coverage=coverage.value, include_cols=include_col or ())
        done(write_tables({"class_areas": table}, out, zones=z, force=force, header=header),
             "class areas")


@app.command("transitions")
def transitions_command(
    zones: ZonesArg,
    landcover: LandcoverArg,
    out: OutOpt,
    legend: LegendOpt,
    year: YearsOpt = None,
    pairs: Annotated[
        str, Opt(help="consecutive (each year to the next, and first to last), all, or "
                 "explicit pairs such as 2020:2025,2021:2025.")
    ] = "consecutive",
    coverage: CoverageOpt = Coverage.centre,
    include_col: IncludeOpt = None,
    header: HeaderOpt = Header.bilingual,
    force: ForceOpt = False,
    coords: CoordsOpt = None,
    id_column: IdColumnOpt = "zone_id",
    category_column: CategoryColumnOpt = "category",
    default_category: DefaultCategoryOpt = None,
    planned_use_column: PlannedUseColumnOpt = "planned_use",
    layer: LayerOpt = None,
) -> None:
    """Class-to-class transitions of each zone between years (geo_revival.transitions).

    Exit codes: 0 written; 2 invalid input; 3 output exists (use --force); 1 other.
    """
    from geo_revival.overlay import transitions

    with exit_codes():
        check_output(out)
        year_pairs = _pairs(pairs)
        z = read_zones(zones, coords, id_column, category_column, default_category,
                       planned_use_column, layer)
        lc = read_landcover(landcover, legend, year)
        table = transitions(z, lc, pairs=year_pairs, coverage=coverage.value,
                            include_cols=include_col or ())
        done(write_tables({"transitions": table}, out, zones=z, force=force, header=header),
             "transitions")


def _pairs(text: str) -> Any:
    """``consecutive``/``all`` as given; ``2020:2025,2021:2025`` as a list of year pairs."""
    from geo_revival.exceptions import OptionError

    if ":" not in text:
        return text  # checked by transitions() against its allowed values
    try:
        return [(int(a), int(b)) for a, b in (p.split(":") for p in text.split(","))]
    except ValueError:
        raise OptionError(
            f"--pairs must be consecutive, all or pairs like 2020:2025,2021:2025; got {text!r}"
        ) from None
