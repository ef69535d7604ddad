"""forest_cover_rate / built_up_land_per_gdp on hand-built 10 x 10 rasters (100 m pixels)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from shapely.geometry import box

from geo_revival.exceptions import SchemaError
from geo_revival.plan import built_up_land_per_gdp, forest_cover_rate, plan_targets

# 2024: 32 forest (CLCD 2), 8 shrub (3), 20 built-up (8), 40 cropland (1) pixels of 1 ha.
# 2025: 30 forest, 8 shrub, 22 built-up, 40 cropland.
_2024 = np.array([2] * 32 + [3] * 8 + [8] * 20 + [1] * 40, dtype="uint8").reshape(10, 10)
_2025 = np.array([2] * 30 + [3] * 8 + [8] * 22 + [1] * 40, dtype="uint8").reshape(10, 10)
LC = xr.DataArray(
    np.stack([_2024, _2025]), dims=("year", "y", "x"),
    coords={"year": [2024, 2025], "y": np.arange(10)[::-1] * 100.0 + 50,
            "x": np.arange(10) * 100.0 + 50},
    attrs={"legend": "clcd"},
).rio.write_crs("EPSG:4548")
REGION = gpd.GeoDataFrame(geometry=[box(0, 0, 1000, 500), box(0, 500, 1000, 1000)], crs=4548)


def _target(indicator: str, year: int) -> float:
    t = plan_targets()
    return float(t[(t["indicator_id"] == indicator) & (t["year"] == year)]["value"].item())


def test_forest_cover_rate_by_hand() -> None:
    out = forest_cover_rate(REGION, LC).set_index("year")
    assert out.loc[2024, "value"] == pytest.approx(0.32)
    assert out.loc[2025, "value"] == pytest.approx(0.30)
    assert out.loc[2025, "reference"] == pytest.approx(_target("forest_cover_rate", 2025))
    # 0.32 >= 0.3160 (2024 actual) but 0.30 < 0.3134 (2025 target, a floor).
    assert out["meets_target"].tolist() == [True, False]
    assert (out["estimate_basis"] == "unadjusted map count").all()
    assert "NOT the forestry bureau" in out["note"].iloc[0]


def test_forest_cover_with_shrub() -> None:
    out = forest_cover_rate(REGION, LC, classes=("forest", "shrub")).set_index("year")
    assert out.loc[2025, "value"] == pytest.approx(0.38)


def test_built_up_per_gdp_by_hand() -> None:
    out = built_up_land_per_gdp(REGION, LC, {2024: 0.8, 2025: 0.8}).set_index("year")
    # 20 ha / 0.8 = 25.0 ha per 100 million yuan (target 2024: 28.88, lower is better).
    assert out.loc[2024, "value"] == pytest.approx(25.0)
    assert out.loc[2025, "value"] == pytest.approx(27.5)
    assert out.loc[2025, "reference"] == pytest.approx(_target("built_up_land_per_gdp", 2025))
    assert out["meets_target"].tolist() == [True, True]  # 27.5 <= 27.56


def test_built_up_years_without_gdp_are_left_out() -> None:
    out = built_up_land_per_gdp(REGION, LC, {2025: 1.0})
    assert out["year"].tolist() == [2025]
    with pytest.raises(SchemaError, match="no positive GDP"):
        built_up_land_per_gdp(REGION, LC, {2030: 1.0})


def test_region_must_be_a_geodataframe() -> None:
    with pytest.raises(SchemaError, match="GeoDataFrame"):
        forest_cover_rate(REGION.iloc[:0], LC)
