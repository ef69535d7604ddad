"""Packaging contracts: dependency lists agree, README Quick start and CI run the same command."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml  # installed with dask (a core dependency)
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from typer.testing import CliRunner

from geo_revival.cli import app

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def _conda_names() -> set[str]:
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    names = set()
    for dep in env["dependencies"]:
        # the nested {"pip": [...]} entry holds what conda-forge lacks, and the package itself
        specs = dep.get("pip", []) if isinstance(dep, dict) else [dep]
        for spec in specs:
            if not spec.startswith("-"):
                names.add(canonicalize_name(re.split(r"[<>=!~ \[]", spec, maxsplit=1)[0]))
    return names - {"python", "pip"}


def test_environment_yml_lists_the_pyproject_dependencies():
    pyproject = _pyproject()
    project = pyproject["project"]
    expected = _names(project["dependencies"]) | _names(project["optional-dependencies"]["test"])
    # What building the compiled kernels takes: the build requirements and a C compiler.
    expected |= _names(pyproject["build-system"]["requires"]) | {"c-compiler"}
    conda = _conda_names()
    assert sorted(expected - conda) == [], "in pyproject.toml but not in environment.yml"
    assert sorted(conda - expected) == [], "in environment.yml but not in pyproject.toml"


def _quick_start() -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"^## Quick start\n(.*?)(?=^## )", text, flags=re.MULTILINE | re.DOTALL)
    assert match, "README.md has no '## Quick start' section"
    return match.group(1)


def _fenced_commands(section: str) -> list[list[str]]:
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", section, flags=re.MULTILINE | re.DOTALL)
    return [[line for line in block.splitlines() if line.strip()] for block in blocks]


def _readme_command(name: str) -> str:
    section = _quick_start()
    match = re.search(rf"<!-- quickstart:{name} -->\s*```[a-z]*\n(.*?)\n", section)
    assert match, f"no quickstart:{name} command"
    return match.group(1)


def test_quick_start_has_exactly_two_one_line_commands():
    blocks = _fenced_commands(_quick_start())
    assert len(blocks) == 2
    assert all(len(lines) == 1 for lines in blocks)
    assert "pip install -e ." in blocks[0][0] and 'pip install -e ".[test]"' in blocks[1][0]
    assert "pytest" in blocks[1][0]


@pytest.mark.parametrize("name", ["demo", "test"])
def test_readme_command_script_extracts_the_readme_commands(name):
    out = subprocess.run(
        ["bash", str(REPO / "scripts" / "readme_command.sh"), name],
        capture_output=True, text=True, check=True,
    )
    assert out.stdout.strip() == _readme_command(name)


def test_demo_command_uses_existing_cli_commands():
    invocations = re.findall(r"geo-revival ([^&|;]+)", _readme_command("demo"))
    assert invocations, "the demo command runs no geo-revival command"
    runner = CliRunner()
    for invocation in invocations:
        args = invocation.split()
        # --help proves the command and its options parse without writing a report here;
        # tests/e2e/test_report.py runs `report --out report` for real in a temporary folder.
        result = runner.invoke(app, [args[0], "--help"])
        assert result.exit_code == 0, f"geo-revival {args[0]}: {result.output}"
        options = [a for a in args[1:] if a.startswith("--")]
        assert all(o in result.output for o in options), (options, result.output)


def _ci_copy(tmp_path: Path, test_command: str) -> Path:
    """A copy of .ci/run, the extraction script and a README whose test command is replaced."""
    root = tmp_path / "repo"
    (root / ".ci").mkdir(parents=True)
    (root / "scripts").mkdir()
    shutil.copy2(REPO / ".ci" / "run", root / ".ci" / "run")
    shutil.copy2(REPO / "scripts" / "readme_command.sh", root / "scripts" / "readme_command.sh")
    readme = README.read_text(encoding="utf-8").replace(_readme_command("test"), test_command)
    (root / "README.md").write_text(readme, encoding="utf-8")
    return root


@pytest.mark.parametrize(("command", "code"), [("echo readme-test-ran > ran.txt", 0),
                                               ("exit 3", 3)])
def test_ci_runs_the_readme_test_command_and_propagates_failure(tmp_path, command, code):
    root = _ci_copy(tmp_path, command)
    # a stand-in chromium on PATH keeps .ci/run from installing a browser here
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "chromium").write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "chromium").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "GEO_REVIVAL_SKIP_NOTEBOOK_VENV": "1"}  # the fresh-venv notebook check runs in CI itself
    result = subprocess.run(["bash", str(root / ".ci" / "run")], cwd=root, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == code, result.stderr
    assert f"+ {command}" in result.stdout
    if code == 0:
        assert (root / "ran.txt").read_text().strip() == "readme-test-ran"


def test_notebooks_extra_brings_jupyter_into_the_venv():
    extra = _names(_pyproject()["project"]["optional-dependencies"]["notebooks"])
    # JupyterLab to open them, nbconvert to render HTML, ipykernel for a kernel of this venv
    assert {"jupyterlab", "nbconvert", "ipykernel"} <= extra
    readme = README.read_text(encoding="utf-8")
    assert '.venv/bin/pip install -e ".[notebooks]"' in readme
    assert ".venv/bin/jupyter lab notebooks/" in readme
    assert "make notebooks-html" in readme
    make = (REPO / "notebooks" / "Makefile").read_text(encoding="utf-8")
    assert "$(PYTHON) -m nbconvert" in make  # the venv's nbconvert, not one on PATH
    assert "kernelspec install" not in make and "ipykernel install" not in make
    # .ci/run tries these lines from a fresh venv after the tests
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/check_notebooks_venv.sh" in ci
    check = (REPO / "scripts" / "check_notebooks_venv.sh").read_text(encoding="utf-8")
    assert 'install -q -e ".[notebooks]"' in check and "jupyter\" lab --version" in check
