"""Deprecated module path: use ``geo_revival.plan`` (or the names on ``geo_revival``)."""

from __future__ import annotations

import warnings

from geo_revival.plan import *  # noqa: F403
from geo_revival.plan import __all__  # noqa: F401

warnings.warn(
    "geo_revival.plan_progress is deprecated; import from geo_revival.plan "
    "(or geo_revival) instead",
    FutureWarning,
    stacklevel=2,
)
