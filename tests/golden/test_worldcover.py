"""Golden tests on the real ESA WorldCover tiles N00E006 (2020 v100, 2021 v200).

Expected pixel counts are those listed in ``shared/data/esa-worldcover-n00e006/SOURCE.md``.
"""

from __future__ import annotations

import re
from pathlib import Path

import dask
import numpy as np
import pytest
import rasterio
from rasterio.windows import Window

from geo_revival.exceptions import ProductVersionWarning
from geo_revival.landcover.io import open_landcover, pixel_area
from geo_revival.landcover.legend import get_legend

FILES = {
    2020: "ESA_WorldCover_10m_2020_v100_N00E006_Map.tif",
    2021: "ESA_WorldCover_10m_2021_v200_N00E006_Map.tif",
}
# SOURCE.md: "Pixel counts 2020 -> 2021"; class 70 and 100 do not occur, 0 is no data (ocean).
COUNTS = {
    2020: {10: 10_800_572, 20: 3_004, 30: 391_758, 40: 7_462, 50: 131_868, 60: 205_654,
           80: 153_118_102, 90: 10_120, 95: 99},
    2021: {10: 10_819_361, 20: 778, 30: 392_489, 40: 4_672, 50: 181_604, 60: 124_660,
           80: 153_136_048, 90: 4_390, 95: 4_637},
}  # fmt: skip
SIDE = 36_000


@pytest.fixture(scope="module")
def tile_dir(shared_data: Path) -> Path:
    return shared_data / "esa-worldcover-n00e006"


def open_pair(tile_dir: Path):
    return open_landcover(str(tile_dir / "ESA_WorldCover_10m_20*_Map.tif"), legend="esa_worldcover")


def test_version_change_warns_and_is_recorded(tile_dir: Path) -> None:
    with pytest.warns(ProductVersionWarning, match=r"2020: v100, 2021: v200.*algorithmic"):
        da = open_pair(tile_dir)
    assert da.sizes == {"year": 2, "y": SIDE, "x": SIDE}
    assert da.attrs["version"] == ["v100", "v200"]
    assert [Path(s).name for s in da.attrs["source"]] == [FILES[2020], FILES[2021]]
    assert da.rio.crs == "EPSG:4326" and da.rio.nodata == 0 and da.dtype == np.uint8
    assert da.rio.transform().a == pytest.approx(1 / 12000)


def test_window_matches_direct_read(tile_dir: Path) -> None:
    with pytest.warns(ProductVersionWarning):
        da = open_pair(tile_dir)
    rows, cols = slice(31_000, 32_500), slice(7_000, 8_000)  # on Sao Tome island
    window = da.isel(y=rows, x=cols).values
    for i, year in enumerate((2020, 2021)):
        with rasterio.open(tile_dir / FILES[year]) as src:
            direct = src.read(1, window=Window(7_000, 31_000, 1_000, 1_500))
        np.testing.assert_array_equal(window[i], direct)
        assert len(np.unique(direct)) >= 4, "a window with several land classes"
        assert set(np.unique(direct)) - {0} <= set(get_legend("esa_worldcover").codes)


@pytest.mark.parametrize("year", [2020, 2021])
def test_legend_matches_tags_and_colour_table(tile_dir: Path, year: int) -> None:
    legend = get_legend("esa_worldcover_v100" if year == 2020 else "esa_worldcover_v200")
    with rasterio.open(tile_dir / FILES[year]) as src:
        tag = src.tags()["legend"]
        cmap = src.colormap(1)
    in_tags = {int(c): n.strip() for c, n in re.findall(r"(\d+)\s+([^\n]+)", tag)}
    assert in_tags == {c: legend.class_name(c).replace(" / ", "/") for c in legend.codes}
    for code in legend.codes:
        assert cmap[code] == legend.colormap()[code]


def test_pixel_area_near_equator(tile_dir: Path) -> None:
    with pytest.warns(ProductVersionWarning):
        da = open_pair(tile_dir)
    area = pixel_area(da)
    # At the equator a cell of d x d radians has area a^2 (1 - e^2) d^2 (meridional radius of
    # curvature a(1 - e^2) times prime-vertical radius a): 85.4797 m2 for d = 1/12000 deg.
    assert float(area[-1]) == pytest.approx(85.4797, rel=1e-6)
    assert float(area[0]) < float(area[-1])  # 3 N is smaller than the equator row


def _block_counts(block: np.ndarray) -> np.ndarray:
    """Per-year class histogram (256 bins) and number of pixels that differ between years."""
    hist = np.stack([np.bincount(b.ravel(), minlength=256) for b in block])
    changed = np.count_nonzero(block[0] != block[1])
    return np.concatenate([hist.ravel(), [changed]])


@pytest.mark.slow
def test_full_tile_counts_exact(tile_dir: Path) -> None:
    """Read both 36000 x 36000 tiles block by block and reproduce SOURCE.md exactly."""
    with pytest.warns(ProductVersionWarning):
        da = open_pair(tile_dir)
    # One task per spatial chunk holding both years: bincount keeps memory per task small.
    stacked = da.data.rechunk({0: 2})
    tasks = [dask.delayed(_block_counts)(b) for b in stacked.to_delayed().ravel()]
    total = np.sum(dask.compute(*tasks, scheduler="threads", num_workers=2), axis=0)
    hist, changed = total[:-1].reshape(2, 256), int(total[-1])
    for i, year in enumerate((2020, 2021)):
        found = {code: int(n) for code, n in enumerate(hist[i]) if n and code != 0}
        assert found == COUNTS[year]
        assert int(hist[i].sum()) == SIDE * SIDE
    # SOURCE.md: "0.036 % of all pixels differ".
    assert round(100 * changed / SIDE**2, 3) == 0.036
