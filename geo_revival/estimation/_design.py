"""Sample size and allocation for stratified random sampling (Olofsson et al. 2014)."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import Literal

import numpy as np
import pandas as pd

from geo_revival.exceptions import EstimationError, SchemaError
from geo_revival.provenance import provenance
from geo_revival.validation import check_option

__all__ = ["allocate_sample", "as_strata_series", "sample_size"]

AllocationMethod = Literal["proportional", "equal", "neyman", "olofsson"]

#: Default per-stratum floor of each allocation method. Two units is the least that gives a
#: stratum variance; 50 is the low end of the 50-100 Olofsson et al. (2014) recommend.
DEFAULT_MIN_PER_STRATUM: dict[str, int] = {
    "proportional": 2,
    "equal": 2,
    "neyman": 2,
    "olofsson": 50,
}


def as_strata_series(values: Mapping[Hashable, float] | pd.Series, name: str) -> pd.Series:
    """Return ``values`` as a float Series indexed by stratum, after checking it.

    Raises :class:`SchemaError` for duplicate labels or non-numeric values and
    :class:`EstimationError` for missing, negative or zero values (zero-size strata).
    """
    series = (
        values.copy() if isinstance(values, pd.Series) else pd.Series(dict(values), dtype=object)
    )
    if series.empty:
        raise EstimationError(f"{name} is empty: give one value per stratum.")
    if series.index.has_duplicates:
        dup = sorted(map(str, series.index[series.index.duplicated()].unique()))
        raise SchemaError(f"{name} lists strata more than once: {dup}.")
    try:
        series = series.astype(float)
    except (TypeError, ValueError) as err:
        raise SchemaError(f"{name} must hold numbers, one per stratum: {err}") from err
    bad = series[~np.isfinite(series.to_numpy()) | (series.to_numpy() < 0)]
    if len(bad):
        raise EstimationError(
            f"{name} has missing, infinite or negative values for strata {list(bad.index)}."
        )
    zero = series[series == 0]
    if len(zero):
        raise EstimationError(
            f"{name} has zero-size strata {list(zero.index)}: a stratum with no area cannot be "
            "sampled; drop it from the strata (and from the allocation)."
        )
    series.name = name
    return series


def _std_devs(
    areas: pd.Series, users_accuracy: Mapping[Hashable, float] | pd.Series, what: str
) -> pd.Series:
    """S_h = sqrt(U_h (1 − U_h)) from anticipated user's accuracies (Olofsson eq. 13)."""
    ua = pd.Series(dict(users_accuracy), dtype=float)
    missing = [h for h in areas.index if h not in ua.index]
    if missing:
        raise EstimationError(f"{what} needs an anticipated user's accuracy for strata {missing}.")
    ua = ua.reindex(areas.index)
    if ((ua < 0) | (ua > 1)).any():
        raise EstimationError(
            f"anticipated user's accuracies must lie in [0, 1], got {ua.to_dict()}."
        )
    return (ua * (1 - ua)).pow(0.5)


