"""Small hand-made inputs that follow the docs/design.md contracts, for the presentation tests."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import rioxarray  # noqa: F401  (registers .rio)
import xarray as xr
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from shapely.geometry import box

# Three 0.1° boxes near Jiawang, Peixian and Tongshan (WGS84), stored in CGCS2000 GK CM 117E.
ZONES_WGS84 = {
    "z1": (117.40, 34.40, 117.50, 34.48),
    "z2": (116.90, 34.70, 117.00, 34.80),
    "z3": (117.15, 34.15, 117.30, 34.25),
}


def zones() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "zone_id": list(ZONES_WGS84),
            "name_zh": ["贾汪区", "沛县", "铜山区"],
            "name_en": ["Jiawang", "Peixian", "Tongshan"],
            "category": ["key_subsidence"] * 3,
            "planned_use": ["water", "cropland", "forest"],
            "area_mu": [1500.0, 900.0, 3000.0],
        },
        geometry=[box(*b) for b in ZONES_WGS84.values()],
        crs="EPSG:4326",
    ).to_crs("EPSG:4548")


def rates() -> pd.DataFrame:
    """restoration_rate-like table: rates 50/30/70 % in 2020 and 80/60/76 % in 2024."""
    return pd.DataFrame(
        {
            "zone_id": ["z1", "z2", "z3"] * 2,
            "year": [2020] * 3 + [2024] * 3,
            "restored_area_mu": [750.0, 270.0, 2100.0, 1200.0, 540.0, 2280.0],
            "restoration_rate": [0.5, 0.3, 0.7, 0.8, 0.6, 0.76],
        }
    )


def landcover(simulated: bool = True) -> xr.DataArray:
    """Two years on a 200 m grid in EPSG:4548 covering all zones (486-550 km E, 3776-3856 km N):
    CLCD codes drawn at random in 10x10-pixel blocks; water (5) becomes grassland (4) in 2024.
    The top-left block is nodata (0)."""
    rng = np.random.default_rng(0)
    blocks = rng.integers(1, 10, size=(40, 32))
    blocks[0, 0] = 0
    base = blocks.repeat(10, 0).repeat(10, 1)
    data = np.stack([base, np.where(base == 5, 4, base)]).astype("uint8")
    x = 486_000 + 200 * np.arange(320) + 100
    y = 3_856_000 - 200 * np.arange(400) - 100
    da = xr.DataArray(
        data,
        dims=("year", "y", "x"),
        coords={"year": [2020, 2024], "y": y, "x": x},
        name="landcover",
        attrs={"legend": "clcd", "simulated": simulated, "product": "test"},
    )
    return da.rio.write_crs("EPSG:4548").rio.write_nodata(0)


def missing_glyph_warnings(fig: Figure) -> list[str]:
    """Draw ``fig`` and return matplotlib's "Glyph ... missing from font" warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        FigureCanvasAgg(fig).draw()
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]
