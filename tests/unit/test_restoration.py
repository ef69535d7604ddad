"""Restoration accounting on hand-built overlay tables, every expected value computed by hand."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401  (registers .rio)
import xarray as xr
from shapely.geometry import box

from geo_revival.exceptions import MissingCRSError, OptionError, RuleSetError, SchemaError
from geo_revival.restoration import (
    account,
    accounting_units,
    aggregate_zones,
    attach_units,
    classify_states,
    load_rules,
    reclaimed_area,
    restoration_rate,
    restoration_status,
    state_transitions,
)

PIXEL_M2 = 900.0  # a 30 m pixel
MU_PER_PIXEL = 1.35  # 900 m² × 15 / 10 000
CLASSES = ("cropland", "forest", "shrub", "grassland", "water", "wetland", "built_up", "barren",
           "snow_ice", "other")
# Class i covers 2**i pixels, so every sum of classes is a unique number.
PIXELS = {c: 2**i for i, c in enumerate(CLASSES)}


def _areas(uses: dict[str, str], year: int = 2020) -> pd.DataFrame:
    rows = [
        (zone, year, cls, float(px), px * PIXEL_M2)
        for zone in uses
        for cls, px in PIXELS.items()
    ]
    return pd.DataFrame(rows, columns=["zone_id", "year", "generic_class", "pixels", "area_m2"])


# Zone per planned use -> (damaged, restored, neutral) pixels under the default rules, by hand:
# none:         R = crop+forest+shrub+grass = 1+2+4+8; D = water+barren = 16+128
# cropland:     R = crop = 1; D = water+wetland+barren = 16+32+128
# water:        R = water+wetland+forest+shrub+grass = 16+32+2+4+8; D = barren
# forest:       R = forest+shrub+grass = 2+4+8; D = water+barren
# construction: R = built_up = 64; D = water+barren
EXPECTED = {
    "none": (144, 15, 864),
    "cropland": (176, 1, 846),
    "water": (128, 62, 833),
    "forest": (144, 14, 865),
    "construction": (144, 64, 815),
}
USES = {"none": "", "cropland": "cropland", "water": "water", "forest": "forest",
        "construction": "construction"}


@pytest.fixture()
def areas() -> pd.DataFrame:
    return _areas(USES)


@pytest.mark.parametrize("zone", list(EXPECTED))
@pytest.mark.parametrize("state", ["damaged", "restored", "neutral"])
def test_status_each_planned_use_and_state(areas: pd.DataFrame, zone: str, state: str) -> None:
    status = restoration_status(areas, "default", planned_use=USES)
    row = status[(status["zone_id"] == zone) & (status["state"] == state)]
    px = EXPECTED[zone][("damaged", "restored", "neutral").index(state)]
    assert row["pixels"].item() == px
    assert row["area_m2"].item() == pytest.approx(px * PIXEL_M2)
    assert row["area_mu"].item() == pytest.approx(px * MU_PER_PIXEL)
    assert row["area_ha"].item() == pytest.approx(px * 0.09)


def test_status_shape_and_totals(areas: pd.DataFrame) -> None:
    status = restoration_status(areas, "default", planned_use=USES)
    assert list(status.columns) == ["zone_id", "year", "state", "pixels", "area_m2", "area_ha",
                                    "area_mu"]
    assert len(status) == 5 * 3
    assert (status.groupby("zone_id")["pixels"].sum() == 1023).all()


@pytest.mark.parametrize("zone", list(EXPECTED))
def test_state_rate_each_planned_use(areas: pd.DataFrame, zone: str) -> None:
    rate = restoration_rate(areas, "default", planned_use=USES)
    damaged, restored, _ = EXPECTED[zone]
    got = rate.loc[rate["zone_id"] == zone]
    assert got["restoration_rate"].item() == pytest.approx(restored / (restored + damaged))
    assert got["restored_area_mu"].item() == pytest.approx(restored * MU_PER_PIXEL)
    assert got["damaged_area_mu"].item() == pytest.approx(damaged * MU_PER_PIXEL)


def test_planned_use_forms_agree(areas: pd.DataFrame) -> None:
    as_mapping = restoration_status(areas, planned_use=USES)
    table = pd.DataFrame({"zone_id": list(USES), "planned_use": [u or None for u in USES.values()]})
    as_table = restoration_status(areas, planned_use=table)
    with_column = areas.assign(planned_use=areas["zone_id"].map(USES))
    as_column = restoration_status(with_column)
    pd.testing.assert_frame_equal(as_mapping, as_table)
    pd.testing.assert_frame_equal(as_mapping, as_column)


def test_single_use_for_all_rows(areas: pd.DataFrame) -> None:
    status = restoration_status(areas, planned_use="water")
    restored = status[status["state"] == "restored"]
    assert (restored["pixels"] == 62).all()


def test_classify_states_adds_columns_without_touching_input(areas: pd.DataFrame) -> None:
    before = areas.copy()
    out = classify_states(areas, "default", planned_use=USES)
    pd.testing.assert_frame_equal(areas, before)
    water = out[out["generic_class"] == "water"].set_index("zone_id")["state"]
    assert water["water"] == "restored"
    assert water["none"] == "damaged"
    assert water["cropland"] == "damaged"
    assert out.loc[out["zone_id"] == "none", "planned_use"].eq("").all()


# Transitions of one zone planned as cropland, 2020 -> 2021, pixels (states under default rules):
TRANSITIONS = [
    ("water", "cropland", 10),     # D -> R  reclaimed
    ("barren", "barren", 5),       # D -> D
    ("cropland", "water", 3),      # R -> D  newly damaged
    ("built_up", "built_up", 7),   # N -> N
    ("grassland", "cropland", 2),  # N -> R
    ("cropland", "built_up", 1),   # R -> N
]


@pytest.fixture()
def transitions() -> pd.DataFrame:
    rows = [("z", 2020, 2021, f, t, float(px), px * PIXEL_M2) for f, t, px in TRANSITIONS]
    return pd.DataFrame(
        rows,
        columns=["zone_id", "from_year", "to_year", "from_generic", "to_generic", "pixels",
                 "area_m2"],
    )


def test_state_transitions_matrix(transitions: pd.DataFrame) -> None:
    states = state_transitions(transitions, "default", planned_use="cropland")
    assert len(states) == 9
    got = {(f, t): px for f, t, px in states[["from_state", "to_state", "pixels"]].itertuples(
        index=False)}
    expected = {(f, t): 0.0 for f in ("damaged", "restored", "neutral")
                for t in ("damaged", "restored", "neutral")}
    expected.update({("damaged", "restored"): 10, ("damaged", "damaged"): 5,
                     ("restored", "damaged"): 3, ("neutral", "neutral"): 7,
                     ("neutral", "restored"): 2, ("restored", "neutral"): 1})
    assert got == expected


def test_reclaimed_flows_by_hand(transitions: pd.DataFrame) -> None:
    flows = reclaimed_area(transitions, "default", planned_use="cropland")
    assert len(flows) == 1
    row = flows.iloc[0]
    # reclaimed 10; newly damaged 3; net 7; restored 4 -> 12 (+8); damaged 15 -> 8 (-7)
    for flow, px in {"reclaimed": 10, "newly_damaged": 3, "net_reclaimed": 7,
                     "restored_change": 8, "damaged_change": -7}.items():
        assert row[f"{flow}_area_m2"] == pytest.approx(px * PIXEL_M2), flow
        assert row[f"{flow}_area_mu"] == pytest.approx(px * MU_PER_PIXEL), flow
        assert row[f"{flow}_area_ha"] == pytest.approx(px * 0.09), flow


def test_same_transitions_other_planned_use(transitions: pd.DataFrame) -> None:
    # Planned as water: water and grassland are restored, cropland and built-up neutral, barren
    # damaged: nothing is reclaimed or newly damaged.
    flows = reclaimed_area(transitions, "default", planned_use="water").iloc[0]
    assert flows["reclaimed_area_m2"] == 0
    assert flows["newly_damaged_area_m2"] == 0
    # restored: 2020 water 10 + grassland 2 -> 2021 water 3: change -9
    assert flows["restored_change_area_m2"] == pytest.approx(-9 * PIXEL_M2)
    assert flows["damaged_change_area_m2"] == 0


def test_flows_from_state_transitions_equal_flows_from_raw(transitions: pd.DataFrame) -> None:
    direct = reclaimed_area(transitions, "default", planned_use="cropland")
    staged = reclaimed_area(state_transitions(transitions, "default", planned_use="cropland"))
    pd.testing.assert_frame_equal(direct, staged)


def test_baseline_rate_by_hand(transitions: pd.DataFrame) -> None:
    rate = restoration_rate(transitions, "default", planned_use="cropland", definition="baseline")
    row = rate.iloc[0]
    # reclaimed 10 / (damaged in 2020: 10 + 5, plus newly damaged 3)
    assert row["restoration_rate"] == pytest.approx(10 / 18)
    assert (row["base_year"], row["year"]) == (2020, 2021)
    assert row["baseline_damaged_area_mu"] == pytest.approx(15 * MU_PER_PIXEL)
    assert row["newly_damaged_area_mu"] == pytest.approx(3 * MU_PER_PIXEL)


def test_baseline_rate_uses_only_pairs_from_base(transitions: pd.DataFrame) -> None:
    later = transitions.assign(from_year=2021, to_year=2022)
    both = pd.concat([transitions, later], ignore_index=True)
    rate = restoration_rate(both, "default", planned_use="cropland", definition="baseline")
    assert rate["year"].tolist() == [2021]
    with pytest.raises(SchemaError, match="no transitions from base year 2019"):
        restoration_rate(both, planned_use="cropland", definition="baseline", base_year=2019)


def test_rate_is_nan_without_damaged_or_restored_land() -> None:
    t = pd.DataFrame({"zone_id": ["z"], "year": [2020], "generic_class": ["built_up"],
                      "area_m2": [900.0]})
    assert math.isnan(restoration_rate(t, planned_use="")["restoration_rate"].item())


def test_rate_from_status_equals_rate_from_areas(areas: pd.DataFrame) -> None:
    direct = restoration_rate(areas, planned_use=USES)
    staged = restoration_rate(restoration_status(areas, planned_use=USES))
    pd.testing.assert_frame_equal(direct, staged)


def test_provenance_carries_rule_set(areas: pd.DataFrame, transitions: pd.DataFrame) -> None:
    areas.attrs["provenance"] = {"function": "class_areas", "legend": "clcd"}
    rules = load_rules("default")
    results = [
        restoration_status(areas, rules, planned_use=USES),
        restoration_rate(areas, rules, planned_use=USES),
        restoration_rate(restoration_status(areas, rules, planned_use=USES)),
        reclaimed_area(transitions, "broad", planned_use="cropland"),
        state_transitions(transitions, "broad", planned_use="cropland"),
    ]
    for result, name in zip(results, ["default"] * 3 + ["broad"] * 2, strict=True):
        prov = result.attrs["provenance"]
        assert prov["rule_set"] == name
        assert prov["rule_set_sha256"] == load_rules(name).sha256
        assert "package_version" in prov and "parameters" in prov
    assert results[0].attrs["provenance"]["legend"] == "clcd"
    assert results[0].attrs["provenance"]["parameters"]["planned_use"] == USES


def test_aggregate_zones_sums_areas(areas: pd.DataFrame) -> None:
    status = restoration_status(areas, planned_use=USES)
    grouped = aggregate_zones(status, {"cropland": "farm+lake", "water": "farm+lake"})
    assert set(grouped["zone_id"]) == {"farm+lake"}
    damaged = grouped.loc[grouped["state"] == "damaged", "pixels"].item()
    assert damaged == 176 + 128
    rate = restoration_rate(grouped)["restoration_rate"].item()
    assert rate == pytest.approx((1 + 62) / (1 + 62 + 176 + 128))  # from areas, not mean of rates


def test_aggregate_state_transitions(transitions: pd.DataFrame) -> None:
    two = pd.concat([transitions, transitions.assign(zone_id="y")], ignore_index=True)
    states = state_transitions(two, planned_use="cropland")
    flows = reclaimed_area(aggregate_zones(states, {"z": "all", "y": "all"}))
    assert flows["reclaimed_area_m2"].item() == pytest.approx(20 * PIXEL_M2)


# --- bad inputs ---------------------------------------------------------------------------------


def test_unknown_planned_use(areas: pd.DataFrame) -> None:
    with pytest.raises(RuleSetError, match="unknown planned use 'fishpond'"):
        restoration_status(areas, planned_use={**USES, "water": "fishpond"})


def test_zone_without_planned_use(areas: pd.DataFrame) -> None:
    with pytest.raises(SchemaError, match=r"no planned use for zone_id\(s\) \['water'\]"):
        restoration_status(areas, planned_use={k: v for k, v in USES.items() if k != "water"})


def test_planned_use_required(areas: pd.DataFrame) -> None:
    with pytest.raises(SchemaError, match="no planned use given"):
        restoration_status(areas)


def test_duplicate_zone_in_planned_use_table(areas: pd.DataFrame) -> None:
    table = pd.DataFrame({"zone_id": ["water", "water"], "planned_use": ["water", "forest"]})
    with pytest.raises(SchemaError, match="repeats zone_id"):
        restoration_status(areas, planned_use=table)


def test_unknown_and_missing_generic_class() -> None:
    t = pd.DataFrame({"zone_id": ["z"], "year": [2020], "generic_class": ["lava"],
                      "area_m2": [1.0]})
    with pytest.raises(RuleSetError, match=r"no state for class\(es\) \['lava'\]"):
        restoration_status(t, planned_use="")
    with pytest.raises(RuleSetError, match="no generic class"):
        restoration_status(t.assign(generic_class=np.nan), planned_use="")


def test_missing_columns() -> None:
    t = pd.DataFrame({"zone_id": ["z"], "year": [2020], "generic_class": ["water"]})
    with pytest.raises(SchemaError, match=r"lacks column\(s\) \['area_m2'\]"):
        restoration_status(t, planned_use="")
    with pytest.raises(SchemaError, match="neither 'generic_class'"):
        restoration_status(t.drop(columns="generic_class"), planned_use="")


def test_wrong_table_for_definition(areas: pd.DataFrame, transitions: pd.DataFrame) -> None:
    with pytest.raises(SchemaError, match="definition='state' needs class areas"):
        restoration_rate(transitions, planned_use="cropland")
    with pytest.raises(SchemaError, match="needs a transitions table"):
        restoration_rate(areas, planned_use=USES, definition="baseline")
    with pytest.raises(OptionError, match="definition must be one of 'state', 'baseline'"):
        restoration_rate(areas, planned_use=USES, definition="average")  # type: ignore[arg-type]


def test_classified_table_rejects_new_rules(areas: pd.DataFrame) -> None:
    status = restoration_status(areas, planned_use=USES)
    with pytest.raises(SchemaError, match="already has restoration states"):
        restoration_rate(status, "broad")


# --- accounting units and the whole chain on a raster -------------------------------------------


def _layer(rows: list[tuple[str, str, tuple[float, float, float, float]]], crs: object = 4548
           ) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"zone_id": [r[0] for r in rows], "planned_use": [r[1] for r in rows]},
        geometry=[box(*r[2]) for r in rows],
        crs=crs,
    )


def test_accounting_units_split_zones_by_projects() -> None:
    zones = _layer([("z1", "cropland", (0, 0, 40, 40)), ("z2", "construction", (30, 30, 60, 60))])
    projects = _layer([
        ("lake", "water", (0, 0, 20, 40)),
        ("park", "forest", (20, 0, 40, 10)),
        ("yard", "", (40, 50, 50, 60)),         # no use of its own: takes z2's
        ("far", "water", (100, 100, 110, 110)),  # outside every zone
    ])
    units = accounting_units(zones, projects).set_index("unit_id")
    assert units.loc["z1/lake", "planned_use"] == "water"
    assert units.loc["z1/park", "planned_use"] == "forest"
    assert units.loc["z1/remainder", "planned_use"] == "cropland"
    assert units.loc["z2/yard", "planned_use"] == "construction"
    assert units.loc["z2/remainder", "project_id"] == ""
    areas = units.area.to_dict()
    assert areas == {"z1/lake": 800, "z1/park": 200, "z1/remainder": 600, "z2/yard": 100,
                     "z2/remainder": 800}
    assert set(units["zone_id"]) == {"z1", "z2"} and "far" not in set(units["project_id"])


def test_accounting_units_without_projects_and_across_crs() -> None:
    zones = _layer([("z", "", (500_000, 3_800_000, 501_000, 3_801_000))])
    plain = accounting_units(zones)
    assert plain["unit_id"].tolist() == ["z/remainder"] and plain.area.item() == 1_000_000
    lake = _layer([("lake", "water", (500_000, 3_800_000, 500_500, 3_801_000))]).to_crs(4326)
    units = accounting_units(zones, lake).set_index("unit_id")
    assert units.crs == zones.crs  # projects are moved to the zones' CRS
    assert units.loc["z/lake"].geometry.area == pytest.approx(500_000, rel=1e-6)


def test_accounting_units_bad_inputs() -> None:
    zones = _layer([("z", "", (0, 0, 10, 10))])
    overlapping = _layer([("a", "water", (0, 0, 6, 10)), ("b", "forest", (5, 0, 10, 10))])
    with pytest.raises(SchemaError, match="projects 'a' and 'b' overlap"):
        accounting_units(zones, overlapping)
    touching = _layer([("a", "water", (0, 0, 5, 10)), ("b", "forest", (5, 0, 10, 10))])
    assert len(accounting_units(zones, touching)) == 2  # shared edges are fine
    with pytest.raises(MissingCRSError):
        accounting_units(zones.set_crs(None, allow_override=True))
    with pytest.raises(SchemaError, match="'planned_use' column"):
        accounting_units(zones.drop(columns="planned_use"))
    with pytest.raises(SchemaError, match="must be unique; repeated"):
        accounting_units(pd.concat([zones, zones]))
    units = accounting_units(zones)
    with pytest.raises(SchemaError, match=r"table ids \['elsewhere'\] are not units"):
        attach_units(pd.DataFrame({"zone_id": ["elsewhere"]}), units)


# CLCD codes on a 4 × 4 grid of 10 m pixels (x 0-40, y 0-40): 1 cropland, 5 water, 7 barren,
# 9 wetland. The project "lake" covers the two left columns.
GRID = {
    2020: [[5, 5, 5, 1], [5, 5, 5, 1], [7, 7, 5, 5], [1, 1, 1, 1]],
    2021: [[5, 5, 1, 1], [9, 5, 5, 1], [5, 7, 1, 5], [1, 1, 1, 1]],
    2022: [[5, 5, 1, 1], [9, 9, 1, 1], [5, 5, 1, 1], [1, 1, 1, 7]],
}


@pytest.fixture()
def landcover() -> xr.DataArray:
    data = np.array([GRID[y] for y in sorted(GRID)], dtype="uint8")
    da = xr.DataArray(
        data, dims=("year", "y", "x"), name="landcover",
        coords={"year": sorted(GRID), "y": [35.0, 25.0, 15.0, 5.0], "x": [5.0, 15.0, 25.0, 35.0]},
        attrs={"legend": "clcd"},
    )
    return da.rio.write_crs("EPSG:4548")


def test_account_with_project_override(landcover: xr.DataArray) -> None:
    zones = _layer([("z", "cropland", (0, 0, 40, 40))])
    lake = _layer([("lake", "water", (0, 0, 20, 40))])
    result = account(zones, landcover, projects=lake)
    status = result.status.pivot(index="year", columns="state", values="pixels")
    # lake (water: water/wetland R, barren D, cropland N) + rest (cropland: cropland R, water D)
    assert status.loc[2020].to_dict() == {"damaged": 6, "restored": 8, "neutral": 2}
    assert status.loc[2021].to_dict() == {"damaged": 3, "restored": 11, "neutral": 2}
    assert status.loc[2022].to_dict() == {"damaged": 1, "restored": 13, "neutral": 2}
    flows = result.flows.set_index(["from_year", "to_year"])
    assert flows["reclaimed_area_m2"].to_dict() == {(2020, 2021): 300.0, (2020, 2022): 600.0,
                                                    (2021, 2022): 300.0}
    assert flows["newly_damaged_area_m2"].to_dict() == {(2020, 2021): 0.0, (2020, 2022): 100.0,
                                                        (2021, 2022): 100.0}
    assert flows.loc[(2020, 2022), "reclaimed_area_mu"] == pytest.approx(0.9)
    rates = result.rates.set_index("year")["restoration_rate"]
    assert rates.to_dict() == pytest.approx({2020: 8 / 14, 2021: 11 / 14, 2022: 13 / 14})
    assert set(result.class_areas["unit_id"]) == {"z/lake", "z/remainder"}
    prov = result.status.attrs["provenance"]
    assert prov["rule_set"] == "default" and prov["legend"] == "clcd"


def test_account_without_projects_reads_the_zone_use_everywhere(landcover: xr.DataArray) -> None:
    zones = _layer([("z", "cropland", (0, 0, 40, 40))])
    status = account(zones, landcover).status
    first = status[status["year"] == 2020].set_index("state")["pixels"].to_dict()
    # all water (8) and barren (2) are damage under "cropland"; cropland (6) restored
    assert first == {"damaged": 10, "restored": 6, "neutral": 0}


@pytest.mark.parametrize(
    "module",
    [
        "geo_revival.restoration._accounting",
        "geo_revival.restoration._classify",
        "geo_revival.restoration._rates",
        "geo_revival.restoration._status",
        "geo_revival.restoration._rules",
        "geo_revival.restoration._units",
    ],
)
def test_docstring_examples(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
