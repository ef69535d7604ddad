"""forest_cover_rate / built_up_land_per_gdp take what other entry points take: a zone-file
path for the region, and legend= / years= for land cover without them (hand-built rasters of
tests/unit/test_land_indicators.py: 100 m pixels = 1 ha, 10 x 10 over the whole region, moved
to Xuzhou's coordinates in EPSG:4548 so that load_zones finds the region file plausible)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from shapely.geometry import box

from geo_revival.exceptions import SchemaError
from geo_revival.plan import built_up_land_per_gdp, forest_cover_rate

# 2024: 32 forest (CLCD 2), 8 shrub (3), 20 built-up (8), 40 cropland (1) pixels of 1 ha.
# 2025: 30 forest, 8 shrub, 22 built-up, 40 cropland.
_2024 = np.array([2] * 32 + [3] * 8 + [8] * 20 + [1] * 40, dtype="uint8").reshape(10, 10)
_2025 = np.array([2] * 30 + [3] * 8 + [8] * 22 + [1] * 40, dtype="uint8").reshape(10, 10)
X0, Y0 = 500_000, 3_790_000  # ~117 E, 34.2 N
# As rioxarray.open_rasterio gives a two-band file: no legend, no years.
BANDS = xr.DataArray(
    np.stack([_2024, _2025]), dims=("band", "y", "x"),
    coords={"band": [1, 2], "y": Y0 + np.arange(10)[::-1] * 100.0 + 50,
            "x": X0 + np.arange(10) * 100.0 + 50},
).rio.write_crs("EPSG:4548")  # fmt: skip


@pytest.fixture
def region_file(tmp_path: Path) -> Path:
    path = tmp_path / "region.gpkg"
    gpd.GeoDataFrame(
        {"zone_id": ["south", "north"]},
        geometry=[box(X0, Y0, X0 + 1000, Y0 + 500), box(X0, Y0 + 500, X0 + 1000, Y0 + 1000)],
        crs=4548,
    ).to_file(path)
    return path


def test_forest_cover_rate_from_a_path_and_a_band_stack(region_file):
    out = forest_cover_rate(str(region_file), BANDS, legend="clcd", years=[2024, 2025])
    assert out.set_index("year")["value"].to_dict() == pytest.approx({2024: 0.32, 2025: 0.30})
    # forest and shrub: 40 and 38 of 100 ha
    wide = forest_cover_rate(region_file, BANDS, classes=("forest", "shrub"), legend="clcd",
                             years=[2024, 2025])  # fmt: skip
    assert wide["value"].tolist() == pytest.approx([0.40, 0.38])


def test_built_up_land_per_gdp_keeps_the_years_asked_for(region_file):
    lc = BANDS.rename(band="year").assign_coords(year=[2024, 2025])
    lc.attrs["legend"] = "clcd"
    out = built_up_land_per_gdp(region_file, lc, {2024: 4.0, 2025: 2.0}, years=[2025])
    assert out["year"].tolist() == [2025]
    assert out["value"].tolist() == pytest.approx([22 / 2.0])  # 22 ha / 2 (100 M yuan)


def test_a_region_file_without_zone_ids_says_how_to_read_it(tmp_path):
    path = tmp_path / "outline.gpkg"
    gpd.GeoDataFrame({"name": ["x"]}, geometry=[box(X0, Y0, X0 + 1000, Y0 + 1000)],
                     crs=4548).to_file(path)
    with pytest.raises(SchemaError, match=r"zone_id.*geopandas\.read_file"):
        forest_cover_rate(path, BANDS, legend="clcd", years=[2024, 2025])
