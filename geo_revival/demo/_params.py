"""Read ``parameters.toml``, the scenario's parameters with their basis."""

from __future__ import annotations

import sys
from importlib import resources
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["load_parameters", "parameters_text"]


def parameters_text() -> str:
    """Return the text of the shipped ``parameters.toml``."""
    return resources.files("geo_revival.demo").joinpath("parameters.toml").read_text("utf-8")


def load_parameters() -> dict[str, Any]:
    """Return the shipped scenario parameters as a nested dict.

    Examples
    --------
    >>> load_parameters()["scenario"]["crs"]
    'EPSG:4548'
    """
    return tomllib.loads(parameters_text())