def sample_size(
    strata_areas: Mapping[Hashable, float] | pd.Series,
    users_accuracy: Mapping[Hashable, float] | pd.Series,
    *,
    target_se: float,
    target_class: Hashable | None = None,
    class_proportions: Mapping[Hashable, float] | None = None,
    population_size: float | None = None,
    min_per_stratum: int = 0,
) -> int:
    """Total sample size for a target standard error (Olofsson et al. 2014, eq. 13).

    Olofsson et al. (2014) eq. 13, from Cochran (1977) eq. 5.25 for stratified random sampling::

        n = (Σ_h W_h S_h)² / (S(Ô)² + (1/N) Σ_h W_h S_h²)  ≈  (Σ_h W_h S_h / S(Ô))²

    with ``W_h`` the area share of stratum ``h`` (the strata are the map classes) and
    ``S_h = sqrt(U_h (1 − U_h))`` from the anticipated user's accuracy ``U_h``. The same formula
    gives the size for a target SE of the area proportion of one class ``k`` when ``S_h`` is the
    standard deviation of the indicator "reference class is k" in stratum ``h``:
    ``S_h = sqrt(p_hk (1 − p_hk))`` with ``p_kk = U_k`` and ``p_hk`` (h ≠ k) the anticipated share
    of class ``k`` omitted into stratum ``h`` (``class_proportions``).

    Parameters
    ----------
    strata_areas
        Area (any unit) or pixel count per stratum.
    users_accuracy
        Anticipated user's accuracy per stratum, in [0, 1].
    target_se
        Target standard error of overall accuracy, or of the area proportion of
        ``target_class`` (a fraction, e.g. 0.01).
    target_class
        ``None`` for overall accuracy; else the stratum label of the class whose area
        proportion should reach ``target_se``.
    class_proportions
        With ``target_class``: anticipated proportion of ``target_class`` in each *other* stratum
        (its omission errors). Required for every other stratum: write 0 where none is expected.
    population_size
        Number of sampling units ``N`` (pixels) for the finite-population term; ``None`` drops it.
    min_per_stratum
        The result is at least ``min_per_stratum`` times the number of strata.

    Returns
    -------
    int
        The sample size, rounded up.

    Examples
    --------
    The sample-size example of Olofsson et al. (2014): four strata, U = 0.7, 0.6, 0.9, 0.95.

    >>> areas = {"defor": 0.02, "gain": 0.015, "forest": 0.32, "non_forest": 0.645}
    >>> ua = {"defor": 0.7, "gain": 0.6, "forest": 0.9, "non_forest": 0.95}
    >>> sample_size(areas, ua, target_se=0.01)
    641
    """
    areas = as_strata_series(strata_areas, "strata_areas")
    if not 0 < target_se < 1:
        raise EstimationError(f"target_se must be a fraction in (0, 1), got {target_se!r}.")
    weights = areas / areas.sum()
    if target_class is None:
        sd = _std_devs(areas, users_accuracy, "sample_size")
    else:
        if target_class not in areas.index:
            raise EstimationError(
                f"target_class {target_class!r} is not a stratum; strata are {list(areas.index)}."
            )
        props = dict(class_proportions or {})
        props.setdefault(target_class, _users(users_accuracy, target_class))
        missing = [h for h in areas.index if h not in props]
        if missing:
            raise EstimationError(
                f"sample_size for class {target_class!r} needs class_proportions (anticipated "
                f"share of that class in the stratum, 0 if none) for strata {missing}."
            )
        p = pd.Series(props, dtype=float).reindex(areas.index)
        if ((p < 0) | (p > 1)).any():
            raise EstimationError(f"class_proportions must lie in [0, 1], got {props}.")
        sd = (p * (1 - p)).pow(0.5)
    numerator = float((weights * sd).sum()) ** 2
    if numerator == 0:
        raise EstimationError(
            "all anticipated stratum standard deviations are zero (accuracies of 0 or 1): "
            "eq. 13 has no solution; give realistic anticipated accuracies."
        )
    fpc = float((weights * sd**2).sum()) / population_size if population_size else 0.0
    n = math.ceil(numerator / (target_se**2 + fpc) - 1e-9)
    return max(n, min_per_stratum * len(areas))


def _users(users_accuracy: Mapping[Hashable, float] | pd.Series, key: Hashable) -> float:
    try:
        return float(dict(users_accuracy)[key])
    except KeyError:
        raise EstimationError(f"no anticipated user's accuracy for stratum {key!r}.") from None


def _largest_remainder(total: int, shares: pd.Series) -> pd.Series:
    """Round non-negative ``shares`` (summing to ``total``) to integers summing to ``total``."""
    floors = np.floor(shares.to_numpy() + 1e-9).astype(int)
    left = total - int(floors.sum())
    # Stable sort: ties go to the stratum listed first, so the result is deterministic.
    order = np.argsort(-(shares.to_numpy() - floors), kind="stable")[:left]
    floors[order] += 1
    return pd.Series(floors, index=shares.index)


