"""Plan targets and zone catalogue: headline values as printed in the plans (PLAN_FACTS.md)."""

from __future__ import annotations

import pandas as pd
import pytest

from geo_revival import get_target, plan_targets, zone_catalogue
from geo_revival.exceptions import PlanLookupError
from geo_revival.plan import get_target as get_target_direct

DESIGN_CATEGORIES = {
    "old_industrial_zone", "key_subsidence", "general_subsidence", "industrial_mining_zone",
    "resource_depleted_city", "transformation_park", "project", "other",
}


@pytest.mark.parametrize(
    ("indicator_id", "year", "kind", "expected"),
    [
        ("subsidence_treated_area", None, None, 42_784),
        ("key_subsidence_treated_area", None, None, 17_788),
        ("subsidence_restoration_rate", 2024, "actual", 0.752),
        ("subsidence_restoration_rate", 2025, "target", 0.76),
        ("subsidence_restoration_rate", 2026, None, 0.77),
        ("subsidence_restoration_rate", 2027, None, 0.78),
        ("legacy_mine_restoration_rate", 2020, None, 0.25),
        ("legacy_mine_restoration_rate", 2025, "target", 0.60),
        ("forest_cover_rate", 2024, None, 0.3160),
        ("forest_cover_rate", 2027, None, 0.3125),
        ("park_green_area_per_person", 2026, None, 17),
        ("built_up_land_per_gdp", 2024, None, 28.88),
        ("built_up_land_per_gdp", 2027, None, 25.09),
        ("abandoned_quarries_treated_area", None, None, 11_500),
        ("panan_lake_wetland_area", None, None, 15_000),
        ("peixian_reclaimed_area", None, None, 20_000),
    ],
)
def test_headline_values(indicator_id, year, kind, expected):
    assert get_target(indicator_id, year=year, kind=kind) == pytest.approx(expected, abs=1e-12)


def test_treatment_targets_cover_the_14th_fyp():
    t = plan_targets().set_index("indicator_id")
    for ind in ("subsidence_treated_area", "key_subsidence_treated_area"):
        row = t.loc[ind]
        assert (row["unit"], row["kind"]) == ("mu", "target")
        assert (row["period_start"], row["period_end"]) == (2021, 2025)
    assert t.loc["subsidence_treated_area", "scope"] == "all_subsidence"
    assert t.loc["subsidence_treated_area", "name_zh"] == "已有沉陷区治理面积"


def test_table_is_typed_and_consistent():
    t = plan_targets()
    assert t["value"].dtype == "float64"
    assert str(t["year"].dtype) == "Int64"
    assert set(t["kind"]) <= {"target", "actual", "baseline"}
    assert not t.duplicated(["indicator_id", "year", "kind"]).any()
    assert t[["indicator_id", "name_zh", "name_en", "unit", "source_doc", "source_section"]].notna(
    ).all().all()
    assert set(t["source_doc"]) == {"000", "004"}
    rates = t[t["unit"] == "fraction"]
    assert rates["value"].between(0, 1).all()
    assert (t["period_start"] <= t["period_end"]).all()
    assert "provenance" in t.attrs and t.attrs["provenance"]["function"] == "plan_targets"


def test_peixian_note_keeps_more_than_qualifier():
    t = plan_targets().set_index("indicator_id")
    assert "more than" in t.loc["peixian_reclaimed_area", "note"]


def test_zone_scopes_refer_to_catalogue_zones():
    t = plan_targets()
    ids = set(zone_catalogue()["zone_id"])
    general = {"all_subsidence", "key_subsidence", "xuzhou", "jiangsu_regions"}
    assert set(t["scope"]) <= ids | general


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"indicator_id": "no_such_indicator"}, r"Unknown indicator_id 'no_such_indicator'"),
        ({"indicator_id": "subsidence_restoration_rate"}, r"4 values .*Pass year="),
        ({"indicator_id": "subsidence_restoration_rate", "year": 2030}, r"No value .*year=2030"),
        ({"indicator_id": "subsidence_treated_area", "kind": "actual"}, r"No value .*'actual'"),
    ],
)
def test_get_target_errors(kwargs, pattern):
    with pytest.raises(PlanLookupError, match=pattern):
        get_target_direct(**kwargs)
    with pytest.raises(LookupError):  # also a builtin LookupError
        get_target_direct(**kwargs)


