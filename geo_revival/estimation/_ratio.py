"""Stratified estimators of a total and of a ratio of two totals from per-unit values.

Unit-level companions of :mod:`geo_revival.estimation._core` (which works on count tensors of
class labels): here each sample unit carries numbers ``y_u`` (and ``x_u``), e.g. "reference
change class is *reclaimed* and the unit lies in a key zone" as 0/1. Leading axes of ``y`` are
replicates, so a thousand simulated samples with the same stratum layout are estimated at once.

Stratified random sampling, strata ``h`` of size ``A_h`` (area, or pixels) and ``N_h`` pixels,
``n_h`` units each (Cochran 1977 ch. 5; Stehman 2014 eqs. 3-4):

- total (Cochran eq. 5.1/5.6; Olofsson et al. 2014 eqs. 9-11 when ``y`` is a class indicator)::

      Ŷ = Σ_h A_h ȳ_h,   V̂(Ŷ) = Σ_h A_h² (1 − n_h/N_h) s²_yh / n_h

- ratio of two totals, the *combined ratio estimator* (Cochran 1977 §6.11 eqs. 6.48-6.50;
  Stehman 2014 eqs. 26-28; Särndal et al. 1992 §7.3)::

      R̂ = Ŷ / X̂,   V̂(R̂) = (1 / X̂²) Σ_h A_h² (1 − n_h/N_h) s²_dh / n_h,   d_u = y_u − R̂ x_u

  the linearised (Taylor) variance: ``s²_dh = s²_yh + R̂² s²_xh − 2 R̂ s_yxh``.

``s²`` are sample variances with divisor ``n_h − 1``. The finite population correction
``1 − n_h/N_h`` is applied when ``N_h`` is given (omitted otherwise, as in Olofsson et al. 2014).
Intervals use ``z = 1.96`` or, for few degrees of freedom, Student's t with ``n − H`` degrees of
freedom (Cochran 1977 §5.4 uses the effective df; ``n − H`` is its usual lower bound).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from geo_revival.exceptions import EstimationError

Array = npt.NDArray[np.float64]

#: Below this many degrees of freedom intervals and probabilities use Student's t.
T_BELOW_DF = 30


@dataclass(frozen=True)
class Estimate:
    """An estimate with its standard error and degrees of freedom (``n − H``)."""

    value: Array
    se: Array
    df: int

    def quantile(self, confidence: float = 0.95) -> float:
        """Two-sided multiplier: Student's t (df = n − H) below 30 df, else the normal."""
        return interval_multiplier(self.df, confidence)


def interval_multiplier(df: float, confidence: float = 0.95) -> float:
    """``t(1 − α/2, df)`` when ``df < 30``, else ``z(1 − α/2)`` (1.96 for 95 %).

    Examples
    --------
    >>> round(interval_multiplier(1000), 2), round(interval_multiplier(10), 3)
    (1.96, 2.228)
    """
    q = 0.5 + confidence / 2
    return float(stats.t.ppf(q, df) if df < T_BELOW_DF else stats.norm.ppf(q))


_Layout = tuple[npt.NDArray[np.intp], Array, Array, Array, Array]


def _layout(
    strata: npt.ArrayLike, sizes: npt.ArrayLike, population: npt.ArrayLike | None
) -> _Layout:
    h = np.asarray(strata, dtype=np.intp)
    a = np.asarray(sizes, dtype=np.float64)
    onehot = (h[:, None] == np.arange(len(a))[None, :]).astype(np.float64)  # (n, H)
    n_h = onehot.sum(axis=0)
    if (n_h < 2).any():
        raise EstimationError(
            f"strata {np.flatnonzero(n_h < 2).tolist()} have fewer than 2 sample units: the "
            "stratum variance is undefined. Sample every stratum with at least 2 units."
        )
    if population is None:
        fpc = np.ones(len(a))
    else:
        big_n = np.asarray(population, dtype=np.float64)
        if (big_n < n_h).any():
            raise EstimationError("a stratum has more sample units than pixels (N_h < n_h).")
        fpc = 1.0 - n_h / big_n
    return h, a, onehot, n_h, fpc


