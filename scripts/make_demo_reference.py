"""Rebuild the demo's SIMULATED reference sample, data/demo/xuzhou_reference_2025_simulated.csv.

The design and the labelling are documented in geo_revival/demo/_reference.py (DEMO_DESIGN):
design_reference_sample on the mapped series, labels read from the simulated truth series.

    python scripts/make_demo_reference.py [OUT_DIR]
"""

from __future__ import annotations

import sys

from geo_revival.demo._reference import write_demo_reference

if __name__ == "__main__":
    print(write_demo_reference(sys.argv[1] if len(sys.argv) > 1 else None))
