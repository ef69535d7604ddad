"""What happens inside each zone from 2020 to 2025: damage, treatment by projects, new subsidence.

The process is recorded as it runs (pixels treated per accounting unit and year, new damage), so
the scenario knows its own truth; the land cover it paints follows the states of the default
rule set (``rules/default.toml``): a treated pixel goes from a damaged code to a restored code for
its planned use in its treatment year, and nothing else turns damaged land into restored land.

Accounting units: a project's pixels (planned use of the project) and the rest of the zone
(planned use of the zone, unit id :data:`REST_OF_ZONE`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from geo_revival.demo._grid import PIXEL_M, Window, value_noise
from geo_revival.demo._landscape import (
    BARREN,
    CROPLAND,
    FOREST,
    GRASSLAND,
    IMPERVIOUS,
    SHRUB,
    WATER,
    WETLAND,
    to_projected,
)
from geo_revival.demo._zones import ZoneRaster, rng_for
from geo_revival.units import convert

__all__ = ["REST_OF_ZONE", "ZoneHistory", "simulate_zone"]

#: Unit id of a zone's pixels outside its projects.
REST_OF_ZONE = "rest_of_zone"

BoolArray = npt.NDArray[np.bool_]
UInt8Array = npt.NDArray[np.uint8]
SUBSIDENCE = ("key_subsidence", "general_subsidence")
#: Share of a project's outline that is damaged in 2020 (assumption, see SOURCE.md).
PROJECT_DAMAGED_SHARE = 0.8
#: Damaged land in a project = planned treatment x this margin, so a completion above 1 fits.
PROJECT_MARGIN = 1.1


@dataclass
class ZoneHistory:
    """Land cover of one zone's pixels per year, its units and its recorded process."""

    zone: ZoneRaster
    units: npt.NDArray[np.int16]  # 0 = zone remainder, k = k-th project of the zone
    unit_ids: list[str]
    unit_uses: list[str]
    classes: UInt8Array  # (year, y, x); valid where zone.mask
    treated: dict[tuple[str, int], int] = field(default_factory=dict)
    new_damage: dict[tuple[str, int], int] = field(default_factory=dict)
    planned_px: dict[str, int] = field(default_factory=dict)  # per project, 2021-2025


def _even_split(total: int, years: Sequence[int]) -> dict[int, int]:
    """Integers per year that sum to ``total`` (cumulative rounding)."""
    n = len(years)
    return {y: round(total * (k + 1) / n) - round(total * k / n) for k, y in enumerate(years)}


def _restored_code(use: str, window: Window, seed: int) -> UInt8Array:
    """Restored CLCD code for ``use`` at every pixel of the window (mixtures by smooth noise)."""
    mix = value_noise(seed, f"mix/{use}", window, (6.0, 2.0), (0.7, 0.3))
    if use == "cropland":
        return np.full(mix.shape, CROPLAND, np.uint8)
    if use == "water":
        return np.where(mix > 0.62, WETLAND, WATER).astype(np.uint8)
    if use == "forest":
        return np.select([mix < 0.5, mix < 0.75], [FOREST, GRASSLAND], SHRUB).astype(np.uint8)
    if use == "construction":
        return np.full(mix.shape, IMPERVIOUS, np.uint8)
    raise ValueError(f"no restored code for planned use {use!r}")


def _pick(candidates: BoolArray, score: npt.NDArray[np.float64], n: int) -> BoolArray:
    """Select the ``n`` candidate pixels of lowest score (ties broken by position)."""
    idx = np.flatnonzero(candidates)
    chosen = idx[np.lexsort((idx, score.ravel()[idx]))[: max(n, 0)]]
    out = np.zeros(candidates.size, dtype=bool)
    out[chosen] = True
    return out.reshape(candidates.shape)


def _distance_score(
    window: Window, lon: float, lat: float, seed: int, tag: str
) -> npt.NDArray[np.float64]:
    x, y = window.centres()
    sx, sy = to_projected(lon, lat)
    noise = value_noise(seed, f"{tag}/shape", window, (10.0, 4.0), (0.7, 0.3))
    return np.hypot(x - sx, y - sy) / 1000.0 + 1.2 * noise


