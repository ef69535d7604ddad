"""The public API of ``geo_revival``: every name resolves, and to the right kind of object."""

from __future__ import annotations

import importlib
import inspect

import pytest

import geo_revival

MODULES = {"exceptions", "units"}
LAZY_NAMES = sorted(set(geo_revival.__all__) - MODULES - {"__version__"})


@pytest.mark.parametrize("name", LAZY_NAMES)
def test_public_name_resolves_to_an_object_not_a_module(name: str) -> None:
    obj = getattr(geo_revival, name)
    assert not inspect.ismodule(obj), f"geo_revival.{name} is a module"


def test_submodule_import_does_not_shadow_public_functions() -> None:
    # Importing a submodule binds its name on the package; no public function may share one.
    for module in {m for m in geo_revival._LAZY.values()}:
        importlib.import_module(module)
    for name in LAZY_NAMES:
        assert not inspect.ismodule(getattr(geo_revival, name)), name


def test_unknown_attribute_raises() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = geo_revival.nope  # type: ignore[attr-defined]


# Exceptions, result containers and frozen records document their fields, not a call.
NO_EXAMPLE_NEEDED = {
    "GeoRevivalError", "GeoRevivalWarning", "Accounting", "LegendClass", "XuzhouDemo",
}
CALLABLE_NAMES = [
    n for n in LAZY_NAMES if callable(getattr(geo_revival, n)) and n not in NO_EXAMPLE_NEEDED
]


@pytest.mark.parametrize("name", CALLABLE_NAMES)
def test_public_callables_have_numpydoc_examples(name: str) -> None:
    doc = inspect.getdoc(getattr(geo_revival, name)) or ""
    assert "Examples\n--------" in doc, f"geo_revival.{name} has no numpydoc Examples section"


def test_type_checking_imports_match_the_lazy_map() -> None:
    # The TYPE_CHECKING block is what IDEs and mypy see; it must name the same objects.
    import ast
    from pathlib import Path

    tree = ast.parse(Path(geo_revival.__file__).read_text(encoding="utf-8"))
    imported = {
        (node.module, alias.name)
        for block in tree.body
        if isinstance(block, ast.If) and getattr(block.test, "id", "") == "TYPE_CHECKING"
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert imported == {(module, name) for name, module in geo_revival._LAZY.items()}
