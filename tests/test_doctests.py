"""Every docstring example in the package runs and prints what it shows.

Examples marked ``# doctest: +SKIP`` read or write files that exist only on a user's machine;
the behaviour they illustrate is tested in the unit tests.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import geo_revival

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(geo_revival.__path__, prefix="geo_revival.")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(
        module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, report=True
    )
    assert result.failed == 0, f"{result.failed} failing example(s) in {name}"