def simulate_zone(
    zone: ZoneRaster,
    category: str,
    planned_use: str,
    projects: Sequence[Mapping[str, Any]],
    clusters: Mapping[str, Mapping[str, Any]],
    background: UInt8Array,
    params: Mapping[str, Any],
) -> ZoneHistory:
    """Paint the zone's land cover for every year and record what the process did.

    Parameters
    ----------
    zone
        The zone's pixels and basin depth.
    category, planned_use
        From the zone catalogue / parameters.
    projects
        ``[[projects]]`` tables whose ``parent_zone_id`` is this zone.
    clusters
        The zone's clusters by name (project positions default to their cluster centre).
    background
        Background land cover on ``zone.window``.
    params
        All scenario parameters.
    """
    seed = int(params["scenario"]["seed"])
    years = [int(y) for y in params["scenario"]["years"]]
    w, mask, depth = zone.window, zone.mask, zone.depth
    rng = rng_for(seed, f"{zone.zone_id}/process")
    completion = params["pace"]["subsidence"]["completion"]
    villages = mask & (background == IMPERVIOUS)
    land = mask & ~villages if category != "old_industrial_zone" else mask.copy()
    n_land, n_zone = int(land.sum()), int(mask.sum())

    # Treatment to be done 2021-2025 and damaged land in 2020, by zone type.
    if category in SUBSIDENCE:
        pace = params["pace"]["subsidence"]
        damaged_2020 = round((1 - pace["treated_share_2020"]) * n_land)
        total_treat = round(len(years[1:]) * pace["annual_treated_share"] * n_land)
        project_share = float(pace["project_share"]["value"])
    elif category == "industrial_mining_zone":
        pace = params["pace"]["mining"]
        damaged_2020 = round(pace["damaged_share_of_zone"] * n_zone)
        ever = damaged_2020 / (1 - pace["restoration_rate_2020"])
        total_treat = round((pace["restoration_rate_2025"] - pace["restoration_rate_2020"]) * ever)
        project_share = float(params["pace"]["subsidence"]["project_share"]["value"])
    elif category == "old_industrial_zone":
        pace = params["pace"]["old_industrial"]
        px_per_mu = float(convert(1.0, "mu", "m2")) / PIXEL_M**2
        damaged_2020 = round((pace["brownfield_mu"] + pace["extra_brownfield_mu"]) * px_per_mu)
        total_treat = round(pace["brownfield_mu"] * pace["remediated_by_2025_share"] * px_per_mu)
        project_share = 0.0
    else:
        raise ValueError(f"zone {zone.zone_id}: no process for category {category!r}")
    if not projects:
        project_share = 0.0

    # Project outlines, grown from their seed over the zone's land.
    units = np.zeros(mask.shape, dtype=np.int16)
    unit_ids, unit_uses = [REST_OF_ZONE], [planned_use]
    weights = sum(float(p["weight"]) for p in projects)
    project_treat: dict[str, int] = {}
    project_damaged: dict[int, BoolArray] = {}
    for k, p in enumerate(projects, start=1):
        planned = round(total_treat * project_share * float(p["weight"]) / weights)
        n_damaged = int(np.ceil(planned * PROJECT_MARGIN))
        size = int(np.ceil(n_damaged / PROJECT_DAMAGED_SHARE))
        centre = clusters[p["cluster"]]
        lon, lat = p.get("lon", centre["lon"]), p.get("lat", centre["lat"])
        score = _distance_score(w, lon, lat, seed, p["zone_id"])
        outline = _pick(land & (units == 0), score, size)
        units[outline] = k
        unit_ids.append(p["zone_id"])
        unit_uses.append(p["planned_use"])
        project_treat[p["zone_id"]] = planned
        # Damaged part: the deepest pixels, except in water projects, where the deepest part is
        # the existing lake and the damaged part is the bare shallow ground around it.
        ranked = -depth if p["planned_use"] != "water" else depth
        project_damaged[k] = _pick(outline, ranked, n_damaged)

    # 2020 land cover.
    lc = background.copy()
    spoil = value_noise(seed, f"{zone.zone_id}/spoil", w, (5.0, 2.0), (0.7, 0.3)) > 0.68
    remainder = land & (units == 0)
    n_remainder_damaged = max(damaged_2020 - sum(int(m.sum()) for m in project_damaged.values()), 0)
    remainder_damaged = _pick(remainder, -depth, n_remainder_damaged)
    if category in SUBSIDENCE:
        keep = np.isin(background, (CROPLAND, FOREST, SHRUB, GRASSLAND))
        lc[remainder & ~keep] = CROPLAND
        lc[remainder_damaged] = np.where(spoil, BARREN, WATER)[remainder_damaged]
    elif category == "industrial_mining_zone":
        prior = _pick(remainder & ~remainder_damaged, -depth,
                      round(damaged_2020 * pace["restoration_rate_2020"]
                            / (1 - pace["restoration_rate_2020"])))
        lc[remainder & np.isin(background, (WATER,))] = WETLAND  # lakes of the wetland parks
        lc[prior] = _restored_code(planned_use, w, seed)[prior]
        lc[remainder_damaged] = BARREN
    else:  # old industrial zone: built-up with parks, brownfields bare
        parks = value_noise(seed, f"{zone.zone_id}/parks", w, (8.0,)) > 0.75
        lc[land] = np.where(parks, GRASSLAND, IMPERVIOUS)[land]
        lc[remainder_damaged] = BARREN
    for k, p in enumerate(projects, start=1):
        outline, dmg = units == k, project_damaged[k]
        use = p["planned_use"]
        if use == "cropland":
            lc[outline] = CROPLAND
            lc[dmg] = np.where(spoil, BARREN, WATER)[dmg]
        elif use == "water":
            lc[outline] = WATER
            lc[dmg] = BARREN
        else:
            lc[outline] = CROPLAND if use == "construction" else GRASSLAND
            lc[dmg] = BARREN
    damaged = remainder_damaged.copy()
    for dmg in project_damaged.values():
        damaged |= dmg

    history = ZoneHistory(zone, units, unit_ids, unit_uses,
                          np.zeros((len(years), *mask.shape), np.uint8))
    history.classes[0] = lc
    history.planned_px.update(project_treat)

    # Yearly schedules: projects over their own years, the rest over 2021-2025.
    low, high = float(completion["low"]), float(completion["high"])
    schedule: dict[int, dict[int, int]] = {}
    for k, p in enumerate(projects, start=1):
        realised = round(project_treat[p["zone_id"]] * rng.uniform(low, high))
        active = [y for y in years[1:] if p["start_year"] <= y <= p["end_year"]]
        schedule[k] = _even_split(realised, active)
    rest = round((total_treat - sum(project_treat.values())) * rng.uniform(low, high))
    schedule[0] = _even_split(rest, years[1:])
    orders = {0: depth.copy()}  # the rest: shallowest damage first (cheapest to reclaim)
    for k, p in enumerate(projects, start=1):
        centre = clusters[p["cluster"]]
        orders[k] = _distance_score(w, p.get("lon", centre["lon"]), p.get("lat", centre["lat"]),
                                    seed, f"{p['zone_id']}/works")
    new_share = float(params["pace"]["subsidence"]["new_damage"]["annual_share"])
    restored_codes = {use: _restored_code(use, w, seed) for use in set(unit_uses) if use}

    for t, year in enumerate(years[1:], start=1):
        lc = lc.copy()
        treated_now = np.zeros(mask.shape, dtype=bool)
        for k, uid in enumerate(unit_ids):
            quota = schedule[k].get(year, 0)
            chosen = _pick(damaged & (units == k), orders[k], quota)
            lc[chosen] = restored_codes[unit_uses[k]][chosen]
            damaged &= ~chosen
            treated_now |= chosen
            history.treated[(uid, year)] = int(chosen.sum())
        if category == "key_subsidence":
            # New subsidence at active mines: cropland outside projects sinks and floods.
            fresh = _pick(remainder & (lc == CROPLAND) & ~treated_now, -depth,
                          round(new_share * n_zone))
            lc[fresh] = WATER
            damaged |= fresh
            history.new_damage[(REST_OF_ZONE, year)] = int(fresh.sum())
        history.classes[t] = lc
    return history
