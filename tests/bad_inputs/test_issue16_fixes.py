"""Issue 16 beyond the table: inputs that are now corrected (and recorded) instead of miscounted,
and the report folder that is never lost or left half-written.

Independent references: rasterio's ``read_masks`` for mask bands, hand counts for pixels, the
integer version of a float raster, the file system for the report folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
import rasterio
from affine import Affine
from shapely.geometry import box

from geo_revival.crs import gcj02_to_wgs84
from geo_revival.exceptions import OutputError, SchemaError
from geo_revival.landcover import open_landcover
from geo_revival.overlay import class_areas
from geo_revival.report import _bundle, _folder
from geo_revival.report._bundle import build_report
from geo_revival.report._inputs import ReportInputs, load_inputs
from tests.bad_inputs._build import CODES, TRANSFORM, landcover, tif, zones

REPO = Path(__file__).resolve().parents[2]
# Zones holding nodata pixels warn; here that is the point, not a problem.
pytestmark = pytest.mark.filterwarnings("ignore::geo_revival.exceptions.CoverageWarning")


# -- GDAL mask bands -------------------------------------------------------------------------
def _masked_tif(path: Path, data: np.ndarray, *, sidecar: bool) -> Path:
    """A GeoTIFF without nodata value whose validity is a GDAL mask band."""
    mask = np.full(data.shape, 255, "uint8")
    mask[0, 0] = mask[2, 1] = mask[3, 3] = 0
    with rasterio.Env(GDAL_TIFF_INTERNAL_MASK=not sidecar):
        tif(path, data, nodata=None)
        with rasterio.open(path, "r+") as dst:
            dst.write_mask(mask)
    assert Path(f"{path}.msk").exists() == sidecar
    return path


@pytest.mark.parametrize("sidecar", [False, True], ids=["internal", "msk-sidecar"])
def test_mask_band_pixels_are_nodata(tmp_path: Path, sidecar: bool) -> None:
    path = _masked_tif(tmp_path / "lc_2020.tif", CODES, sidecar=sidecar)
    with rasterio.open(path) as src:  # the reference: what rasterio says is valid
        valid = src.read_masks(1) > 0
        assert src.nodata is None
    da = open_landcover(path, legend="clcd")
    expected = np.where(valid, CODES, 0)  # 0 = clcd's nodata code
    np.testing.assert_array_equal(da.isel(year=0).values, expected)
    assert da.attrs["value_cast"] == ["GDAL mask band: masked pixels -> nodata 0"]
    counts = class_areas(zones(), da).set_index("class_code")["pixels"].to_dict()
    codes, n = np.unique(CODES[valid], return_counts=True)
    assert counts == dict(zip(codes.tolist(), n.tolist(), strict=True))
    assert sum(counts.values()) == 13  # 16 pixels, 3 masked


def test_mask_band_without_any_nodata_code_gets_a_free_one(tmp_path: Path) -> None:
    # Dynamic World has no nodata code and 0 is water: masked pixels must not become water.
    data = CODES % 5  # dynamic_world codes 0-3, with water (0) at two pixels
    path = _masked_tif(tmp_path / "lc_2020.tif", data, sidecar=False)
    with rasterio.open(path) as src:
        valid = src.read_masks(1) > 0
    da = open_landcover(path, legend="dynamic_world")
    assert da.rio.nodata == 255
    table = class_areas(zones(), da)
    water = table.loc[table["class_code"] == 0, "pixels"].sum()
    assert water == np.count_nonzero((data == 0) & valid) == 1  # the other one is masked
    assert table["pixels"].sum() == valid.sum()


# -- nodata that is a class, and its overrides -----------------------------------------------
def test_nodata_override_none_keeps_the_class(tmp_path: Path) -> None:
    data = CODES % 5  # dynamic_world codes 0-3: 0 (water) at two pixels
    path = tif(tmp_path / "lc_2020.tif", data, nodata=0)
    with pytest.raises(SchemaError, match="nodata=None"):
        open_landcover(path, legend="dynamic_world")
    kept = open_landcover(path, legend="dynamic_world", nodata=None)
    assert kept.rio.nodata is None
    table = class_areas(zones(), kept)
    assert table.loc[table["class_code"] == 0, "pixels"].item() == np.count_nonzero(data == 0) == 2
    confirmed = open_landcover(path, legend="dynamic_world", nodata=0)
    assert confirmed.rio.nodata == 0
    assert 0 not in set(class_areas(zones(), confirmed)["class_code"])


# -- float rasters of whole class codes ------------------------------------------------------
def test_float_codes_count_like_their_integer_version(tmp_path: Path) -> None:
    floats = CODES.astype("float32")
    floats[3, :] = np.nan
    path = tif(tmp_path / "lc_2020.tif", floats, nodata=float("nan"))
    ints = np.where(np.isnan(floats), 0, floats).astype("uint8")
    reference = class_areas(zones(), landcover(ints))
    got = class_areas(zones(), open_landcover(path, legend="clcd"))
    columns = ["class_code", "pixels", "area_m2"]
    assert got[columns].to_dict("list") == reference[columns].to_dict("list")
    assert got.attrs["provenance"]["landcover_value_cast"] == [
        "float32 values cast to uint8 (NaN -> 0)"
    ]


def test_float_codes_checked_block_by_block(tmp_path: Path) -> None:
    floats = np.ones((64, 64), "float32")
    floats[50, 50] = 1.25  # only in the last 16 x 16 block
    path = tif(tmp_path / "lc_2020.tif", floats, nodata=None, tiled=True, blockxsize=16,
               blockysize=16)
    da = open_landcover(path, legend="clcd", code_check="lazy", chunks=16)  # reads nothing
    assert (da.isel(y=slice(0, 16), x=slice(0, 16)).values == 1).all()  # a clean block
    with pytest.raises(SchemaError, match=r"non-integral values such as \[1\.25\].*rows 48-63"):
        da.compute()


# -- exact coverage: floating-point crumbs are not pixels -------------------------------------
def test_exact_coverage_ignores_floating_point_crumbs() -> None:
    # 0.1 degree pixels from 117 E / 34.3 N; the zone's edges run along pixel boundaries:
    # columns 2-4 and rows 3-6, i.e. 3 x 4 = 12 pixels. Rounding gives the neighbouring pixels
    # crumbs (exactextract ~7e-14, our kernel ~1e-16) that must not count.
    res, x0, y0 = 0.1, 117.0, 34.3
    data = np.ones((10, 10), "uint8")
    da = landcover(data, crs="EPSG:4326").rio.write_transform(
        Affine(res, 0, x0, 0, -res, y0)
    ).assign_coords(x=x0 + res * (np.arange(10) + 0.5), y=y0 - res * (np.arange(10) + 0.5))
    zone = zones([box(x0 + 2 * res, y0 - 7 * res, x0 + 5 * res, y0 - 3 * res)],
                 crs="EPSG:4326")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = class_areas(zone, da, coverage="exact")
    assert table["pixels"].item() == 12
    assert table["coverage_fraction"].item() == pytest.approx(12.0, abs=1e-9)


# -- the report folder -----------------------------------------------------------------------
OLD = {f"table_{i}.csv": f"old {i}" for i in range(6)}


def _old_report(out: Path) -> None:
    out.mkdir()
    for name, text in OLD.items():
        (out / name).write_text(text, encoding="utf-8")


def _assert_old_intact(out: Path) -> None:
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == OLD


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def quick_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replace the (slow) report steps by ones that write six small files."""

    def tables(r: Any, folder: Path) -> None:
        for i in range(6):
            (folder / f"table_{i}.csv").write_text(f"new {i}", encoding="utf-8")

    monkeypatch.setattr(_bundle, "_compute", lambda inputs, rules, year: SimpleNamespace(
        year=2020, rules=SimpleNamespace(name="default"), reference=None))
    monkeypatch.setattr(_bundle, "_write_tables", tables)
    monkeypatch.setattr(_bundle, "_figures", lambda r, folder: {})
    monkeypatch.setattr(_bundle, "_interactive", lambda r, folder: folder)
    monkeypatch.setattr(_bundle, "_provenance_record", lambda r, parameters: {})
    def summary(r: Any, figures: Any, prov: Any, folder: Path) -> None:
        (folder / "index.html").write_text("", encoding="utf-8")
        (folder / "summary.pdf").write_bytes(b"")

    monkeypatch.setattr(_bundle, "_write_summary", summary)


