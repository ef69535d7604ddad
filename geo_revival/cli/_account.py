"""``geo-revival account``: the restoration accounting of the user's own zones and rasters."""

from __future__ import annotations

from typing import Annotated

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

ProjectsOpt = Annotated[
    str | None,
    Opt(help="Treatment projects file (zone_id = project id, planned_use); a project's planned "
        "use overrides its zone's. Read with the same --coords.", show_default=False),
]
RulesOpt = Annotated[str, Opt(help="Rule set name or TOML file.")]


def read_projects(path: str | None, coords: str | None) -> object:
    """Read the projects layer (category ``project``), if given."""
    if path is None:
        return None
    from geo_revival.zones import load_zones

    return load_zones(path, coords=coords, default_category="project")


@app.command("account")
def account_command(
    zones: ZonesArg,
    landcover: LandcoverArg,
    out: OutOpt,
    legend: LegendOpt,
    year: YearsOpt = None,
    projects: ProjectsOpt = None,
    rules: RulesOpt = "default",
    base_year: Annotated[
        int | None, Opt(help="First year of the cumulative pairs (default: the first year).",
                        show_default=False)
    ] = None,
    coverage: CoverageOpt = Coverage.centre,
    header: HeaderOpt = Header.bilingual,
    force: ForceOpt = False,
    coords: CoordsOpt = None,
    id_column: IdColumnOpt = "zone_id",
    category_column: CategoryColumnOpt = "category",
    default_category: DefaultCategoryOpt = None,
    planned_use_column: PlannedUseColumnOpt = "planned_use",
    layer: LayerOpt = None,
) -> None:
    """Restoration accounting per zone (geo_revival.account): states, flows and rates.

    Writes the tables status, state_transitions, flows and rates (one sheet, layer or CSV
    file each).

    Exit codes: 0 written; 2 invalid input; 3 output exists (use --force); 1 other.
    """
    from geo_revival.restoration import account

    with exit_codes():
        check_output(out)
        z = read_zones(zones, coords, id_column, category_column, default_category,
                       planned_use_column, layer)
        lc = read_landcover(landcover, legend, year)
        result = account(z, lc, projects=read_projects(projects, coords), rules=rules,
                         base_year=base_year, coverage=coverage.value)
        tables = {
            "status": result.status,
            "state_transitions": result.state_transitions,
            "flows": result.flows,
            "rates": result.rates,
        }
        done(write_tables(tables, out, zones=z, force=force, header=header), "accounting")
