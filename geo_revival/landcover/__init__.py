"""Land-cover rasters: legends (what codes mean), normalising, reading and writing annual series.

The public names are listed once, in ``__init__.pyi``, and imported from their module on first
use (``lazy_loader.attach_stub``), as for the top-level package.
"""

from __future__ import annotations

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
