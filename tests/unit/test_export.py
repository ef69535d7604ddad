"""Exports: CSV (bilingual headers, BOM), XLSX (sheets, formats, provenance), GeoPackage."""

from __future__ import annotations

import json

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest

from geo_revival.exceptions import OutputExistsError, SchemaError
from geo_revival.report import column_header, to_csv, to_geopackage, to_xlsx
from tests.unit import _mapping_data as md


def _rates() -> pd.DataFrame:
    r = md.rates()
    r.attrs["provenance"] = {"function": "restoration_rate", "rule_set": "default"}
    return r


@pytest.mark.parametrize(
    ("column", "header"),
    [
        ("zone_id", "区块编号 / Zone ID"),
        ("treated_area_mu", "治理面积（亩） / Treated area (mu)"),
        ("area_ha", "面积（公顷） / Area (ha)"),
        (
            "restoration_rate",
            "治理和生态修复率（比例 0–1） / "
            "Treatment and ecological restoration rate (fraction 0–1)",
        ),
        ("mystery_col", "mystery col"),
    ],
)
def test_column_header(column: str, header: str) -> None:
    assert column_header(column) == header


def test_csv_bilingual_with_bom_and_values_unchanged(tmp_path) -> None:
    path = to_csv(_rates(), tmp_path / "rates.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8 Chinese
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back.columns[0] == "区块编号 / Zone ID"
    assert back.iloc[:, -1].tolist() == [0.5, 0.3, 0.7, 0.8, 0.6, 0.76]  # fractions, not %


def test_csv_names_round_trip(tmp_path) -> None:
    path = to_csv(_rates(), tmp_path / "rates.csv", header="names")
    back = pd.read_csv(path, encoding="utf-8-sig")
    pd.testing.assert_frame_equal(back, md.rates())


def test_csv_refuses_to_overwrite(tmp_path) -> None:
    to_csv(_rates(), tmp_path / "r.csv")
    with pytest.raises(OutputExistsError, match="force=True"):
        to_csv(_rates(), tmp_path / "r.csv")
    to_csv(_rates(), tmp_path / "r.csv", force=True)


def test_xlsx_sheets_headers_formats_provenance(tmp_path) -> None:
    zones = pd.DataFrame(md.zones().drop(columns="geometry"))
    path = to_xlsx({"rates": _rates(), "zones": zones, "bad/name:[x]": zones}, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["rates", "zones", "bad_name__x_", "columns 列说明", "provenance 来源"]
    ws = wb["rates"]
    assert ws["A1"].value == "区块编号\nZone ID"
    assert ws["D1"].value == "治理和生态修复率（%）\nTreatment and ecological restoration rate (%)"
    assert ws["D2"].value == 0.5 and ws["D2"].number_format == "0.0%"
    assert ws["C2"].number_format == "#,##0.00"
    assert ws.max_row == 7  # header + 6 rows
    cols = pd.read_excel(path, sheet_name="columns 列说明")
    row = cols[(cols["sheet"] == "rates") & (cols["column"] == "restored_area_mu")].iloc[0]
    assert (row["label_zh"], row["unit"]) == ("已修复面积", "mu")
    prov = pd.read_excel(path, sheet_name="provenance 来源")
    assert json.loads(prov.loc[0, "provenance_json"])["rule_set"] == "default"


def test_geopackage_layers_read_back(tmp_path) -> None:
    zones = md.zones()
    path = to_geopackage(zones, tmp_path / "z.gpkg", results={"restoration_rate": _rates()})
    z = gpd.read_file(path, layer="zones")
    r = gpd.read_file(path, layer="restoration_rate")
    assert z.crs.to_epsg() == 4548 and len(z) == 3
    assert len(r) == 6 and set(r["year"]) == {2020, 2024}
    # each result row carries its zone's geometry
    area = r.set_index(["zone_id", "year"]).geometry.area
    assert area[("z1", 2024)] == pytest.approx(zones.set_index("zone_id").geometry.area["z1"])
    with pytest.raises(OutputExistsError):
        to_geopackage(zones, path)


def test_geopackage_errors(tmp_path) -> None:
    with pytest.raises(SchemaError, match="zone_id"):
        to_geopackage(md.zones(), tmp_path / "z.gpkg", results={"x": pd.DataFrame({"a": [1]})})
