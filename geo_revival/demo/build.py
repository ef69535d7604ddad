"""Build the SIMULATED Xuzhou demo scenario, deterministically, from ``parameters.toml`` and a seed.

Files written under ``out_dir`` (default: the repository's ``data/`` folder):

- ``demo/xuzhou_zones_simulated.gpkg``, ``demo/xuzhou_projects_simulated.gpkg`` (EPSG:4548),
- ``demo/xuzhou_truth_simulated.csv`` (known truth per zone, accounting unit and year),
- ``demo/xuzhou_<extent>_build_simulated.json`` (seed, grid, accuracy, file checksums),
- ``rasters/xuzhou_<extent>_clcd_{truth,mapped}_simulated_<year>.tif`` (COG, CLCD legend),
- ``preview.png`` (zones extent only).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from os import PathLike
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyogrio
import xarray as xr
from rasterio.features import rasterize

from geo_revival._paths import repo_data_dir
from geo_revival.crs import geodesic_area
from geo_revival.demo._grid import PIXEL_M, Window, window_for_bounds
from geo_revival.demo._landscape import background
from geo_revival.demo._mapped import degrade
from geo_revival.demo._params import load_parameters
from geo_revival.demo._scenario import REST_OF_ZONE, ZoneHistory, simulate_zone
from geo_revival.demo._zones import (
    ZoneRaster,
    district_outlines,
    make_zone,
    overlap,
    to_polygon,
)
from geo_revival.landcover.io import write_landcover
from geo_revival.landcover.legend import get_legend
from geo_revival.plan import zone_catalogue
from geo_revival.provenance import file_sha256
from geo_revival.restoration import load_rules
from geo_revival.units import convert
from geo_revival.zones import load_districts

__all__ = ["Extent", "build_xuzhou", "raster_name"]

Extent = Literal["zones", "prefecture"]
UInt8Array = npt.NDArray[np.uint8]
CRS = "EPSG:4548"
STRIP_ROWS = 512
_GPKG_DATE = "2025-01-01T00:00:00Z"  # fixed GeoPackage timestamp: byte-identical rebuilds
ZONES_FILE = "xuzhou_zones_simulated.gpkg"
PROJECTS_FILE = "xuzhou_projects_simulated.gpkg"
TRUTH_FILE = "xuzhou_truth_simulated.csv"
BUILD_FILE = "xuzhou_{extent}_build_simulated.json"  # one per extent: grid, accuracy, checksums


def raster_name(extent: str, series: str, year: int | str = "{year}") -> str:
    """Return the file name of a simulated series' year.

    Examples
    --------
    >>> raster_name("zones", "truth", 2020)
    'xuzhou_zones_clcd_truth_simulated_2020.tif'
    """
    return f"xuzhou_{extent}_clcd_{series}_simulated_{year}.tif"


# --- zones and projects -------------------------------------------------------------------------


def _make_zones(
    params: Mapping[str, Any], seed: int
) -> tuple[dict[str, ZoneRaster], dict[str, Any], gpd.GeoDataFrame]:
    catalogue = zone_catalogue().set_index("zone_id")
    districts = load_districts()
    outlines = district_outlines(districts, params["xetdz"])
    rasters: dict[str, ZoneRaster] = {}
    geoms: dict[str, Any] = {}
    for spec in params["zones"]:
        zid = spec["zone_id"]
        outline = outlines[spec["district_adcode"]]
        if spec.get("whole_district"):
            geoms[zid] = outline
            continue
        px = round(float(convert(catalogue.loc[zid, "official_area_km2"], "km2", "m2"))
                   / PIXEL_M**2)
        rasters[zid] = make_zone(zid, spec, px, outline, rasters, seed)
        geoms[zid] = to_polygon(rasters[zid].window, rasters[zid].mask)
    return rasters, geoms, districts


def _zones_frame(params: Mapping[str, Any], geoms: Mapping[str, Any]) -> gpd.GeoDataFrame:
    catalogue = zone_catalogue().set_index("zone_id")
    rows = []
    for spec in params["zones"]:
        zid = spec["zone_id"]
        c = catalogue.loc[zid]
        rows.append({
            "zone_id": zid, "name_zh": c["name_zh"], "name_en": c["name_en"],
            "category": c["category"], "planned_use": spec["planned_use"],
            "official_area_km2": float(c["official_area_km2"]),
            "district_adcode": spec["district_adcode"],
            "whole_district": bool(spec.get("whole_district", False)),
            "simulated": True,
        })
    frame = gpd.GeoDataFrame(rows, geometry=[geoms[r["zone_id"]] for r in rows], crs=CRS)
    return _with_areas(frame)


def _with_areas(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    area = geodesic_area(frame).to_numpy()
    frame.insert(len(frame.columns) - 1, "area_m2", area)
    frame.insert(len(frame.columns) - 1, "area_mu", convert(area, "m2", "mu"))
    return frame


def _projects_frame(
    params: Mapping[str, Any], histories: Mapping[str, ZoneHistory]
) -> gpd.GeoDataFrame:
    rows, geoms = [], []
    for spec in params["projects"]:
        hist = histories[spec["parent_zone_id"]]
        k = hist.unit_ids.index(spec["zone_id"])
        planned_px = hist.planned_px[spec["zone_id"]]
        rows.append({
            "zone_id": spec["zone_id"], "name_zh": spec["name_zh"], "name_en": spec["name_en"],
            "category": "project", "planned_use": spec["planned_use"],
            "official_area_km2": np.nan, "parent_zone_id": spec["parent_zone_id"],
            "start_year": int(spec["start_year"]), "end_year": int(spec["end_year"]),
            "planned_area_mu": float(convert(planned_px * PIXEL_M**2, "m2", "mu")),
            "simulated": True,
        })
        geoms.append(to_polygon(hist.zone.window, hist.units == k))
    return _with_areas(gpd.GeoDataFrame(rows, geometry=geoms, crs=CRS))


# --- rasters ------------------------------------------------------------------------------------


def _extent_window(
    extent: Extent, zones: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, margin_km: float
) -> Window:
    if extent == "zones":
        left, bottom, right, top = zones.total_bounds
        m = margin_km * 1000.0
    elif extent == "prefecture":
        pref = districts[districts["prefecture_adcode"].astype(str) == "320300"]
        left, bottom, right, top = pref.to_crs(CRS).total_bounds
        m = 1000.0
    else:
        raise ValueError(f"extent must be 'zones' or 'prefecture', not {extent!r}")
    return window_for_bounds(left - m, bottom - m, right + m, top + m)


def render(
    window: Window,
    histories: Sequence[ZoneHistory],
    params: Mapping[str, Any],
    seed: int,
) -> tuple[UInt8Array, UInt8Array]:
    """Truth and mapped land cover ``(year, y, x)`` on ``window``, computed strip by strip."""
    n_years = len(params["scenario"]["years"])
    truth = np.zeros((n_years, window.height, window.width), np.uint8)
    mapped = np.zeros_like(truth)
    for r in range(0, window.height, STRIP_ROWS):
        # A one-pixel halo all round (computed like any other pixel, also beyond the extent),
        # so that edge detection sees the same neighbours whatever the extent.
        halo = Window(window.row0 + r - 1, window.col0 - 1,
                      min(STRIP_ROWS, window.height - r) + 2, window.width + 2)
        strip = np.repeat(background(halo, params["landscape"], seed)[None], n_years, axis=0)
        for hist in histories:
            ov = overlap(halo, hist.zone.window)
            if ov is None:
                continue
            (a, b), (c, d) = ov
            zone_mask = hist.zone.mask[c, d]
            strip[:, a, b] = np.where(zone_mask, hist.classes[:, c, d], strip[:, a, b])
        inner = (slice(1, halo.height - 1), slice(1, halo.width - 1))
        truth[:, r : r + halo.height - 2] = strip[:, inner[0], inner[1]]
        for t, year in enumerate(params["scenario"]["years"]):
            mapped[t, r : r + halo.height - 2] = degrade(
                strip[t], halo, int(year), params["mapped"], seed
            )[inner]
    return truth, mapped


def _dataarray(
    data: UInt8Array, window: Window, years: Sequence[int], series: str, seed: int
) -> xr.DataArray:
    x = window.bounds[0] + (np.arange(window.width) + 0.5) * PIXEL_M
    y = window.bounds[3] - (np.arange(window.height) + 0.5) * PIXEL_M
    da = xr.DataArray(data, dims=("year", "y", "x"),
                      coords={"year": list(years), "y": y, "x": x}, name="landcover")
    da = da.rio.write_crs(CRS).rio.write_transform(window.transform).rio.write_nodata(0)
    da.attrs.update(
        legend="clcd", product="CLCD (SIMULATED)", simulated=True,
        version=["v01"] * len(years),  # CLCD v01 legend; "simulated" is in tags and names
        source=[f"geo_revival.demo.build_xuzhou(seed={seed})"] * len(years),
    )
    return da


# --- known truth --------------------------------------------------------------------------------


def _state_lookup(use: str) -> npt.NDArray[np.int8]:
    """Per CLCD code: 1 restored, -1 damaged, 0 neutral, under planned use ``use``.

    The known truth reads land as the default rule set does (one definition of the states).
    """
    rules, legend = load_rules("default"), get_legend("clcd")
    sign = {"restored": 1, "damaged": -1, "neutral": 0}
    table = np.zeros(256, np.int8)
    for code in legend.codes:
        table[code] = sign[rules.state(legend.generic(code), use)]
    return table


def _unit_rows(
    zone_id: str, unit_id: str, use: str, classes: UInt8Array, years: Sequence[int],
    recorded: Mapping[tuple[str, int], int] | None,
    new_damage: Mapping[tuple[str, int], int] | None,
) -> list[dict[str, Any]]:
    """Truth rows for one accounting unit; ``classes`` is ``(year, n_pixels)``."""
    states = _state_lookup(use)[classes]
    rows = []
    for t, year in enumerate(years):
        row: dict[str, Any] = {
            "zone_id": zone_id, "unit_id": unit_id, "planned_use": use, "year": int(year),
            "pixels": int(classes.shape[1]),
            "damaged_pixels": int((states[t] == -1).sum()),
            "restored_pixels": int((states[t] == 1).sum()),
            "neutral_pixels": int((states[t] == 0).sum()),
        }
        if t > 0:
            row["reclaimed_pixels"] = int(((states[t - 1] == -1) & (states[t] == 1)).sum())
            row["newly_damaged_pixels"] = int(((states[t - 1] != -1) & (states[t] == -1)).sum())
        if recorded is not None and t > 0:
            row["treated_pixels_recorded"] = recorded.get((unit_id, int(year)), 0)
            row["new_damage_pixels_recorded"] = (new_damage or {}).get((unit_id, int(year)), 0)
        for code in range(1, 10):
            row[f"class_{code}_pixels"] = int((classes[t] == code).sum())
        rows.append(row)
    return rows


def _truth_table(
    params: Mapping[str, Any], histories: Mapping[str, ZoneHistory], zones: gpd.GeoDataFrame,
    truth: UInt8Array, window: Window,
) -> pd.DataFrame:
    years = [int(y) for y in params["scenario"]["years"]]
    rows: list[dict[str, Any]] = []
    for _, zone in zones.iterrows():
        zid = zone["zone_id"]
        if zid in histories:
            h = histories[zid]
            for k, (uid, use) in enumerate(zip(h.unit_ids, h.unit_uses, strict=True)):
                sel = h.zone.mask & (h.units == k)
                rows += _unit_rows(zid, uid, use, h.classes[:, sel], years,
                                   h.treated, h.new_damage)
        else:
            # Whole-district zone: pixels whose centre lies inside the real outline.
            inside = rasterize([(zone.geometry, 1)], out_shape=(window.height, window.width),
                               transform=window.transform, fill=0, dtype="uint8").astype(bool)
            rows += _unit_rows(zid, REST_OF_ZONE, zone["planned_use"], truth[:, inside], years,
                               None, None)
    table = pd.DataFrame(rows)
    count_cols = [c for c in table.columns if c.endswith("_pixels")]
    table[count_cols] = table[count_cols].astype("Int64")
    table["pixel_area_m2"] = PIXEL_M**2
    return table


# --- writing ------------------------------------------------------------------------------------


@contextmanager
def _fixed_gpkg_date() -> Any:
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": _GPKG_DATE})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})


def _write_gpkg(frame: gpd.GeoDataFrame, path: Path, layer: str) -> None:
    path.unlink(missing_ok=True)
    with _fixed_gpkg_date():
        frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")


def build_xuzhou(
    out_dir: str | PathLike[str] | None = None,
    *,
    seed: int | None = None,
    extent: Extent = "zones",
    preview: bool = True,
) -> dict[str, Path]:
    """Regenerate the SIMULATED Xuzhou scenario; the same seed gives byte-identical files.

    Parameters
    ----------
    out_dir
        Folder that receives ``demo/``, ``rasters/`` and ``preview.png``; defaults to the
        repository's ``data/`` folder (the shipped files).
    seed
        Random seed; defaults to ``[scenario] seed`` of ``parameters.toml`` (the shipped data).
    extent
        ``"zones"`` (default, shipped): bounding box of the zones plus a margin;
        ``"prefecture"``: all of Xuzhou prefecture (~210 x 140 km, ~0.5 GB in memory).
    preview
        Also draw ``preview.png`` (zones extent only).

    Returns
    -------
    dict
        ``{name: path}`` of every file written.

    Examples
    --------
    >>> files = build_xuzhou("/tmp/demo-data", extent="zones")  # doctest: +SKIP
    """
    params = load_parameters()
    if seed is not None:
        params["scenario"]["seed"] = int(seed)
    seed = int(params["scenario"]["seed"])
    years = [int(y) for y in params["scenario"]["years"]]
    out = Path(out_dir) if out_dir is not None else repo_data_dir()
    (out / "demo").mkdir(parents=True, exist_ok=True)
    (out / "rasters").mkdir(parents=True, exist_ok=True)

    zone_rasters, geoms, districts = _make_zones(params, seed)
    zones = _zones_frame(params, geoms)
    histories = _simulate(params, zone_rasters, seed)
    projects = _projects_frame(params, histories)

    files: dict[str, Path] = {}
    files["zones"] = out / "demo" / ZONES_FILE
    _write_gpkg(zones, files["zones"], "zones")
    files["projects"] = out / "demo" / PROJECTS_FILE
    _write_gpkg(projects, files["projects"], "projects")

    window = _extent_window(extent, zones, districts, float(params["scenario"]["margin_km"]))
    truth, mapped = render(window, list(histories.values()), params, seed)
    for series, data in (("truth", truth), ("mapped", mapped)):
        paths = write_landcover(
            _dataarray(data, window, years, series, seed),
            out / "rasters" / raster_name(extent, series), simulated=True, force=True,
        )
        files.update({f"{series}_{y}": p for y, p in zip(years, paths, strict=True)})

    table = _truth_table(params, histories, zones, truth, window)
    files["truth"] = out / "demo" / TRUTH_FILE
    table.to_csv(files["truth"], index=False, lineterminator="\n")

    accuracy = {str(y): float((truth[t] == mapped[t])[truth[t] > 0].mean())
                for t, y in enumerate(years)}
    if preview and extent == "zones":
        from geo_revival.demo._preview import draw_preview

        files["preview"] = out / "preview.png"
        draw_preview(files["preview"], zones, projects, districts, truth, mapped, window, years)

    summary = {
        "simulated": True,
        "seed": seed,
        "extent": extent,
        "grid": {"crs": CRS, "pixel_m": PIXEL_M, "bounds": list(window.bounds),
                 "width": window.width, "height": window.height},
        "mapped_overall_accuracy": accuracy,
        "files": {k: {"path": str(p.relative_to(out)), "sha256": file_sha256(p)}
                  for k, p in sorted(files.items())},
    }
    files["build"] = out / "demo" / BUILD_FILE.format(extent=extent)
    files["build"].write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n", "utf-8")
    return files


def _simulate(
    params: Mapping[str, Any], zone_rasters: Mapping[str, ZoneRaster], seed: int
) -> dict[str, ZoneHistory]:
    catalogue = zone_catalogue().set_index("zone_id")
    histories = {}
    for spec in params["zones"]:
        zid = spec["zone_id"]
        if zid not in zone_rasters:
            continue
        zr = zone_rasters[zid]
        histories[zid] = simulate_zone(
            zr, str(catalogue.loc[zid, "category"]), spec["planned_use"],
            [p for p in params["projects"] if p["parent_zone_id"] == zid],
            {c["name"]: c for c in spec["clusters"]},
            background(zr.window, params["landscape"], seed), params,
        )
    return histories
