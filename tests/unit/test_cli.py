"""The geo-revival command line, through typer's CliRunner."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from geo_revival import __version__, plan_targets, zone_catalogue
from geo_revival.cli import app

runner = CliRunner()


def test_targets_table_shows_headline_values():
    result = runner.invoke(app, ["targets"])
    assert result.exit_code == 0, result.output
    expected = ("subsidence_treated_area", "42,784", "17,788", "0.752", "0.78", "已有沉陷区治理")
    for text in expected:
        assert text in result.output


def test_zones_table_lists_all_zones():
    result = runner.invoke(app, ["zones"])
    assert result.exit_code == 0, result.output
    for zone_id in zone_catalogue()["zone_id"]:  # ids are printed whole
        assert zone_id in result.output
    assert "139,350" in result.output  # Jiawang key subsidence area: 92.9 km² = 139,350 mu


@pytest.mark.parametrize(("command", "loader"), [("targets", plan_targets),
                                                 ("zones", zone_catalogue)])
def test_csv_output_round_trips(command, loader):
    result = runner.invoke(app, [command, "--format", "csv"])
    assert result.exit_code == 0, result.output
    printed = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    expected = loader()
    assert list(printed.columns) == list(expected.columns)
    assert len(printed) == len(expected)
    first_id = expected.columns[0]
    assert printed[first_id].tolist() == expected[first_id].astype(str).tolist()


def test_unknown_format_fails():
    result = runner.invoke(app, ["targets", "--format", "xml"])
    assert result.exit_code != 0
    assert "xml" in result.output


def test_version_and_help():
    assert runner.invoke(app, ["--version"]).stdout.strip() == __version__
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "targets" in result.output and "zones" in result.output


def test_report_refuses_a_non_empty_folder_with_exit_code_3(tmp_path: Path):
    (tmp_path / "keep.txt").write_text("mine")
    result = runner.invoke(app, ["report", "--out", str(tmp_path), "--quiet"])
    assert result.exit_code == 3, result.output
    assert "not empty" in result.output and "--force" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_report_invalid_input_exits_2_naming_the_problem(tmp_path: Path):
    out = tmp_path / "report"
    missing = tmp_path / "no_such_zones.gpkg"
    args = ["report", "--out", str(out), "--zones", str(missing), "--landcover",
            str(tmp_path / "no_such.tif"), "--legend", "clcd", "--quiet"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "no_such_zones.gpkg does not exist" in result.output
    assert not out.exists()
