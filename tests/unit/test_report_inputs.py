"""Report inputs: a report on simulated inputs is labelled simulated whatever the caller says."""

from __future__ import annotations

import pytest

from geo_revival.report import ReportInputs
from tests.unit import _mapping_data as md


@pytest.mark.parametrize(
    ("landcover_simulated", "flag", "expected"),
    [(True, False, True), (False, False, False), (False, True, True), (True, True, True)],
)
def test_simulated_flag_follows_the_inputs(
    landcover_simulated: bool, flag: bool, expected: bool
) -> None:
    inputs = ReportInputs(
        zones=md.zones(), landcover=md.landcover(simulated=landcover_simulated), simulated=flag
    )
    assert inputs.simulated is expected


def test_simulated_zones_make_simulated_inputs() -> None:
    zones = md.zones()
    zones.attrs["simulated"] = True
    assert ReportInputs(zones=zones, landcover=md.landcover(simulated=False)).simulated is True
