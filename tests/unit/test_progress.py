"""Progress against plan targets on a hand-built three-zone example; expected values by hand."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from geo_revival.exceptions import PlanLookupError, ProgressWarning, SchemaError
from geo_revival.plan import (
    plan_targets,
    progress,
    progress_indicators,
    project_trend,
    rate_trajectory,
    treated_trajectory,
)
from geo_revival.restoration import restoration_status, state_transitions

M2_PER_MU = 10_000 / 15
T_975_2DF = 4.302653  # Student t, 97.5 % quantile, 2 degrees of freedom (printed tables: 4.303)

# Cumulative moves from 2020 to year t, in mu: (zone, from class, to class) -> {t: mu}.
#  k1 key subsidence, planned cropland: 12 000 mu water, 3 000 mu cropland in 2020;
#     reclaimed water -> cropland 3 600 / 7 600 / 9 000 by 2021 / 2022 / 2023;
#     500 mu of cropland newly waterlogged by 2023.
#  g1 general subsidence, no planned use: 15 000 mu barren, 5 000 mu cropland;
#     barren -> grassland 5 000 / 9 000 / 12 000.
#  m1 industrial-mining zone, planned forest: 3 000 mu barren, 1 000 mu forest;
#     barren -> forest 200 / 560 / 1 000.
RECLAIMED_K = {2021: 3600, 2022: 7600, 2023: 9000}
RECLAIMED_G = {2021: 5000, 2022: 9000, 2023: 12000}
RECLAIMED_M = {2021: 200, 2022: 560, 2023: 1000}
NEW_WATER_K = {2021: 0, 2022: 0, 2023: 500}
PLANNED = {"k1": "cropland", "g1": "", "m1": "forest"}
ZONES = pd.DataFrame(
    {"zone_id": ["k1", "g1", "m1"],
     "category": ["key_subsidence", "general_subsidence", "industrial_mining_zone"]}
)


def _moves() -> pd.DataFrame:
    rows = []
    for t in (2021, 2022, 2023):
        rows += [
            ("k1", t, "water", "cropland", RECLAIMED_K[t]),
            ("k1", t, "water", "water", 12000 - RECLAIMED_K[t]),
            ("k1", t, "cropland", "water", NEW_WATER_K[t]),
            ("k1", t, "cropland", "cropland", 3000 - NEW_WATER_K[t]),
            ("g1", t, "barren", "grassland", RECLAIMED_G[t]),
            ("g1", t, "barren", "barren", 15000 - RECLAIMED_G[t]),
            ("g1", t, "cropland", "cropland", 5000),
            ("m1", t, "barren", "forest", RECLAIMED_M[t]),
            ("m1", t, "barren", "barren", 3000 - RECLAIMED_M[t]),
            ("m1", t, "forest", "forest", 1000),
        ]
    t = pd.DataFrame(rows, columns=["zone_id", "to_year", "from_generic", "to_generic", "mu"])
    t["from_year"] = 2020
    t["area_m2"] = t["mu"] * M2_PER_MU
    return t.drop(columns="mu")


def _areas(moves: pd.DataFrame) -> pd.DataFrame:
    """Class areas of every year as the marginals of the 2020 -> t moves."""
    start = moves[moves["to_year"] == 2021].groupby(["zone_id", "from_generic"])["area_m2"].sum()
    start = start.reset_index().rename(columns={"from_generic": "generic_class"}).assign(year=2020)
    later = moves.groupby(["zone_id", "to_year", "to_generic"])["area_m2"].sum().reset_index()
    later = later.rename(columns={"to_year": "year", "to_generic": "generic_class"})
    return pd.concat([start, later], ignore_index=True)


@pytest.fixture(scope="module")
def tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    moves = _moves()
    status = restoration_status(_areas(moves), "default", planned_use=PLANNED)
    states = state_transitions(moves, "default", planned_use=PLANNED)
    return status, states


@pytest.fixture(scope="module")
def result(tables: tuple[pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    status, states = tables
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProgressWarning)  # 3 of the plan's 9 zones
        return progress(status, states, ZONES)


def _row(result: pd.DataFrame, indicator: str, year: int, kind: str = "observed") -> pd.Series:
    rows = result[(result["indicator_id"] == indicator) & (result["year"] == year)
                  & (result["kind"] == kind)]
    assert len(rows) == 1, (indicator, year, kind)
    return rows.iloc[0]


def test_treated_trajectory_from_plan() -> None:
    t = treated_trajectory("subsidence_treated_area")
    assert t["year"].tolist() == [2020, 2021, 2022, 2023, 2024, 2025]
    assert t["reference"].tolist() == pytest.approx([0, 8556.8, 17113.6, 25670.4, 34227.2, 42784])
    assert t["reference_kind"].tolist() == ["baseline"] + ["trajectory"] * 4 + ["target"]
    assert (t["unit"] == "mu").all()
    key = treated_trajectory("key_subsidence_treated_area")
    assert key["reference"].iloc[-1] == 17788 and key["reference"].iloc[1] == pytest.approx(3557.6)


def test_rate_trajectories_from_plan() -> None:
    rate = rate_trajectory("subsidence_restoration_rate")
    assert rate[["year", "reference", "reference_kind"]].values.tolist() == [
        [2024, 0.752, "actual"], [2025, 0.76, "target"], [2026, 0.77, "target"],
        [2027, 0.78, "target"],
    ]
    mine = rate_trajectory("legacy_mine_restoration_rate")
    assert mine["reference"].tolist() == pytest.approx([0.25, 0.32, 0.39, 0.46, 0.53, 0.60])
    assert mine["reference_kind"].tolist() == ["baseline"] + ["trajectory"] * 4 + ["target"]


def test_trajectories_follow_the_data_file(monkeypatch: pytest.MonkeyPatch) -> None:
    # Targets are read from the plan file, never typed in: change the file, the trajectory follows.
    changed = plan_targets()
    changed.loc[changed["indicator_id"] == "key_subsidence_treated_area", "value"] = 1000.0
    monkeypatch.setattr("geo_revival.plan._references.plan_targets", lambda: changed)
    assert treated_trajectory("key_subsidence_treated_area")["reference"].iloc[-1] == 1000.0


def test_indicator_file_is_consistent_with_plan() -> None:
    table = progress_indicators()
    known = set(plan_targets()["indicator_id"])
    assert set(table["indicator_id"]) <= known
    assert set(table["measure"]) == {"treated_area", "restoration_rate"}
    assert set(table["tolerance_kind"]) <= {"relative", "absolute"}
    assert (table["tolerance"] > 0).all()


@pytest.mark.parametrize(
    ("indicator", "year", "value", "reference", "status"),
    [
        # key: k1 only. 2021: 3600 vs 3557.6, band ± 5 % = 177.88 -> on track
        ("key_subsidence_treated_area", 2021, 3600, 3557.6, "on_track"),
        # 2022: 7600 vs 7115.2, margin 484.8 > 355.76 -> ahead
        ("key_subsidence_treated_area", 2022, 7600, 7115.2, "ahead"),
        # 2023: 9000 vs 10672.8 -> behind (the 500 mu newly waterlogged do not reduce "reclaimed")
        ("key_subsidence_treated_area", 2023, 9000, 10672.8, "behind"),
        # all subsidence: k1 + g1. 2021: 8600 vs 8556.8 -> on track
        ("subsidence_treated_area", 2021, 8600, 8556.8, "on_track"),
        # 2022: 16600 vs 17113.6, margin -513.6, band 855.68 -> on track
        ("subsidence_treated_area", 2022, 16600, 17113.6, "on_track"),
        ("subsidence_treated_area", 2023, 21000, 25670.4, "behind"),
        ("subsidence_treated_area", 2020, 0, 0, "on_track"),
        # legacy mine rate, m1: (1000 + reclaimed) / 4000 vs 0.25 -> 0.60 linear
        ("legacy_mine_restoration_rate", 2020, 0.25, 0.25, "on_track"),
        ("legacy_mine_restoration_rate", 2021, 0.30, 0.32, "behind"),
        ("legacy_mine_restoration_rate", 2022, 0.39, 0.39, "on_track"),
        ("legacy_mine_restoration_rate", 2023, 0.50, 0.46, "ahead"),
    ],
)
def test_observed_rows(
    result: pd.DataFrame, indicator: str, year: int, value: float, reference: float, status: str
) -> None:
    row = _row(result, indicator, year)
    assert row["value"] == pytest.approx(value)
    assert row["reference"] == pytest.approx(reference)
    assert row["margin"] == pytest.approx(value - reference, abs=1e-9)
    assert row["status"] == status
    if indicator.endswith("area"):
        assert row["unit"] == "mu" and row["margin_mu"] == pytest.approx(value - reference)
        assert math.isnan(row["margin_pp"])
    else:
        assert row["unit"] == "fraction"
        assert row["margin_pp"] == pytest.approx((value - reference) * 100, abs=1e-7)
        assert math.isnan(row["margin_mu"])


def test_subsidence_rate_observed(result: pd.DataFrame) -> None:
    # k1 + g1 = 35 000 mu; restored = cropland(k1) + grassland + cropland(g1).
    expected = {2020: 8000, 2021: 16600, 2022: 24600, 2023: 28500}
    for year, restored in expected.items():
        row = _row(result, "subsidence_restoration_rate", year)
        assert row["value"] == pytest.approx(restored / 35000)
        assert math.isnan(row["reference"]) and pd.isna(row["status"])  # plan starts in 2024


def test_projection_of_treated_area(result: pd.DataFrame) -> None:
    # OLS through (2020, 0), (2021, 8600), (2022, 16600), (2023, 21000): slope 35500 / 5 = 7100,
    # mean 11550 at 2021.5; residuals -900, 600, 1500, -1200 -> s² = 4 860 000 / 2.
    row = _row(result, "subsidence_treated_area", 2025, "projected")
    assert row["value"] == pytest.approx(11550 + 7100 * 3.5)  # 36 400
    half = T_975_2DF * math.sqrt(4_860_000 / 2) * math.sqrt(1 + 1 / 4 + 3.5**2 / 5)
    assert row["lower"] == pytest.approx(36400 - half, rel=1e-6)
    assert row["upper"] == pytest.approx(36400 + half, rel=1e-6)
    assert row["reference"] == 42784 and row["reference_kind"] == "target"
    assert row["status"] == "behind" and row["margin_mu"] == pytest.approx(36400 - 42784)
    later = _row(result, "subsidence_treated_area", 2027, "projected")
    assert math.isnan(later["reference"]) and pd.isna(later["status"])  # no target after 2025


def test_projected_rates_are_clipped(result: pd.DataFrame) -> None:
    row = _row(result, "subsidence_restoration_rate", 2027, "projected")
    assert row["value"] == 1.0 and row["upper"] == 1.0  # the line passes 100 % before 2025
    assert row["reference"] == 0.78 and row["status"] == "ahead"
    projected = result[result["kind"] == "projected"]
    rates = projected[projected["unit"] == "fraction"]
    assert rates[["value", "lower", "upper"]].stack().between(0, 1).all()


def test_net_reclaimed_subtracts_newly_damaged(tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    status, states = tables
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProgressWarning)
        net = progress(status, states, ZONES, indicators=["key_subsidence_treated_area"],
                       treated="net_reclaimed")
    assert _row(net, "key_subsidence_treated_area", 2023)["value"] == pytest.approx(8500)
    assert _row(net, "key_subsidence_treated_area", 2022)["value"] == pytest.approx(7600)


def test_tolerance_override(tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    status, states = tables
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProgressWarning)
        wide = progress(status, states, ZONES, indicators=["key_subsidence_treated_area"],
                        tolerances={"key_subsidence_treated_area": 1000.0})
    row = _row(wide, "key_subsidence_treated_area", 2022)
    assert row["status"] == "on_track" and row["tolerance"] == 1000.0


def test_baseline_rate_definition(tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    status, states = tables
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProgressWarning)
        out = progress(status, states, ZONES, indicators=["legacy_mine_restoration_rate"],
                       rate_definition="baseline")
    # m1: reclaimed since 2020 / damaged in 2020 (3000 mu barren, nothing newly damaged)
    assert _row(out, "legacy_mine_restoration_rate", 2023)["value"] == pytest.approx(1000 / 3000)


def test_provenance(result: pd.DataFrame) -> None:
    prov = result.attrs["provenance"]
    assert prov["function"] == "progress"
    assert prov["rule_set"] == "default" and len(prov["rule_set_sha256"]) == 64
    assert any(p.endswith("progress_indicators.csv") for p in prov["inputs"])
    assert prov["targets"]["function"] == "plan_targets"
    assert prov["upstream"]["function"] == "restoration_status"  # the status's own record


def test_warns_about_partial_zone_sets(tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    status, states = tables
    with pytest.warns(ProgressWarning, match=r"1 zone\(s\) of categories \['key_subsidence'\]"):
        progress(status, states, ZONES, indicators=["key_subsidence_treated_area"])


def test_without_transitions_treated_area_is_skipped(
    tables: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    status, _ = tables
    with pytest.warns(ProgressWarning) as record:
        out = progress(status, None, ZONES)
    assert sum("needs state transitions" in str(w.message) for w in record) == 2
    assert set(out["indicator_id"]) == {"subsidence_restoration_rate",
                                        "legacy_mine_restoration_rate"}


def test_no_zones_for_an_indicator(tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    status, states = tables
    only_mine = ZONES[ZONES["zone_id"] == "m1"]
    with pytest.warns(ProgressWarning, match="no zones of categories"):
        out = progress(status, states, only_mine, indicators=["subsidence_restoration_rate"])
    assert out.empty and "status" in out.columns


def test_bad_inputs(tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    status, states = tables
    with pytest.raises(SchemaError, match="restoration_status"):
        progress(states, states, ZONES)
    with pytest.raises(SchemaError, match="state_transitions"):
        progress(status, status, ZONES)
    with pytest.raises(SchemaError, match="'zone_id' and 'category'"):
        progress(status, states, ZONES.drop(columns="category"))
    with pytest.raises(PlanLookupError, match=r"unknown indicator\(s\) \['gdp'\]"):
        progress(status, states, ZONES, indicators=["gdp"])
    later = states[states["to_year"] > 2021]
    consecutive = later.assign(from_year=later["to_year"] - 1)  # 2021->2022, 2022->2023
    with (pytest.raises(SchemaError, match="no state transitions from the base year 2020"),
          warnings.catch_warnings()):
        warnings.simplefilter("ignore", ProgressWarning)
        progress(status, consecutive, ZONES, indicators=["subsidence_treated_area"])


# --- project_trend -------------------------------------------------------------------------------


def test_project_trend_by_hand() -> None:
    # y = 0, 1, 3, 4 at 2020..2023: slope 7 / 5 = 1.4, mean 2 at 2021.5, residuals
    # 0.1, -0.3, 0.3, -0.1 -> s² = 0.2 / 2.
    p = project_trend([2020, 2021, 2022, 2023], [0, 1, 3, 4], [2025, 2027]).set_index("year")
    assert p.loc[2025, "value"] == pytest.approx(6.9)
    assert p.loc[2027, "value"] == pytest.approx(9.7)
    half = T_975_2DF * math.sqrt(0.1) * math.sqrt(1 + 1 / 4 + 3.5**2 / 5)
    assert p.loc[2025, "upper"] - p.loc[2025, "value"] == pytest.approx(half, rel=1e-6)
    assert p.loc[2025, "value"] - p.loc[2025, "lower"] == pytest.approx(half, rel=1e-6)
    assert (p["n_years"] == 4).all()
    width = p["upper"] - p["lower"]
    assert width[2027] > width[2025]  # wider further from the data


def test_project_trend_few_years() -> None:
    two = project_trend([2020, 2021], [1.0, 2.0], [2023])
    assert two["value"].item() == pytest.approx(4.0)
    assert np.isnan(two["lower"].item()) and "no interval" in two["note"].item()
    one = project_trend([2020], [1.0], [2023])
    assert np.isnan(one["value"].item()) and "no projection" in one["note"].item()
    gaps = project_trend([2020, 2021, 2022], [1.0, np.nan, 3.0], [2023])
    assert gaps["n_years"].item() == 2 and gaps["value"].item() == pytest.approx(4.0)


def test_progress_with_too_few_years_is_honest() -> None:
    areas = pd.DataFrame({"zone_id": "m1", "year": [2020, 2020],
                          "generic_class": ["forest", "barren"], "area_m2": [1.0, 3.0]})
    status = restoration_status(areas, planned_use="forest")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProgressWarning)
        out = progress(status, None, ZONES, indicators=["legacy_mine_restoration_rate"])
    projected = out[out["kind"] == "projected"]
    assert len(projected) == 2 and projected["value"].isna().all()
    assert projected["note"].str.contains("no projection").all()


@pytest.mark.parametrize(
    "module",
    ["geo_revival.plan._progress", "geo_revival.plan._references", "geo_revival.plan._verdict"],
)
def test_docstring_examples(module: str) -> None:
    import doctest
    import importlib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProgressWarning)
        result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0
