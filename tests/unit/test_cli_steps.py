"""``geo-revival class-areas / transitions / account / sample / estimate`` on small tmp files.

The land cover is a 60 x 60 grid of 10 m CLCD pixels (EPSG:4548, 600 m square near 117 E, 34 N)
for 2020 and 2021, random codes from a fixed seed; zones are two squares in a boundary file whose
columns are *not* ``zone_id``/``category`` (``code``, ``kind``), as a user's own file is. Every
command's output is compared with the library function called on the same inputs in memory.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from shapely.geometry import box
from typer.testing import CliRunner

import geo_revival as gr
from geo_revival.cli import app
from tests.overlay_fixtures import make_landcover

runner = CliRunner()
X0, Y0 = 500_000.0, 3_760_600.0  # top-left corner (EPSG:4548)
ZONE_ARGS = ["--id-column", "code", "--default-category", "other", "--planned-use-column", "use"]


@pytest.fixture(scope="module")
def landcover() -> xr.DataArray:
    rng = np.random.default_rng(12)
    first = rng.choice([1, 2, 5, 6], size=(60, 60))
    second = np.where(rng.random((60, 60)) < 0.3, rng.choice([1, 2, 5, 6], size=(60, 60)), first)
    return make_landcover({2020: first, 2021: second}, res=10.0, origin=(X0, Y0))


@pytest.fixture(scope="module")
def files(landcover, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cli")
    out = {}
    for year in (2020, 2021):
        path = folder / f"lc_{year}.tif"
        landcover.sel(year=year).rio.to_raster(path)
        out[str(year)] = path
    zones = gpd.GeoDataFrame(
        {"code": ["west", "east"], "use": ["宜农", "宜林"], "name": ["W", "E"]},
        geometry=[box(X0 + 20, Y0 - 580, X0 + 290, Y0 - 20), box(X0 + 300, Y0 - 400, X0 + 590,
                                                                  Y0 - 100)],
        crs="EPSG:4548",
    )
    out["zones"] = folder / "boundaries.gpkg"
    zones.to_file(out["zones"])
    return out


def _zones(files: dict[str, Path]) -> gpd.GeoDataFrame:
    return gr.load_zones(files["zones"], id_column="code", default_category="other",
                         planned_use_column="use")


def _run(*args: str) -> object:
    result = runner.invoke(app, [str(a) for a in args])
    return result


def test_class_areas_on_user_files_matches_the_library(files, landcover, tmp_path) -> None:
    out = tmp_path / "areas.csv"
    result = _run("class-areas", files["zones"], files["2020"], files["2021"], "--legend", "clcd",
                  "--year", 2020, "--year", 2021, "-o", out, "--header", "names",
                  "--include-col", "name", *ZONE_ARGS)
    assert result.exit_code == 0, result.output
    got = pd.read_csv(out, encoding="utf-8-sig")
    expected = gr.class_areas(_zones(files), landcover, include_cols=["name"])
    assert got["pixels"].tolist() == expected["pixels"].tolist()
    assert got["zone_id"].tolist() == expected["zone_id"].tolist()
    assert got["name"].tolist() == expected["name"].tolist()
    np.testing.assert_allclose(got["area_mu"], expected["area_mu"])


def test_existing_output_exits_3_and_force_replaces(files, tmp_path) -> None:
    out = tmp_path / "areas.xlsx"
    args = ["class-areas", files["zones"], files["2020"], "--legend", "clcd", "--year", 2020,
            "-o", out, *ZONE_ARGS]
    assert _run(*args).exit_code == 0
    result = _run(*args)
    assert result.exit_code == 3 and "exists" in result.output
    assert _run(*args, "--force").exit_code == 0
    sheets = pd.read_excel(out, sheet_name=None)
    assert "class_areas" in sheets


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["-o", "areas.txt"], "the --out suffix must be one of '.csv', '.xlsx', '.gpkg'"),
        (["-o", "areas.csv", "--legend", "nope", "--id-column", "code"], "unknown legend"),
        (["-o", "areas.csv", "--id-column", "zone_id"], "Pass --id-column ... naming the column"),
    ],
)
def test_invalid_input_exits_2_naming_the_problem(files, tmp_path, extra, message) -> None:
    args = ["class-areas", files["zones"], files["2020"], "--year", 2020, "--default-category",
            "other"]
    if "--legend" not in extra:
        args += ["--legend", "clcd"]
    extra = [str(tmp_path / e) if e.startswith("areas") else e for e in extra]
    result = _run(*args, *extra)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_coords_are_passed_to_the_zone_reader(files, landcover, tmp_path) -> None:
    # Lon/lat zones said to be GCJ-02 are shifted by hundreds of metres (west and south here)
    # before the overlay: a zone over the raster's north-east quarter then covers more of it.
    corner = box(X0 + 300, Y0 - 300, X0 + 5300, Y0 + 4700)
    zone = gpd.GeoDataFrame({"zone_id": ["ne"], "category": ["other"]}, geometry=[corner],
                            crs="EPSG:4548")
    path = tmp_path / "lonlat.gpkg"
    zone.to_crs(4326).to_file(path)
    outs = {}
    for coords in ("wgs84", "gcj02"):
        outs[coords] = tmp_path / f"{coords}.csv"
        result = _run("class-areas", path, files["2020"], "--legend", "clcd", "--year", 2020,
                      "-o", outs[coords], "--header", "names", "--coords", coords)
        assert result.exit_code == 0, result.output
        got = pd.read_csv(outs[coords], encoding="utf-8-sig")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", gr.exceptions.CoverageWarning)
            expected = gr.class_areas(gr.load_zones(path, coords=coords), landcover,
                                      years=[2020])
        assert got["pixels"].tolist() == expected["pixels"].tolist()
    assert not pd.read_csv(outs["wgs84"]).equals(pd.read_csv(outs["gcj02"]))


def test_transitions_with_explicit_pairs(files, landcover, tmp_path) -> None:
    out = tmp_path / "moves.csv"
    result = _run("transitions", files["zones"], files["2020"], files["2021"], "--legend",
                  "clcd", "--year", 2020, "--year", 2021, "--pairs", "2020:2021", "-o", out,
                  "--header", "names", *ZONE_ARGS)
    assert result.exit_code == 0, result.output
    got = pd.read_csv(out, encoding="utf-8-sig")
    expected = gr.transitions(_zones(files), landcover, pairs=[(2020, 2021)])
    assert got[["from_code", "to_code", "pixels"]].values.tolist() == (
        expected[["from_code", "to_code", "pixels"]].values.tolist()
    )
    bad = _run("transitions", files["zones"], files["2020"], "--legend", "clcd", "--year",
               2020, "--pairs", "every", "-o", tmp_path / "x.csv", *ZONE_ARGS)
    assert bad.exit_code == 2 and "pairs" in bad.output


def test_account_writes_one_layer_per_table(files, landcover, tmp_path) -> None:
    out = tmp_path / "account.gpkg"
    result = _run("account", files["zones"], files["2020"], files["2021"], "--legend", "clcd",
                  "--year", 2020, "--year", 2021, "-o", out, *ZONE_ARGS)
    assert result.exit_code == 0, result.output
    import pyogrio

    layers = set(pyogrio.list_layers(out)[:, 0])
    assert {"zones", "status", "state_transitions", "flows", "rates"} <= layers
    rates = gpd.read_file(out, layer="rates").set_index(["zone_id", "year"]).sort_index()
    expected = gr.account(_zones(files), landcover).rates.set_index(["zone_id", "year"])
    expected = expected.sort_index()
    assert rates.index.tolist() == expected.index.tolist()
    np.testing.assert_allclose(rates["restoration_rate"], expected["restoration_rate"])


def test_sample_then_estimate_from_the_filled_sheet(files, tmp_path) -> None:
    base = tmp_path / "sheet"
    common = [files["zones"], files["2020"], files["2021"], "--legend", "clcd", "--year", 2020,
              "--year", 2021, "--start", 2020, "--end", 2021, *ZONE_ARGS]
    result = _run("sample", *common, "--n", 60, "--min-per-stratum", 5, "--seed", 3, "-o", base)
    assert result.exit_code == 0, result.output
    sheet_path = base.with_suffix(".csv")
    sheet = pd.read_csv(sheet_path, encoding="utf-8-sig", dtype=str)
    ref = next(c for c in sheet.columns if c.startswith("reference_class"))
    mapped = next(c for c in sheet.columns if c.startswith("map_class"))
    assert len(sheet) >= 60 - 5 and sheet[ref].isna().all()
    # An interpreter who agrees with the map everywhere: the estimate is the mapped area.
    sheet[ref] = sheet[mapped]
    sheet.to_csv(sheet_path, index=False, encoding="utf-8-sig")
    out = tmp_path / "estimates.csv"
    result = _run("estimate", *common, "--responses", sheet_path, "-o", out, "--header", "names")
    assert result.exit_code == 0, result.output
    est = pd.read_csv(out, encoding="utf-8-sig")
    np.testing.assert_allclose(est["area_m2"], est["mapped_area_m2"])
    np.testing.assert_allclose(est["area_m2_se"], 0.0, atol=1e-6)
    assert set(est["change_class"]) <= {"reclaimed", "newly_damaged", "stable_restored",
                                        "stable_damaged", "other"}
    neither = _run("estimate", *common, "-o", tmp_path / "e.csv")
    assert neither.exit_code == 2 and "--responses or --reference" in neither.output


def test_estimate_with_a_reference_raster(files, tmp_path) -> None:
    out = tmp_path / "est.xlsx"
    result = _run("estimate", files["zones"], files["2020"], files["2021"], "--legend", "clcd",
                  "--year", 2020, "--year", 2021, "--start", 2020, "--end", 2021,
                  "--reference", files["2020"], "--reference", files["2021"], "--n", 60,
                  "--min-per-stratum", 5, "--seed", 1, "-o", out, *ZONE_ARGS)
    assert result.exit_code == 0, result.output
    est = pd.read_excel(out, sheet_name="estimates", header=0)
    assert len(est) >= 2


def test_report_takes_the_zone_file_options(monkeypatch, files, tmp_path) -> None:
    seen = {}

    def fake_build_report(out, **kwargs):  # type: ignore[no-untyped-def]
        seen.update(kwargs)
        return Path(out)

    monkeypatch.setattr("geo_revival.report.build_report", fake_build_report)
    result = _run("report", "--out", tmp_path / "r", "--zones", files["zones"], "--landcover",
                  files["2020"], "--legend", "clcd", "--coords", "wgs84", *ZONE_ARGS,
                  "--layer", "boundaries", "--quiet")
    assert result.exit_code == 0, result.output
    assert seen["zone_options"] == {
        "coords": "wgs84", "id_column": "code", "category_column": "category",
        "default_category": "other", "planned_use_column": "use", "layer": "boundaries",
    }
    # and load_inputs reads such a file with them (the report's own reader)
    inputs = gr.report.load_inputs(files["zones"], files["2020"], legend="clcd",
                                   years=[2020], zone_options=seen["zone_options"])
    assert inputs.zones["zone_id"].tolist() == ["west", "east"]
