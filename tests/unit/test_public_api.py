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


def _stub_imports() -> dict[str, list[str]]:
    """Public names per subpackage front, as ``__init__.pyi`` lists them."""
    import ast
    from pathlib import Path

    tree = ast.parse(Path(geo_revival.__file__).with_suffix(".pyi").read_text(encoding="utf-8"))
    fronts: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            fronts.setdefault(f"geo_revival.{node.module}", []).extend(a.name for a in node.names)
    return fronts


def test_submodule_import_does_not_shadow_public_functions() -> None:
    # Importing a submodule binds its name on the package; no public function may share one.
    for module in _stub_imports():
        importlib.import_module(module)
    for name in LAZY_NAMES:
        assert not inspect.ismodule(getattr(geo_revival, name)), name


def test_unknown_attribute_raises() -> None:
    with pytest.raises(AttributeError, match="nope"):
        _ = geo_revival.nope  # type: ignore[attr-defined]


# Exceptions, result containers and frozen records document their fields, not a call.
NO_EXAMPLE_NEEDED = {
    "GeoRevivalError", "GeoRevivalWarning", "Accounting", "LegendClass", "XuzhouDemo",
    "OverlaySeries", "RestorationSeries",
}
CALLABLE_NAMES = [
    n for n in LAZY_NAMES if callable(getattr(geo_revival, n)) and n not in NO_EXAMPLE_NEEDED
]


@pytest.mark.parametrize("name", CALLABLE_NAMES)
def test_public_callables_have_numpydoc_examples(name: str) -> None:
    doc = inspect.getdoc(getattr(geo_revival, name)) or ""
    assert "Examples\n--------" in doc, f"geo_revival.{name} has no numpydoc Examples section"


def test_stub_names_are_the_fronts_public_names() -> None:
    # The stub is the one list of public names; each must be in its front's __all__ and be the
    # same object there as on geo_revival.
    for module, names in _stub_imports().items():
        front = importlib.import_module(module)
        for name in names:
            assert name in getattr(front, "__all__", ()), f"{name} not in {module}.__all__"
            assert getattr(geo_revival, name) is getattr(front, name), name