def allocate_sample(
    n: int,
    strata_areas: Mapping[Hashable, float] | pd.Series,
    *,
    method: AllocationMethod = "olofsson",
    min_per_stratum: int | None = None,
    users_accuracy: Mapping[Hashable, float] | pd.Series | None = None,
) -> pd.Series:
    """Allocate a total sample size ``n`` to strata.

    Each method gives every stratum a weight; the sample is shared in proportion to the
    weights, with a floor of ``min_per_stratum`` units per stratum:

    - ``"proportional"``: weight = area share ``W_h``;
    - ``"equal"``: equal weights;
    - ``"neyman"``: weight = ``W_h S_h`` with ``S_h = sqrt(U_h (1 − U_h))`` from the anticipated
      user's accuracies (Cochran 1977 ch. 5, the allocation behind Olofsson eq. 13), which
      minimises the variance of overall accuracy;
    - ``"olofsson"``: Olofsson et al.'s (2014) recommended compromise between
      proportional allocation (best for overall accuracy and the area of large classes) and
      equal allocation (best for user's accuracy of rare classes): each *rare* stratum gets a
      fixed 50-100 units and the remainder is allocated proportionally to the other strata.
      Implemented as: proportional weights with the floor ``min_per_stratum`` (default 50).
      Their worked example shares the remainder only roughly proportionally (75, 75, 165,
      325 of n = 640); this rule with ``min_per_stratum=75`` gives 75, 75, 162, 328.

    The floor is applied iteratively: strata whose share falls below it get exactly the floor,
    the rest of the sample is re-shared among the others by weight, until no share is below the
    floor. Shares are then rounded by the largest-remainder method so they sum to ``n``.

    Parameters
    ----------
    n
        Total sample size.
    strata_areas
        Area (any unit) or pixel count per stratum.
    method
        ``"proportional"``, ``"equal"``, ``"neyman"`` or ``"olofsson"``.
    min_per_stratum
        Floor per stratum; default 50 for ``"olofsson"`` and 2 (the least that gives a stratum
        variance) otherwise.
    users_accuracy
        Anticipated user's accuracy per stratum (``"neyman"`` only).

    Returns
    -------
    pandas.Series
        Sample size per stratum (int), index = strata, name ``"n"``; provenance in ``attrs``.

    Examples
    --------
    >>> areas = {"defor": 18_000, "gain": 13_500, "forest": 288_000, "non_forest": 580_500}
    >>> allocate_sample(641, areas, method="olofsson", min_per_stratum=75).tolist()
    [75, 75, 163, 328]
    """
    areas = as_strata_series(strata_areas, "strata_areas")
    check_option(method, sorted(DEFAULT_MIN_PER_STRATUM), "method")
    floor = DEFAULT_MIN_PER_STRATUM[method] if min_per_stratum is None else int(min_per_stratum)
    if floor < 0:
        raise SchemaError(f"min_per_stratum must be >= 0, got {min_per_stratum!r}.")
    if n < floor * len(areas):
        raise EstimationError(
            f"n = {n} cannot give {len(areas)} strata at least {floor} units each; "
            f"increase n to {floor * len(areas)} or lower min_per_stratum."
        )
    if method == "equal":
        weights = pd.Series(1.0, index=areas.index)
    elif method == "neyman":
        if users_accuracy is None:
            raise EstimationError(
                "method='neyman' needs users_accuracy (anticipated, per stratum)."
            )
        weights = areas * _std_devs(areas, users_accuracy, "method='neyman'")
    else:
        weights = areas.copy()

    # Since n >= floor * H, the free shares average at least the floor: the loop ends with at
    # least one free stratum.
    free = pd.Series(True, index=areas.index)
    while True:
        remaining = n - floor * int((~free).sum())
        w_free = weights[free]
        total = float(w_free.sum())
        shares = (
            w_free * remaining / total
            if total > 0
            else pd.Series(remaining / len(w_free), index=w_free.index)
        )
        low = shares.index[shares < floor]
        if len(low) == 0:
            break
        free[low] = False
    alloc = pd.Series(floor, index=areas.index)
    alloc[free] = _largest_remainder(remaining, shares)
    alloc = alloc.astype(int).rename("n")
    alloc.index.name = "stratum"
    alloc.attrs["provenance"] = provenance(
        "allocate_sample",
        parameters={"n": n, "method": method, "min_per_stratum": floor,
                    "strata_areas": areas.to_dict()},
    )
    return alloc
