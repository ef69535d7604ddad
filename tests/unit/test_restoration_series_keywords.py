"""restoration_series takes legend= and years= as overlay_series does (through as_landcover).

Fixture by hand: 2 x 2 px of 10 m (100 m² each), EPSG:4548, one zone over the top row planned
as cropland. Top row 2020-2023: left pixel 5 5 1 1, right pixel 5 1 1 1 (CODES). With the
default rules water (5) is damaged and cropland (1) restored on planned cropland, so with
persistence 2 the right pixel is reclaimed in 2021 and the left one in 2022.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401  (registers .rio)
import xarray as xr
from shapely.geometry import box

from geo_revival.exceptions import SchemaError
from geo_revival.restoration import restoration_series

YEARS = [2020, 2021, 2022, 2023]
# (year, x) codes of the top row; the bottom row is the same (outside the zone).
CODES = np.array([[5, 5], [5, 1], [1, 1], [1, 1]], np.uint8)
ZONES = gpd.GeoDataFrame(
    {"zone_id": ["z"], "planned_use": ["cropland"]}, geometry=[box(0, 10, 20, 20)], crs=4548
)


def _bands() -> xr.DataArray:
    """As rioxarray.open_rasterio gives a multi-band file: dim ``band``, no legend, no years."""
    da = xr.DataArray(
        np.repeat(CODES[:, None, :], 2, axis=1),
        dims=("band", "y", "x"),
        coords={"band": [1, 2, 3, 4], "y": [15.0, 5.0], "x": [5.0, 15.0]},
    )
    return da.rio.write_crs("EPSG:4548")


def _curve(result) -> dict[int, float]:
    table = result.reclaimed_by_year
    return dict(zip(table["year"].tolist(), table["area_m2"].tolist(), strict=True))


def test_band_stack_with_legend_and_years():
    result = restoration_series(ZONES, _bands(), legend="clcd", years=YEARS)
    # By hand: right pixel restored 2021-2023 (reclaimed 2021), left 2022-2023 (2022).
    assert _curve(result) == {2021: 100.0, 2022: 100.0, 2023: 0.0}
    assert sorted(result.class_areas["year"].unique().tolist()) == YEARS


def test_years_keeps_a_subset_of_a_labelled_series():
    labelled = _bands().rename(band="year").assign_coords(year=YEARS)
    labelled.attrs["legend"] = "clcd"
    result = restoration_series(ZONES, labelled, years=[2020, 2021, 2022])
    # By hand: the right pixel restored 2021-2022 (reclaimed 2021); the left only in 2022,
    # one year, short of persistence 2.
    assert _curve(result) == {2021: 100.0, 2022: 0.0}
    whole = restoration_series(ZONES, labelled.sel(year=[2020, 2021, 2022]))
    pd.testing.assert_frame_equal(result.reclaimed_by_year, whole.reclaimed_by_year)


def test_without_a_legend_it_still_refuses():
    with pytest.raises(SchemaError, match="names no legend"):
        restoration_series(ZONES, _bands(), years=YEARS)
