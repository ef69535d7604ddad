"""Design-based area estimation and accuracy assessment (Olofsson et al. 2014; Stehman 2014).

Workflow: :func:`sample_size` → :func:`allocate_sample` → :func:`draw_sample` →
:func:`write_response_sheet` (interpret in QGIS/Excel) → :func:`read_response_sheet` →
:func:`estimate_areas` / :func:`accuracy_assessment` / :func:`error_matrix`. With a reference
raster (simulations, the demo truth), :func:`estimate_change_area` does it all in one call.

Public front; ``_core`` holds the estimators, ``_design`` sample size and allocation,
``_sampling`` drawing samples and response sheets, ``_tally`` the checks of a sample and its
counts per stratum, map and reference class, ``_tables`` the area and accuracy tables (and
``sample_from_counts``), ``_change`` the estimates with a reference raster (any change map, and
the reclaimed area from restoration change maps), ``_ratio`` the ratio estimators and
``_monitoring`` the monitoring reference design.
"""

from __future__ import annotations

from geo_revival.estimation._change import estimate_change_area, estimate_reclaimed_area
from geo_revival.estimation._design import allocate_sample, sample_size
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
from geo_revival.estimation._sampling import (
    draw_sample,
    read_response_sheet,
    reference_from_raster,
    stratum_areas,
    write_response_sheet,
)
from geo_revival.estimation._tables import (
    accuracy_assessment,
    error_matrix,
    estimate_areas,
    sample_from_counts,
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
