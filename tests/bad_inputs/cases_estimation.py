"""Bad samples, strata and response sheets (``geo_revival.estimation``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from geo_revival.estimation import (
    allocate_sample,
    draw_sample,
    estimate_areas,
    estimate_change_area,
    read_response_sheet,
    reference_from_raster,
    sample_from_counts,
    sample_size,
    stratum_areas,
    write_response_sheet,
)
from geo_revival.exceptions import (
    CRSMismatchError,
    EstimationError,
    MissingCRSError,
    NoOverlapError,
    OptionError,
    OutputExistsError,
    ReadError,
    SchemaError,
)
from tests.bad_inputs._build import STRATA_AREAS, landcover, sample
from tests.bad_inputs.case import Case

UA = {1: 0.9, 2: 0.8}
STRATA = np.array([[1, 1, 2, 2]] * 4, dtype="uint8")


def _strata(**kwargs: object) -> object:
    return landcover(STRATA, **kwargs).isel(year=0)  # type: ignore[arg-type]


def _drawn() -> pd.DataFrame:
    return draw_sample(_strata(), {1: 3, 2: 3}, seed=0)


def _reference_outside_legend(_: Path) -> None:
    drawn = _drawn()  # records legend 'clcd' with the sample
    drawn["reference_class"] = drawn["map_class"]
    drawn.loc[drawn.index[0], "reference_class"] = 99
    estimate_areas(drawn, {1: 7200.0, 2: 7200.0})


def _sheet(tmp: Path, labels: list[object], column: str = "reference_class (参考类别)") -> None:
    paths = write_response_sheet(_drawn(), tmp / "sheet")
    table = pd.read_csv(paths["csv"], encoding="utf-8-sig")
    table[column] = labels
    table.to_csv(paths["csv"], index=False, encoding="utf-8-sig")
    read_response_sheet(paths["csv"])


CASES = [
    Case("sample-size-bad-se", "target_se= 1.5 (a standard error above 1)",
         lambda t: sample_size(STRATA_AREAS, UA, target_se=1.5), EstimationError, "target_se"),
    Case("sample-size-missing-accuracy", "a user's accuracy missing for a stratum",
         lambda t: sample_size(STRATA_AREAS, {1: 0.9}, target_se=0.01), EstimationError,
         "user's accuracy for strata"),
    Case("sample-size-unknown-class", "target_class= not a stratum",
         lambda t: sample_size(STRATA_AREAS, UA, target_se=0.01, target_class=7),
         EstimationError, "not a stratum"),
    Case("allocate-too-small", "n below the Olofsson minimum of 50 per stratum",
         lambda t: allocate_sample(99, STRATA_AREAS), EstimationError, "at least 50"),
    Case("allocate-neyman-no-accuracy", "Neyman allocation without users_accuracy",
         lambda t: allocate_sample(400, STRATA_AREAS, method="neyman"), EstimationError,
         "users_accuracy"),
    Case("allocate-bad-method", "method= misspelt",
         lambda t: allocate_sample(400, STRATA_AREAS, method="bogus"), OptionError,
         "method must be one of"),
    Case("allocate-zero-stratum", "a stratum of zero area",
         lambda t: allocate_sample(100, {1: 0.0, 2: 1.0}), EstimationError,
         "zero-size strata"),
    Case("draw-missing-stratum", "an allocation that leaves out a stratum of the raster",
         lambda t: draw_sample(_strata(), {1: 3}, seed=0), EstimationError,
         r"strata \[2\] are in the raster but not in the allocation"),
    Case("draw-too-many", "more units than pixels in a stratum",
         lambda t: draw_sample(_strata(), {1: 9, 2: 3}, seed=0), EstimationError,
         "without replacement"),
    Case("draw-one-unit", "one unit in a stratum",
         lambda t: draw_sample(_strata(), {1: 1, 2: 3}, seed=0), EstimationError,
         "fewer than 2 units"),
    Case("draw-no-crs", "strata raster without CRS",
         lambda t: draw_sample(_strata(crs=None), {1: 3, 2: 3}, seed=0), MissingCRSError,
         "no CRS"),
    Case("stratum-areas-degrees", "stratum areas of a lon/lat raster",
         lambda t: stratum_areas(_strata(crs="EPSG:4326")), EstimationError,
         "projected CRS in metres"),
    Case("reference-other-crs", "a reference raster in another CRS",
         lambda t: reference_from_raster(_drawn(), _strata(crs="EPSG:32650")),
         CRSMismatchError, "differs"),
    Case("reference-outside", "sample points outside the reference raster",
         lambda t: reference_from_raster(_drawn(), _strata().isel(x=slice(0, 1))),
         NoOverlapError, "outside"),
    Case("reference-nodata", "sample points on nodata of the reference raster",
         lambda t: reference_from_raster(_drawn(), _strata() * 0), EstimationError,
         "nodata"),
    Case("sheet-missing", "read_response_sheet of a missing file",
         lambda t: read_response_sheet(t / "missing.csv"), ReadError, "does not exist"),
    Case("sheet-empty", "a response sheet with no label filled in",
         lambda t: _sheet(t, [None] * 6), SchemaError, "is empty"),
    Case("sheet-unknown-label", "a typo in a reference label of the sheet",
         lambda t: _sheet(t, [1, 1, 1, 2, 2, "forest"]), SchemaError,
         r"unknown reference labels \['forest'\]"),
    Case("sheet-column-twice", "a second reference_class column added to the bilingual sheet",
         lambda t: _sheet(t, [1] * 6, column="reference_class"), SchemaError,
         r"has the columns \['reference_class'\] twice",
         "it crashed with an AttributeError from pandas"),
    Case("sheet-exists", "writing a response sheet over an existing one",
         lambda t: [write_response_sheet(_drawn(), t / "sheet") for _ in range(2)],
         OutputExistsError, "overwrite=True"),
    Case("estimate-missing-columns", "a sample without the reference column",
         lambda t: estimate_areas(sample().drop(columns="reference_class"), STRATA_AREAS),
         SchemaError, "lacks columns"),
    Case("estimate-empty-sample", "an empty sample",
         lambda t: estimate_areas(sample().iloc[:0], STRATA_AREAS), EstimationError,
         "sample is empty"),
    Case("estimate-blank-reference", "reference labels not filled in",
         lambda t: estimate_areas(sample(reference_class=[None] * 6), STRATA_AREAS),
         EstimationError, "is empty"),
    Case("estimate-some-blank", "one reference label missing",
         lambda t: estimate_areas(sample(reference_class=[1, 1, 1, 2, 2, None]),
                                  STRATA_AREAS),
         EstimationError, r"1 sample units have no value in 'reference_class'"),
    Case("estimate-stratum-area-missing", "strata_areas without a sampled stratum",
         lambda t: estimate_areas(sample(), {1: 6000.0}), EstimationError,
         r"areas missing for strata \['2'\]"),
    Case("estimate-unsampled-stratum", "a stratum with area but no units",
         lambda t: estimate_areas(sample(), {**STRATA_AREAS, 3: 500.0}), EstimationError,
         "no sample units"),
    Case("estimate-single-unit", "a stratum with one unit",
         lambda t: estimate_areas(sample().iloc[:4], STRATA_AREAS), EstimationError,
         "single sample unit"),
    Case("estimate-label-not-in-classes", "classes= without a label the sample uses",
         lambda t: estimate_areas(sample(), STRATA_AREAS, classes=[1]), EstimationError,
         r"\['2'\] .* are not among the classes"),
    Case("estimate-reference-outside-legend", "a reference label 99 in a CLCD sample",
         _reference_outside_legend, EstimationError,
         r"reference classes \['99'\] .*not classes of legend 'clcd'",
         "it became a class of its own and took area from the real ones"),
    Case("counts-not-whole", "sample_from_counts with 1.5 units",
         lambda t: sample_from_counts(pd.DataFrame([[1.5, 2]], index=["a"],
                                                   columns=["a", "b"])),
         SchemaError, "whole numbers"),
    Case("counts-all-zero", "sample_from_counts of zeros",
         lambda t: sample_from_counts(pd.DataFrame([[0, 0]], index=["a"], columns=["a", "b"])),
         EstimationError, "all zero"),
    Case("change-area-no-n", "estimate_change_area without n or allocation",
         lambda t: estimate_change_area(_strata(), _strata(), seed=0), EstimationError,
         "sample size n or an allocation"),
]
