"""Design-based area estimation and accuracy assessment (Olofsson et al. 2014; Stehman 2014).

Public front; ``_core`` holds the estimators, ``_design`` sample size and allocation,
``_sampling`` drawing samples and response sheets, ``_api`` the table-level functions and
``_change`` the reclaimed-area estimate from restoration change maps.
"""

from __future__ import annotations

from geo_revival.estimation._api import (
    accuracy_assessment,
    allocate_sample,
    draw_sample,
    error_matrix,
    estimate_areas,
    estimate_change_area,
    read_response_sheet,
    reference_from_raster,
    sample_from_counts,
    sample_size,
    stratum_areas,
    write_response_sheet,
)
from geo_revival.estimation._change import estimate_reclaimed_area
from geo_revival.estimation._monitoring import (
    ReferenceDesign,
    design_reference_sample,
    expected_ci,
)
from geo_revival.estimation._ratio import (
    Estimate,
    interval_multiplier,
    stratified_ratio,
    stratified_total,
)

__all__ = [
    "Estimate",
    "ReferenceDesign",
    "accuracy_assessment",
    "allocate_sample",
    "design_reference_sample",
    "draw_sample",
    "error_matrix",
    "estimate_areas",
    "estimate_change_area",
    "estimate_reclaimed_area",
    "expected_ci",
    "interval_multiplier",
    "read_response_sheet",
    "reference_from_raster",
    "sample_from_counts",
    "sample_size",
    "stratified_ratio",
    "stratified_total",
    "stratum_areas",
    "write_response_sheet",
]
