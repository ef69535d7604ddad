"""Deprecated module path: use ``geo_revival.report`` (or the names on ``geo_revival``)."""

from __future__ import annotations

import warnings

from geo_revival.report import *  # noqa: F403
from geo_revival.report import __all__  # noqa: F401

warnings.warn(
    "geo_revival.export is deprecated; import from geo_revival.report (or geo_revival) instead",
    FutureWarning,
    stacklevel=2,
)
