"""Legends: registry, lookups, validation of shipped and user CSV legends."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from geo_revival.exceptions import LegendError, ReadError, UnknownCodeWarning
from geo_revival.landcover import legend as legend_module
from geo_revival.landcover.legend import (
    GENERIC_CLASSES,
    Legend,
    get_legend,
    legend_from_csv,
    list_legends,
    register_legend,
)

LEGEND_DIR = Path(__file__).resolve().parents[2] / "geo_revival" / "landcover" / "legends"


def test_generic_classes_are_the_shared_vocabulary() -> None:
    assert GENERIC_CLASSES == (
        "cropland", "forest", "shrub", "grassland", "water", "wetland",
        "built_up", "barren", "snow_ice", "other",
    )  # fmt: skip


def test_clcd_matches_the_paper() -> None:
    # Yang & Huang (2021) ESSD, Table 1: nine classes coded 1-9.
    clcd = get_legend("clcd")
    assert clcd.codes == tuple(range(1, 10))
    assert [clcd.class_name(c) for c in clcd.codes] == [
        "Cropland", "Forest", "Shrub", "Grassland", "Water", "Snow/Ice", "Barren",
        "Impervious", "Wetland",
    ]  # fmt: skip
    assert clcd.class_name(1, lang="zh") == "耕地"
    assert clcd.class_name(8, lang="zh") == "不透水面"
    assert clcd.generic(8) == "built_up"
    assert clcd.generic(9) == "wetland"
    assert clcd.nodata == (0,)
    assert "essd-13-3907-2021" in clcd.source


@pytest.mark.parametrize("name", sorted(p.stem for p in LEGEND_DIR.glob("*.csv")))
def test_every_shipped_legend_loads_and_is_valid(name: str) -> None:
    legend = get_legend(name)
    assert legend.name == name, "registry name must equal the file stem"
    assert legend.title and legend.product and legend.source
    assert re.search(r"doi|https?://", legend.source), "source must cite a document"
    assert len(set(legend.codes)) == len(legend.codes)
    for cls in legend.classes:
        assert cls.name_en.strip() and cls.name_zh.strip(), cls
        assert re.fullmatch(r"#[0-9a-f]{6}", cls.color), cls
        assert cls.generic_class in GENERIC_CLASSES
        r, g, b, a = legend.colormap()[cls.code]
        assert all(0 <= v <= 255 for v in (r, g, b)) and a == 255
    for nd in legend.nodata:
        assert legend.colormap()[nd][3] == 0, "nodata is transparent"


def test_list_legends_contains_every_file() -> None:
    assert {p.stem for p in LEGEND_DIR.glob("*.csv")} <= set(list_legends())


def test_unknown_legend_name_lists_available() -> None:
    with pytest.raises(LegendError, match=r"unknown legend 'nope'.*clcd"):
        get_legend("nope")


def test_get_legend_is_case_insensitive_and_passes_legends_through() -> None:
    clcd = get_legend("CLCD")
    assert get_legend(clcd) is clcd


def test_unknown_code_lookup() -> None:
    with pytest.raises(LegendError, match="code 42 is not in legend 'clcd'"):
        get_legend("clcd").class_name(42)


def test_check_codes_strict_and_lenient() -> None:
    clcd = get_legend("clcd")
    assert clcd.check_codes([0, 1, 9, 9]) == ()
    with pytest.raises(LegendError, match=r"codes \[10, 12\] are not in legend 'clcd'"):
        clcd.check_codes([1, 12, 10, 0])
    with pytest.warns(UnknownCodeWarning, match=r"\[12\]"):
        assert clcd.check_codes([1, 12], strict=False) == (12,)


def test_legend_is_frozen() -> None:
    clcd = get_legend("clcd")
    with pytest.raises(dataclasses.FrozenInstanceError):
        clcd.name = "x"  # type: ignore[misc]


def test_codes_of_generic() -> None:
    assert get_legend("clcd").codes_of("forest") == (2,)
    with pytest.raises(LegendError, match="not a generic class"):
        get_legend("clcd").codes_of("trees")


def test_user_csv_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    list_legends()  # load the built-in legends, then isolate this test's registrations
    monkeypatch.setattr(legend_module, "_REGISTRY", dict(legend_module._REGISTRY))
    p = tmp_path / "pits.csv"
    p.write_text(
        "# title: Mine pit survey\n# source: field survey 2024, report 12\n"
        "code,name_en,name_zh,color,generic_class,note\n"
        "1,Subsided water,塌陷水面,#1E69B4,water,ponded\n"
        "2,Reclaimed field,复垦耕地,#fae39c,cropland,\n",
        encoding="utf-8",
    )
    leg = legend_from_csv(p, name="pits", nodata=[0, 255])
    assert leg.name == "pits" and leg.title == "Mine pit survey"
    assert leg.nodata == (0, 255)
    assert leg.color(1) == "#1e69b4"  # normalised to lower case
    assert leg.attributes[1]["note"] == "ponded"
    assert list(leg.to_frame().columns) == [
        "code", "name_en", "name_zh", "color", "generic_class", "note",
    ]  # fmt: skip
    register_legend(leg)
    assert get_legend("pits") is leg
    other = dataclasses.replace(leg, title="changed")
    with pytest.raises(LegendError, match="already registered"):
        register_legend(other)
    assert register_legend(other, overwrite=True) is other


@pytest.mark.parametrize(
    ("table", "match"),
    [
        ("code,name_en,color\n1,A,#000000\n", r"lacks columns \['generic_class'\]"),
        ("code,name_en,color,generic_class\nx,A,#000000,water\n", "not an integer"),
        ("code,name_en,color,generic_class\n1,A,#00000,water\n", "is not '#rrggbb'"),
        ("code,name_en,color,generic_class\n1,A,#000000,trees\n", "generic class 'trees'"),
        (
            "code,name_en,color,generic_class\n1,A,#000000,water\n1,B,#000000,water\n",
            r"duplicate codes \[1\]",
        ),
        ("code,name_en,color,generic_class\n1,,#000000,water\n", "no English name"),
    ],
)
def test_malformed_csv(tmp_path: Path, table: str, match: str) -> None:
    p = tmp_path / "bad.csv"
    p.write_text(table)
    with pytest.raises(LegendError, match=match):
        legend_from_csv(p)


def test_nodata_must_not_be_a_class(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text("code,name_en,color,generic_class\n0,A,#000000,water\n")
    with pytest.raises(LegendError, match=r"both classes and nodata"):
        legend_from_csv(p, nodata=0)


def test_missing_csv_is_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="cannot read legend file"):
        legend_from_csv(tmp_path / "absent.csv")


def test_legend_requires_classes() -> None:
    with pytest.raises(LegendError, match="no classes"):
        Legend("empty", "t", "p", (), "s", (), ())


# Codes and selected names as printed in each product's source document.
EXPECTED_CODES = {
    "clcd": list(range(1, 10)),
    "esa_worldcover_v100": [10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100],
    "esa_worldcover_v200": [10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100],
    "esri_lulc": [1, 2, 4, 5, 7, 8, 9, 10, 11],
    "esri_lulc_2020": list(range(1, 11)),
    "dynamic_world": list(range(9)),
    "glc_fcs30d": [10, 11, 12, 20, 51, 52, 61, 62, 71, 72, 81, 82, 91, 92, 120, 121, 122, 130,
                   140, 150, 152, 153, 181, 182, 183, 184, 185, 186, 187, 190, 200, 201, 202,
                   210, 220],
    "modis_igbp_c1": list(range(17)),
    "modis_igbp_q1": list(range(1, 18)),
    "corine_grid": list(range(1, 45)),
}


@pytest.mark.parametrize(("name", "codes"), sorted(EXPECTED_CODES.items()))
def test_product_codes(name: str, codes: list[int]) -> None:
    assert list(get_legend(name).codes) == codes


@pytest.mark.parametrize(
    ("name", "code", "name_en", "generic"),
    [
        ("esa_worldcover_v200", 50, "Built-up", "built_up"),
        ("esa_worldcover_v100", 95, "Mangroves", "wetland"),
        ("esri_lulc", 11, "Rangeland", "grassland"),
        ("esri_lulc_2020", 6, "Scrub/shrub", "shrub"),
        ("dynamic_world", 3, "Flooded vegetation", "wetland"),
        ("glc_fcs30d", 190, "Impervious surfaces", "built_up"),
        ("glc_fcs30d", 187, "Tidal flat", "wetland"),
        ("modis_igbp_c1", 0, "Water bodies", "water"),
        ("modis_igbp_q1", 17, "Water bodies", "water"),
        ("modis_igbp_c1", 12, "Croplands", "cropland"),
        ("corine", 131, "Mineral extraction sites", "barren"),
        ("corine", 512, "Water bodies", "water"),
        ("corine_grid", 7, "Mineral extraction sites", "barren"),
    ],
)
def test_selected_classes(name: str, code: int, name_en: str, generic: str) -> None:
    leg = get_legend(name)
    assert leg.class_name(code) == name_en
    assert leg.generic(code) == generic


def test_corine_grid_and_clc_codes_agree() -> None:
    grid, clc = get_legend("corine_grid"), get_legend("corine")
    assert [int(grid.attributes[c]["clc_code"]) for c in grid.codes] == list(clc.codes)
    for g in grid.codes:
        c = int(grid.attributes[g]["clc_code"])
        assert (grid.class_name(g), grid.color(g), grid.generic(g)) == (
            clc.class_name(c), clc.color(c), clc.generic(c),
        )  # fmt: skip
    # EEA colours: 111 = 230-000-077, 523 = 230-242-255
    assert clc.color(111) == "#e6004d" and clc.color(523) == "#e6f2ff"


def test_modis_q1_and_c1_differ_only_in_water_code() -> None:
    c1, q1 = get_legend("modis_igbp_c1"), get_legend("modis_igbp_q1")
    shared = range(1, 17)
    assert [c1.class_name(c) for c in shared] == [q1.class_name(c) for c in shared]
    assert c1.class_name(0) == q1.class_name(17) == "Water bodies"
    assert c1.nodata == q1.nodata == (255,)


def test_worldcover_versions_share_the_class_table() -> None:
    v1, v2 = get_legend("esa_worldcover_v100"), get_legend("esa_worldcover_v200")
    assert v1.classes == v2.classes
    assert (v1.versions, v2.versions) == (("v100",), ("v200",))
