"""The SIMULATED reference sample of the demo: drawn by the documented design, labelled from truth.

Recipe (reproducible: ``python scripts/make_demo_reference.py`` or
:func:`write_demo_reference`): :func:`geo_revival.estimation.design_reference_sample` on the
*mapped* demo series for the zones the progress indicators measure (key and general subsidence
zones, industrial-mining zones; they do not overlap), change classes 2020 -> 2025, the default
anticipated reclaimed shares, a 95 % CI half-width of ``DEMO_DESIGN["half_width_mu"]`` on the
treated area, Neyman allocation with at least 50 units per stratum, seed ``DEMO_DESIGN["seed"]``.
Each unit's ``reference_class`` (change class) and ``reference_state`` (state in 2025) are read
from the *truth* series with the same zones, projects and rules — what a perfect interpreter
would record. So the sample, and every estimate made from it, is SIMULATED.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo_revival.estimation import design_reference_sample, reference_from_raster
from geo_revival.restoration import CHANGE_CLASSES, STATE_CODES, change_classes, state_map

__all__ = ["DEMO_DESIGN", "REFERENCE_FILE", "demo_reference_sample", "write_demo_reference"]

REFERENCE_FILE = "xuzhou_reference_2025_simulated.csv"

#: The documented design of the shipped sample (see the module docstring).
DEMO_DESIGN: dict[str, Any] = {
    "start": 2020,
    "end": 2025,
    "half_width_mu": 3000.0,
    "seed": 20251231,
    "categories": ("key_subsidence", "general_subsidence", "industrial_mining_zone"),
}

_COLUMNS = [
    "sample_id", "stratum", "map_class", "map_change_class", "reference_class",
    "reference_change_class", "reference_state", "zone_id", "unit_id", "planned_use",
    "from_year", "to_year", "row", "col", "x", "y", "lon", "lat", "stratum_pixels",
    "pixel_area_m2", "stratum_area_m2", "inclusion_probability", "design_weight", "simulated",
]


def demo_reference_sample(demo: Any = None, **design: Any) -> gpd.GeoDataFrame:
    """Draw the demo's reference sample and label it from the simulated truth. SIMULATED.

    Parameters
    ----------
    demo
        :func:`~geo_revival.demo.load_xuzhou` result (loaded when ``None``).
    **design
        Overrides of ``DEMO_DESIGN`` (``seed``, ``half_width_mu``, ...).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per unit, columns of :func:`geo_revival.estimation.design_reference_sample`
        with ``reference_class``, ``reference_change_class`` and ``reference_state`` filled in,
        ``simulated=True``.
    """
    from geo_revival.demo.load import load_xuzhou

    demo = load_xuzhou() if demo is None else demo
    spec = {**DEMO_DESIGN, **design}
    zones = demo.zones[demo.zones["category"].isin(spec["categories"])]
    start, end = int(spec["start"]), int(spec["end"])
    drawn = design_reference_sample(
        zones, demo.landcover, projects=demo.projects, start=start, end=end,
        half_width_mu=spec["half_width_mu"], seed=int(spec["seed"]),
    )
    truth_states = state_map(zones, demo.truth, projects=demo.projects, years=[start, end])
    truth_change = change_classes(truth_states, start, end)
    sample = reference_from_raster(drawn.sample, truth_change, column="reference_class")
    sample = reference_from_raster(sample, truth_states.sel(year=end, drop=True),
                                   column="reference_state")
    names = {code: name for name, code in CHANGE_CLASSES.items()}
    states = {code: name for name, code in STATE_CODES.items()}
    sample["reference_change_class"] = sample["reference_class"].map(names)
    sample["reference_state"] = sample["reference_state"].map(states)
    sample["simulated"] = True
    sample = sample.sort_values("sample_id")[[*_COLUMNS, "geometry"]].reset_index(drop=True)
    sample.attrs = {**drawn.sample.attrs, "simulated": True}
    return sample


def write_demo_reference(out_dir: str | PathLike[str] | None = None, **design: Any) -> Path:
    """Write the demo's SIMULATED reference sample as CSV (``REFERENCE_FILE``) and return it.

    ``out_dir`` defaults to the repository's ``data/demo`` folder; coordinates are rounded to
    the centimetre (x, y) and 1e-7 degree (lon, lat) so the file is stable across platforms.
    """
    from geo_revival._paths import repo_data_dir

    folder = Path(out_dir) if out_dir is not None else repo_data_dir() / "demo"
    sample = pd.DataFrame(demo_reference_sample(**design).drop(columns="geometry"))
    sample[["x", "y"]] = sample[["x", "y"]].round(2)
    sample[["lon", "lat"]] = sample[["lon", "lat"]].round(7)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / REFERENCE_FILE
    sample.to_csv(path, index=False, lineterminator="\n")
    return path
