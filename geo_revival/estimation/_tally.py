"""Checking a sample and tallying its units by stratum, map class and reference class.

:func:`_prepare` refuses samples the estimators cannot use (missing columns, blank labels,
strata without area or with fewer than 2 units, labels outside the classes or the recorded
legend) and counts the units into an array ``(strata, map classes, reference classes)``;
:func:`_estimate` hands it to the stratified estimators of :mod:`geo_revival.estimation._core`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from geo_revival.estimation._core import Estimates, stratified_estimates
from geo_revival.estimation._design import as_strata_series
from geo_revival.exceptions import EstimationError, SchemaError

AreaMapping = Mapping[Hashable, float] | pd.Series


def _class_order(strata: pd.Index, labels: pd.Series, classes: Sequence[Hashable] | None) -> list:
    """Classes in a stable order: given, else strata that are classes first, then the rest."""
    if classes is not None:
        return list(dict.fromkeys(classes))
    present = list(dict.fromkeys(labels.tolist()))
    first = [s for s in strata if s in present]
    rest = [c for c in present if c not in first]
    try:
        rest = sorted(rest)
    except TypeError:  # mixed label types: keep order of appearance
        pass
    return first + rest


def _codes(values: pd.Series, categories: list, what: str, ids: pd.Series) -> np.ndarray:
    codes = pd.Index(categories, dtype=object).get_indexer(pd.Index(values, dtype=object))
    unknown = codes < 0
    if unknown.any():
        bad = sorted(map(str, pd.unique(values[unknown])))
        units = _first(ids[unknown])
        if what == "strata":
            raise EstimationError(
                f"strata areas missing for strata {bad} (sample units {units}); strata_areas "
                f"lists {categories}. Give the area of every stratum in the sample."
            )
        raise EstimationError(
            f"{what} {bad} (sample units {units}) are not among the classes {categories}; "
            "pass classes= with every label, or fix the labels."
        )
    return np.asarray(codes, dtype=np.intp)


def _legend_codes(sample: pd.DataFrame) -> tuple[str, set[int]] | None:
    """Legend recorded with the sample (draw_sample / read_response_sheet provenance) and codes."""
    record = sample.attrs.get("provenance", {})
    name = record.get("legend") or (record.get("sample") or {}).get("legend")
    if not name:
        return None
    from geo_revival.landcover import get_legend  # the front; estimation does not need it else

    try:
        leg = get_legend(name)
    except KeyError:  # a legend of another session, not registered here: nothing to check
        return None
    return leg.name, set(leg.codes)


def _as_code(label: Any) -> int | None:
    try:
        value = float(str(label).strip())
    except ValueError:
        return None
    return int(value) if value.is_integer() else None


def _check_legend(
    sample: pd.DataFrame, mapped: pd.Series, reference: pd.Series, ids: pd.Series
) -> None:
    """Refuse reference labels outside the legend recorded with the sample, as the sheet does.

    Checked only when the map classes are codes of that legend (strata of a change map use
    their own codes).
    """
    found = _legend_codes(sample)
    if found is None:
        return
    name, codes = found
    if not all(_as_code(m) in codes for m in pd.unique(mapped)):
        return
    outside = np.array([_as_code(r) not in codes for r in reference])
    if outside.any():
        bad = sorted(map(str, pd.unique(reference[outside])))
        raise EstimationError(
            f"reference classes {bad} (sample units {_first(ids[outside])}) are not classes of "
            f"legend {name!r} recorded with the sample (codes {sorted(codes)}): they would become "
            "new classes of their own. Fix the labels (a typo?), or pass classes= listing every "
            "class if the reference really uses other classes."
        )


def _first(ids: pd.Series, k: int = 5) -> str:
    shown = ", ".join(map(str, ids.iloc[:k]))
    return shown + (f", … ({len(ids)} in all)" if len(ids) > k else "")


def _prepare(
    sample: pd.DataFrame,
    strata_areas: AreaMapping,
    map_column: str,
    reference_column: str,
    stratum_column: str,
    classes: Sequence[Hashable] | None,
) -> tuple[np.ndarray, pd.Series, list]:
    """Validate a sample and return (counts (H, K, K), strata areas, classes)."""
    required = [stratum_column, map_column, reference_column]
    missing_cols = [c for c in dict.fromkeys(required) if c not in sample.columns]
    if missing_cols:
        raise SchemaError(
            f"sample lacks columns {missing_cols} (has {list(sample.columns)}); "
            "set stratum_column/map_column/reference_column."
        )
    if len(sample) == 0:
        raise EstimationError("sample is empty: there is nothing to estimate from.")
    areas = as_strata_series(strata_areas, "strata_areas")
    ids = sample["sample_id"] if "sample_id" in sample.columns else pd.Series(sample.index)
    ids = ids.reset_index(drop=True)
    strata = sample[stratum_column].reset_index(drop=True)
    mapped = sample[map_column].reset_index(drop=True)
    reference = sample[reference_column].reset_index(drop=True)
    if reference.isna().all() or (reference.astype(str).str.strip() == "").all():
        raise EstimationError(
            f"reference column {reference_column!r} is empty: fill in the reference class of "
            "every sample unit (write_response_sheet / read_response_sheet) before estimating."
        )
    for name, col in ((reference_column, reference), (map_column, mapped),
                      (stratum_column, strata)):
        blank = col.isna() | (col.astype(str).str.strip() == "")
        if blank.any():
            raise EstimationError(
                f"{int(blank.sum())} sample units have no value in {name!r} "
                f"(sample units {_first(ids[blank])}); fill them in or remove those units "
                "(removing units is only unbiased if they are missing at random)."
            )
    h = _codes(strata, list(areas.index), "strata", ids)
    counts_h = np.bincount(h, minlength=len(areas))
    empty = [s for s, c in zip(areas.index, counts_h, strict=True) if c == 0]
    if empty:
        raise EstimationError(
            f"strata {empty} have area but no sample units: their area cannot be estimated. "
            "Sample every stratum (at least 2 units each)."
        )
    single = [s for s, c in zip(areas.index, counts_h, strict=True) if c < 2]
    if single:
        raise EstimationError(
            f"strata {single} have a single sample unit: the stratum variance (and so every "
            "standard error, Olofsson eqs. 5-7, 10) is undefined with fewer than 2 units per "
            "stratum. Add sample units or merge the stratum."
        )
    if classes is None:
        _check_legend(sample, mapped, reference, ids)
    labels = pd.concat([mapped, reference], ignore_index=True)
    order = _class_order(areas.index, labels, classes)
    i = _codes(mapped, order, "map classes", ids)
    j = _codes(reference, order, "reference classes", ids)
    k = len(order)
    counts = np.bincount((h * k + i) * k + j, minlength=len(areas) * k * k)
    return counts.reshape(len(areas), k, k).astype(float), areas, order


def _estimate(
    sample: pd.DataFrame,
    strata_areas: AreaMapping,
    map_column: str,
    reference_column: str,
    stratum_column: str,
    classes: Sequence[Hashable] | None,
) -> tuple[Estimates, pd.Series, list, np.ndarray]:
    counts, areas, order = _prepare(
        sample, strata_areas, map_column, reference_column, stratum_column, classes
    )
    return stratified_estimates(counts, areas.to_numpy()), areas, order, counts
