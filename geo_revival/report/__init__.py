"""The yearly report bundle and the table/layer exports it is made of.

Public front; ``_bundle`` assembles the report from ``_inputs`` (what it is made from),
``_results`` (the accounting and plan comparison) and ``_outputs`` (its files: tables, figures,
maps, provenance, summary); ``_summary`` draws ``index.html`` and ``summary.pdf``, ``_folder``
swaps the finished folder into place, ``_export`` writes CSV/XLSX/GeoPackage.
"""

from __future__ import annotations

from geo_revival.report._bundle import build_report
from geo_revival.report._export import column_header, to_csv, to_geopackage, to_xlsx
from geo_revival.report._inputs import ReportInputs, demo_inputs, load_inputs

__all__ = [
    "ReportInputs",
    "build_report",
    "column_header",
    "demo_inputs",
    "load_inputs",
    "to_csv",
    "to_geopackage",
    "to_xlsx",
]
