"""Bad output locations, the report bundle and the command line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from geo_revival.cli import app
from geo_revival.exceptions import (
    LegendError,
    MissingCRSError,
    OptionError,
    OutputError,
    OutputExistsError,
    ReadError,
    SchemaError,
)
from geo_revival.report import build_report, to_csv, to_geopackage, to_xlsx
from tests.bad_inputs._build import tif, zones
from tests.bad_inputs.case import Case

# Tests run as root, for whom chmod does not make a folder read-only: the OS refusal is
# simulated where the report creates its working folder.
READ_ONLY = mock.patch(
    "tempfile.mkdtemp", side_effect=PermissionError(13, "Permission denied")
)


def _not_empty(tmp: Path) -> Path:
    out = tmp / "report"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    return out


def _read_only_parent(tmp: Path) -> None:
    with READ_ONLY:
        build_report(tmp / "out" / "report", zones="z.gpkg", landcover="lc.tif",
                     legend="clcd", progress=False)


def _files(tmp: Path, zones_name: str = "zones.gpkg", crs: str = "EPSG:4548") -> list[str]:
    """A zone file and a land-cover file for ``geo-revival report``."""
    from shapely.geometry import box

    geom = box(117.20, 34.30, 117.21, 34.31) if crs == "EPSG:4326" else None
    z = zones([geom], crs=crs) if geom is not None else zones()
    z.to_file(tmp / zones_name)
    raster = tif(tmp / "lc_2020.tif")
    return ["--zones", str(tmp / zones_name), "--landcover", str(raster), "--legend", "clcd"]


def _truncated_raster(tmp: Path) -> list[str]:
    args = _files(tmp)
    data = np.random.default_rng(0).choice([1, 2, 5], size=(256, 256)).astype("uint8")
    path = tif(tmp / "lc_2020.tif", data, tiled=True, blockxsize=64, blockysize=64)
    with open(path, "r+b") as f:
        f.truncate(os.path.getsize(path) // 2)
    return args


def _cli(tmp: Path, *args: str, read_only: bool = False) -> Any:
    runner = CliRunner()
    with mock.patch.dict(os.environ, {"NO_COLOR": "1"}):
        if read_only:
            with READ_ONLY:
                return runner.invoke(app, ["report", "-q", "--out", str(tmp / "r"), *args])
        return runner.invoke(app, ["report", "-q", "--out", str(tmp / "r"), *args])


CASES = [
    Case("csv-exists", "to_csv over an existing file",
         lambda t: [to_csv(pd.DataFrame({"a": [1]}), t / "r.csv") for _ in range(2)],
         OutputExistsError, "force=True"),
    Case("csv-bad-header", "header= misspelt",
         lambda t: to_csv(pd.DataFrame({"a": [1]}), t / "r.csv", header="english"),
         OptionError, "header must be one of 'bilingual', 'names'"),
    Case("xlsx-no-tables", "to_xlsx of an empty mapping",
         lambda t: to_xlsx({}, t / "r.xlsx"), SchemaError, "no tables to write"),
    Case("gpkg-results-no-zone-id", "results without zone_id joined to zones",
         lambda t: to_geopackage(zones(), t / "z.gpkg", results={"x": pd.DataFrame({"a": [1]})}),
         SchemaError, "has no 'zone_id' column"),
    Case("report-not-empty", "build_report into a folder holding other files",
         lambda t: build_report(_not_empty(t), progress=False), OutputExistsError,
         "is not empty; pass force=True"),
    Case("report-out-is-a-file", "--out naming an existing file",
         lambda t: build_report((t / "r").write_text("x") and t / "r", progress=False),
         OutputExistsError, "exists and is not a folder"),
    Case("report-replace-cwd", "--force on the current folder",
         lambda t: build_report(Path.cwd(), force=True, progress=False), OutputExistsError,
         "refusing to replace"),
    Case("report-zones-without-landcover", "zones= without landcover=",
         lambda t: build_report(t / "r", zones="z.gpkg", progress=False), SchemaError,
         "pass both zones and landcover"),
    Case("report-no-legend", "land-cover files without legend=",
         lambda t: build_report(t / "r", zones="z.gpkg", landcover="lc.tif", progress=False),
         SchemaError, "pass legend="),
    Case("report-read-only-parent", "a report into a read-only folder",
         _read_only_parent, OutputError, r"cannot write the report into .*read-only",
         "it was an uncaught PermissionError traceback"),
    Case("cli-not-empty", "geo-revival report into a non-empty folder",
         lambda t: _cli(t, "--out", str(_not_empty(t))),
         OutputExistsError, "not empty.*--force", exit_code=3),
    Case("cli-read-only-parent", "geo-revival report into a read-only folder",
         lambda t: _cli(t, read_only=True), OutputError, "cannot write the report",
         "exit 1 with a traceback", exit_code=2),
    Case("cli-gcj02-zones", "geo-revival report with an AMap (GCJ-02) zone file",
         lambda t: _cli(t, *_files(t, "zones_gcj02.gpkg", "EPSG:4326")), MissingCRSError,
         "--coords gcj02", "the message named coords=, which the CLI did not have",
         exit_code=2),
    Case("cli-bad-coords", "--coords wgs72",
         lambda t: _cli(t, *_files(t), "--coords", "wgs72"), OptionError,
         "coords must be one of 'wgs84', 'gcj02', 'bd09'; got 'wgs72'", exit_code=2),
    Case("cli-truncated-raster", "geo-revival report with a truncated GeoTIFF",
         lambda t: _cli(t, *_truncated_raster(t)), ReadError, r"could not read .*truncated",
         "a RasterioIOError traceback", exit_code=2),
    Case("cli-unknown-legend", "--legend naming no registered legend",
         lambda t: _cli(t, *_files(t)[:-1], "nope"), LegendError, "unknown legend 'nope'",
         exit_code=2),
]
