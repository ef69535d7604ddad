"""geo-revival: monitor land restoration in subsidence, mining and old industrial zones.

The public API is re-exported here and listed once, in ``__init__.pyi``; names are imported
from their subpackage on first use so that ``import geo_revival`` stays light. Modules and names
starting with ``_`` are private.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import lazy_loader

try:
    __version__ = version("geo-revival")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__getattr__, __dir__, _public = lazy_loader.attach_stub(__name__, __file__)
__all__ = [*_public, "__version__"]
