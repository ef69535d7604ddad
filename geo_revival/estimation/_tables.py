"""Area and accuracy tables from a stratified sample (Olofsson et al. 2014; Stehman 2014).

:func:`estimate_areas`, :func:`accuracy_assessment` and :func:`error_matrix` estimate from a
sample with reference classes (checked and tallied by :mod:`geo_revival.estimation._tally`);
:func:`sample_from_counts` turns a published table of sample counts into such a sample.

The estimators are those of Stehman (2014) for stratified random sampling, so the strata need
not be the map classes (e.g. strata from one map, accuracy of another); when they are, they
reduce exactly to Olofsson et al. (2014) eqs. 1-12. Notation: strata ``h`` with area ``A_h``
(weights ``W_h = A_h / A``) and ``n_h`` sample units; map class ``i``, reference class ``j``;
``p̂_ij`` the estimated share of area with map class ``i`` and reference class ``j``.

- area proportion of class ``k`` (Olofsson eq. 9): ``p̂_.k = Σ_h W_h n_h.k / n_h``;
  SE (eq. 10): ``sqrt(Σ_h W_h² r_hk (1 − r_hk) / (n_h − 1))`` with ``r_hk = n_h.k / n_h``;
- error-adjusted area ``Â_k`` and its SE (eq. 11): ``Â_k = A p̂_.k``, ``SE(Â_k) = A SE(p̂_.k)``;
  confidence interval (eq. 12): ``Â_k ± z SE(Â_k)``, ``z = 1.96`` for 95 %;
- overall accuracy (eqs. 1, 5), user's accuracy ``Û_k = p̂_kk / p̂_k.`` (eqs. 2, 6) and producer's
  accuracy ``P̂_k = p̂_kk / p̂_.k`` (eqs. 3, 7): stratified ratio estimators with the
  linearised variance of Stehman (2014).

Intervals are normal-approximation intervals, not clipped: for rare classes or tiny samples a
bound may fall below 0 (or accuracy above 1), which signals an imprecise estimate.

References
----------
Olofsson, P., Foody, G. M., Herold, M., Stehman, S. V., Woodcock, C. E., Wulder, M. A. (2014).
Good practices for estimating area and assessing accuracy of land change. Remote Sensing of
Environment 148, 42-57. doi:10.1016/j.rse.2014.02.015

Stehman, S. V. (2014). Estimating area and map accuracy for stratified random sampling when the
strata are different from the map classes. International Journal of Remote Sensing 35,
4923-4939. doi:10.1080/01431161.2014.930207
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from geo_revival.estimation._design import as_strata_series
from geo_revival.estimation._tally import AreaMapping, _estimate
from geo_revival.exceptions import EstimationError, SchemaError
from geo_revival.provenance import provenance
from geo_revival.units import convert
from geo_revival.validation import renamed_keywords

__all__ = ["accuracy_assessment", "error_matrix", "estimate_areas", "sample_from_counts"]


def _is_map_stratified(counts: np.ndarray, strata: pd.Index, order: list) -> bool:
    """Tell whether every sample unit's map class equals its stratum label."""
    for h, s in enumerate(strata):
        if s not in order:
            return False
        others = np.delete(counts[h], order.index(s), axis=0)
        if others.sum() > 0:
            return False
    return True


def _provenance(function: str, sample: pd.DataFrame, parameters: dict[str, Any]) -> dict:
    upstream = sample.attrs.get("provenance", {})
    return provenance(
        function,
        parameters=parameters,
        legend=upstream.get("legend"),
        simulated=bool(sample.attrs.get("simulated", upstream.get("simulated", False))),
        sample=upstream or None,
        method="Stehman (2014) stratified estimators; Olofsson et al. (2014) eqs. 1-12",
    )


