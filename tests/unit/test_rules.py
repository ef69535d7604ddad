"""Rule sets: shipped tables checked cell by cell against the documented reasoning, validation."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from geo_revival.exceptions import ReadError, RuleSetError
from geo_revival.landcover.legend import GENERIC_CLASSES
from geo_revival.restoration import RuleSet, list_rule_sets, load_rules

D, R, N = "damaged", "restored", "neutral"
CLASSES = ("cropland", "forest", "shrub", "grassland", "water", "wetland", "built_up", "barren",
           "snow_ice", "other")
USES = ("", "cropland", "water", "forest", "construction")

# Typed from rules/README.md (the reasoning), not read from the TOML: one column per planned use.
DEFAULT = {
    #              none cropland water forest construction
    "cropland":  (R, R, N, N, N),
    "forest":    (R, N, R, R, N),
    "shrub":     (R, N, R, R, N),
    "grassland": (R, N, R, R, N),
    "water":     (D, D, R, D, D),
    "wetland":   (N, D, R, N, N),
    "built_up":  (N, N, N, N, R),
    "barren":    (D, D, D, D, D),
    "snow_ice":  (N, N, N, N, N),
    "other":     (N, N, N, N, N),
}
BROAD = {
    "cropland":  (R, R, N, N, N),
    "forest":    (R, N, R, R, N),
    "shrub":     (R, N, R, R, N),
    "grassland": (R, N, R, R, N),
    "water":     (R, D, R, D, D),
    "wetland":   (R, D, R, N, N),
    "built_up":  (R, N, N, N, R),
    "barren":    (D, D, D, D, D),
    "snow_ice":  (N, N, N, N, N),
    "other":     (N, N, N, N, N),
}


def _cases(table: dict[str, tuple[str, ...]]) -> list[tuple[str, str, str]]:
    return [(use, cls, states[i]) for cls, states in table.items() for i, use in enumerate(USES)]


def test_vocabulary_matches_legend() -> None:
    assert CLASSES == GENERIC_CLASSES


def test_shipped_rule_sets_listed() -> None:
    assert {"default", "broad"} <= set(list_rule_sets())
    for name in list_rule_sets():
        assert load_rules(name).name == name


@pytest.mark.parametrize(("use", "cls", "expected"), _cases(DEFAULT))
def test_default_rules_every_cell(use: str, cls: str, expected: str) -> None:
    assert load_rules("default").state(cls, use) == expected


@pytest.mark.parametrize(("use", "cls", "expected"), _cases(BROAD))
def test_broad_rules_every_cell(use: str, cls: str, expected: str) -> None:
    assert load_rules("broad").state(cls, use) == expected


def test_none_means_no_planned_use() -> None:
    rules = load_rules("default")
    assert rules.state("water", None) == rules.state("water", "") == D


def test_to_frame_is_complete_table() -> None:
    frame = load_rules("default").to_frame()
    assert len(frame) == len(USES) * len(CLASSES)
    assert set(frame["state"]) == {D, R, N}
    got = {(u, c): s for u, c, s in frame.itertuples(index=False)}
    assert got == {(u, c): s for u, c, s in _cases(DEFAULT)}


def test_rule_set_is_frozen() -> None:
    rules = load_rules("default")
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        rules.states["water"] = R  # type: ignore[index]
    with pytest.raises(TypeError):
        rules.planned_use["water"]["barren"] = R  # type: ignore[index]
    assert hash(rules) == hash(load_rules("default"))


def _toml(states: dict[str, str], uses: dict[str, dict[str, str]], extra: str = "") -> str:
    lines = [extra, "[states]"] + [f'{c} = "{s}"' for c, s in states.items()]
    for use, table in uses.items():
        lines += [f"[planned_use.{use}]"] + [f'{c} = "{s}"' for c, s in table.items()]
    return "\n".join(lines) + "\n"


ALL_NEUTRAL = dict.fromkeys(CLASSES, N)
NO_OVERRIDES: dict[str, dict[str, str]] = {u: {} for u in USES[1:]}


def test_user_file_and_hash(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(_toml(ALL_NEUTRAL, {**NO_OVERRIDES, "water": {"water": R}}), encoding="utf-8")
    rules = load_rules(path)
    assert rules.name == "mine" and rules.origin == str(path)
    assert rules.state("water", "water") == R and rules.state("water") == N
    assert len(rules.sha256) == 64
    # Same rules in another order with comments and another name: same hash.
    other = tmp_path / "other.toml"
    shuffled = dict(reversed(list(ALL_NEUTRAL.items())))
    text = _toml(shuffled, {"water": {"water": R}, **{u: {} for u in USES[1:] if u != "water"}})
    other.write_text("# a comment\nname = 'renamed'\n" + text, encoding="utf-8")
    assert load_rules(other).sha256 == rules.sha256
    assert load_rules(other).name == "renamed"
    # One changed cell: another hash.
    changed = tmp_path / "changed.toml"
    changed.write_text(_toml(ALL_NEUTRAL, {**NO_OVERRIDES, "water": {"water": D}}), "utf-8")
    assert load_rules(changed).sha256 != rules.sha256
    assert load_rules("default").sha256 != load_rules("broad").sha256


def test_rule_set_passes_through() -> None:
    rules = load_rules("default")
    assert load_rules(rules) is rules


BAD = [
    pytest.param(
        _toml({c: s for c, s in ALL_NEUTRAL.items() if c != "wetland"}, NO_OVERRIDES),
        r"no state for generic class\(es\) \['wetland'\]",
        id="missing-class",
    ),
    pytest.param(
        _toml({**ALL_NEUTRAL, "mangrove": R}, NO_OVERRIDES),
        r"unknown generic class\(es\) \['mangrove'\]",
        id="unknown-class",
    ),
    pytest.param(
        _toml({**ALL_NEUTRAL, "water": "flooded"}, NO_OVERRIDES),
        r"unknown state\(s\) \{'water': 'flooded'\}",
        id="unknown-state",
    ),
    pytest.param(
        _toml(ALL_NEUTRAL, {**NO_OVERRIDES, "fishpond": {"water": R}}),
        r"unknown planned use\(s\) \['fishpond'\]",
        id="unknown-planned-use",
    ),
    pytest.param(
        _toml(ALL_NEUTRAL, {u: {} for u in ("cropland", "water", "forest")}),
        r"no \[planned_use.<use>\] table for \['construction'\]",
        id="missing-planned-use",
    ),
    pytest.param(
        _toml(ALL_NEUTRAL, {**NO_OVERRIDES, "forest": {"orchard": R}}),
        r"\[planned_use.forest\]: unknown generic class",
        id="override-unknown-class",
    ),
    pytest.param(_toml(ALL_NEUTRAL, NO_OVERRIDES, "planed_use = 1"), "unknown key", id="typo-key"),
    pytest.param("[planned_use.water]\n", r"missing table \[states\]", id="no-states"),
    pytest.param("states = [", "not valid TOML", id="bad-toml"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_invalid_rule_sets(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleSetError, match=message):
        load_rules(path)


def test_unknown_name_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError, match=r"unknown rule set 'strictest'.*shipped rule sets"):
        load_rules("strictest")
    with pytest.raises(ReadError, match="cannot read rule set file"):
        load_rules(tmp_path / "absent.toml")


def test_state_lookup_errors() -> None:
    rules = load_rules("default")
    with pytest.raises(RuleSetError, match="unknown planned use 'park'"):
        rules.state("water", "park")
    with pytest.raises(RuleSetError, match="no state for generic class 'lava'"):
        rules.state("lava")


def test_constructor_validates() -> None:
    with pytest.raises(RuleSetError, match="no state for generic class"):
        RuleSet(name="x", states={"water": D}, planned_use=NO_OVERRIDES)
    with pytest.raises(ValueError, match="unknown planned use"):  # RuleSetError is a ValueError
        RuleSet(name="x", states=ALL_NEUTRAL, planned_use={**NO_OVERRIDES, "mine": {}})


def test_readme_table_matches_default(repo_root: Path) -> None:
    # The documented table must be the shipped one (docs drift would mislead reviewers).
    text = (repo_root / "geo_revival" / "rules" / "README.md").read_text(encoding="utf-8")
    section = text.split("### `default`")[1].split("###")[0]
    rows = [line.strip("|").split("|") for line in section.splitlines()
            if line.startswith("| ") and not line.startswith("| generic")]
    documented = {cells[0].strip(): tuple(c.strip() for c in cells[1:]) for cells in rows}
    assert documented == DEFAULT
