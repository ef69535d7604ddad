"""Unit-level stratified total and combined ratio estimators on published worked examples.

- Stehman (2014) numerical example (40 units, strata ≠ map classes): user's and producer's
  accuracy of class B are combined ratio estimators R̂ = Ŷ/X̂ under stratified random sampling
  (Stehman 2014 eqs. 26-28, the estimator of Cochran 1977 §6.11): printed Û_B = 0.574
  (SE 0.125) and P̂_B = 0.794 (SE 0.117), pp. 4934-4936. Data as in test_olofsson2014.py.
- Olofsson et al. (2014): the deforestation area, 235,086 ± 68,418 pixels, is the stratified
  total of the indicator "reference = deforestation" (eqs. 9-12).
- An independent re-implementation of the textbook variance (Cochran 1977 eq. 6.50 expanded:
  s²_y + R² s²_x − 2 R s_xy per stratum, with fpc) written here with numpy's var/cov.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo_revival.estimation import sample_from_counts, stratified_ratio, stratified_total
from tests.golden.test_olofsson2014 import (
    STEHMAN_MAP,
    STEHMAN_N_H,
    STEHMAN_REF,
    STEHMAN_STRATA,
    _matches_printed,
)

STRATA = np.searchsorted(list("ABCD"), STEHMAN_STRATA)
SIZES = np.array([STEHMAN_N_H[s] for s in "ABCD"], dtype=float)
MAP, REF = np.array(STEHMAN_MAP), np.array(STEHMAN_REF)


@pytest.mark.parametrize("population", [None, SIZES])
def test_stehman_users_accuracy_b(population: np.ndarray | None) -> None:
    est = stratified_ratio((MAP == "B") & (REF == "B"), MAP == "B", STRATA, SIZES,
                           population=population)
    assert _matches_printed(float(est.value), "0.574")
    assert _matches_printed(float(est.se), "0.125")
    assert est.df == 36


def test_stehman_producers_accuracy_b() -> None:
    est = stratified_ratio((MAP == "B") & (REF == "B"), REF == "B", STRATA, SIZES)
    assert _matches_printed(float(est.value), "0.794")
    assert _matches_printed(float(est.se), "0.117")


def test_stehman_area_of_class_a_as_a_total() -> None:
    """p̂_A = 0.35, SE 0.082 (Stehman 2014 pp. 4932, 4935) as a total over N = 100,000."""
    est = stratified_total(REF == "A", STRATA, SIZES)
    assert _matches_printed(float(est.value) / SIZES.sum(), "0.35")
    assert _matches_printed(float(est.se) / SIZES.sum(), "0.082")


def test_olofsson_deforestation_total(shared_data: Path) -> None:
    folder = shared_data / "accuracy-worked-examples"
    counts = pd.read_csv(folder / "olofsson2014_counts.csv")
    matrix = counts.pivot(index="map_class", columns="ref_class", values="count")
    pixels = pd.read_csv(folder / "olofsson2014_map_areas.csv").set_index("map_class")
    sample = sample_from_counts(matrix)
    codes = list(pixels.index)
    strata = np.searchsorted(codes, sample["stratum"]) if codes == sorted(codes) else np.array(
        [codes.index(s) for s in sample["stratum"]])
    est = stratified_total(sample["reference_class"] == "Deforestation", strata,
                           pixels["mapped_pixels"].to_numpy(float))
    assert _matches_printed(float(est.value), "235086")
    assert _matches_printed(1.96 * float(est.se), "68418")


def _textbook(y: np.ndarray, x: np.ndarray, h: np.ndarray, a: np.ndarray,
              big_n: np.ndarray) -> tuple[float, float]:
    """Cochran (1977) eqs. 6.48-6.50, stratum by stratum with numpy's var/cov (ddof=1)."""
    y_hat = sum(a[k] * y[h == k].mean() for k in range(len(a)))
    x_hat = sum(a[k] * x[h == k].mean() for k in range(len(a)))
    r = y_hat / x_hat
    v = 0.0
    for k in range(len(a)):
        yk, xk = y[h == k], x[h == k]
        n = len(yk)
        s2 = np.var(yk, ddof=1) + r**2 * np.var(xk, ddof=1) - 2 * r * np.cov(yk, xk)[0, 1]
        v += a[k] ** 2 * (1 - n / big_n[k]) * s2 / n
    return r, float(np.sqrt(v) / x_hat)


def test_ratio_matches_textbook_formula_on_continuous_data() -> None:
    rng = np.random.default_rng(6)
    h = np.repeat([0, 1, 2], [5, 8, 12])
    x = rng.gamma(2.0, 3.0, size=h.size)
    y = 0.7 * x + rng.normal(0, 1, size=h.size)
    a = np.array([50.0, 120.0, 400.0])
    big_n = np.array([20.0, 60.0, 300.0])  # small strata: the fpc matters
    r, se = _textbook(y, x, h, a, big_n)
    est = stratified_ratio(y, x, h, a, population=big_n)
    assert float(est.value) == pytest.approx(r, rel=1e-12)
    assert float(est.se) == pytest.approx(se, rel=1e-10)
    # Replicate axes are estimated independently.
    both = stratified_ratio(np.stack([y, 2 * y]), np.stack([x, x]), h, a, population=big_n)
    assert both.value.tolist() == pytest.approx([r, 2 * r])
    assert both.se.tolist() == pytest.approx([se, 2 * se])
