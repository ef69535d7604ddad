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


# -- package shape (issue 12) ---------------------------------------------------------------
PACKAGE = REPO / "geo_revival"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, str | None, bool]]:
    """``(module, imported name or None, at module top level)`` for every import of ``path``.

    Imports under ``if TYPE_CHECKING:`` are left out (they never run); imports inside
    functions are reported with ``top=False``.
    """
    import ast

    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, str | None, bool]] = []

    def visit(nodes: list[ast.stmt], top: bool) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.Import):
                found.extend((alias.name, None, top) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parent, *([node.module] if node.module else [])])
                found.extend((base, alias.name, top) for alias in node.names)
            inner = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            for field in ("body", "orelse", "finalbody", "handlers"):
                children = [c for c in getattr(node, field, []) if isinstance(c, ast.stmt)]
                handlers = [h for h in getattr(node, field, []) if isinstance(h, ast.excepthandler)]
                visit(children + [s for h in handlers for s in h.body], top and not inner)

    visit(ast.parse(path.read_text(encoding="utf-8")).body, True)
    return found


def _unit(module: str) -> str:
    """The subpackage (``overlay``) or shared top-level module (``crs``) a module belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _package_imports() -> list[tuple[str, str, str | None, bool]]:
    return [
        (_module_name(path), target, name, top)
        for path in sorted(PACKAGE.rglob("*.py"))
        for target, name, top in _imports(path)
        if target == "geo_revival" or target.startswith("geo_revival.")
    ]


def test_no_module_imports_privates_of_another_subpackage() -> None:
    bad = []
    for module, target, name, _ in _package_imports():
        unit = _unit(target)
        if not unit or unit == _unit(module) or not (PACKAGE / unit).is_dir():
            continue  # own subpackage, or a shared top-level module
        parts = [*target.split(".")[2:], *([name] if name else [])]
        if any(p.startswith("_") and not p.startswith("__") for p in parts):
            bad.append(f"{module}: from {target} import {name}")
    assert not bad, "go through the subpackage's front instead:\n" + "\n".join(bad)


def test_no_import_cycles_between_subpackages() -> None:
    import graphlib

    graph: dict[str, set[str]] = {}
    for module, target, _, top in _package_imports():
        source, dest = _unit(module), _unit(target)
        if top and source and dest and source != dest:
            graph.setdefault(source, set()).add(dest)
    try:
        order = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        pytest.fail(f"import cycle between subpackages at module top level: {exc.args[1]}")
    assert {"overlay", "landcover", "zones", "restoration", "estimation"} <= set(order)


def test_import_checks_can_fail(tmp_path: Path) -> None:
    # The walker must see imports in functions, relative imports and skip TYPE_CHECKING blocks.
    sample = tmp_path / "geo_revival" / "overlay" / "_x.py"
    sample.parent.mkdir(parents=True)
    sample.write_text(
        "from typing import TYPE_CHECKING\n"
        "from ..restoration import _state_maps\n"
        "if TYPE_CHECKING:\n    from geo_revival.zones._load import load_zones\n"
        "def f():\n    from geo_revival.estimation._core import x\n",
        encoding="utf-8",
    )
    global REPO
    saved, REPO = REPO, tmp_path
    try:
        found = _imports(sample)
    finally:
        REPO = saved
    assert found == [
        ("typing", "TYPE_CHECKING", True),
        ("geo_revival.restoration", "_state_maps", True),
        ("geo_revival.estimation._core", "x", False),
    ]


def test_design_doc_table_agrees_with_the_tree() -> None:
    # docs/design.md lists every subpackage, each path exists, each public name is there.
    import importlib
    import re

    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in (REPO / "docs" / "design.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| `")
    ]
    listed = {}
    for first, _, names in rows:
        path = re.match(r"`([\w./]+)`", first)
        assert path, first
        listed[path.group(1)] = re.findall(r"`(\w+)`", names)
    subpackages = {p.name + "/" for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert subpackages <= set(listed), f"not in docs/design.md: {subpackages - set(listed)}"
    for path, names in listed.items():
        assert (PACKAGE / path).exists(), path
        module = importlib.import_module("geo_revival." + path.rstrip("/").removesuffix(".py"))
        missing = [n for n in names if not hasattr(module, n)]
        assert not missing, f"docs/design.md lists {missing} under {path}"
