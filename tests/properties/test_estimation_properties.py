"""Invariants of the stratified estimators, an independent Olofsson check, CI coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from geo_revival.estimation import (
    draw_sample,
    estimate_areas,
    reference_from_raster,
    sample_from_counts,
)
from geo_revival.estimation._core import stratified_estimates

CLASSES = ["a", "b", "c", "d"]


@st.composite
def designs(draw: st.DrawFn, map_strata: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(counts (H, K, K) with ≥ 2 units per stratum, stratum areas (H,))."""
    k = draw(st.integers(2, 4))
    h = k if map_strata else draw(st.integers(1, 4))
    counts = draw(arrays(np.int64, (h, k, k), elements=st.integers(0, 12)))
    if map_strata:  # stratum h holds only units mapped as class h
        mask = np.zeros((h, k, k), dtype=bool)
        mask[np.arange(h), np.arange(h), :] = True
        counts = np.where(mask, counts, 0)
        counts[np.arange(h), np.arange(h), np.arange(h)] += 2
    else:
        counts[:, 0, 0] += 2
    areas = draw(arrays(np.float64, (h,), elements=st.floats(0.5, 1e6)))
    return counts, areas


def to_sample(counts: np.ndarray) -> pd.DataFrame:
    """One row per unit: stratum index h, map and reference class labels."""
    h, i, j = np.nonzero(counts)
    reps = counts[h, i, j]
    return pd.DataFrame({
        "stratum": np.repeat(h, reps),
        "map_class": np.repeat(np.array(CLASSES)[i], reps),
        "reference_class": np.repeat(np.array(CLASSES)[j], reps),
    })


def _estimate(counts: np.ndarray, areas: np.ndarray) -> pd.DataFrame:
    k = counts.shape[1]
    return estimate_areas(to_sample(counts), dict(enumerate(areas)), classes=CLASSES[:k])


@given(designs())
@settings(max_examples=60, deadline=None)
def test_proportions_sum_to_one_and_areas_to_total(design: tuple) -> None:
    counts, areas = design
    est = _estimate(counts, areas)
    assert est["area_proportion"].sum() == pytest.approx(1.0)
    assert est["area_m2"].sum() == pytest.approx(areas.sum())
    assert est["area_ha"].sum() == pytest.approx(areas.sum() / 10_000)
    se = est.filter(like="_se").to_numpy()
    assert (se[~np.isnan(se)] >= 0).all()
    assert not np.isnan(est.filter(regex="^area_").to_numpy()).any()


@given(designs())
@settings(max_examples=60, deadline=None)
def test_accuracies_lie_in_unit_interval(design: tuple) -> None:
    counts, areas = design
    est = _estimate(counts, areas)
    for col in ("users_accuracy", "producers_accuracy", "area_proportion"):
        values = est[col].dropna()
        assert ((values >= -1e-12) & (values <= 1 + 1e-12)).all(), col
    assert 0 <= est.attrs["overall_accuracy"]["estimate"] <= 1 + 1e-12


@given(st.lists(st.integers(2, 40), min_size=2, max_size=4),
       st.lists(st.floats(1.0, 1e6), min_size=4, max_size=4))
@settings(max_examples=40, deadline=None)
def test_perfect_map(n_per_class: list[int], areas: list[float]) -> None:
    k = len(n_per_class)
    counts = pd.DataFrame(np.diag(n_per_class), index=CLASSES[:k], columns=CLASSES[:k])
    mapped = dict(zip(CLASSES[:k], areas[:k], strict=True))
    est = estimate_areas(sample_from_counts(counts), mapped).set_index("class")
    np.testing.assert_allclose(est["area_m2"], est["mapped_area_m2"], rtol=1e-12)
    np.testing.assert_allclose(est["area_m2"], list(mapped.values()), rtol=1e-12)
    assert (est.filter(like="_se") == 0).all().all()
    np.testing.assert_allclose(est[["users_accuracy", "producers_accuracy"]], 1.0, rtol=1e-12)
    oa = est.attrs["overall_accuracy"]
    assert oa["se"] == 0 and oa["estimate"] == pytest.approx(1.0)


