"""The SIMULATED Xuzhou demo scenario: build it deterministically, load it for analysis.

No open 30 m land-cover maps or zone outlines of Xuzhou can be bundled, so the project ships a
simulated scenario placed on the real district boundaries and labelled simulated everywhere.
Its parameters and their basis are in ``parameters.toml`` and ``data/SOURCE.md``.

Examples
--------
>>> from geo_revival.demo import load_xuzhou
>>> demo = load_xuzhou()  # doctest: +SKIP
>>> demo.zones.attrs["simulated"]  # doctest: +SKIP
True
"""

from __future__ import annotations

from geo_revival.demo._reference import REFERENCE_FILE
from geo_revival.demo.build import build_xuzhou
from geo_revival.demo.load import XuzhouDemo, load_xuzhou

__all__ = ["REFERENCE_FILE", "XuzhouDemo", "build_xuzhou", "load_xuzhou"]
