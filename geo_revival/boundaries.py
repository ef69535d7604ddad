"""Deprecated module path: use ``geo_revival.zones`` (or the names on ``geo_revival``)."""

from __future__ import annotations

import warnings

from geo_revival.zones import *  # noqa: F403
from geo_revival.zones import __all__  # noqa: F401

warnings.warn(
    "geo_revival.boundaries is deprecated; import from geo_revival.zones (or geo_revival) instead",
    FutureWarning,
    stacklevel=2,
)
