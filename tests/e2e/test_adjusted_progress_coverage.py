"""Error-adjusted progress on the SIMULATED demo: coverage of the 95 % CIs over repeated samples.

Population: every pixel of the indicator zones (key and general subsidence, industrial-mining
zones), stratified by the *mapped* change classes 2020 -> 2025, with its *truth* change class and
truth state in 2025. The true values come from these arrays and are checked against restoration
accounting on the truth series (a different path: overlay tables). REPLICATES samples of the
shipped demo design (same allocation) are estimated at once with the estimators behind
``progress(..., reference=...)``; in stratum h the categories of n_h pixels drawn without
replacement are multivariate hypergeometric, so only counts are drawn.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from rasterio.features import rasterize

from geo_revival.demo import load_xuzhou
from geo_revival.demo._reference import DEMO_DESIGN, REFERENCE_FILE
from geo_revival.estimation import stratified_ratio, stratified_total
from geo_revival.exceptions import ProgressWarning
from geo_revival.plan import progress
from geo_revival.restoration import (
    CHANGE_CLASSES,
    STATE_CODES,
    account,
    change_classes,
    state_map,
)
from geo_revival.units import to_mu

pytestmark = pytest.mark.slow

START, END = DEMO_DESIGN["start"], DEMO_DESIGN["end"]
REPLICATES = 1000
GROUPS = {"key_subsidence": 1, "general_subsidence": 2, "industrial_mining_zone": 3}
#: indicator -> (measure, groups of its domain)
INDICATORS = {
    "subsidence_treated_area": ("treated_area", (1, 2)),
    "key_subsidence_treated_area": ("treated_area", (1,)),
    "subsidence_restoration_rate": ("restoration_rate", (1, 2)),
    "legacy_mine_restoration_rate": ("restoration_rate", (3,)),
}


@pytest.fixture(scope="module")
def population() -> dict:
    demo = load_xuzhou()
    zones = demo.zones[demo.zones["category"].isin(list(GROUPS))]
    mapped = state_map(zones, demo.landcover, projects=demo.projects, years=[START, END])
    truth = state_map(zones, demo.truth, projects=demo.projects, years=[START, END])
    strata = change_classes(mapped, START, END)
    burn = rasterize(
        ((g, GROUPS[c]) for g, c in zip(zones.geometry, zones["category"], strict=True)),
        out_shape=strata.shape, transform=strata.rio.transform(), fill=0, dtype="uint8",
    )
    valid = strata.values > 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProgressWarning)
        on_truth = account(zones, demo.truth, projects=demo.projects)
        table = progress(on_truth.status, on_truth.state_transitions, demo.zones)
    truth_table = table[(table["year"] == END) & (table["kind"] == "observed")]
    return {
        "stratum": strata.values[valid].astype(int),
        "change": change_classes(truth, START, END).values[valid].astype(int),
        "state": truth.sel(year=END).values[valid].astype(int),
        "group": burn[valid].astype(int),
        "accounted": truth_table.set_index("indicator_id")["value"].to_dict(),
        "demo": demo,
    }


def _truth(pop: dict, measure: str, groups: tuple[int, ...]) -> float:
    g = np.isin(pop["group"], groups)
    if measure == "treated_area":
        return float(to_mu(np.sum(g & (pop["change"] == CHANGE_CLASSES["reclaimed"])) * 900.0,
                           "m2"))
    restored = np.sum(g & (pop["state"] == STATE_CODES["restored"]))
    return float(restored / (restored + np.sum(g & (pop["state"] == STATE_CODES["damaged"]))))


def test_truth_from_pixels_equals_accounting(population: dict) -> None:
    """The pixel population and the overlay accounting on the truth series agree."""
    for ind, (measure, groups) in INDICATORS.items():
        assert _truth(population, measure, groups) == pytest.approx(
            population["accounted"][ind], rel=1e-9), ind


def test_shipped_sample_cis_contain_the_truth(population: dict, repo_root) -> None:
    reference = pd.read_csv(repo_root / "data" / "demo" / REFERENCE_FILE)
    demo = population["demo"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProgressWarning)
        acc = account(demo.zones, demo.landcover, projects=demo.projects)
        table = progress(acc.status, acc.state_transitions, demo.zones, reference=reference)
    rows = table[(table["year"] == END) & (table["kind"] == "observed")].set_index("indicator_id")
    for ind, (measure, groups) in INDICATORS.items():
        row = rows.loc[ind]
        assert row["estimate_basis"] == "adjusted"
        assert row["lower"] <= _truth(population, measure, groups) <= row["upper"], ind


def test_repeated_sampling_coverage(population: dict, repo_root) -> None:
    reference = pd.read_csv(repo_root / "data" / "demo" / REFERENCE_FILE)
    allocation = reference.groupby("stratum").size()
    codes = list(allocation.index)
    # Category of a pixel: (group, truth change class, truth state) packed in one integer.
    category = (population["group"] * 10 + population["change"]) * 10 + population["state"]
    labels = np.unique(category)
    h_of = np.searchsorted(codes, population["stratum"])
    areas = np.bincount(h_of, minlength=len(codes)) * 900.0
    rng = np.random.default_rng(1977)
    parts = []
    for h in range(len(codes)):
        counts = np.array([np.sum((h_of == h) & (category == c)) for c in labels])
        n_h = int(allocation.iloc[h])
        draws = rng.multivariate_hypergeometric(counts, n_h, size=REPLICATES)  # (R, C)
        # Unit j of the replicate has the category whose cumulative count first exceeds j.
        cum = np.cumsum(draws, axis=1)
        unit_cat = (np.arange(n_h)[None, :, None] >= cum[:, None, :]).sum(axis=2)
        parts.append(labels[unit_cat])
    units = np.concatenate(parts, axis=1)  # (R, n) categories
    strata = np.repeat(np.arange(len(codes)), allocation.to_numpy())
    group, change, state = units // 100, units // 10 % 10, units % 10
    results = {}
    for ind, (measure, groups) in INDICATORS.items():
        g = np.isin(group, groups)
        if measure == "treated_area":
            est = stratified_total(g & (change == CHANGE_CLASSES["reclaimed"]), strata, areas)
            value, se = to_mu(est.value, "m2"), to_mu(est.se, "m2")
        else:
            restored = g & (state == STATE_CODES["restored"])
            est = stratified_ratio(
                restored, restored | (g & (state == STATE_CODES["damaged"])), strata, areas)
            value, se = est.value, est.se
        true = _truth(population, measure, groups)
        coverage = float(np.mean(np.abs(value - true) <= 1.96 * se))
        results[ind] = coverage
        assert 0.92 <= coverage <= 0.98, (ind, coverage)
        # Nearly unbiased (the ratio's bias is O(1/n)): mean within 3 Monte-Carlo SEs.
        assert abs(value.mean() - true) < 3 * value.std() / np.sqrt(REPLICATES), ind
        assert se.mean() == pytest.approx(value.std(), rel=0.1), ind
    print("coverage", results)


def test_shipped_sample_is_reproducible(repo_root, tmp_path) -> None:
    """The recipe (scripts/make_demo_reference.py) rebuilds the shipped file byte for byte."""
    from geo_revival.demo._reference import write_demo_reference

    rebuilt = write_demo_reference(tmp_path)
    assert rebuilt.read_bytes() == (repo_root / "data" / "demo" / REFERENCE_FILE).read_bytes()
