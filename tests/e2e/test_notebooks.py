"""The tutorial notebooks: committed clean, papermill-compatible, run from a clean checkout.

Each notebook is executed with nbclient in a fresh kernel, with its working directory set to
``notebooks/`` (as when a user opens it) and ``OUTPUT_DIR`` pointed at a temporary folder through
an injected-parameters cell (what papermill does), so a run writes nothing into the repository.
Any error in any cell fails the test.
"""

from __future__ import annotations

import ast
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from tests.http_server import LoopbackServer, serving

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
EXPECTED = [
    "01_zones_and_targets",
    "02_landcover_overlay",
    "03_restoration_progress",
    "04_area_estimation",
    "05_real_data",
]
CELL_TIMEOUT_S = 600  # generous: a hung cell must fail, a slow CI machine must not


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _parameters_cell(nb: nbformat.NotebookNode) -> int:
    tagged = [
        i for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])
    ]
    assert len(tagged) == 1, f"expected one cell tagged 'parameters', found {len(tagged)}"
    return tagged[0]


def inject_parameters(nb: nbformat.NotebookNode, **parameters: object) -> nbformat.NotebookNode:
    """Insert a cell after the parameters cell that overrides them, as papermill does."""
    index = _parameters_cell(nb)
    source = "\n".join(f"{name} = {value!r}" for name, value in parameters.items())
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(index + 1, cell)
    return nb


def execute(path: Path, **parameters: object) -> nbformat.NotebookNode:
    """Execute a notebook from ``notebooks/`` with the current interpreter's kernel."""
    from nbclient import NotebookClient

    nb = inject_parameters(_read(path), **parameters)
    # The python3 kernelspec starts "python": make it this interpreter (venv not activated).
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    client.execute()
    return nb


@contextlib.contextmanager
def _worldcover_mirror() -> Iterator[LoopbackServer]:
    """The two real WorldCover tiles of ../shared/data at their real URL paths."""
    from tests.conftest import SHARED_DATA
    from tests.fetch_fixtures import WC, WC_FILES, wc_path

    with serving() as server:
        for year, (_, name) in WC_FILES.items():
            server.routes[wc_path(year)] = SHARED_DATA / WC / name
        yield server


def test_all_notebooks_present() -> None:
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path: Path) -> None:
    nb = _read(path)
    dirty = [
        i for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)
    ]
    assert not dirty, (
        f"{path.name}: cells {dirty} have outputs or execution counts; clear them before "
        f"committing (jupyter nbconvert --clear-output --inplace {path.name})"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_is_papermill_compatible(path: Path) -> None:
    nb = _read(path)
    cell = nb.cells[_parameters_cell(nb)]
    tree = ast.parse(cell.source)
    names = []
    for node in tree.body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, (
            f"{path.name}: the parameters cell must hold only NAME = literal lines"
        )
        target = node.targets[0]
        assert isinstance(target, ast.Name), f"{path.name}: assign to plain names only"
        ast.literal_eval(node.value)  # a literal papermill can override
        names.append(target.id)
    assert "OUTPUT_DIR" in names, f"{path.name}: OUTPUT_DIR must be a parameter"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_says_when_data_are_simulated(path: Path) -> None:
    text = "\n".join(c.source for c in _read(path).cells if c.cell_type == "markdown")
    assert "simulated" in text.lower()


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, tmp_path: Path) -> None:
    before = sorted(NOTEBOOK_DIR.rglob("*"))
    with contextlib.ExitStack() as stack:
        parameters: dict[str, object] = {"OUTPUT_DIR": str(tmp_path / "output")}
        if path.stem == "05_real_data":  # real WorldCover tiles from a loopback mirror
            parameters.update(BASE_URL=stack.enter_context(_worldcover_mirror()).url,
                              CACHE_DIR=str(tmp_path / "cache"))  # fmt: skip
        nb = execute(path, **parameters)
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors
    # Jupyter shows stderr as a red box: no warnings (e.g. TqdmWarning) and no progress bars
    # written as text ("\r" redraws) in a notebook without ipywidgets.
    red = [
        o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stderr"
    ]
    assert not [t for t in red if "Warning" in t or "\r" in t], red
    assert any((tmp_path / "output").iterdir()), "the notebook wrote no output files"
    assert sorted(NOTEBOOK_DIR.rglob("*")) == before, "the notebook wrote into notebooks/"