def _build(out: Path) -> Path:
    inputs = ReportInputs(zones=zones(), landcover=landcover())
    return build_report(out, inputs=inputs, force=True, rasters=False, progress=False)


def _fail_on_call(monkeypatch: pytest.MonkeyPatch, target: Any, name: str, n: int) -> None:
    """Make the ``n``-th call of ``target.name`` fail as a read-only folder would."""
    original = getattr(target, name)
    calls = {"n": 0}

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == n:
            if kwargs.get("ignore_errors"):  # as rmtree(..., ignore_errors=True) would
                return None
            raise PermissionError(13, "Permission denied", str(args[0]))
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, failing)


def test_forced_rebuild_replaces_the_old_report(tmp_path: Path, quick_steps: None) -> None:
    out = tmp_path / "report"
    _old_report(out)
    _build(out)
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()
            if p.suffix == ".csv"} == {f"table_{i}.csv": f"new {i}" for i in range(6)}
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("step", [1, 2], ids=["moving-old-aside", "moving-new-in"])
def test_failed_swap_keeps_the_whole_old_report(
    tmp_path: Path, quick_steps: None, monkeypatch: pytest.MonkeyPatch, step: int
) -> None:
    out = tmp_path / "report"
    _old_report(out)
    _fail_on_call(monkeypatch, _folder.os, "replace", step)
    with pytest.raises(OutputError, match=r"cannot replace .*report.*old report is left as it"):
        _build(out)
    _assert_old_intact(out)  # all 6 files, not 4
    assert _leftovers(tmp_path) == []  # the new one is removed, nothing set aside remains