@renamed_keywords(unit="areas_unit", units="output_units")
def estimate_areas(
    sample: pd.DataFrame,
    strata_areas: AreaMapping,
    *,
    map_column: str = "map_class",
    reference_column: str = "reference_class",
    stratum_column: str = "stratum",
    areas_unit: str = "m2",
    map_areas: AreaMapping | None = None,
    classes: Sequence[Hashable] | None = None,
    z: float = 1.96,
    output_units: Sequence[str] = ("m2", "ha", "mu"),
) -> pd.DataFrame:
    """Error-adjusted area of each class with SE and confidence interval, plus UA and PA.

    Implements Olofsson et al. (2014) eqs. 9-12 for areas and eqs. 2-3, 6-7 for user's and
    producer's accuracy, in Stehman's (2014) general form so the strata may differ from the map
    classes (e.g. strata = mapped change classes of one map, accuracy of another). See the module
    docstring for the formulas.

    Parameters
    ----------
    sample
        One row per sample unit with stratum, map class and reference class columns (e.g. from
        :func:`read_response_sheet`, :func:`reference_from_raster` or
        :func:`sample_from_counts`). Units must be a stratified random sample: each stratum a
        simple random sample of its pixels.
    strata_areas
        Area of every stratum in ``areas_unit`` (e.g. from :func:`stratum_areas`). Every stratum in
        the sample must be listed; none may be zero.
    map_column, reference_column, stratum_column
        Column names in ``sample``.
    areas_unit
        Unit of the given ``strata_areas`` and ``map_areas`` (``"m2"``, ``"ha"``, ``"mu"``,
        ``"km2"``).
    map_areas
        Mapped area per class, in ``areas_unit``. Default: ``strata_areas`` when the strata are the
        map classes; otherwise the ``mapped_area_*`` columns are NaN (the map must be measured,
        e.g. with :func:`geo_revival.class_areas`).
    classes
        Class labels and their order; default: strata that are classes, then the other labels.
    z
        Multiplier of the SE for the interval ``estimate ± z SE``; 1.96 gives the 95 % interval
        of Olofsson eq. 12 (1.645: 90 %).
    output_units
        Units of the area columns in the result.

    Returns
    -------
    pandas.DataFrame
        One row per class: ``class``, ``n_map`` and ``n_reference`` (sample units mapped as /
        referenced as the class), ``area_proportion``, ``area_proportion_se``,
        ``area_proportion_ci_low``, ``area_proportion_ci_high``; per unit ``u``: ``area_u``
        (the error-adjusted area estimate), ``area_u_se``, ``area_u_ci_low``, ``area_u_ci_high``,
        ``mapped_area_u``; ``users_accuracy``, ``producers_accuracy`` with ``_se``, ``_ci_low``,
        ``_ci_high``. ``attrs``: ``provenance`` and ``overall_accuracy`` (dict with
        ``estimate``, ``se``, ``ci_low``, ``ci_high``). Undefined accuracies (a class never
        mapped, or absent from the reference sample) are NaN.

    Raises
    ------
    SchemaError
        A column is missing.
    EstimationError
        Strata areas missing or zero, a stratum with fewer than 2 units, strata without sample
        units, empty or missing reference labels, labels outside ``classes``.

    Examples
    --------
    >>> counts = pd.DataFrame([[45, 5], [3, 47]], index=["gain", "stable"],
    ...                       columns=["gain", "stable"])
    >>> sample = sample_from_counts(counts)
    >>> est = estimate_areas(sample, {"gain": 10.0, "stable": 90.0}, areas_unit="ha")
    >>> est[["class", "area_ha", "mapped_area_ha"]].round(2).to_dict("list")
    {'class': ['gain', 'stable'], 'area_ha': [14.4, 85.6], 'mapped_area_ha': [10.0, 90.0]}
    """
    est, areas, order, counts = _estimate(
        sample, strata_areas, map_column, reference_column, stratum_column, classes
    )
    total = float(areas.sum())
    columns: dict[str, Any] = {
        "class": order,
        "n_map": counts.sum(axis=(0, 2)).astype(int),
        "n_reference": counts.sum(axis=(0, 1)).astype(int),
    }
    _add_interval(columns, "area_proportion", est.area_proportion, est.area_proportion_se, z)
    if map_areas is not None:
        mapped = as_strata_series(map_areas, "map_areas").reindex(order).to_numpy()
    elif _is_map_stratified(counts, areas.index, order):
        mapped = areas.reindex(order).fillna(0.0).to_numpy()
    else:
        mapped = np.full(len(order), np.nan)
    for u in output_units:
        factor = convert(total, areas_unit, u)
        _add_interval(columns, f"area_{u}", est.area_proportion * factor,
                      est.area_proportion_se * factor, z)
        columns[f"mapped_area_{u}"] = convert(mapped, areas_unit, u)
    _add_interval(columns, "users_accuracy", est.users_accuracy, est.users_accuracy_se, z)
    _add_interval(columns, "producers_accuracy", est.producers_accuracy,
                  est.producers_accuracy_se, z)
    out = pd.DataFrame(columns)
    oa, oa_se = float(est.overall_accuracy), float(est.overall_accuracy_se)
    out.attrs["overall_accuracy"] = {
        "estimate": oa, "se": oa_se, "ci_low": oa - z * oa_se, "ci_high": oa + z * oa_se,
    }
    out.attrs["provenance"] = _provenance("estimate_areas", sample, {
        "strata_areas": areas.to_dict(), "areas_unit": areas_unit, "z": z,
        "map_column": map_column, "reference_column": reference_column,
        "stratum_column": stratum_column, "n": int(counts.sum()),
    })
    return out


