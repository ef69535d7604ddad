"""Restoration accounting on the SIMULATED Xuzhou demo against the scenario's own known truth.

The demo records, while it simulates, how many pixels each project / zone remainder treated in
each year and how many became newly damaged (``known_truth.treated_pixels_recorded``,
``new_damage_pixels_recorded``, driven by ``parameters.toml``). On the *truth* rasters the
accounting must find exactly those numbers, to the pixel; on the *mapped* rasters (with
classification errors) it must not.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from geo_revival.demo import XuzhouDemo, load_xuzhou
from geo_revival.exceptions import ProgressWarning
from geo_revival.plan import progress
from geo_revival.restoration import (
    Accounting,
    account,
    load_rules,
    reclaimed_area,
    restoration_status,
    state_transitions,
)

pytestmark = pytest.mark.slow

PIXEL_M2 = 900.0  # 30 m CLCD pixels
CITY = "xz_jiawang_resource_depleted_city"  # whole-district zone, see test_whole_district_zone


@pytest.fixture(scope="module")
def demo() -> XuzhouDemo:
    return load_xuzhou()


@pytest.fixture(scope="module")
def on_truth(demo: XuzhouDemo) -> Accounting:
    return account(demo.zones, demo.truth, projects=demo.projects)


@pytest.fixture(scope="module")
def on_mapped(demo: XuzhouDemo) -> Accounting:
    return account(demo.zones, demo.landcover, projects=demo.projects)


@pytest.fixture(scope="module")
def known(demo: XuzhouDemo) -> pd.DataFrame:
    """Known truth of the zones the scenario simulated unit by unit (recorded process)."""
    k = demo.known_truth
    return k[k["zone_id"] != CITY]


def _pixels(area_m2: pd.Series) -> pd.Series:
    px = area_m2 / PIXEL_M2
    assert np.allclose(px, px.round()), "centre-rule areas are whole pixels"
    return px.round().astype(int)


def _consecutive(flows: pd.DataFrame, key: str) -> pd.DataFrame:
    out = flows[flows["to_year"] == flows["from_year"] + 1]
    return out.rename(columns={"to_year": "year"}).set_index([key, "year"])


def test_demo_is_simulated(demo: XuzhouDemo) -> None:
    assert demo.truth.attrs["simulated"] and demo.landcover.attrs["simulated"]
    assert demo.known_truth["treated_pixels_recorded"].notna().any()


def test_truth_states_equal_known_truth(on_truth: Accounting, known: pd.DataFrame) -> None:
    status = on_truth.status.pivot_table(index=["zone_id", "year"], columns="state",
                                         values="pixels")
    expected = known.groupby(["zone_id", "year"])[
        ["damaged_pixels", "restored_pixels", "neutral_pixels"]].sum()
    assert len(expected) == 10 * 6  # 10 simulated zones x 2020-2025
    for state in ("damaged", "restored", "neutral"):
        got = status.loc[expected.index, state].astype(int)
        pd.testing.assert_series_equal(got, expected[f"{state}_pixels"].astype(int),
                                       check_names=False)


def test_truth_reclaimed_equals_recorded_treatment(on_truth: Accounting,
                                                   known: pd.DataFrame) -> None:
    flows = _consecutive(on_truth.flows, "zone_id")
    recorded = known.dropna(subset=["treated_pixels_recorded"]).groupby(["zone_id", "year"])[
        ["treated_pixels_recorded", "new_damage_pixels_recorded"]].sum().astype(int)
    assert recorded["treated_pixels_recorded"].sum() > 10_000  # the scenario does treat land
    got = flows.loc[recorded.index]
    pd.testing.assert_series_equal(_pixels(got["reclaimed_area_m2"]),
                                   recorded["treated_pixels_recorded"], check_names=False)
    pd.testing.assert_series_equal(_pixels(got["newly_damaged_area_m2"]),
                                   recorded["new_damage_pixels_recorded"], check_names=False)


def test_truth_reclaimed_per_project_equals_recorded(on_truth: Accounting,
                                                     known: pd.DataFrame) -> None:
    # The same, unit by unit: each project with its own planned use, and the zone remainders.
    rules = load_rules("default")
    states = state_transitions(on_truth.transitions, rules, id_column="unit_id")
    flows = _consecutive(reclaimed_area(states, id_column="unit_id"), "unit_id")
    rec = known.dropna(subset=["treated_pixels_recorded"]).copy()
    rec["unit_id"] = rec["zone_id"] + "/" + rec["unit_id"].replace("rest_of_zone", "remainder")
    rec = rec.set_index(["unit_id", "year"])["treated_pixels_recorded"].astype(int)
    assert rec.index.get_level_values("unit_id").nunique() > 20  # projects + remainders
    pd.testing.assert_series_equal(_pixels(flows.loc[rec.index, "reclaimed_area_m2"]), rec,
                                   check_names=False)


def test_projects_layer_accounted_on_its_own(demo: XuzhouDemo, known: pd.DataFrame) -> None:
    # One row per project: the projects layer is a zone layer with its own planned uses.
    flows = _consecutive(account(demo.projects, demo.truth).flows, "zone_id")
    rec = known[known["unit_id"] != "rest_of_zone"].dropna(subset=["treated_pixels_recorded"])
    rec = rec.set_index(["unit_id", "year"])["treated_pixels_recorded"].astype(int)
    assert rec.index.get_level_values(0).nunique() == len(demo.projects)
    pd.testing.assert_series_equal(_pixels(flows.loc[rec.index, "reclaimed_area_m2"]), rec,
                                   check_names=False)


def test_cumulative_treated_is_bounded_by_the_recorded_process(on_truth: Accounting,
                                                               known: pd.DataFrame) -> None:
    # reclaimed(2020 -> t) counts land damaged in 2020 and restored in t. Every treatment the
    # process recorded up to t is counted, except treatments of land that became damaged after
    # 2020 or was damaged again after its treatment -- at most one per new-damage event. So
    # treated - new damage <= reclaimed(2020 -> t) <= treated, with equality without new damage.
    cum = on_truth.flows[on_truth.flows["from_year"] == 2020].rename(columns={"to_year": "year"})
    cum = cum.set_index(["zone_id", "year"])
    rec = known.dropna(subset=["treated_pixels_recorded"]).groupby(["zone_id", "year"])[
        ["treated_pixels_recorded", "new_damage_pixels_recorded"]].sum()
    running = rec.groupby(level="zone_id").cumsum().astype(int)
    got = _pixels(cum.loc[running.index, "reclaimed_area_m2"])
    treated, new = running["treated_pixels_recorded"], running["new_damage_pixels_recorded"]
    assert (got <= treated).all() and (got >= treated - new).all()
    no_new = new == 0
    assert no_new.sum() > 20
    pd.testing.assert_series_equal(got[no_new], treated[no_new], check_names=False)


def test_whole_district_zone(demo: XuzhouDemo, on_truth: Accounting) -> None:
    # The scenario's truth table reads the whole-district zone with the zone's own planned use
    # only; with the projects' uses (water lakes inside Jiawang) the accounting differs, as the
    # rules intend. Without projects it must equal the table to the pixel.
    city = demo.zones[demo.zones["zone_id"] == CITY]
    alone = account(city, demo.truth).status.pivot_table(index="year", columns="state",
                                                         values="pixels")
    expected = demo.known_truth[demo.known_truth["zone_id"] == CITY].set_index("year")
    for state in ("damaged", "restored", "neutral"):
        np.testing.assert_array_equal(alone[state].astype(int),
                                      expected.loc[alone.index, f"{state}_pixels"].astype(int))
    with_projects = on_truth.status[on_truth.status["zone_id"] == CITY]
    restored = with_projects[with_projects["state"] == "restored"].set_index("year")["pixels"]
    assert (restored > alone["restored"]).all()  # project lakes count as restored


def test_mapped_series_differs_from_truth(on_truth: Accounting, on_mapped: Accounting,
                                          known: pd.DataFrame) -> None:
    truth_flows = _consecutive(on_truth.flows, "zone_id")
    mapped_flows = _consecutive(on_mapped.flows, "zone_id")
    idx = known.dropna(subset=["treated_pixels_recorded"]).groupby(["zone_id", "year"]).size().index
    diff = (mapped_flows.loc[idx, "reclaimed_area_m2"] - truth_flows.loc[idx, "reclaimed_area_m2"])
    assert (diff != 0).mean() > 0.9  # classification errors show up almost everywhere
    truth_status = on_truth.status.set_index(["zone_id", "year", "state"])["area_m2"]
    mapped_status = on_mapped.status.set_index(["zone_id", "year", "state"])["area_m2"]
    assert not np.allclose(truth_status, mapped_status.loc[truth_status.index])


def test_progress_on_truth(demo: XuzhouDemo, on_truth: Accounting) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", ProgressWarning)  # all plan zones are in the demo
        table = progress(on_truth.status, on_truth.state_transitions, demo.zones)
    assert set(table["indicator_id"]) == {"subsidence_treated_area", "key_subsidence_treated_area",
                                          "subsidence_restoration_rate",
                                          "legacy_mine_restoration_rate"}
    observed = table[table["kind"] == "observed"].set_index(["indicator_id", "year"])
    subsidence = demo.zones.loc[demo.zones["category"].isin(
        ["key_subsidence", "general_subsidence"]), "zone_id"]
    flows = on_truth.flows
    by_2025 = flows[(flows["from_year"] == 2020) & (flows["to_year"] == 2025)
                    & flows["zone_id"].isin(subsidence)]["reclaimed_area_mu"].sum()
    assert observed.loc[("subsidence_treated_area", 2025), "value"] == pytest.approx(by_2025)
    assert observed["status"].dropna().isin(["ahead", "on_track", "behind"]).all()
    status = restoration_status(on_truth.class_areas, "default")
    pd.testing.assert_frame_equal(status, on_truth.status, check_like=True)
