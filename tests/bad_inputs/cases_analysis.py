"""Bad inputs to the overlay, the restoration accounting, rule sets, plan and units."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from shapely.geometry import Polygon, box

from geo_revival import units
from geo_revival.exceptions import (
    CRSMismatchError,
    GridMismatchError,
    InvalidGeometryError,
    LegendError,
    MissingCRSError,
    NoOverlapError,
    OptionError,
    PlanLookupError,
    ReadError,
    RuleSetError,
    SchemaError,
)
from geo_revival.overlay import class_areas, coverage_report, transitions
from geo_revival.plan import get_target, progress
from geo_revival.restoration import (
    accounting_units,
    aggregate_zones,
    change_classes,
    load_rules,
    reclaimed_area,
    restoration_rate,
    restoration_status,
    state_map,
)
from geo_revival.restoration._rates import _check_rates
from tests.bad_inputs._build import CODES, areas, flows, landcover, zones
from tests.bad_inputs.case import Case

FAR = box(600_000, 3_900_000, 600_100, 3_900_100)


def _rules_file(tmp: Path, text: str) -> None:
    path = tmp / "rules.toml"
    path.write_text(text, encoding="utf-8")
    load_rules(path)


def _impossible_rates(_: Path) -> None:
    # What restoration_rate checks last: a hand-made flow table whose reclaimed area exceeds
    # the damaged area would give 1.5.
    _check_rates(pd.Series([0.25, 1.5, np.nan]))


def _bowtie() -> Polygon:
    return Polygon([(500000, 3800000), (500120, 3800120), (500120, 3800000),
                    (500000, 3800120)])


def _states() -> object:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return state_map(zones(planned_use=["forest"]), landcover(years=(2020, 2021)))


CASES = [
    Case("overlay-zones-not-gdf", "a DataFrame instead of zones",
         lambda t: class_areas(pd.DataFrame({"zone_id": ["a"]}), landcover()), SchemaError,
         "zones must be a GeoDataFrame"),
    Case("overlay-zones-no-crs", "zones without CRS",
         lambda t: class_areas(zones(crs=None), landcover()), MissingCRSError,
         "zones has no coordinate reference system"),
    Case("overlay-zones-empty", "no zones at all",
         lambda t: class_areas(zones().iloc[:0], landcover()), SchemaError,
         "nothing to overlay"),
    Case("overlay-no-id-column", "zone_id= names a missing column",
         lambda t: class_areas(zones(), landcover(), id_column="code"), SchemaError,
         "zones have no column 'code'"),
    Case("overlay-duplicate-ids", "two zones with the same id",
         lambda t: class_areas(zones([FAR, FAR], zone_id=["a", "a"]), landcover()),
         SchemaError, r"zone ids of zones must be unique; repeated: \['a'\]"),
    Case("overlay-invalid-geometry", "a self-intersecting (bow-tie) zone",
         lambda t: class_areas(zones([_bowtie()]), landcover()), InvalidGeometryError,
         "invalid geometry"),
    Case("overlay-landcover-not-array", "a numpy array instead of a DataArray",
         lambda t: class_areas(zones(), CODES), SchemaError,
         "landcover must be an xarray DataArray"),
    Case("overlay-landcover-2d", "a single year without the year dimension",
         lambda t: class_areas(zones(), landcover().isel(year=0)), SchemaError,
         "one layer but no years were given; pass years="),
    Case("overlay-landcover-float", "land cover with NaN (float) values",
         lambda t: class_areas(zones(), landcover().astype("float32")), SchemaError,
         "must hold integer class codes"),
    Case("overlay-no-legend", "land cover without attrs['legend']",
         lambda t: class_areas(zones(), landcover(legend=None)), SchemaError,
         "names no legend: pass legend="),
    Case("overlay-landcover-no-crs", "land cover without CRS",
         lambda t: class_areas(zones(), landcover(crs=None)), MissingCRSError,
         "landcover has no CRS"),
    Case("overlay-repeated-year", "two layers labelled with the same year",
         lambda t: class_areas(zones(), landcover(years=(2020, 2020))), SchemaError,
         r"its years repeat \(\[2020, 2020\]\)"),
    Case("overlay-flipped-grid", "rows stored bottom to top",
         lambda t: class_areas(zones(), landcover().isel(y=slice(None, None, -1))),
         GridMismatchError, "north-up grid"),
    Case("overlay-year-not-in-data", "years= a year the land cover lacks",
         lambda t: class_areas(zones(), landcover(), years=[1999]), SchemaError,
         r"years \[1999\] are not in the land cover"),
    Case("overlay-year-repeated", "years= with a year twice",
         lambda t: class_areas(zones(), landcover(), years=[2020, 2020]), SchemaError,
         "repeat a year"),
    Case("overlay-zone-misses-raster", "a zone outside the raster",
         lambda t: class_areas(zones([FAR]), landcover()), NoOverlapError,
         "do not overlap"),
    Case("overlay-zones-metres-as-degrees", "zones in metres labelled EPSG:4326, not loaded "
         "with load_zones", lambda t: class_areas(zones(crs=None).set_crs("EPSG:4326"),
                                                  landcover()),
         CRSMismatchError, "values like 500120 look like metres",
         "the error blamed 'no overlap' instead of the CRS"),
    Case("overlay-unknown-code", "a code outside the legend in the raster",
         lambda t: class_areas(zones(), landcover(np.where(CODES == 8, 42, CODES))),
         LegendError, r"codes \[42\] are not in legend 'clcd'"),
    Case("overlay-bad-coverage", "coverage= misspelt",
         lambda t: class_areas(zones(), landcover(), coverage="area"), OptionError,
         "coverage must be one of 'centre', 'exact'"),
    Case("overlay-bad-on-missing", "on_missing= misspelt",
         lambda t: class_areas(zones(), landcover(), on_missing="skip"), OptionError,
         "on_missing must be one of 'raise', 'warn'"),
    Case("transitions-one-year", "transitions of a single year",
         lambda t: transitions(zones(), landcover()), SchemaError,
         "transitions need at least two years"),
    Case("transitions-bad-pairs", "pairs= misspelt",
         lambda t: transitions(zones(), landcover(years=(2020, 2021)), pairs="every"),
         OptionError, r"pairs \(or give a list of \(from_year, to_year\)\) must be one of"),
    Case("transitions-repeated-pair", "the same pair twice",
         lambda t: transitions(zones(), landcover(years=(2020, 2021)),
                               pairs=[(2020, 2021), (2020, 2021)]),
         SchemaError, "repeat a pair"),
    Case("coverage-report-no-crs", "coverage_report of zones without CRS",
         lambda t: coverage_report(zones(crs=None), landcover()), MissingCRSError,
         "zones has no coordinate reference system"),
    Case("restoration-negative-area", "a class-area table with a negative area",
         lambda t: restoration_rate(areas(area_m2=[-3000.0, 1000.0]), planned_use="forest"),
         SchemaError, r"negative area_m2 .*rates exceed 1",
         "a negative damaged area gave rates above 1"),
    Case("restoration-nan-area", "a class-area table with a missing (NaN) area",
         lambda t: restoration_status(areas(area_m2=[np.nan, 1000.0]), planned_use="forest"),
         SchemaError, r"NaN or infinite area_m2",
         "NaN was summed as 0"),
    Case("restoration-negative-pixels", "transitions with negative pixel counts",
         lambda t: reclaimed_area(flows(pixels=[-1, 3]), planned_use="forest"), SchemaError,
         "negative pixels"),
    Case("restoration-rate-out-of-range", "rates computed from inconsistent flows",
         _impossible_rates, SchemaError, r"rates \[1\.5\] lie outside \[0, 1\]"),
    Case("restoration-missing-area-column", "a class-area table without area_m2",
         lambda t: restoration_status(areas().drop(columns="area_m2"), planned_use=""),
         SchemaError, r"lacks column\(s\) \['area_m2'\]"),
    Case("restoration-not-a-class-table", "a table with neither generic_class nor transitions",
         lambda t: restoration_status(areas().drop(columns="generic_class"), planned_use=""),
         SchemaError, "neither 'generic_class'"),
    Case("restoration-no-planned-use", "no planned use given and no planned_use column",
         lambda t: restoration_status(areas()), SchemaError, "no planned use given"),
    Case("restoration-planned-use-missing-zone", "a planned-use mapping without zone a",
         lambda t: restoration_status(areas(), planned_use={"b": "forest"}), SchemaError,
         r"no planned use for zone_id\(s\) \['a'\]"),
    Case("restoration-unknown-planned-use", "a planned use outside the rule set",
         lambda t: restoration_status(areas(), planned_use="fishpond"), RuleSetError,
         "unknown planned use 'fishpond'"),
    Case("restoration-unknown-generic-class", "a generic class the rule set does not know",
         lambda t: restoration_status(areas(generic_class=["lava", "forest"]), planned_use=""),
         RuleSetError, r"no state for class\(es\) \['lava'\]"),
    Case("restoration-state-needs-areas", "definition='state' with a transitions table",
         lambda t: restoration_rate(flows(), planned_use="forest"), SchemaError,
         "definition='state' needs class areas"),
    Case("restoration-baseline-needs-flows", "definition='baseline' with class areas",
         lambda t: restoration_rate(areas(), planned_use="forest", definition="baseline"),
         SchemaError, "needs a transitions table"),
    Case("restoration-no-base-year", "base_year= a year without transitions",
         lambda t: restoration_rate(flows(), planned_use="forest", definition="baseline",
                                    base_year=2019),
         SchemaError, "no transitions from base year 2019"),
    Case("restoration-bad-definition", "definition= misspelt",
         lambda t: restoration_rate(areas(), planned_use="forest", definition="average"),
         OptionError, "definition must be one of 'state', 'baseline'; got 'average'"),
    Case("restoration-rules-twice", "rules= given for a table that already has states",
         lambda t: restoration_rate(restoration_status(areas(), planned_use="forest"),
                                    "broad"),
         SchemaError, "already has restoration states"),
    Case("aggregate-needs-states", "aggregate_zones of raw class areas",
         lambda t: aggregate_zones(areas(), {"a": "all"}), SchemaError,
         "needs a restoration_status or state_transitions result"),
    Case("units-overlapping-projects", "two projects that overlap",
         lambda t: accounting_units(
             zones(planned_use=["forest"]),
             zones([box(500000, 3800000, 500080, 3800120), box(500040, 3800000, 500120,
                                                               3800120)],
                   category=["project"] * 2, planned_use=["forest", "water"])),
         SchemaError, "overlap"),
    Case("state-map-unknown-code", "state_map of a raster with a code outside the legend",
         lambda t: state_map(zones(planned_use=["forest"]),
                             landcover(np.where(CODES == 8, 42, CODES))),
         LegendError, "42"),
    Case("change-classes-not-states", "change_classes of raw land cover",
         lambda t: change_classes(landcover(years=(2020, 2021)), 2020, 2021), SchemaError,
         "needs a state_map result"),
    Case("change-classes-reversed", "change_classes with start after end",
         lambda t: change_classes(_states(), 2021, 2020), SchemaError,
         r"start \(2021\) must be before end"),
    Case("rules-unknown-name", "a rule-set name that is not shipped",
         lambda t: load_rules("strictest"), RuleSetError, "unknown rule set 'strictest'"),
    Case("rules-missing-file", "a rule-set path that does not exist",
         lambda t: load_rules(t / "absent.toml"), ReadError, "cannot read rule set file"),
    Case("rules-bad-toml", "a rule-set file that is not TOML",
         lambda t: _rules_file(t, "states = ["), RuleSetError, "not valid TOML"),
    Case("rules-no-states", "a rule-set file without [states]",
         lambda t: _rules_file(t, "[planned_use.water]\n"), RuleSetError,
         r"missing table \[states\]"),
    Case("plan-unknown-indicator", "get_target of an unknown indicator",
         lambda t: get_target("gdp"), PlanLookupError, "Unknown indicator_id 'gdp'"),
    Case("plan-ambiguous-target", "get_target without year= where several exist",
         lambda t: get_target("subsidence_restoration_rate"), PlanLookupError,
         "values .*Pass year="),
    Case("plan-no-value", "get_target of a year the plan does not set",
         lambda t: get_target("subsidence_restoration_rate", year=2030), PlanLookupError,
         "No value .*year=2030"),
    Case("progress-wrong-tables", "progress() given class areas instead of statuses",
         lambda t: progress(areas(), None, zones()), SchemaError, "restoration_status"),
    Case("units-unknown-unit", "an area unit 'acre'",
         lambda t: units.convert(1.0, "acre", "m2"), SchemaError, "Unknown area unit 'acre'"),
]