def _add_interval(
    out: dict[str, Any], name: str, value: np.ndarray, se: np.ndarray, z: float
) -> None:
    out[name] = value
    out[f"{name}_se"] = se
    out[f"{name}_ci_low"] = value - z * se
    out[f"{name}_ci_high"] = value + z * se


def accuracy_assessment(
    sample: pd.DataFrame,
    strata_areas: AreaMapping,
    *,
    map_column: str = "map_class",
    reference_column: str = "reference_class",
    stratum_column: str = "stratum",
    classes: Sequence[Hashable] | None = None,
    z: float = 1.96,
) -> pd.DataFrame:
    """Overall, user's and producer's accuracy with SEs and confidence intervals, long format.

    Olofsson et al. (2014) eqs. 1-3 (estimates) and 5-7 (variances), in Stehman's (2014) form
    for strata that differ from the map classes; intervals ``± z SE`` (eq. 12).

    Parameters
    ----------
    sample, strata_areas, map_column, reference_column, stratum_column, classes, z
        As in :func:`estimate_areas` (areas in any unit: only their shares matter).

    Returns
    -------
    pandas.DataFrame
        Columns ``quantity`` (``overall_accuracy``, ``users_accuracy``, ``producers_accuracy``),
        ``class`` (``"all"`` for overall accuracy), ``estimate``, ``se``, ``ci_low``, ``ci_high``;
        provenance in ``attrs``.

    Examples
    --------
    >>> counts = pd.DataFrame([[45, 5], [3, 47]], index=["gain", "stable"],
    ...                       columns=["gain", "stable"])
    >>> acc = accuracy_assessment(sample_from_counts(counts), {"gain": 10.0, "stable": 90.0})
    >>> round(acc.loc[acc["quantity"] == "overall_accuracy", "estimate"].item(), 3)
    0.936
    """
    est, areas, order, counts = _estimate(
        sample, strata_areas, map_column, reference_column, stratum_column, classes
    )
    parts = [pd.DataFrame({
        "quantity": "overall_accuracy", "class": ["all"],
        "estimate": [float(est.overall_accuracy)], "se": [float(est.overall_accuracy_se)],
    })]
    for quantity, value, se in (
        ("users_accuracy", est.users_accuracy, est.users_accuracy_se),
        ("producers_accuracy", est.producers_accuracy, est.producers_accuracy_se),
    ):
        parts.append(pd.DataFrame({"quantity": quantity, "class": order,
                                   "estimate": value, "se": se}))
    out = pd.concat(parts, ignore_index=True)
    out["ci_low"] = out["estimate"] - z * out["se"]
    out["ci_high"] = out["estimate"] + z * out["se"]
    out.attrs["provenance"] = _provenance("accuracy_assessment", sample, {
        "strata_areas": areas.to_dict(), "z": z, "n": int(counts.sum()),
    })
    return out


