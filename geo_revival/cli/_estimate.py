"""``geo-revival sample`` and ``estimate``: design-based area of reclaimed land.

``sample`` stratifies the zones by mapped change class between two years, allocates and draws a
stratified random sample and writes a response sheet for interpreters; ``estimate`` reads the
filled sheet (or a reference raster) and writes the error-adjusted areas with 95 % intervals.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from geo_revival.cli._account import ProjectsOpt, RulesOpt, read_projects
from geo_revival.cli._app import (
    CategoryColumnOpt,
    CoordsOpt,
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

if TYPE_CHECKING:
    import xarray as xr

StartOpt = Annotated[int, Opt(help="First year of the change.", show_default=False)]
EndOpt = Annotated[int, Opt(help="Last year of the change.", show_default=False)]
SeedOpt = Annotated[int, Opt(help="Seed of the random sample (record it).", show_default=False)]
MinOpt = Annotated[
    int | None, Opt(help="Least sample units per stratum (default: the method's).",
                    show_default=False)
]


def _strata(
    zones: object, landcover: xr.DataArray, projects: object, rules: str, start: int, end: int
) -> xr.DataArray:
    """Return the mapped change classes between ``start`` and ``end``: the strata."""
    from geo_revival.restoration import change_classes, state_map

    states = state_map(zones, landcover, projects=projects, rules=rules, years=[start, end])
    return change_classes(states, start, end)


@app.command("sample")
def sample_command(
    zones: ZonesArg,
    landcover: LandcoverArg,
    out: Annotated[
        Path, Opt("--out", "-o", help="Response sheet base path: <base>.csv and <base>.gpkg "
                  "are written.", show_default=False)
    ],
    legend: LegendOpt,
    start: StartOpt,
    end: EndOpt,
    n: Annotated[int, Opt("--n", help="Total sample size.", show_default=False)],
    seed: SeedOpt,
    min_per_stratum: MinOpt = None,
    year: YearsOpt = None,
    projects: ProjectsOpt = None,
    rules: RulesOpt = "default",
    force: ForceOpt = False,
    coords: CoordsOpt = None,
    id_column: IdColumnOpt = "zone_id",
    category_column: CategoryColumnOpt = "category",
    default_category: DefaultCategoryOpt = None,
    planned_use_column: PlannedUseColumnOpt = "planned_use",
    layer: LayerOpt = None,
) -> None:
    """Draw a stratified sample of change classes and write a response sheet to fill in.

    Strata are the mapped change classes (1 reclaimed, 2 newly damaged, 3 stable restored,
    4 stable damaged, 5 other) of the zones between --start and --end; the sample is allocated
    by Olofsson et al. (2014). Fill in reference_class and run geo-revival estimate
    --responses.

    Exit codes: 0 written; 2 invalid input; 3 output exists (use --force); 1 other.
    """
    from geo_revival.estimation import (
        allocate_sample,
        draw_sample,
        stratum_areas,
        write_response_sheet,
    )

    with exit_codes():
        z = read_zones(zones, coords, id_column, category_column, default_category,
                       planned_use_column, layer)
        lc = read_landcover(landcover, legend, year)
        strata = _strata(z, lc, read_projects(projects, coords), rules, start, end)
        allocation = allocate_sample(n, stratum_areas(strata), min_per_stratum=min_per_stratum)
        sample = draw_sample(strata, allocation, seed=seed)
        files = write_response_sheet(sample, out.with_suffix(""), overwrite=force)
        done(list(files.values()), f"response sheet ({len(sample)} units)")


@app.command("estimate")
def estimate_command(
    zones: ZonesArg,
    landcover: LandcoverArg,
    out: OutOpt,
    legend: LegendOpt,
    start: StartOpt,
    end: EndOpt,
    responses: Annotated[
        Path | None, Opt(help="Filled response sheet (.csv or .gpkg) from geo-revival sample.",
                         show_default=False)
    ] = None,
    reference: Annotated[
        list[str] | None, Opt(help="Reference land-cover rasters on the mapped grid (instead "
                              "of --responses; repeatable).", show_default=False)
    ] = None,
    n: Annotated[int | None, Opt("--n", help="Sample size with --reference.",
                                 show_default=False)] = None,
    seed: Annotated[int | None, Opt(help="Sample seed with --reference.",
                                    show_default=False)] = None,
    min_per_stratum: MinOpt = None,
    year: YearsOpt = None,
    projects: ProjectsOpt = None,
    rules: RulesOpt = "default",
    header: HeaderOpt = Header.bilingual,
    force: ForceOpt = False,
    coords: CoordsOpt = None,
    id_column: IdColumnOpt = "zone_id",
    category_column: CategoryColumnOpt = "category",
    default_category: DefaultCategoryOpt = None,
    planned_use_column: PlannedUseColumnOpt = "planned_use",
    layer: LayerOpt = None,
) -> None:
    """Error-adjusted area of each change class with 95 % interval (Olofsson et al. 2014).

    Give the response sheet filled in after geo-revival sample (--responses), or reference
    rasters to sample from (--reference with --n and --seed). Writes .csv or .xlsx.

    Exit codes: 0 written; 2 invalid input; 3 output exists (use --force); 1 other.
    """
    from geo_revival.estimation import (
        estimate_areas,
        estimate_reclaimed_area,
        read_response_sheet,
        stratum_areas,
    )
    from geo_revival.exceptions import OptionError
    from geo_revival.restoration import CHANGE_CLASSES

    with exit_codes():
        check_output(out)
        if (responses is None) == (reference is None):
            raise OptionError("give either --responses or --reference (one of them)")
        if reference is not None and (n is None or seed is None):
            raise OptionError("--reference needs --n and --seed to draw the sample")
        z = read_zones(zones, coords, id_column, category_column, default_category,
                       planned_use_column, layer)
        lc = read_landcover(landcover, legend, year)
        layer_projects = read_projects(projects, coords)
        if reference is not None:
            truth = read_landcover(reference, legend, year)
            est, _ = estimate_reclaimed_area(
                z, lc, truth, start=start, end=end, seed=int(seed or 0), n=n,
                projects=layer_projects, rules=rules, min_per_stratum=min_per_stratum,
            )
        else:
            assert responses is not None  # checked above
            strata = _strata(z, lc, layer_projects, rules, start, end)
            codes = list(CHANGE_CLASSES.values())
            sheet = read_response_sheet(responses, classes=codes)
            est = estimate_areas(sheet, stratum_areas(strata), areas_unit="m2", classes=codes)
            names = {code: name for name, code in CHANGE_CLASSES.items()}
            est.insert(1, "change_class", est["class"].map(names))
        done(write_tables({"estimates": est}, out, zones=z, force=force, header=header),
             "estimates")
