"""Every bad input geo-revival refuses, one named case each (the table is in ``cases.py``).

Each case builds the bad input in a temporary folder, calls geo-revival and checks the error's
type and that its message names the problem. ``docs/refuses.md`` is generated from the same
table (``python -m tests.bad_inputs.cases``); a test keeps the two in step.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from geo_revival.exceptions import GeoRevivalError
from tests.bad_inputs.case import Case
from tests.bad_inputs.cases import ALL_CASES, render_markdown

REPO = Path(__file__).resolve().parents[2]


LIBRARY = [c for c in ALL_CASES if c.exit_code is None]
COMMAND_LINE = [c for c in ALL_CASES if c.exit_code is not None]


@pytest.mark.parametrize("case", LIBRARY, ids=lambda c: c.id)
def test_refused_with_a_named_cause(case: Case, tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # only the error matters here
        with pytest.raises(case.error, match=case.match) as caught:
            case.run(tmp_path)
    # geo-revival's own errors, which also are the matching builtins
    assert isinstance(caught.value, GeoRevivalError), type(caught.value)


@pytest.mark.parametrize("case", COMMAND_LINE, ids=lambda c: c.id)
def test_command_line_exits_with_a_message(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = case.run(tmp_path)
    assert result.exit_code == case.exit_code, result.output
    assert re.search(case.match, result.output), result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.glob(".r.partial-*")), "a partial report was left behind"


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in ALL_CASES]
    assert len(ids) == len(set(ids))


def test_at_least_a_hundred_cases() -> None:
    assert len(ALL_CASES) >= 100


def test_docs_page_is_generated_from_the_table() -> None:
    page = (REPO / "docs" / "refuses.md").read_text(encoding="utf-8")
    missing = [c.id for c in ALL_CASES if f"`{c.id}`" not in page]
    assert not missing, f"docs/refuses.md lacks {missing}"
    assert page == render_markdown(), (
        "docs/refuses.md is out of date: python -m tests.bad_inputs.cases > docs/refuses.md"
    )
