"""The report summary when no zone feeds a plan indicator (a user's own municipality)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from geo_revival.report._summary import empty_verdict_reason, summary_html, summary_pdf
from tests.unit.test_mapping_print_layout import corine_case

REPO = Path(__file__).resolve().parents[2]


def _indicator_categories() -> dict[str, list[str]]:
    path = REPO / "geo_revival" / "data" / "progress_indicators.csv"
    lines = [
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    return {r["indicator_id"]: r["zone_categories"].split(";") for r in csv.DictReader(lines)}


def test_empty_verdict_says_why_and_which_categories_would_count() -> None:
    text = empty_verdict_reason(pd.DataFrame({"category": ["other", "old_industrial_zone"]}))
    assert "old_industrial_zone, other" in text and "无进度结论" in text
    for indicator, categories in _indicator_categories().items():
        assert f"{indicator} ← {' / '.join(categories)}" in text


def _prov() -> dict:
    return {
        "package_version": "0",
        "python": "3",
        "created_utc": "now",
        "inputs": {"a": "0" * 64},
        "rule_set": {"name": "default", "sha256": "1" * 64, "title": "t"},
        "parameters": {},
        "legend": "corine_grid",
    }


def test_summary_without_indicators(tmp_path: Path) -> None:
    zones, lc = corine_case()
    rates = pd.DataFrame({"zone_id": ["m"], "year": [2012], "restoration_rate": [0.5]})
    empty = pd.DataFrame(columns=["indicator_id", "year", "kind", "value", "unit", "reference"])
    html = summary_html(
        title="t",
        year=2012,
        progress=empty,
        zones=zones,
        simulated=True,
        figures={},
        prov=_prov(),
        sources={"zones": "SIMULATED"},
        notes=[],
        folder=tmp_path,
        links={},
    )
    assert "No progress verdict" in html and "<table>" not in html.split("Provenance")[0]
    summary_pdf(
        tmp_path / "s.pdf",
        title="t",
        year=2012,
        progress=empty,
        zones=zones,
        rates=rates,
        landcover=lc,
        districts=None,
        simulated=True,
        sources={"zones": "SIMULATED"},
        prov=_prov(),
    )
    pdf = (tmp_path / "s.pdf").read_bytes()
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    assert len(re.findall(rb"/Subtype\s*/Image", pdf)) == 1  # the land cover; the chart is vector