def test_undeletable_old_report_does_not_lose_the_new_one(
    tmp_path: Path, quick_steps: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report"
    _old_report(out)
    _fail_on_call(monkeypatch, _folder.shutil, "rmtree", 1)  # deleting the old copy fails
    _build(out)
    assert (out / "table_0.csv").read_text(encoding="utf-8") == "new 0"
    [aside] = tmp_path.glob(".report.old-*")  # removed by a later run (see the stale test)
    _assert_old_intact(aside)


def test_stale_partial_folders_are_removed(tmp_path: Path, quick_steps: None) -> None:
    dead = 2**22 + 12345  # above Linux's default pid_max: no such process
    with pytest.raises(ProcessLookupError):
        os.kill(dead, 0)
    stale = [tmp_path / f".report.partial-{dead}-abc", tmp_path / f".report.old-{dead}-def",
             tmp_path / ".report.partial-x1y2"]
    running = [tmp_path / f".report.partial-{os.getppid()}-ghi", tmp_path / ".report.partial-z9"]
    for folder in stale + running:
        folder.mkdir()
        (folder / "map.png").write_bytes(b"x" * 1000)
    hour_ago = time.time() - 2 * _folder.STALE_AFTER_S
    os.utime(stale[2], (hour_ago, hour_ago))  # an old run that wrote no pid in the name
    _build(tmp_path / "report")
    assert _leftovers(tmp_path) == sorted(p.name for p in running)


def test_sigterm_removes_the_partial_report(tmp_path: Path) -> None:
    out = tmp_path / "report"
    _old_report(out)
    ready = tmp_path / "ready"
    script = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from geo_revival.report import _bundle

        def slow_inputs(*args, **kwargs):  # stands for reading large inputs
            Path({str(ready)!r}).touch()
            time.sleep(60)

        _bundle.load_inputs = slow_inputs
        _bundle.build_report({str(out)!r}, zones="z.gpkg", landcover="lc.tif", legend="clcd",
                             force=True, progress=False)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while not ready.exists():
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.time() < deadline, "the report did not start"
        time.sleep(0.05)
    assert len(list(tmp_path.glob(".report.partial-*"))) == 1  # being written
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 128 + signal.SIGTERM
    assert list(tmp_path.glob(".report.partial-*")) == []
    _assert_old_intact(out)


# -- --coords on the command line ------------------------------------------------------------
def test_coords_option_converts_gcj02_zones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    from typer.testing import CliRunner

    from geo_revival import report as report_front
    from geo_revival.cli import app

    seen: dict[str, Any] = {}
    monkeypatch.setattr(report_front, "build_report", lambda out, **kw: seen.update(kw) or
                        Path(out))
    done = CliRunner().invoke(app, ["report", "-q", "--coords", "gcj02", "--zones", "z.gpkg",
                                    "--landcover", "lc.tif", "--legend", "clcd"])
    assert done.exit_code == 0, done.output
    assert seen["zone_options"]["coords"] == "gcj02"

    gcj = zones([box(117.20, 34.30, 117.21, 34.31)], crs="EPSG:4326")
    gcj.to_file(tmp_path / "zones_gcj02.gpkg")
    inputs = load_inputs(tmp_path / "zones_gcj02.gpkg", tif(tmp_path / "lc_2020.tif"),
                         legend="clcd", coords="gcj02")
    x, y = gcj02_to_wgs84(117.21, 34.30)  # the first vertex of the box
    first = inputs.zones.geometry.iloc[0].exterior.coords[0]
    assert first == pytest.approx((float(x), float(y)), abs=1e-9)


def test_transform_constant_is_the_builders_grid() -> None:
    # The builders' grid is what the hand counts above assume.
    assert TRANSFORM * (4, 4) == (500_120.0, 3_800_000.0)


def test_a_rewritten_file_is_read_afresh(tmp_path: Path) -> None:
    # Blocks are read through datasets kept open per thread; a file rewritten under the same
    # name must not be read through the old handle.
    path = tif(tmp_path / "lc_2020.tif", CODES)
    np.testing.assert_array_equal(open_landcover(path, legend="clcd").values[0], CODES)
    swapped = np.where(CODES == 1, 9, CODES).astype("uint8")
    tif(path, swapped)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    np.testing.assert_array_equal(open_landcover(path, legend="clcd").values[0], swapped)


def test_float_codes_with_a_numeric_nodata_value(tmp_path: Path) -> None:
    floats = CODES.astype("float32")
    floats[0, :] = -9999.0  # a common GIS nodata value, far outside the uint8 codes
    path = tif(tmp_path / "lc_2020.tif", floats, nodata=-9999.0)
    da = open_landcover(path, legend="clcd")
    # The declared nodata stays the series' code; the smallest type holding it is int16.
    assert da.dtype == np.int16 and da.rio.nodata == -9999
    np.testing.assert_array_equal(da.values[0], floats.astype("int16"))
    counts = class_areas(zones(), da).set_index("class_code")["pixels"].to_dict()
    codes, n = np.unique(CODES[1:], return_counts=True)
    assert counts == dict(zip(codes.tolist(), n.tolist(), strict=True))