def _variance_of_total(v: Array, layout: _Layout) -> Array:
    """Σ_h A_h² f_h s²_h / n_h of per-unit values ``v`` (..., n)."""
    h, a, onehot, n_h, fpc = layout
    means = (v @ onehot) / n_h
    dev = v - means[..., h]
    s2 = ((dev**2) @ onehot) / (n_h - 1)
    return np.asarray((a**2 * fpc * s2 / n_h).sum(axis=-1), dtype=np.float64)


def stratified_total(
    y: npt.ArrayLike,
    strata: npt.ArrayLike,
    stratum_sizes: npt.ArrayLike,
    *,
    population: npt.ArrayLike | None = None,
) -> Estimate:
    """Stratified estimator of the total of ``y`` and its standard error (Cochran eq. 5.6).

    Parameters
    ----------
    y
        Per-unit values ``(..., n)``; leading axes are replicate samples.
    strata
        Stratum index ``0 … H−1`` of each unit ``(n,)``.
    stratum_sizes
        ``A_h`` ``(H,)``: area (any unit) or pixels of each stratum; the total is in that unit.
    population
        ``N_h`` pixels per stratum for the finite population correction; ``None`` omits it.

    Examples
    --------
    Two strata of 100 and 300 m², 2 units each (hand: 100·0.5 + 300·1 = 350 m²;
    V = 100²·0.5/2 + 0 = 2500, SE 50):

    >>> e = stratified_total([1, 0, 1, 1], [0, 0, 1, 1], [100.0, 300.0])
    >>> float(e.value), float(e.se)
    (350.0, 50.0)
    """
    v = np.asarray(y, dtype=np.float64)
    layout = _layout(strata, stratum_sizes, population)
    h, a, onehot, n_h, _ = layout
    total = ((v @ onehot) / n_h * a).sum(axis=-1)
    var = _variance_of_total(v, layout)
    return Estimate(np.asarray(total), np.sqrt(var), int(len(h) - len(a)))


def stratified_ratio(
    y: npt.ArrayLike,
    x: npt.ArrayLike,
    strata: npt.ArrayLike,
    stratum_sizes: npt.ArrayLike,
    *,
    population: npt.ArrayLike | None = None,
) -> Estimate:
    """Estimate ``R̂ = Ŷ / X̂`` (combined ratio estimator) and its linearised SE (Cochran §6.11).

    ``V̂(R̂) = X̂⁻² Σ_h A_h² (1 − n_h/N_h) s²_dh / n_h`` with ``d_u = y_u − R̂ x_u`` (Stehman
    2014 eqs. 26-28). NaN where ``X̂ = 0``.

    Examples
    --------
    One stratum: y = (1, 0, 1, 0), x = (1, 1, 1, 0) gives R̂ = 2/3; d = (1/3, −2/3, 1/3, 0),
    mean 0, s²_d = (6/9)/3 = 2/9, V = (2/9)/4 / (3/4)² = 8/81, SE 0.3143:

    >>> e = stratified_ratio([1, 0, 1, 0], [1, 1, 1, 0], [0, 0, 0, 0], [1.0])
    >>> round(float(e.value), 4), round(float(e.se), 4)
    (0.6667, 0.3143)
    """
    vy = np.asarray(y, dtype=np.float64)
    vx = np.asarray(x, dtype=np.float64)
    layout = _layout(strata, stratum_sizes, population)
    h, a, onehot, n_h, _ = layout
    y_total = ((vy @ onehot) / n_h * a).sum(axis=-1)
    x_total = ((vx @ onehot) / n_h * a).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = y_total / x_total
        d = vy - np.asarray(ratio)[..., None] * vx
        var = _variance_of_total(d, layout) / x_total**2
    return Estimate(np.asarray(ratio), np.sqrt(np.clip(var, 0.0, None)), int(len(h) - len(a)))
