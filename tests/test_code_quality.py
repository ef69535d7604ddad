"""Static checks that CI must pass: ruff (lint) and mypy (types) over the project."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _run(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=REPO, capture_output=True, text=True
    )


def test_ruff_clean() -> None:
    result = _run("ruff", "check", "geo_revival", "tests", "benchmarks", "scripts")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_clean(tmp_path: Path) -> None:
    # A private cache keeps parallel runs from sharing state; it costs ~1 min cold.
    result = _run("mypy", "--cache-dir", str(tmp_path / "mypy"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_tools_installed() -> None:
    # The test extra must bring both tools; a missing one would make the checks above vacuous.
    assert _run("ruff", "--version").returncode == 0
    assert _run("mypy", "--version").returncode == 0
    assert shutil.which("git") is not None
