"""open_landcover / write_landcover / read_zone_windows on small hand-made rasters."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dask.array as dsa
import geopandas as gpd
import numpy as np
import pytest
import rasterio
import xarray as xr
from affine import Affine
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from geo_revival.exceptions import (
    CoverageWarning,
    CRSMismatchError,
    GridMismatchError,
    LegendError,
    MissingCRSError,
    NoOverlapError,
    OptionError,
    OutputExistsError,
    ProductVersionWarning,
    ReadError,
    SchemaError,
    UnknownCodeWarning,
)
from geo_revival.grid import Grid, intersection_windows
from geo_revival.landcover._read import BlockReader
from geo_revival.landcover._sources import version_from_name, year_from_name
from geo_revival.landcover.io import (
    check_codes,
    open_landcover,
    read_zone_windows,
    skip_block_code_checks,
    write_landcover,
)
from geo_revival.landcover.legend import get_legend

UTM50 = "EPSG:32650"
ORIGIN = Affine(30.0, 0, 500_000.0, 0, -30.0, 3_800_000.0)


def make_tif(
    path: Path,
    data: np.ndarray,
    *,
    crs: str | None = UTM50,
    transform: Affine = ORIGIN,
    nodata: float | None = 0,
    tags: dict[str, str] | None = None,
    block: int | None = None,
) -> Path:
    data = data if data.ndim == 3 else data[None]
    profile: dict[str, Any] = {
        "driver": "GTiff",
        "width": data.shape[2],
        "height": data.shape[1],
        "count": data.shape[0],
        "dtype": data.dtype,
        "transform": transform,
        "nodata": nodata,
    }
    if crs:
        profile["crs"] = crs
    if block:
        profile.update(tiled=True, blockxsize=block, blockysize=block)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)
        if tags:
            dst.update_tags(**tags)
    return path


def codes(shape: tuple[int, int], seed: int = 0, values: tuple[int, ...] = tuple(range(10))):
    return np.random.default_rng(seed).choice(values, size=shape).astype("uint8")


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[tuple[int, int], ...]]]:
    """Record every window (row and column ranges) read from a file."""
    log: list[tuple[tuple[int, int], ...]] = []
    original = BlockReader.__getitem__

    def spy(self: BlockReader, key: Any) -> Any:
        spans = [k.indices(n)[:2] for k, n in zip(key, self.shape, strict=True)]
        log.append(tuple(spans))
        return original(self, key)

    monkeypatch.setattr(BlockReader, "__getitem__", spy)
    yield log


# -- file names --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "year", "version"),
    [
        ("CLCD_v01_2021_albert_jiangsu.tif", 2021, "v01"),
        ("ESA_WorldCover_10m_2021_v200_N00E006_Map.tif", 2021, "v200"),
        ("ESA_WorldCover_10m_2020_v100_N33E117_Map.tif", 2020, "v100"),
        ("MCD12C1.A2019001.006.2020220162300.tif", 2019, "006"),
        ("landcover_1995.tif", 1995, ""),
        ("xuzhou_simulated_2024.tif", 2024, ""),
        ("no_year_here.tif", None, ""),
    ],
)
def test_year_and_version_from_name(name: str, year: int | None, version: str) -> None:
    assert year_from_name(name) == year
    assert version_from_name(name) == version


def test_ambiguous_year_in_name() -> None:
    with pytest.raises(SchemaError, match=r"several years \[2020, 2021\]"):
        year_from_name("change_2020_2021.tif")


# -- opening -----------------------------------------------------------------------------------
def test_single_clcd_file(tmp_path: Path) -> None:
    data = codes((6, 5))
    p = make_tif(tmp_path / "CLCD_v01_2021_albert_jiangsu.tif", data)
    da = open_landcover(p, legend="clcd")
    assert da.name == "landcover"
    assert da.dims == ("year", "y", "x")
    assert da["year"].values.tolist() == [2021]
    assert da.dtype == np.uint8
    assert isinstance(da.data, dsa.Array)
    assert da.rio.crs == UTM50
    assert da.rio.transform() == ORIGIN
    assert da.rio.nodata == 0
    assert da.attrs["legend"] == "clcd"
    assert da.attrs["product"] == "CLCD"
    assert da.attrs["version"] == ["v01"]
    assert da.attrs["source"] == [str(p)]
    assert da.attrs["simulated"] is False
    np.testing.assert_array_equal(da.values[0], data)


@pytest.mark.parametrize("form", ["list", "mapping", "glob", "directory"])
def test_source_forms(tmp_path: Path, form: str) -> None:
    arrays = {y: codes((4, 4), seed=y) for y in (2019, 2020, 2021)}
    paths = {y: make_tif(tmp_path / f"lc_{y}.tif", a) for y, a in arrays.items()}
    sources: Any = {
        "list": [paths[2021], paths[2019], paths[2020]],
        "mapping": paths,
        "glob": str(tmp_path / "lc_*.tif"),
        "directory": tmp_path,
    }[form]
    da = open_landcover(sources, legend="clcd")
    assert da["year"].values.tolist() == [2019, 2020, 2021]
    for y, a in arrays.items():
        np.testing.assert_array_equal(da.sel(year=y).values, a)


def test_explicit_years_override_names(tmp_path: Path) -> None:
    a = make_tif(tmp_path / "first.tif", codes((3, 3), 1))
    b = make_tif(tmp_path / "second.tif", codes((3, 3), 2))
    da = open_landcover([a, b], legend="clcd", years=[2005, 2000])
    assert da["year"].values.tolist() == [2000, 2005]
    np.testing.assert_array_equal(da.sel(year=2000).values, codes((3, 3), 2))


def test_nothing_read_until_computed(tmp_path: Path, reads: list[Any]) -> None:
    p = make_tif(tmp_path / "lc_2020.tif", codes((64, 64)), block=16)
    da = open_landcover(p, legend="clcd", chunks=16, code_check="lazy")
    assert reads == []
    da.isel(y=slice(0, 8), x=slice(0, 8)).compute()
    assert len(reads) == 1, "one 16x16 block serves an 8x8 corner"


def test_block_chunks_follow_the_file_blocks_and_group_small_tiles(tmp_path: Path) -> None:
    tiled = make_tif(tmp_path / "lc_2020.tif", codes((128, 192)), block=64)
    da = open_landcover(tiled, legend="clcd", chunks="blocks")
    assert da.chunks == ((1,), (64,) * 2, (64,) * 3)
    # Tiles under 64 x 64 px are grouped like strips: 16 x ceil(256 * 256 / 256) rows.
    small = make_tif(tmp_path / "lc_2022.tif", codes((64, 48)), block=16)
    assert open_landcover(small, legend="clcd", chunks="blocks").chunks == ((1,), (64,), (16,) * 3)
    # A striped file (GDAL's ~8 kB strips: 81 rows of 100 px) is chunked by its strips.
    striped = make_tif(tmp_path / "lc_2021.tif", codes((700, 100)))
    with rasterio.open(striped) as src:
        assert src.block_shapes[0] == (81, 100)
    da = open_landcover(striped, legend="clcd", chunks="blocks")
    assert da.chunks == ((1,), (81,) * 8 + (52,), (100,))


def test_small_rasters_checked_eagerly_at_open(tmp_path: Path, reads: list[Any]) -> None:
    p = make_tif(tmp_path / "lc_2020.tif", codes((64, 64)), block=16)
    open_landcover(p, legend="clcd", chunks=16)
    assert len(reads) == 16  # every block once


def test_multiband_years(tmp_path: Path) -> None:
    bands = np.stack([codes((4, 5), seed=s) for s in range(3)])
    p = make_tif(tmp_path / "GLC_FCS30D_19852022_tile.tif", bands)
    da = open_landcover(p, legend="clcd", band_years=[2000, 2010, 2020])
    assert da["year"].values.tolist() == [2000, 2010, 2020]
    np.testing.assert_array_equal(da.sel(year=2010).values, bands[1])
    picked = open_landcover(p, legend="clcd", band_years={2020: 3, 2000: 1})
    assert picked["year"].values.tolist() == [2000, 2020]
    np.testing.assert_array_equal(picked.sel(year=2020).values, bands[2])
    with pytest.raises(SchemaError, match="has 3 bands; if they are years"):
        open_landcover(p, legend="clcd")
    with pytest.raises(SchemaError, match=r"has 3 bands but band_years"):
        open_landcover(p, legend="clcd", band_years=[2000, 2010])
    with pytest.raises(SchemaError, match="one band to several years"):
        open_landcover(p, legend="clcd", band_years={2000: 1, 2010: 1})
    with pytest.raises(SchemaError, match="duplicate years"):
        open_landcover(p, legend="clcd", band_years=[2000, 2000, 2020])


# -- bad inputs --------------------------------------------------------------------------------
def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="not found"):
        open_landcover(tmp_path / "absent_2020.tif", legend="clcd")


def test_non_raster_file(tmp_path: Path) -> None:
    p = tmp_path / "notes_2020.tif"
    p.write_text("this is not a GeoTIFF")
    with pytest.raises(ReadError, match="not a readable raster"):
        open_landcover(p, legend="clcd")


def test_empty_pattern(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="no file matches"):
        open_landcover(str(tmp_path / "*.tif"), legend="clcd")


def test_raster_without_crs(tmp_path: Path) -> None:
    p = make_tif(tmp_path / "lc_2020.tif", codes((3, 3)), crs=None)
    with pytest.raises(MissingCRSError, match="has no CRS; pass crs="):
        open_landcover(p, legend="clcd")
    da = open_landcover(p, legend="clcd", crs="EPSG:4548")
    assert da.rio.crs == "EPSG:4548"


def test_crs_replaces_a_declared_crs(tmp_path: Path) -> None:
    p = make_tif(tmp_path / "lc_2020.tif", codes((3, 3)), crs="EPSG:4326",
                 transform=Affine(0.05, 0, 116, 0, -0.05, 35))  # fmt: skip
    assert open_landcover(p, legend="clcd", crs="EPSG:4490").rio.crs == "EPSG:4490"


def test_float_raster_of_whole_codes_read_as_integers(tmp_path: Path) -> None:
    # What many GIS exports produce: float32 class codes with NaN as nodata.
    ints = codes((4, 5), values=(1, 2, 5))
    floats = ints.astype("float32")
    floats[0, :2] = np.nan
    p = make_tif(tmp_path / "lc_2020.tif", floats, nodata=float("nan"))
    da = open_landcover(p, legend="clcd")
    expected = ints.copy()
    expected[0, :2] = 0  # clcd's nodata code
    assert da.dtype == np.uint8 and da.rio.nodata == 0
    np.testing.assert_array_equal(da.isel(year=0).values, expected)
    assert da.attrs["value_cast"] == ["float32 values cast to uint8 (NaN -> 0)"]


def test_float_raster_with_fractions_refused(tmp_path: Path) -> None:
    floats = codes((3, 3)).astype("float32")
    floats[1, 1] = 2.5
    p = make_tif(tmp_path / "lc_2020.tif", floats)
    with pytest.raises(SchemaError, match=r"non-integral values such as \[2.5\]"):
        open_landcover(p, legend="clcd")


def test_duplicate_years(tmp_path: Path) -> None:
    a = make_tif(tmp_path / "a_2020.tif", codes((3, 3)))
    b = make_tif(tmp_path / "b_2020.tif", codes((3, 3)))
    with pytest.raises(SchemaError, match="year 2020 appears twice"):
        open_landcover([a, b], legend="clcd")
    with pytest.raises(SchemaError, match="year 2001 appears twice"):
        open_landcover([a, b], legend="clcd", years=[2001, 2001])


def test_missing_year(tmp_path: Path) -> None:
    p = make_tif(tmp_path / "landcover.tif", codes((3, 3)))
    with pytest.raises(SchemaError, match="cannot find a year"):
        open_landcover(p, legend="clcd")
    with pytest.raises(SchemaError, match="2 years given for 1 files"):
        open_landcover(p, legend="clcd", years=[2000, 2001])


def test_unknown_codes_eager(tmp_path: Path) -> None:
    data = codes((4, 4))
    data[0, 0], data[3, 3] = 12, 200
    p = make_tif(tmp_path / "lc_2020.tif", data)
    with pytest.raises(LegendError, match=r"codes \[12, 200\] are not in legend 'clcd'"):
        open_landcover(p, legend="clcd")
    with pytest.warns(UnknownCodeWarning, match=r"\[12, 200\]"):
        da = open_landcover(p, legend="clcd", strict=False)
    assert int(da.values[0, 0, 0]) == 12  # reported, not altered


def test_unknown_codes_lazy(tmp_path: Path) -> None:
    data = codes((32, 32))
    data[20, 20] = 77
    p = make_tif(tmp_path / "lc_2020.tif", data, block=16)
    da = open_landcover(p, legend="clcd", chunks=16, code_check="lazy")
    da.isel(y=slice(0, 16), x=slice(0, 16)).compute()  # a clean block passes
    with pytest.raises(LegendError, match=r"codes \[77\]"):
        da.compute()
    with pytest.raises(LegendError, match=r"codes \[77\]"):
        check_codes(da)
    with pytest.warns(UnknownCodeWarning):
        assert check_codes(da, strict=False) == (77,)


def test_block_code_checks_can_be_skipped(tmp_path: Path) -> None:
    data = codes((32, 32))
    data[20, 20] = 77
    p = make_tif(tmp_path / "lc_2020.tif", data, block=16)
    da = open_landcover(p, legend="clcd", chunks=16, code_check="lazy")
    with skip_block_code_checks():
        assert int(da.compute()[0, 20, 20]) == 77
    with pytest.raises(LegendError, match=r"codes \[77\]"):  # on again afterwards
        da.compute()


def test_file_nodata_counts_as_known(tmp_path: Path) -> None:
    data = codes((4, 4), values=(1, 2, 255))
    p = make_tif(tmp_path / "lc_2020.tif", data, nodata=255)
    da = open_landcover(p, legend="clcd")
    assert da.rio.nodata == 255
    assert check_codes(da) == ()


def test_nodata_kept_integer_and_unified(tmp_path: Path) -> None:
    a = codes((4, 4), values=(0, 1, 2))
    b = codes((4, 4), seed=1, values=(255, 3, 4))
    pa = make_tif(tmp_path / "lc_2020.tif", a, nodata=0)
    pb = make_tif(tmp_path / "lc_2021.tif", b, nodata=255)
    da = open_landcover([pa, pb], legend="clcd")
    assert da.dtype == np.uint8 and da.rio.nodata == 0
    np.testing.assert_array_equal(da.sel(year=2021).values, np.where(b == 255, 0, b))
    np.testing.assert_array_equal(da.sel(year=2020).values, a)


def test_product_version_warning(tmp_path: Path) -> None:
    a = make_tif(tmp_path / "CLCD_v01_2020_albert.tif", codes((3, 3)))
    b = make_tif(tmp_path / "CLCD_v02_2021_albert.tif", codes((3, 3)))
    with pytest.warns(ProductVersionWarning) as record:
        da = open_landcover([a, b], legend="clcd")
    messages = [str(w.message) for w in record]
    assert any("2020: v01, 2021: v02" in m and "algorithmic" in m for m in messages)
    assert any("describes versions ['v01']" in m and "{2021: 'v02'}" in m for m in messages)
    assert da.attrs["version"] == ["v01", "v02"]


def test_same_version_no_warning(tmp_path: Path) -> None:
    a = make_tif(tmp_path / "CLCD_v01_2020_albert.tif", codes((3, 3)))
    b = make_tif(tmp_path / "CLCD_v01_2021_albert.tif", codes((3, 3)))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ProductVersionWarning)
        open_landcover([a, b], legend="clcd")


def test_simulated_flag_from_tag_or_name(tmp_path: Path) -> None:
    tagged = make_tif(tmp_path / "lc_2020.tif", codes((3, 3)), tags={"simulated": "true"})
    assert open_landcover(tagged, legend="clcd").attrs["simulated"] is True
    named = make_tif(tmp_path / "xuzhou_simulated_2021.tif", codes((3, 3)))
    assert open_landcover(named, legend="clcd").attrs["simulated"] is True


# -- grids -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("crs", "transform", "shape", "match"),
    [
        ("EPSG:32651", ORIGIN, (6, 6), r"CRS differs \(EPSG:32650 vs EPSG:32651\)"),
        (UTM50, Affine(10.0, 0, 500_000, 0, -10.0, 3_800_000), (6, 6), "resolution differs"),
        (UTM50, ORIGIN @ Affine.translation(0.5, 0), (6, 6), "not aligned"),
        (UTM50, ORIGIN, (5, 6), "extent differs"),
    ],
    ids=["crs", "resolution", "alignment", "extent"],
)
def test_grid_mismatch(
    tmp_path: Path, crs: str, transform: Affine, shape: tuple[int, int], match: str
) -> None:
    a = make_tif(tmp_path / "lc_2020.tif", codes((6, 6)))
    b = make_tif(tmp_path / "lc_2021.tif", codes(shape), crs=crs, transform=transform)
    with pytest.raises(GridMismatchError, match=match) as err:
        open_landcover([a, b], legend="clcd")
    assert "year 2021" in str(err.value) and "align='reproject'" in str(err.value)


def test_reproject_nearest_onto_first_grid(tmp_path: Path) -> None:
    fine = codes((6, 6))
    coarse = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]], dtype="uint8")
    a = make_tif(tmp_path / "lc_2020.tif", fine)
    b = make_tif(tmp_path / "lc_2021.tif", coarse,
                 transform=Affine(60.0, 0, 500_000, 0, -60.0, 3_800_000))  # fmt: skip
    da = open_landcover([a, b], legend="clcd", align="reproject")
    assert da.dtype == np.uint8
    assert da.rio.transform() == ORIGIN
    # Each 60 m pixel covers exactly 2 x 2 of the 30 m grid: nearest copies the code.
    np.testing.assert_array_equal(da.sel(year=2021).values, np.kron(coarse, np.ones((2, 2))))


def test_reproject_other_crs_keeps_codes(tmp_path: Path) -> None:
    a = make_tif(tmp_path / "lc_2020.tif", codes((20, 20)))
    b = make_tif(tmp_path / "lc_2021.tif", np.full((40, 40), 4, "uint8"), crs="EPSG:4326",
                 transform=Affine(0.0005, 0, 116.99, 0, -0.0005, 34.34))  # fmt: skip
    da = open_landcover([a, b], legend="clcd", align="reproject")
    assert set(np.unique(da.sel(year=2021).values)) <= {0, 4}  # never an interpolated code
    assert da.rio.crs == UTM50


def test_intersect_keeps_common_extent(tmp_path: Path) -> None:
    a_data, b_data = codes((6, 8), 1), codes((6, 8), 2)
    a = make_tif(tmp_path / "lc_2020.tif", a_data)
    b = make_tif(tmp_path / "lc_2021.tif", b_data, transform=ORIGIN @ Affine.translation(2, 1))
    da = open_landcover([a, b], legend="clcd", align="intersect")
    assert da.sizes == {"year": 2, "y": 5, "x": 6}
    assert da.rio.transform() == ORIGIN @ Affine.translation(2, 1)
    np.testing.assert_array_equal(da.sel(year=2020).values, a_data[1:, 2:])
    np.testing.assert_array_equal(da.sel(year=2021).values, b_data[:5, :6])


def test_intersect_needs_overlap_and_same_lattice(tmp_path: Path) -> None:
    a = make_tif(tmp_path / "lc_2020.tif", codes((4, 4)))
    shifted = ORIGIN @ Affine.translation(10, 0)
    far = make_tif(tmp_path / "lc_2021.tif", codes((4, 4)), transform=shifted)
    with pytest.raises(NoOverlapError, match="share no common extent"):
        open_landcover([a, far], legend="clcd", align="intersect")
    other = make_tif(tmp_path / "x_2022.tif", codes((4, 4)), crs="EPSG:32651")
    with pytest.raises(GridMismatchError, match="align='intersect' needs the same CRS"):
        open_landcover([a, other], legend="clcd", align="intersect")


def test_misspelt_align_raises_even_when_grids_match(tmp_path: Path) -> None:
    a = make_tif(tmp_path / "lc_2020.tif", codes((4, 4)))
    b = make_tif(tmp_path / "lc_2021.tif", codes((4, 4)))
    with pytest.raises(OptionError, match="align must be one of 'error', 'reproject', 'intersect'"):
        open_landcover([a, b], legend="clcd", align="reprojet")  # type: ignore[arg-type]


# -- writing -----------------------------------------------------------------------------------
@pytest.fixture
def series(tmp_path: Path) -> xr.DataArray:
    src = tmp_path / "src"
    src.mkdir()
    for y in (2020, 2021):
        make_tif(src / f"CLCD_v01_{y}_albert.tif", codes((1100, 1030), seed=y), block=256)
    return open_landcover(src, legend="clcd")


def test_write_round_trip(tmp_path: Path, series: xr.DataArray) -> None:
    paths = write_landcover(series, tmp_path / "out" / "clcd_{year}.tif")
    assert [p.name for p in paths] == ["clcd_2020.tif", "clcd_2021.tif"]
    back = open_landcover(paths, legend="clcd")
    xr.testing.assert_equal(back.drop_vars("spatial_ref"), series.drop_vars("spatial_ref"))
    assert back.rio.crs == series.rio.crs and back.rio.nodata == 0
    clcd = get_legend("clcd")
    with rasterio.open(paths[0]) as src:
        assert src.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
        assert src.compression.name.lower() == "deflate"
        assert src.overviews(1), "COG has overviews"
        cmap = src.colormap(1)
        for code, rgba in clcd.colormap().items():
            assert cmap[code] == rgba
        tags = src.tags()
        assert tags["legend"] == "clcd" and tags["year"] == "2020"
        assert tags["simulated"] == "false" and tags["version"] == "v01"
        assert json.loads(tags["classes_zh"])["8"] == "不透水面"
        assert src.descriptions[0] == "CLCD land cover 2020"
    assert (paths[0].parent / "clcd_2020.tif.aux.xml").read_text().count("<Row ") == 9


def test_write_appends_year_without_placeholder(tmp_path: Path, series: xr.DataArray) -> None:
    paths = write_landcover(series.isel(x=slice(0, 50), y=slice(0, 50)), tmp_path / "lc.tif")
    assert [p.name for p in paths] == ["lc_2020.tif", "lc_2021.tif"]


def test_write_refuses_overwrite_and_bad_inputs(tmp_path: Path, series: xr.DataArray) -> None:
    small = series.isel(x=slice(0, 20), y=slice(0, 20))
    write_landcover(small, tmp_path / "lc_{year}.tif")
    with pytest.raises(OutputExistsError, match="force=True"):
        write_landcover(small, tmp_path / "lc_{year}.tif")
    write_landcover(small, tmp_path / "lc_{year}.tif", force=True)
    with pytest.raises(SchemaError, match="must be integer codes"):
        write_landcover(small.astype("float32"), tmp_path / "f_{year}.tif")
    with pytest.raises(SchemaError, match="must say so in the file name"):
        write_landcover(small, tmp_path / "real_{year}.tif", simulated=True)
    sim = write_landcover(small, tmp_path / "xz_simulated_{year}.tif", simulated=True)
    back = open_landcover(sim, legend="clcd")
    assert back.attrs["simulated"] is True


def test_write_checks_codes(tmp_path: Path, series: xr.DataArray) -> None:
    bad = series.isel(x=slice(0, 20), y=slice(0, 20)).compute()
    bad[0, 0, 0] = 42
    with pytest.raises(LegendError, match=r"codes \[42\]"):
        write_landcover(bad, tmp_path / "bad_{year}.tif")


# -- zone windows ------------------------------------------------------------------------------
def test_zone_windows_read_only_intersecting_blocks(tmp_path: Path, reads: list[Any]) -> None:
    data = codes((1024, 1024))
    p = make_tif(tmp_path / "lc_2020.tif", data, block=128)
    # A 200 m x 200 m zone inside block (row 2, col 3): pixels x 390..396, y 300..306.
    x0, y0 = 500_000 + 390 * 30, 3_800_000 - 300 * 30
    zones = gpd.GeoDataFrame(
        {"zone_id": ["pit"]}, geometry=[box(x0 + 5, y0 - 200, x0 + 205, y0 - 5)], crs=UTM50
    )
    out = dict(read_zone_windows(zones, p, legend="clcd", code_check="lazy"))
    window = out["pit"]
    assert window.dims == ("year", "y", "x")
    assert window.shape == (1, 7, 7)
    np.testing.assert_array_equal(window.values[0], data[300:307, 390:397])
    assert window.rio.transform() == ORIGIN @ Affine.translation(390, 300)
    pixels_read = sum((r1 - r0) * (c1 - c0) for (r0, r1), (c0, c1) in reads)
    assert len(reads) == 1 and pixels_read <= 128 * 128, "one block, not 64"


def test_zone_windows_from_dataarray_in_other_crs(tmp_path: Path) -> None:
    data = codes((100, 100))
    da = open_landcover(make_tif(tmp_path / "lc_2020.tif", data), legend="clcd")
    zone = box(500_000 + 10 * 30, 3_800_000 - 20 * 30, 500_000 + 15 * 30, 3_800_000 - 12 * 30)
    lonlat = gpd.GeoSeries([zone], crs=UTM50).to_crs("EPSG:4326")
    (key, window), = list(read_zone_windows(lonlat, da))
    assert key == 0
    # The lon/lat bounding box of a projected rectangle is slightly larger: it contains it.
    assert window.sizes["x"] >= 5 and window.sizes["y"] >= 8
    assert window.sizes["x"] <= 7 and window.sizes["y"] <= 10


def test_zone_windows_coverage(tmp_path: Path) -> None:
    da = open_landcover(make_tif(tmp_path / "lc_2020.tif", codes((10, 10))), legend="clcd")
    inside = box(500_000, 3_800_000 - 90, 500_090, 3_800_000)
    outside = box(0, 0, 10, 10)
    with pytest.warns(CoverageWarning, match="zone 1 lies outside"):
        got = list(read_zone_windows([inside, outside], da, crs=UTM50))
    assert [k for k, _ in got] == [0]
    # Over the top-right corner of the 10 x 10 px (30 m) raster: pixels 8-9 of cols, 0-1 of rows.
    straddling = box(500_250, 3_800_000 - 50, 500_350, 3_800_050)
    with pytest.warns(CoverageWarning, match="zone 0 extends beyond the land-cover raster"):
        ((_, window),) = list(read_zone_windows([straddling], da, crs=UTM50))
    assert dict(window.sizes) == {"year": 1, "y": 2, "x": 2}
    with pytest.raises(NoOverlapError), pytest.warns(CoverageWarning):
        list(read_zone_windows([outside], da, crs=UTM50))
    with pytest.raises(MissingCRSError, match="zones has no coordinate reference system"):
        list(read_zone_windows([inside], da))
    declared = gpd.GeoSeries([inside], crs=UTM50)
    with pytest.raises(CRSMismatchError, match="already has CRS"):
        list(read_zone_windows(declared, da, crs="EPSG:4326"))


def test_reproject_fills_uncovered_pixels_with_nodata(tmp_path: Path) -> None:
    a = make_tif(tmp_path / "lc_2020.tif", codes((6, 6), values=(1, 2)))
    b = make_tif(tmp_path / "lc_2021.tif", np.full((3, 3), 5, "uint8"), nodata=None)
    da = open_landcover([a, b], legend="clcd", align="reproject")
    expected = np.zeros((6, 6), "uint8")
    expected[:3, :3] = 5
    np.testing.assert_array_equal(da.sel(year=2021).values, expected)


def test_reproject_without_any_nodata_code_raises(tmp_path: Path) -> None:
    # dynamic_world has no nodata code and 0 means water: a 0 fill would invent water.
    a = make_tif(tmp_path / "lc_2020.tif", codes((6, 6), values=(1, 2)), nodata=None)
    b = make_tif(tmp_path / "lc_2021.tif", np.full((3, 3), 5, "uint8"), nodata=None)
    with pytest.raises(SchemaError, match="align='reproject' needs a nodata code"):
        open_landcover([a, b], legend="dynamic_world", align="reproject")


def test_check_codes_uses_attrs_legend(tmp_path: Path) -> None:
    da = open_landcover(make_tif(tmp_path / "lc_2020.tif", codes((4, 4))), legend="clcd")
    assert check_codes(da) == ()
    labels = xr.DataArray(np.array([[0, 8], [9, 20]], "uint8"))
    with pytest.raises(LegendError, match=r"codes \[9, 20\] are not in legend 'dynamic_world'"):
        check_codes(labels, "dynamic_world")
    with pytest.raises(LegendError, match="pass legend="):
        check_codes(xr.DataArray(np.zeros((2, 2), "uint8")))


def test_write_single_year_slice(tmp_path: Path, series: xr.DataArray) -> None:
    one = series.sel(year=2021).isel(x=slice(0, 30), y=slice(0, 30))
    (path,) = write_landcover(one, tmp_path / "clcd_{year}.tif")
    assert path.name == "clcd_2021.tif"
    with rasterio.open(path) as src:
        assert src.tags()["year"] == "2021"
    with pytest.raises(SchemaError, match="no 'year' dimension"):
        write_landcover(one.drop_vars("year"), tmp_path / "x.tif")


def test_one_pixel_wide_raster(tmp_path: Path) -> None:
    da = open_landcover(make_tif(tmp_path / "lc_2020.tif", codes((5, 1))), legend="clcd")
    assert da.rio.transform() == ORIGIN
    assert da.rio.resolution() == (30.0, -30.0)


@settings(max_examples=50, deadline=None)
@given(
    offsets=st.lists(
        st.tuples(st.integers(-5, 5), st.integers(-5, 5), st.integers(1, 8), st.integers(1, 8)),
        min_size=2,
        max_size=4,
    )
)
def test_intersection_windows_match_brute_force(
    offsets: list[tuple[int, int, int, int]],
) -> None:
    grids = [Grid(ORIGIN @ Affine.translation(c, r), h, w) for c, r, w, h in offsets]
    cells = [{(r + i, c + j) for i in range(h) for j in range(w)} for c, r, w, h in offsets]
    common = set.intersection(*cells)
    windows = intersection_windows(grids)
    if not common:
        assert windows is None
        return
    assert windows is not None
    for (c, r, _, _), (rows, cols) in zip(offsets, windows, strict=True):
        got = {(r + i, c + j) for i in range(rows.start, rows.stop)
               for j in range(cols.start, cols.stop)}  # fmt: skip
        assert got == common