def olofsson_by_hand(n: np.ndarray, w: np.ndarray) -> dict[str, np.ndarray]:
    """Olofsson et al. (2014) eqs. 1-7, 9-10 written out for strata = map classes."""
    n_i = n.sum(axis=1)
    p = w[:, None] * n / n_i[:, None]  # eq. 4
    p_col = p.sum(axis=0)  # eq. 9
    ua = np.diag(p) / p.sum(axis=1)  # eq. 2
    pa = np.diag(p) / p_col  # eq. 3
    q = n / n_i[:, None]
    area_var = (w[:, None] ** 2 * q * (1 - q) / (n_i - 1)[:, None]).sum(axis=0)  # eq. 10
    ua_var = ua * (1 - ua) / (n_i - 1)  # eq. 6
    oa = np.trace(p)  # eq. 1
    oa_var = (w**2 * ua * (1 - ua) / (n_i - 1)).sum()  # eq. 5
    # Eq. 7 with N̂_.j = Σ_i N_i n_ij / n_i. (areas in units of the total, i.e. w).
    big_n = p_col
    pa_var = np.empty(len(w))
    for j in range(len(w)):
        first = w[j] ** 2 * (1 - pa[j]) ** 2 * ua[j] * (1 - ua[j]) / (n_i[j] - 1)
        others = sum(
            w[i] ** 2 * q[i, j] * (1 - q[i, j]) / (n_i[i] - 1) for i in range(len(w)) if i != j
        )
        pa_var[j] = (first + pa[j] ** 2 * others) / big_n[j] ** 2
    return {"area": p_col, "area_se": np.sqrt(area_var), "ua": ua, "ua_se": np.sqrt(ua_var),
            "pa": pa, "pa_se": np.sqrt(pa_var), "oa": oa, "oa_se": np.sqrt(oa_var)}


@given(designs(map_strata=True))
@settings(max_examples=80, deadline=None)
def test_stehman_equals_olofsson_when_strata_are_map_classes(design: tuple) -> None:
    counts, areas = design
    k = counts.shape[1]
    n = counts[np.arange(k), np.arange(k), :]  # (map, reference)
    w = areas / areas.sum()
    ref = olofsson_by_hand(n.astype(float), w)
    sample = to_sample(counts)
    sample["stratum"] = sample["map_class"]
    est = estimate_areas(sample, dict(zip(CLASSES[:k], areas, strict=True)),
                         classes=CLASSES[:k]).set_index("class")
    # The two algebraic forms round differently: SEs near 0 agree to ~1e-10 absolute.
    tol = {"rtol": 1e-6, "atol": 1e-10}
    for ours, theirs in (("area_proportion", "area"), ("area_proportion_se", "area_se"),
                         ("users_accuracy", "ua"), ("users_accuracy_se", "ua_se"),
                         ("producers_accuracy", "pa"), ("producers_accuracy_se", "pa_se")):
        np.testing.assert_allclose(est[ours], ref[theirs], **tol, err_msg=ours)
    oa = est.attrs["overall_accuracy"]
    np.testing.assert_allclose([oa["estimate"], oa["se"]], [ref["oa"], ref["oa_se"]], **tol)


# ---------------------------------------------------------------- repeated sampling

SIDE = 200
ALLOCATION = np.array([100, 100, 100, 400])
REPLICATES = 1000
# Row i: probability of each reference class for a pixel mapped as i (simulated population).
CONFUSION = np.array([
    [0.85, 0.05, 0.04, 0.06],
    [0.08, 0.80, 0.04, 0.08],
    [0.06, 0.04, 0.80, 0.10],
    [0.04, 0.03, 0.03, 0.90],
])


@pytest.fixture(scope="module")
def population() -> dict[str, np.ndarray]:
    """Simulated 200 x 200 population: map A (the strata), map B (10 % relabelled), truth."""
    rng = np.random.default_rng(20240601)
    map_a = rng.choice(4, size=SIDE * SIDE, p=[0.25, 0.10, 0.08, 0.57])
    cum = np.cumsum(CONFUSION[map_a], axis=1)
    truth = (rng.random(map_a.size)[:, None] > cum).sum(axis=1)
    map_b = np.where(rng.random(map_a.size) < 0.1, rng.integers(0, 4, map_a.size), map_a)
    return {"map_a": map_a, "map_b": map_b, "truth": truth}