def error_matrix(
    sample: pd.DataFrame,
    strata_areas: AreaMapping,
    *,
    map_column: str = "map_class",
    reference_column: str = "reference_class",
    stratum_column: str = "stratum",
    classes: Sequence[Hashable] | None = None,
) -> pd.DataFrame:
    """Estimated error matrix of area proportions ``p̂_ij`` (rows map, columns reference).

    ``p̂_ij = Σ_h W_h n_hij / n_h`` (Stehman 2014); with strata = map classes this is
    the cells of Olofsson et al. (2014) Table 9, ``p̂_ij = W_i n_ij / n_i.``.

    Examples
    --------
    >>> counts = pd.DataFrame([[45, 5], [3, 47]], index=["gain", "stable"],
    ...                       columns=["gain", "stable"])
    >>> m = error_matrix(sample_from_counts(counts), {"gain": 10.0, "stable": 90.0})
    >>> m.round(3).to_numpy().tolist()
    [[0.09, 0.01], [0.054, 0.846]]
    """
    est, areas, order, counts = _estimate(
        sample, strata_areas, map_column, reference_column, stratum_column, classes
    )
    out = pd.DataFrame(
        est.error_matrix,
        index=pd.Index(order, name=map_column),
        columns=pd.Index(order, name=reference_column),
    )
    out.attrs["provenance"] = _provenance("error_matrix", sample, {
        "strata_areas": areas.to_dict(), "n": int(counts.sum()),
    })
    return out


def sample_from_counts(
    counts: pd.DataFrame,
    *,
    map_column: str = "map_class",
    reference_column: str = "reference_class",
    stratum_column: str = "stratum",
) -> pd.DataFrame:
    """Expand a confusion matrix of sample counts into one row per sample unit.

    For the published form of an accuracy assessment (Olofsson et al. 2014, Table 8): rows are
    map classes, which were the strata, columns are reference classes, cells are counts. Pass the
    result with the mapped areas as ``strata_areas`` to :func:`estimate_areas`.

    Parameters
    ----------
    counts
        Square-or-not table of non-negative integer counts; index = map classes (= strata),
        columns = reference classes.

    Returns
    -------
    pandas.DataFrame
        Columns ``sample_id``, ``stratum``, ``map_class``, ``reference_class`` (names as given).

    Examples
    --------
    >>> table = pd.DataFrame([[2, 1], [0, 3]], index=["a", "b"], columns=["a", "b"])
    >>> sample_from_counts(table)["reference_class"].tolist()
    ['a', 'a', 'b', 'b', 'b', 'b']
    """
    values = counts.to_numpy()
    try:
        numbers = values.astype(float)
    except (TypeError, ValueError) as err:
        raise SchemaError(f"counts must be numbers: {err}") from err
    if (~np.isfinite(numbers)).any() or (numbers < 0).any() or (numbers % 1 != 0).any():
        raise SchemaError("counts must be non-negative whole numbers of sample units.")
    ints = numbers.astype(int)
    if ints.sum() == 0:
        raise EstimationError("counts are all zero: there is no sample unit.")
    rows = np.repeat(np.arange(ints.shape[0]), ints.sum(axis=1))
    cols = np.concatenate([np.repeat(np.arange(ints.shape[1]), r) for r in ints])
    mapped = counts.index.to_numpy()[rows]
    out = pd.DataFrame({
        "sample_id": np.arange(1, len(rows) + 1),
        stratum_column: mapped,
        map_column: mapped,
        reference_column: counts.columns.to_numpy()[cols],
    })
    out.attrs["provenance"] = provenance("sample_from_counts", parameters={
        "n": int(ints.sum()), "map_classes": list(counts.index),
    })
    return out
