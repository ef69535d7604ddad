"""The yearly report bundle and the table/layer exports it is made of.

Public front; ``_bundle`` assembles the report, ``_export`` writes CSV/XLSX/GeoPackage.
"""

from __future__ import annotations

from geo_revival.report._bundle import ReportInputs, build_report, demo_inputs, load_inputs
from geo_revival.report._export import column_header, to_csv, to_geopackage, to_xlsx

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
