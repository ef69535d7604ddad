"""geo-revival: monitoring land restoration in subsidence areas, mining districts and old industrial zones.

The public API is re-exported here; modules and names starting with ``_`` are private.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from geo_revival import exceptions, units
from geo_revival.exceptions import GeoRevivalError, GeoRevivalWarning

try:
    __version__ = version("geo-revival")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "GeoRevivalError",
    "GeoRevivalWarning",
    "__version__",
    "exceptions",
    "units",
]