# (zone_id, km², people, adcode) as printed in plan 000 专栏1 (transcribed in PLAN_FACTS.md).
ZONES = [
    ("nj_dachang_old_industrial", 30, None, "320116"),
    ("xz_gulou_old_industrial", 25.81, None, "320302"),
    ("cz_tianning_diaozhuang_old_industrial", 11, None, "320402"),
    ("zj_jingkou_jianbi_old_industrial", 12.54, None, "321102"),
    ("xz_jiawang_key_subsidence", 92.9, 59_000, "320305"),
    ("xz_peixian_key_subsidence", 54.48, 165_500, "320322"),
    ("xz_tongshan_key_subsidence", 66.6, 46_800, "320312"),
    ("xz_fengxian_general_subsidence", 3.7, 5_488, "320321"),
    ("xz_quanshan_general_subsidence", 18, 56_000, "320311"),
    ("xz_gulou_general_subsidence", 2, 12_000, "320302"),
    ("xz_xetdz_general_subsidence", 11.8, 39_000, None),
    ("xz_quanshan_jiuli_mining_zone", 33.43, 95_000, "320311"),
    ("xz_xetdz_dahuangshan_mining_zone", 20.15, 39_000, None),
    ("xz_jiawang_resource_depleted_city", 612, 500_000, "320305"),
    ("sq_shuyang_etdz_transformation_park", 51.4, None, "321322"),
]


def test_zone_catalogue_rows():
    z = zone_catalogue()
    assert len(z) == 15 and z["zone_id"].is_unique
    z = z.set_index("zone_id")
    for zone_id, km2, people, adcode in ZONES:
        row = z.loc[zone_id]
        assert row["official_area_km2"] == pytest.approx(km2)
        assert (pd.isna(row["people"]) if people is None else row["people"] == people)
        assert (pd.isna(row["adcode"]) if adcode is None else row["adcode"] == adcode)


def test_zone_catalogue_mu_and_subsidence_sums():
    z = zone_catalogue()
    # 1 km² = 1500 mu exactly
    assert (z["official_area_mu"] == z["official_area_km2"] * 1500).all()
    key = z[z["category"] == "key_subsidence"]
    subsidence = z[z["category"].isin(["key_subsidence", "general_subsidence"])]
    # Sums in PLAN_FACTS.md: 213.98 km² (320,970 mu) key, 249.48 km² (374,220 mu) in all.
    assert key["official_area_km2"].sum() == pytest.approx(213.98)
    assert key["official_area_mu"].sum() == pytest.approx(320_970)
    assert subsidence["official_area_km2"].sum() == pytest.approx(249.48)
    assert subsidence["official_area_mu"].sum() == pytest.approx(374_220)


def test_zone_catalogue_categories_and_counts():
    z = zone_catalogue()
    assert set(z["category"]) <= DESIGN_CATEGORIES
    counts = z["category"].value_counts().to_dict()
    assert counts == {
        "old_industrial_zone": 4, "key_subsidence": 3, "general_subsidence": 4,
        "industrial_mining_zone": 2, "resource_depleted_city": 1, "transformation_park": 1,
    }
    assert z[["name_zh", "name_en", "source", "city"]].notna().all().all()
    assert str(z["people"].dtype) == "Int64"


def test_zone_adcodes_exist_in_bundled_districts():
    from geo_revival import load_districts

    codes = set(load_districts()["adcode"])
    assert set(zone_catalogue()["adcode"].dropna()) <= codes
