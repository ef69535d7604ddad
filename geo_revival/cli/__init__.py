"""Command line ``geo-revival``: a thin typer layer over the public functions.

Each command group lives in its own module and registers itself on :data:`app`.

Examples
--------
.. code-block:: bash

    geo-revival targets               # plan targets and baselines as a table
    geo-revival zones --format csv    # zone catalogue as CSV
"""

from __future__ import annotations

from geo_revival.cli import (  # noqa: F401  (register their commands)
    _account,
    _data,
    _estimate,
    _fetch,
    _overlay,
    _report,
)
from geo_revival.cli._app import app

__all__ = ["app"]
