"""Design-based estimate of reclaimed area on the SIMULATED Xuzhou demo, checked against its truth.

The strata are the change classes of the *mapped* series (with classification errors); the
reference class of each sample unit is read from the *truth* series. The truth reclaimed area
comes from a different path: restoration accounting (overlay tables) on the truth series, which
``test_demo_accounting.py`` checks against the scenario's recorded treatment to the pixel.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo_revival.demo import XuzhouDemo, load_xuzhou
from geo_revival.estimation import allocate_sample, estimate_reclaimed_area, stratum_areas
from geo_revival.estimation._core import stratified_estimates
from geo_revival.exceptions import CoverageWarning
from geo_revival.restoration import (
    CHANGE_CLASSES,
    STATE_CODES,
    account,
    change_classes,
    load_rules,
    state_map,
)
from geo_revival.units import to_mu

pytestmark = pytest.mark.slow

START, END = 2020, 2025
JIAWANG = "xz_jiawang_key_subsidence"
CITY = "xz_jiawang_resource_depleted_city"  # whole district: holds the Jiawang key zone
PIXEL_M2 = 900.0
RECLAIMED = CHANGE_CLASSES["reclaimed"]
REPLICATES = 2000


@pytest.fixture(scope="module")
def demo() -> XuzhouDemo:
    return load_xuzhou()


def _zones(demo: XuzhouDemo, which: str) -> gpd.GeoDataFrame:
    if which == "jiawang":
        return demo.zones[demo.zones["zone_id"] == JIAWANG]
    return demo.zones[demo.zones["zone_id"] != CITY]  # the ten zones that do not overlap


def _reclaimed_mu(demo: XuzhouDemo, zones: gpd.GeoDataFrame, series: str) -> float:
    """Reclaimed area START -> END by restoration accounting (overlay tables, not pixels)."""
    landcover = demo.truth if series == "truth" else demo.landcover
    flows = account(zones, landcover, projects=demo.projects).flows
    pair = flows[(flows["from_year"] == START) & (flows["to_year"] == END)]
    assert len(pair) == len(zones)
    return float(pair["reclaimed_area_mu"].sum())


@pytest.fixture(scope="module")
def accounted(demo: XuzhouDemo) -> dict[str, dict[str, float]]:
    return {
        which: {s: _reclaimed_mu(demo, _zones(demo, which), s) for s in ("truth", "mapped")}
        for which in ("jiawang", "demo")
    }


def test_state_maps_count_like_account(demo: XuzhouDemo) -> None:
    # Every zone on its own (the whole-district zone overlaps the Jiawang key zone).
    result = account(demo.zones, demo.landcover, projects=demo.projects)
    status = result.status.set_index(["zone_id", "year", "state"])["pixels"]
    flows = result.flows.set_index(["zone_id", "from_year", "to_year"])
    for zone_id in demo.zones["zone_id"]:
        zone = demo.zones[demo.zones["zone_id"] == zone_id]
        states = state_map(zone, demo.landcover, projects=demo.projects, years=[START, END])
        for year in (START, END):
            layer = states.sel(year=year).values
            for state, code in STATE_CODES.items():
                assert (layer == code).sum() == status[(zone_id, year, state)], (zone_id, state)
        change = change_classes(states, START, END).values
        flow = flows.loc[(zone_id, START, END)]
        assert (change == RECLAIMED).sum() * PIXEL_M2 == flow["reclaimed_area_m2"]
        newly = CHANGE_CLASSES["newly_damaged"]
        assert (change == newly).sum() * PIXEL_M2 == flow["newly_damaged_area_m2"]


def test_mapped_reclaimed_differs_from_truth(accounted: dict[str, dict[str, float]]) -> None:
    for areas in accounted.values():
        assert areas["truth"] > 10_000  # the scenario reclaims land
        assert abs(areas["mapped"] - areas["truth"]) > 0.05 * areas["truth"]


@pytest.mark.parametrize(("which", "n"), [("jiawang", 600), ("demo", 1000)])
def test_estimate_ci_covers_truth(demo: XuzhouDemo, accounted: dict[str, dict[str, float]],
                                  which: str, n: int) -> None:
    zones = _zones(demo, which)
    est, sample = estimate_reclaimed_area(
        zones, demo.landcover, demo.truth, projects=demo.projects, start=START, end=END,
        n=n, min_per_stratum=100, seed=0,
    )
    row = est.set_index("change_class").loc["reclaimed"]
    truth, mapped = accounted[which]["truth"], accounted[which]["mapped"]
    assert row["mapped_area_mu"] == pytest.approx(mapped, abs=1e-6)
    assert row["area_mu_ci_low"] <= truth <= row["area_mu_ci_high"]
    assert row["area_mu_se"] > 0 and row["area_mu"] != pytest.approx(mapped)
    assert row["area_ha"] == pytest.approx(row["area_mu"] / 15.0)
    assert len(sample) == n and (sample["stratum"].value_counts() >= 100).all()
    assert set(sample["reference_change_class"]) <= set(CHANGE_CLASSES)
    prov = est.attrs["provenance"]
    assert prov["rule_set_sha256"] == load_rules("default").sha256
    assert prov["simulated"] is True and prov["parameters"]["seed"] == 0
    assert (prov["parameters"]["start"], prov["parameters"]["end"]) == (START, END)


def test_repeated_sampling_coverage(demo: XuzhouDemo,
                                    accounted: dict[str, dict[str, float]]) -> None:
    # REPLICATES stratified random samples of the Jiawang key zone at once: in stratum h the
    # reference classes of n_h pixels drawn without replacement are multivariate hypergeometric.
    zones = _zones(demo, "jiawang")
    with warnings.catch_warnings():
        warnings.simplefilter("error", CoverageWarning)  # no nodata, no zone off the raster
        strata = change_classes(
            state_map(zones, demo.landcover, projects=demo.projects, years=[START, END]),
            START, END)
        reference = change_classes(
            state_map(zones, demo.truth, projects=demo.projects, years=[START, END]),
            START, END)
    areas = stratum_areas(strata, unit="m2")
    allocation = allocate_sample(600, areas, method="olofsson", min_per_stratum=100)
    codes = list(CHANGE_CLASSES.values())
    valid = strata.values > 0
    population = pd.crosstab(strata.values[valid], reference.values[valid])
    population = population.reindex(index=areas.index, columns=codes, fill_value=0)
    true_mu = float(to_mu(population[RECLAIMED].sum() * PIXEL_M2, "m2"))
    assert true_mu == pytest.approx(accounted["jiawang"]["truth"])

    rng = np.random.default_rng(20140201)
    k = len(codes)
    counts = np.zeros((REPLICATES, len(areas), k, k))
    for h, stratum in enumerate(areas.index):
        draws = rng.multivariate_hypergeometric(
            population.loc[stratum].to_numpy(), int(allocation[stratum]), size=REPLICATES)
        counts[:, h, codes.index(stratum), :] = draws
    est = stratified_estimates(counts, areas.to_numpy())
    total_mu = float(to_mu(areas.sum(), "m2"))
    area = est.area_proportion[:, codes.index(RECLAIMED)] * total_mu
    se = est.area_proportion_se[:, codes.index(RECLAIMED)] * total_mu
    coverage = np.mean(np.abs(area - true_mu) <= 1.96 * se)
    assert 0.90 <= coverage <= 0.98, coverage
    # Design-unbiased: the mean estimate is within 3 Monte-Carlo SEs of the truth, and the
    # estimated SE matches the spread of the estimates.
    assert abs(area.mean() - true_mu) < 3 * area.std() / np.sqrt(REPLICATES)
    assert se.mean() == pytest.approx(area.std(), rel=0.1)
