"""Invariants of restoration accounting on random tables and random rule sets (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo_revival.landcover.legend import GENERIC_CLASSES
from geo_revival.plan import project_trend
from geo_revival.restoration import (
    STATES,
    RuleSet,
    aggregate_zones,
    reclaimed_area,
    restoration_rate,
    restoration_status,
    state_transitions,
)
from geo_revival.zones import PLANNED_USES

PIXEL_M2 = 900.0
USES = ("", *PLANNED_USES)

state = st.sampled_from(STATES)
rule_sets = st.builds(
    lambda base, over: RuleSet(name="random", states=base, planned_use=over),
    st.fixed_dictionaries({c: state for c in GENERIC_CLASSES}),
    st.fixed_dictionaries(
        {u: st.dictionaries(st.sampled_from(GENERIC_CLASSES), state) for u in PLANNED_USES}
    ),
)
moves = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.sampled_from(GENERIC_CLASSES),
        st.sampled_from(GENERIC_CLASSES),
        st.integers(0, 10_000),
    ),
    min_size=1,
    max_size=40,
)
planned = st.fixed_dictionaries({z: st.sampled_from(USES) for z in ("a", "b", "c")})


def _transitions(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    t = pd.DataFrame(rows, columns=["zone_id", "from_generic", "to_generic", "pixels"])
    t["pixels"] = t["pixels"].astype(float)
    return t.assign(from_year=2020, to_year=2021, area_m2=t["pixels"] * PIXEL_M2)


def _marginal(t: pd.DataFrame, side: str, year: int) -> pd.DataFrame:
    m = t.groupby(["zone_id", f"{side}_generic"], as_index=False)[["pixels", "area_m2"]].sum()
    return m.rename(columns={f"{side}_generic": "generic_class"}).assign(year=year)


def _state_area(status: pd.DataFrame, which: str) -> pd.Series:
    return status[status["state"] == which].set_index("zone_id")["area_m2"]


@settings(max_examples=25, deadline=None)
@given(rows=moves, rules=rule_sets, uses=planned)
def test_flow_identities(rows: list[tuple[str, str, str, int]], rules: RuleSet,
                         uses: dict[str, str]) -> None:
    t = _transitions(rows)
    states = state_transitions(t, rules, planned_use=uses)
    flows = reclaimed_area(states).set_index("zone_id")
    before = restoration_status(_marginal(t, "from", 2020), rules, planned_use=uses)
    after = restoration_status(_marginal(t, "to", 2021), rules, planned_use=uses)

    def moved(f: tuple[str, ...], to: tuple[str, ...]) -> pd.Series:
        rows_ = states[states["from_state"].isin(f) & states["to_state"].isin(to)]
        return rows_.groupby("zone_id")["area_m2"].sum().reindex(flows.index, fill_value=0.0)

    d_restored = (_state_area(after, "restored") - _state_area(before, "restored"))
    d_damaged = (_state_area(after, "damaged") - _state_area(before, "damaged"))
    # Δrestored = (damaged→restored + neutral→restored) − (restored→damaged + restored→neutral)
    gain = moved(("damaged", "neutral"), ("restored",))
    loss = moved(("restored",), ("damaged", "neutral"))
    np.testing.assert_allclose(flows["restored_change_area_m2"], d_restored[flows.index])
    np.testing.assert_allclose(flows["restored_change_area_m2"], gain - loss)
    np.testing.assert_allclose(flows["damaged_change_area_m2"], d_damaged[flows.index])
    # reclaimed − newly damaged = −Δdamaged − damaged→neutral + ... written out in full:
    np.testing.assert_allclose(
        flows["net_reclaimed_area_m2"],
        -d_damaged[flows.index] - moved(("damaged",), ("neutral",)),
    )
    np.testing.assert_allclose(
        flows["net_reclaimed_area_m2"], flows["reclaimed_area_m2"] - flows["newly_damaged_area_m2"]
    )
    # Every square metre is in exactly one state in each year.
    total = t.groupby("zone_id")["area_m2"].sum()
    np.testing.assert_allclose(before.groupby("zone_id")["area_m2"].sum(), total)
    np.testing.assert_allclose(after.groupby("zone_id")["area_m2"].sum(), total)
    assert (flows["reclaimed_area_m2"] >= 0).all() and (flows["newly_damaged_area_m2"] >= 0).all()


@settings(max_examples=20, deadline=None)
@given(rows=moves, uses=planned, damaged=st.sets(st.sampled_from(GENERIC_CLASSES)))
def test_without_neutral_land_reclaimed_minus_newly_damaged_is_change_in_restored(
    rows: list[tuple[str, str, str, int]], uses: dict[str, str], damaged: set[str]
) -> None:
    # With only two states, every flow into "restored" comes from "damaged" and vice versa.
    base = {c: ("damaged" if c in damaged else "restored") for c in GENERIC_CLASSES}
    rules = RuleSet(name="two-state", states=base, planned_use={u: {} for u in PLANNED_USES})
    flows = reclaimed_area(_transitions(rows), rules, planned_use=uses)
    net = flows["reclaimed_area_m2"] - flows["newly_damaged_area_m2"]
    np.testing.assert_allclose(net, flows["restored_change_area_m2"])
    np.testing.assert_allclose(flows["restored_change_area_m2"], -flows["damaged_change_area_m2"])


@settings(max_examples=20, deadline=None)
@given(rows=moves, rules=rule_sets, uses=planned)
def test_rates_are_fractions(rows: list[tuple[str, str, str, int]], rules: RuleSet,
                             uses: dict[str, str]) -> None:
    t = _transitions(rows)
    state = restoration_rate(_marginal(t, "to", 2021), rules, planned_use=uses)
    baseline = restoration_rate(t, rules, planned_use=uses, definition="baseline")
    denominators = (
        state["restored_area_m2"] + state["damaged_area_m2"],
        baseline["baseline_damaged_area_m2"] + baseline["newly_damaged_area_m2"],
    )
    for rate, denominator in zip((state, baseline), denominators, strict=True):
        assert rate["restoration_rate"].dropna().between(0.0, 1.0).all()
        # NaN exactly where there is neither damaged nor restored land to divide by.
        assert (rate["restoration_rate"].isna() == (denominator == 0)).all()


@settings(max_examples=20, deadline=None)
@given(rows=moves, rules=rule_sets, uses=planned)
def test_group_rate_lies_between_member_rates(rows: list[tuple[str, str, str, int]],
                                              rules: RuleSet, uses: dict[str, str]) -> None:
    status = restoration_status(_marginal(_transitions(rows), "to", 2021), rules, planned_use=uses)
    members = restoration_rate(status)["restoration_rate"].dropna()
    group = restoration_rate(aggregate_zones(status, dict.fromkeys("abc", "all")))
    value = group["restoration_rate"].item()
    if members.empty:
        assert np.isnan(value)
    else:  # a ratio of sums is a weighted mean of the ratios
        assert members.min() - 1e-12 <= value <= members.max() + 1e-12


@settings(max_examples=15, deadline=None)
@given(rows=moves, rules=rule_sets, uses=planned, data=st.data())
def test_splitting_rows_changes_nothing(rows: list[tuple[str, str, str, int]], rules: RuleSet,
                                        uses: dict[str, str], data: st.DataObject) -> None:
    t = _transitions(rows)
    i = data.draw(st.integers(0, len(t) - 1))
    share = data.draw(st.integers(0, 4)) / 4
    split = pd.concat(
        [t, t.iloc[[i]].assign(pixels=t["pixels"].iloc[i] * share,
                               area_m2=t["area_m2"].iloc[i] * share)],
        ignore_index=True,
    )
    split.loc[i, ["pixels", "area_m2"]] = t.loc[i, ["pixels", "area_m2"]] * (1 - share)
    a = reclaimed_area(t, rules, planned_use=uses)
    b = reclaimed_area(split, rules, planned_use=uses)
    pd.testing.assert_frame_equal(a, b, check_exact=False)


@settings(max_examples=30, deadline=None)
@given(rules=rule_sets, order=st.permutations(GENERIC_CLASSES))
def test_hash_ignores_order(rules: RuleSet, order: list[str]) -> None:
    shuffled = RuleSet(
        name="other name",
        states={c: rules.states[c] for c in order},
        planned_use={u: dict(reversed(list(rules.planned_use[u].items()))) for u in PLANNED_USES},
    )
    assert shuffled.sha256 == rules.sha256


def test_prediction_interval_coverage() -> None:
    # 2 000 linear series with normal noise, 6 years each: the 95 % interval for year 8 must
    # cover the new value about 95 % of the time (binomial sd ≈ 0.5 %).
    rng = np.random.default_rng(20260101)
    years = np.arange(2020, 2026)
    hits = 0
    trials = 2000
    for _ in range(trials):
        slope, sigma = rng.uniform(-2, 5), rng.uniform(0.1, 3)
        values = 10 + slope * (years - 2020) + rng.normal(0, sigma, len(years))
        new = 10 + slope * 8 + rng.normal(0, sigma)
        p = project_trend(years, values, [2028]).iloc[0]
        hits += bool(p["lower"] <= new <= p["upper"])
    assert 0.93 <= hits / trials <= 0.97


@pytest.mark.parametrize("confidence", [0.8, 0.95])
def test_interval_widens_with_confidence(confidence: float) -> None:
    p = project_trend([2020, 2021, 2022, 2023], [0.0, 1.0, 3.0, 4.0], [2025], confidence=confidence)
    narrow = project_trend([2020, 2021, 2022, 2023], [0.0, 1.0, 3.0, 4.0], [2025], confidence=0.5)
    assert (p["upper"] - p["lower"]).item() > (narrow["upper"] - narrow["lower"]).item()
