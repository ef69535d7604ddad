"""Array core of the stratified estimators (Stehman 2014; Olofsson et al. 2014).

Everything here works on a tensor of sample counts ``n[..., h, i, j]`` = number of sample units
in stratum ``h`` with map class ``i`` and reference class ``j`` (leading axes are replicates, so a
thousand samples are estimated at once) and the stratum weights ``W_h = N_h / N``.

Every estimator is Stehman's (2014) stratified estimator of a total, or of a ratio of two totals,
of indicator variables. For a unit ``u`` of stratum ``h`` with indicator ``y_u`` the stratum mean
is ``ybar_h`` and, because ``y_u**2 == y_u``, the sample variance is
``s2_yh = n_h / (n_h - 1) * ybar_h * (1 - ybar_h)``; likewise the covariance of two indicators is
``s_xyh = n_h / (n_h - 1) * (mean(x*y)_h - xbar_h * ybar_h)``. Hence every ``s / n_h`` term below is
a proportion product divided by ``n_h - 1``. The finite population correction is omitted, as in
Olofsson et al. (2014, eqs. 5-10): raster strata are millions of pixels.

When the strata are the map classes these reduce exactly to Olofsson et al. (2014) eqs. 1-12.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Estimates:
    """Estimates and standard errors; class axis last, replicate axes first.

    ``area_proportion`` (p̂_.k), ``users_accuracy`` (Û_k), ``producers_accuracy`` (P̂_k) and their
    ``*_se`` have shape ``(..., K)``; ``overall_accuracy`` and its SE have shape ``(...)``;
    ``error_matrix`` (p̂_ij, rows map, columns reference) ``(..., K, K)``.
    """

    area_proportion: Array
    area_proportion_se: Array
    users_accuracy: Array
    users_accuracy_se: Array
    producers_accuracy: Array
    producers_accuracy_se: Array
    overall_accuracy: Array
    overall_accuracy_se: Array
    error_matrix: Array


def _ratio(
    weights: Array, ybar: Array, xbar: Array, xybar: Array, dof: Array
) -> tuple[Array, Array]:
    """Stehman (2014) ratio estimator: ratio R̂ = Ŷ/X̂ of two stratified totals and its SE.

    ``weights`` (H,), the others (..., H, K); ``dof`` = ``n_h - 1`` broadcastable to them.
    V(R̂) = 1/X̂² Σ_h W_h² (s²_yh + R̂² s²_xh − 2 R̂ s_xyh) / n_h.
    """
    w = weights[:, None]
    x_total = (w * xbar).sum(axis=-2)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (w * ybar).sum(axis=-2) / x_total
        r = ratio[..., None, :]
        # s²_y + R² s²_x − 2R s_xy is the variance of d = y − R x. With indicators, d takes four
        # values, one per (x, y) in {0, 1}²; summing squared deviations over them avoids the
        # cancellation of the expanded form and is exactly 0 for a perfect map.
        mean_d = ybar - r * xbar
        share_dev = (
            (1 - xbar - ybar + xybar, -mean_d),  # x = 0, y = 0
            (xbar - xybar, -r - mean_d),  # x = 1, y = 0
            (ybar - xybar, 1 - mean_d),  # x = 0, y = 1
            (xybar, 1 - r - mean_d),  # x = 1, y = 1
        )
        var_d = sum(np.clip(share, 0.0, None) * dev**2 for share, dev in share_dev)
        terms = (w**2) * var_d / dof
        var = terms.sum(axis=-2) / x_total**2
    # Rounding can make an exactly-zero variance slightly negative.
    return ratio, np.sqrt(np.clip(var, 0.0, None))


def stratified_estimates(counts: npt.ArrayLike, stratum_weights: npt.ArrayLike) -> Estimates:
    """Estimate area proportions and accuracies from per-stratum sample counts.

    Parameters
    ----------
    counts
        Array ``(..., H, K, K)``: sample units per stratum ``h``, map class ``i``, reference class
        ``j``. Every stratum needs at least 2 units (checked by the callers).
    stratum_weights
        Array ``(H,)`` of stratum sizes or areas (any unit; normalised to ``W_h``).

    Returns
    -------
    Estimates
        See :class:`Estimates`. Undefined ratios (a class never mapped, or never in the
        reference sample) are NaN.
    """
    n = np.asarray(counts, dtype=np.float64)
    sizes = np.asarray(stratum_weights, dtype=np.float64)
    weights = sizes / sizes.sum()
    w = weights[:, None]
    n_h = n.sum(axis=(-2, -1))  # (..., H)
    q = n / n_h[..., None, None]  # within-stratum proportions q_hij
    dof = (n_h - 1)[..., None]  # (..., H, 1)

    # Error-matrix cell (Olofsson Table 9 when strata = map classes): p̂_ij = Σ_h W_h q_hij.
    error_matrix = (weights[:, None, None] * q).sum(axis=-3)

    ref_share = q.sum(axis=-2)  # r_hk: share of reference class k in stratum h
    map_share = q.sum(axis=-1)  # m_hk: share of map class k in stratum h
    correct = np.diagonal(q, axis1=-2, axis2=-1)  # c_hk: map = reference = k

    # Area proportion of reference class k (Olofsson eqs. 9-10).
    area_proportion = (w * ref_share).sum(axis=-2)
    area_var = ((w**2) * ref_share * (1 - ref_share) / dof).sum(axis=-2)

    # Overall accuracy (Olofsson eqs. 1, 5).
    agree = correct.sum(axis=-1)  # (..., H)
    overall = (weights * agree).sum(axis=-1)
    overall_var = ((weights**2) * agree * (1 - agree) / (n_h - 1)).sum(axis=-1)

    # User's accuracy: y = [map=k, ref=k], x = [map=k], mean(xy) = c (Olofsson eqs. 2, 6).
    users, users_se = _ratio(weights, correct, map_share, correct, dof)
    # Producer's accuracy: y as above, x = [ref=k] (Olofsson eqs. 3, 7).
    producers, producers_se = _ratio(weights, correct, ref_share, correct, dof)

    return Estimates(
        area_proportion=area_proportion,
        area_proportion_se=np.sqrt(area_var),
        users_accuracy=users,
        users_accuracy_se=users_se,
        producers_accuracy=producers,
        producers_accuracy_se=producers_se,
        overall_accuracy=overall,
        overall_accuracy_se=np.sqrt(overall_var),
        error_matrix=error_matrix,
    )
