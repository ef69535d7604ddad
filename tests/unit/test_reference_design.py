"""design_reference_sample / expected_ci on a hand-built 20 x 20 pixel zone."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from shapely.geometry import box

from geo_revival.estimation import allocate_sample, design_reference_sample, expected_ci
from geo_revival.exceptions import EstimationError
from geo_revival.plan import read_reference
from geo_revival.units import convert

# Planned cropland. 2020: columns 0-9 water (damaged), 10-19 cropland (restored).
# 2025: columns 0-5 cropland (reclaimed, 120 px), 6-9 still water (stable damaged, 80 px),
# rows 0-3 of columns 10-19 flooded (newly damaged, 40 px), the rest cropland (160 px).
_2020 = np.where(np.arange(20)[None, :] < 10, 5, 1).repeat(20, axis=0)
_2025 = _2020.copy()
_2025[:, :6] = 1
_2025[:4, 10:] = 5
COORDS = {"year": [2020, 2025], "y": (np.arange(20)[::-1] + 0.5) * 30.0,
          "x": (np.arange(20) + 0.5) * 30.0}
LC = xr.DataArray(np.stack([_2020, _2025]).astype("uint8"), dims=("year", "y", "x"),
                  coords=COORDS, attrs={"legend": "clcd"}).rio.write_crs("EPSG:4548")
ZONES = gpd.GeoDataFrame({"zone_id": ["z"], "planned_use": ["cropland"]},
                         geometry=[box(0, 0, 600, 600)], crs=4548)
PIXELS = {1: 120, 2: 40, 3: 160, 4: 80}


def test_expected_ci_by_hand() -> None:
    # SE² = Σ A_h² p_h (1 − p_h) / n_h with A in mu.
    areas = {h: px * 900.0 for h, px in PIXELS.items()}
    alloc = {1: 20, 2: 10, 3: 20, 4: 10}
    share = {"reclaimed": 0.8, "newly_damaged": 0.0, "stable_restored": 0.05,
             "stable_damaged": 0.1}
    mu = {h: convert(a, "m2", "mu") for h, a in areas.items()}
    se = math.sqrt(mu[1] ** 2 * 0.16 / 20 + mu[3] ** 2 * 0.0475 / 20 + mu[4] ** 2 * 0.09 / 10)
    got = expected_ci(areas, alloc, reclaimed_share=share).iloc[0]
    assert got["se_mu"] == pytest.approx(se)
    assert got["half_width_mu"] == pytest.approx(1.959964 * se, rel=1e-6)
    assert got["expected_area_mu"] == pytest.approx(0.8 * mu[1] + 0.05 * mu[3] + 0.1 * mu[4])


def test_design_with_given_n(tmp_path) -> None:
    d = design_reference_sample(ZONES, LC, start=2020, end=2025, n=40, seed=3,
                                min_per_stratum=5, path=tmp_path / "sheet")
    assert d.design.set_index("stratum")["pixels"].to_dict() == PIXELS
    counts = d.sample.groupby("stratum").size().to_dict()
    assert counts == d.design.set_index("stratum")["n"].to_dict() and sum(counts.values()) == 40
    assert (d.sample["zone_id"] == "z").all() and (d.sample["planned_use"] == "cropland").all()
    assert (d.sample["stratum_area_m2"] == d.sample["stratum"].map(PIXELS) * 900.0).all()
    assert {p.suffix for p in d.paths.values()} == {".csv", ".gpkg"}
    # Interpreters fill in the sheet (here: the truth is the map) and it reads back.
    sheet = pd.read_csv(d.paths["csv"], encoding="utf-8-sig")
    ref_col = next(c for c in sheet.columns if c.startswith("reference_class"))
    state_col = next(c for c in sheet.columns if c.startswith("reference_state"))
    sheet[ref_col] = sheet["map_change_class (制图变化类别)"]
    sheet[state_col] = sheet[ref_col].map({"reclaimed": "restored", "stable_restored": "restored",
                                           "newly_damaged": "damaged",
                                           "stable_damaged": "damaged"})
    sheet.to_csv(d.paths["csv"], index=False, encoding="utf-8-sig")
    back = read_reference(d.paths["csv"])
    assert (back["reference_class"] == back["stratum"]).all()
    assert back["from_year"].eq(2020).all() and back["to_year"].eq(2025).all()


def test_design_for_a_half_width_is_the_smallest() -> None:
    share = {"reclaimed": 0.8, "newly_damaged": 0.02, "stable_restored": 0.05,
             "stable_damaged": 0.1}
    d = design_reference_sample(ZONES, LC, start=2020, end=2025, half_width_mu=25.0, seed=1,
                                reclaimed_share=share, min_per_stratum=5)
    n = int(d.design["n"].sum())
    assert d.expected["half_width_mu"].item() <= 25.0
    areas = d.design.set_index("stratum")["area_m2"]
    p = dict(zip(areas.index, d.design["reclaimed_share"], strict=True))
    smaller = allocate_sample(n - 1, areas, method="neyman", min_per_stratum=5,
                              users_accuracy=p)
    assert expected_ci(areas, smaller, reclaimed_share=p)["half_width_mu"].item() > 25.0
    assert d.expected["n_eq13"].item() <= n  # eq. 13 (Neyman, no floor) is the lower start


def test_design_needs_one_of_n_and_half_width() -> None:
    with pytest.raises(EstimationError, match="either half_width_mu"):
        design_reference_sample(ZONES, LC, start=2020, end=2025, seed=1)
    with pytest.raises(EstimationError, match=r"\[0, 1\]"):
        expected_ci({1: 1.0, 3: 1.0}, {1: 2, 3: 2}, reclaimed_share={"reclaimed": 1.5})
