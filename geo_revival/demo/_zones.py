"""Zone outlines of the simulated scenario: clusters of elongated subsidence basins.

A zone is a set of whole 30 m pixels of the global lattice, so its outline is exact on the
raster grid (centre-of-pixel and exact-fraction overlays agree) and its area is a pixel count
fixed to the official area. The pixels are the top-N of a "basin depth" field: elongated ellipses
arranged along the coal-seam strike of each cluster, roughened by smooth noise, restricted to
pixels that lie wholly inside the zone's real district and outside zones placed before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely
from rasterio.features import rasterize, shapes

from geo_revival.demo._grid import PIXEL_M, Window, seed_key, value_noise, window_for_bounds
from geo_revival.demo._landscape import to_projected
from geo_revival.exceptions import InvalidGeometryError

__all__ = ["ZoneRaster", "district_outlines", "make_zone", "overlap", "rng_for", "to_polygon"]

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class ZoneRaster:
    """A zone as pixels: its window, mask and basin-depth field (0 outside the zone)."""

    zone_id: str
    window: Window
    mask: BoolArray
    depth: npt.NDArray[np.float64]


def rng_for(seed: int, tag: str) -> np.random.Generator:
    """Return a random generator that depends only on the seed and a tag (e.g. a zone id)."""
    return np.random.default_rng(int(seed_key(seed, tag)))


def district_outlines(
    districts: gpd.GeoDataFrame, xetdz: Mapping[str, Any]
) -> dict[str, shapely.Geometry]:
    """Return the districts in EPSG:4548 by adcode, plus the XETDZ stand-in as ``"xetdz"``."""
    projected = districts.to_crs("EPSG:4548")
    out = dict(zip(projected["adcode"].astype(str), projected.geometry, strict=True))
    lon0, lat0, lon1, lat1 = xetdz["bbox_lonlat"]
    ring = [to_projected(lon, lat) for lon, lat in
            [(lon0, lat0), (lon1, lat0), (lon1, lat1), (lon0, lat1), (lon0, lat0)]]
    host = shapely.union_all([out[a] for a in xetdz["within_adcodes"]])
    out["xetdz"] = shapely.intersection(shapely.Polygon(ring), host)
    return out


def _inside_mask(window: Window, outline: shapely.Geometry) -> BoolArray:
    """Pixels whose whole square lies inside ``outline``."""
    centre_in = rasterize(
        [(outline, 1)], out_shape=(window.height, window.width), transform=window.transform,
        fill=0, dtype="uint8",
    ).astype(bool)
    # A pixel counts when it and its 8 neighbours have their centres inside: its square is then
    # inside unless the boundary has a spike narrower than a pixel (checked after polygonising).
    padded = np.pad(centre_in, 1, constant_values=False)
    inside = np.ones_like(centre_in)
    for dr in (0, 1, 2):
        for dc in (0, 1, 2):
            inside &= padded[dr : dr + window.height, dc : dc + window.width]
    return inside


def _basin_field(
    window: Window, clusters: list[Mapping[str, Any]], target_px: int, seed: int, tag: str
) -> npt.NDArray[np.float64]:
    rng = rng_for(seed, tag)
    x, y = window.centres()
    basins = []
    for c in clusters:
        cx, cy = to_projected(c["lon"], c["lat"])
        theta = np.deg2rad(c["strike"])
        along, across = np.array([np.sin(theta), np.cos(theta)]), np.array([np.cos(theta),
                                                                             -np.sin(theta)])
        length = c["length_km"] * 1000.0
        # Each basin of the parameters is a pair of longwall-panel troughs side by side.
        for _ in range(2 * int(c["basins"])):
            u = rng.uniform(-0.5, 0.5) * length
            v = rng.normal(0.0, 0.15) * length
            a = rng.uniform(0.10, 0.22) * length
            b = a * rng.uniform(0.25, 0.45)
            depth = rng.uniform(0.6, 1.0)
            bx, by = cx + u * along[0] + v * across[0], cy + u * along[1] + v * across[1]
            basins.append((bx, by, a, b, depth, along, across))
    # Scale all basins together so that their summed ellipse area ~ 1.5 x the zone area: the
    # top-N cut then falls on the basin flanks, never on the flat land between clusters.
    ellipses = sum(np.pi * a * b for _, _, a, b, *_ in basins)
    scale = np.sqrt(1.5 * target_px * PIXEL_M**2 / ellipses)
    field = np.zeros((window.height, window.width))
    for bx, by, a, b, depth, along, across in basins:
        du = ((x - bx) * along[0] + (y - by) * along[1]) / (a * scale)
        dv = ((x - bx) * across[0] + (y - by) * across[1]) / (b * scale)
        field = np.maximum(field, depth * np.exp(-(du**2 + dv**2)))
    roughness = value_noise(seed, f"{tag}/rough", window, (16.0, 5.0), (0.7, 0.3))
    # Multiplicative roughness: ragged basin rims without specks on the land far from basins.
    return field * (0.5 + roughness)


def make_zone(
    zone_id: str,
    spec: Mapping[str, Any],
    target_px: int,
    outline: shapely.Geometry,
    occupied: Mapping[str, ZoneRaster],
    seed: int,
) -> ZoneRaster:
    """Pick exactly ``target_px`` pixels for a zone inside ``outline`` and outside ``occupied``.

    Parameters
    ----------
    zone_id
        Id of the zone (also the random tag).
    spec
        The zone's table in ``parameters.toml`` (``clusters``).
    target_px
        Number of pixels (official area / 900 m²).
    outline
        The real district (EPSG:4548) the zone must lie in.
    occupied
        Zones placed before this one, which it must not overlap.
    seed
        Scenario seed.
    """
    clusters = spec["clusters"]
    pts = [to_projected(c["lon"], c["lat"]) for c in clusters]
    reach = max(c["length_km"] for c in clusters) * 1000.0 + 8000.0
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    dl, db, dr, dt = shapely.bounds(outline)
    window = window_for_bounds(
        max(min(xs) - reach, dl), max(min(ys) - reach, db),
        min(max(xs) + reach, dr), min(max(ys) + reach, dt),
    )
    allowed = _inside_mask(window, outline)
    for other in occupied.values():
        lo = overlap(window, other.window)
        if lo is not None:
            (a_rows, a_cols), (b_rows, b_cols) = lo
            allowed[a_rows, a_cols] &= ~other.mask[b_rows, b_cols]
    if allowed.sum() < target_px:
        raise InvalidGeometryError(
            f"zone {zone_id}: only {int(allowed.sum())} free pixels inside its district, "
            f"{target_px} needed; move its clusters in parameters.toml."
        )
    field = _basin_field(window, clusters, target_px, seed, zone_id)
    flat = np.where(allowed, field, -np.inf).ravel()
    # Stable order: highest field first, ties by position, so the selection is reproducible.
    order = np.lexsort((np.arange(flat.size), -flat))
    chosen = np.zeros(flat.size, dtype=bool)
    chosen[order[:target_px]] = True
    mask = chosen.reshape(field.shape)
    # Crop to the zone's bounding box: every field is a lattice function, so nothing changes
    # but the work later steps do.
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    cropped = Window(window.row0 + r0, window.col0 + c0, r1 - r0, c1 - c0)
    mask = mask[r0:r1, c0:c1]
    return ZoneRaster(zone_id, cropped, mask, np.where(mask, field[r0:r1, c0:c1], 0.0))


def overlap(
    a: Window, b: Window
) -> tuple[tuple[slice, slice], tuple[slice, slice]] | None:
    """Slices of the common part of two windows, in a's and in b's coordinates."""
    r0, r1 = max(a.row0, b.row0), min(a.row0 + a.height, b.row0 + b.height)
    c0, c1 = max(a.col0, b.col0), min(a.col0 + a.width, b.col0 + b.width)
    if r0 >= r1 or c0 >= c1:
        return None
    return (
        (slice(r0 - a.row0, r1 - a.row0), slice(c0 - a.col0, c1 - a.col0)),
        (slice(r0 - b.row0, r1 - b.row0), slice(c0 - b.col0, c1 - b.col0)),
    )


def to_polygon(window: Window, mask: BoolArray) -> shapely.Geometry:
    """Outline of the ``True`` pixels as one (Multi)Polygon with vertices on the lattice."""
    parts = [
        shapely.geometry.shape(geom)
        for geom, value in shapes(mask.astype("uint8"), mask=mask, transform=window.transform)
        if value == 1
    ]
    merged = shapely.union_all(parts)
    # Vertices are exact multiples of 30 m; rounding to the millimetre removes float noise.
    return shapely.set_precision(merged, 0.001)
