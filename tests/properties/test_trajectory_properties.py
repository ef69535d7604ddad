"""Property: the per-zone reclaimed-area-by-year curve adds up to the accounting's reclaimed area.

Pixels follow one restoration episode each (any mix of restored and neutral years, then damaged
years, then restored to the end of the series, or never damaged, or still damaged), so every
reclamation is one damaged -> restored step between consecutive years, which is what
``account(...).flows`` counts per year pair. With persistence ``k`` a pixel restored from layer
``t`` to the end counts in year ``t`` when ``t <= last - k + 1``; so per zone and year the curve
equals the accounting's reclaimed area of the pair ending that year, up to the last year a
reclamation can be confirmed, and zero after. The two sides are computed independently: the
accounting from overlay tables and the rule set, the curve from per-pixel state sequences.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pytest
import rioxarray  # noqa: F401  (registers .rio)
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from geo_revival.restoration import account, restoration_series

# Codes per state for each zone's planned use (CLCD; default rules):
# cropland use: damaged water 5 / barren 7, restored cropland 1, neutral forest 2 / built-up 8;
# water use: damaged barren 7, restored water 5 / wetland 9, neutral cropland 1.
CODES = {
    "cropland": {"damaged": (5, 7), "restored": (1,), "neutral": (2, 8)},
    "water": {"damaged": (7,), "restored": (5, 9), "neutral": (1,)},
}


@st.composite
def series(draw: st.DrawFn) -> tuple[np.ndarray, int, list[str]]:
    years = draw(st.integers(3, 8))
    height, width = draw(st.integers(2, 4)), draw(st.integers(2, 5))
    uses = draw(st.lists(st.sampled_from(["cropland", "water"]), min_size=2, max_size=2))
    k = draw(st.integers(1, 3))
    stack = np.zeros((years, height, width), np.uint8)
    for r in range(height):
        for c in range(width):
            codes = CODES[uses[0] if c < width // 2 else uses[1]]
            before = draw(st.integers(0, years))  # years before the damage
            damaged = draw(st.integers(1, years - before)) if before < years else 0
            reclaimed = draw(st.booleans())
            for t in range(years):
                if t < before:
                    state = draw(st.sampled_from(["restored", "neutral"]))
                elif t < before + damaged or not reclaimed:
                    state = "damaged"
                else:
                    state = "restored"
                stack[t, r, c] = draw(st.sampled_from(codes[state]))
    return stack, k, uses


@pytest.mark.slow  # ~15 s: each example runs the overlay twice
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series())
def test_reclaimed_by_year_sums_to_accounting(case: tuple[np.ndarray, int, list[str]]) -> None:
    stack, k, uses = case
    n, height, width = stack.shape
    years = list(range(2001, 2001 + n))
    lc = xr.DataArray(
        stack,
        dims=("year", "y", "x"),
        coords={
            "year": years,
            "y": 10.0 * height - 5 - 10.0 * np.arange(height),
            "x": 5 + 10.0 * np.arange(width),
        },
        attrs={"legend": "clcd"},
    ).rio.write_crs("EPSG:4548")
    split = 10.0 * (width // 2)
    zones = gpd.GeoDataFrame(
        {"zone_id": ["a", "b"], "planned_use": uses},
        geometry=[box(0, 0, split, 10.0 * height), box(split, 0, 10.0 * width, 10.0 * height)],
        crs=4548,
    )
    if width // 2 == 0:
        zones = zones.iloc[1:]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        curve = restoration_series(zones, lc, persistence=k).reclaimed_by_year
        flows = account(zones, lc).flows
    consecutive = flows[flows["to_year"] == flows["from_year"] + 1]
    flow = consecutive.set_index(["zone_id", "to_year"])["reclaimed_area_m2"]
    last = years[n - k]  # the last year a reclamation can be confirmed with persistence k
    for row in curve.itertuples():
        expected = flow.get((row.zone_id, row.year), 0.0) if row.year <= last else 0.0
        assert row.area_m2 == expected, (row.zone_id, row.year)
    for zone in zones["zone_id"]:
        mine = curve[curve["zone_id"] == zone]["area_m2"].sum()
        theirs = sum(flow.get((zone, y), 0.0) for y in years[1:] if y <= last)
        assert mine == theirs