def _replicate_counts(strata: np.ndarray, mapped: np.ndarray, truth: np.ndarray,
                      seed: int) -> np.ndarray:
    """Counts (R, H, K, K) of REPLICATES independent stratified random samples."""
    rng = np.random.default_rng(seed)
    columns = []
    for h, n_h in enumerate(ALLOCATION):
        pixels = np.flatnonzero(strata == h)
        columns.append(np.stack([pixels[rng.choice(pixels.size, n_h, replace=False)]
                                 for _ in range(REPLICATES)]))
    units = np.concatenate(columns, axis=1)  # (R, n)
    replicate = np.arange(REPLICATES)[:, None]
    cell = ((replicate * 4 + strata[units]) * 4 + mapped[units]) * 4 + truth[units]
    return np.bincount(cell.ravel(), minlength=REPLICATES * 4**3).reshape(REPLICATES, 4, 4, 4)


@pytest.mark.parametrize("map_name", ["map_a", "map_b"])
def test_confidence_interval_coverage(population: dict[str, np.ndarray], map_name: str) -> None:
    """95 % intervals cover the known population values 90-98 % of the time.

    ``map_a``: strata = map classes (Olofsson); ``map_b``: the strata come from map A but the
    accuracy of map B is assessed (Stehman 2014). Expected cell counts are ≥ 4 units; with much
    rarer errors the normal-approximation intervals are known to under-cover.
    """
    strata, mapped, truth = population["map_a"], population[map_name], population["truth"]
    counts = _replicate_counts(strata, mapped, truth, seed=7)
    est = stratified_estimates(counts, np.bincount(strata, minlength=4))
    true = {
        "area": np.bincount(truth, minlength=4) / truth.size,
        "ua": np.array([np.mean(truth[mapped == k] == k) for k in range(4)]),
        "pa": np.array([np.mean(mapped[truth == k] == k) for k in range(4)]),
        "oa": np.mean(truth == mapped),
    }
    pairs = {
        "area": (est.area_proportion, est.area_proportion_se),
        "ua": (est.users_accuracy, est.users_accuracy_se),
        "pa": (est.producers_accuracy, est.producers_accuracy_se),
        "oa": (est.overall_accuracy, est.overall_accuracy_se),
    }
    for name, (value, se) in pairs.items():
        covered = np.abs(value - true[name]) <= 1.96 * se
        coverage = np.atleast_1d(covered.mean(axis=0))
        assert ((coverage >= 0.90) & (coverage <= 0.98)).all(), (name, coverage)
        # Design-unbiased (area, OA) or nearly so (ratios): mean within 4 Monte Carlo SEs.
        mc_se = value.std(axis=0) / np.sqrt(REPLICATES)
        assert (np.abs(value.mean(axis=0) - true[name]) <= 4 * mc_se + 1e-12).all(), name


def test_public_api_matches_vectorised_core(population: dict[str, np.ndarray]) -> None:
    """One replicate through draw_sample → reference_from_raster → estimate_areas."""

    def grid(values: np.ndarray) -> xr.DataArray:
        coords = {"y": (np.arange(SIDE)[::-1] + 0.5) * 30.0, "x": (np.arange(SIDE) + 0.5) * 30.0}
        return xr.DataArray(values.reshape(SIDE, SIDE), dims=("y", "x"),
                            coords=coords).rio.write_crs(4548)

    strata = grid(population["map_a"])
    sample = draw_sample(strata, dict(enumerate(ALLOCATION.tolist())), seed=3,
                         map_classes=grid(population["map_b"]))
    sample = reference_from_raster(sample, grid(population["truth"]))
    sizes = np.bincount(population["map_a"], minlength=4)
    est = estimate_areas(sample, dict(enumerate(sizes)), classes=[0, 1, 2, 3])
    counts = np.zeros((4, 4, 4))
    np.add.at(counts, (sample["stratum"].to_numpy(int), sample["map_class"].to_numpy(int),
                       sample["reference_class"].to_numpy(int)), 1)
    core = stratified_estimates(counts, sizes)
    np.testing.assert_allclose(est["area_proportion"], core.area_proportion)
    np.testing.assert_allclose(est["producers_accuracy_se"], core.producers_accuracy_se)
