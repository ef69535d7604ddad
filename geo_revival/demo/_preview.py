"""``preview.png``: the simulated scenario at a glance (zones over districts, 2020 and 2025)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from geo_revival.demo._grid import Window
from geo_revival.landcover.legend import get_legend

__all__ = ["draw_preview"]

ZOOM_ZONE = "xz_jiawang_key_subsidence"


def draw_preview(
    path: Path,
    zones: gpd.GeoDataFrame,
    projects: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    truth: npt.NDArray[np.uint8],
    mapped: npt.NDArray[np.uint8],
    window: Window,
    years: Sequence[int],
) -> None:
    """Draw the preview figure to ``path`` (PNG without timestamps)."""
    legend = get_legend("clcd")
    colours = ["#ffffff"] * 10
    for cls in legend.classes:
        colours[cls.code] = cls.color
    cmap = ListedColormap(colours)
    left, bottom, right, top = window.bounds
    dist = districts.to_crs(zones.crs)
    fig, grid = plt.subplots(2, 3, figsize=(18, 10.6), constrained_layout=True)
    ax = grid[0, 0]
    dist.plot(ax=ax, color="#f2f2f2", edgecolor="#555555", linewidth=0.6)
    zones[~zones["whole_district"]].plot(
        ax=ax, column="category", cmap="Set1", alpha=0.9, legend=True,
        legend_kwds={"fontsize": 7, "loc": "upper right"},
    )
    zones[zones["whole_district"]].boundary.plot(ax=ax, color="#7b3294", linewidth=1.4,
                                                 linestyle="--")
    projects.boundary.plot(ax=ax, color="black", linewidth=0.5)
    for _, d in dist.iterrows():
        p = d.geometry.representative_point()
        if left < p.x < right and bottom < p.y < top:
            ax.annotate(d["name_en"], (p.x, p.y), fontsize=7, color="#333333", ha="center")
    ax.set_title("Zones (filled), projects (black), Jiawang city (dashed)")
    step = max(1, int(np.ceil(max(window.width, window.height) / 1400)))
    full = (left, right, bottom, top)
    panels = [
        (grid[0, 1], truth, 0, f"Land cover {years[0]} (truth)", full, step),
        (grid[0, 2], truth, -1, f"Land cover {years[-1]} (truth)", full, step),
    ]
    # Zoom on the Jiawang key subsidence zone (the densest treatment) to show the changes.
    key = zones[zones["zone_id"] == ZOOM_ZONE]
    if len(key):
        zl, zb, zr, zt = key.total_bounds
        pad = 1500.0
        zoom = (zl - pad, zr + pad, zb - pad, zt + pad)
        panels += [
            (grid[1, 0], truth, 0, f"Jiawang zone {years[0]} (truth)", zoom, 1),
            (grid[1, 1], truth, -1, f"Jiawang zone {years[-1]} (truth)", zoom, 1),
            (grid[1, 2], mapped, -1, f"Jiawang zone {years[-1]} (mapped, with errors)", zoom, 1),
        ]
    for ax, data, t, title, view, stride in panels:
        c0 = max(int((view[0] - left) // 30), 0)
        c1 = min(int((view[1] - left) // 30) + 1, window.width)
        r0 = max(int((top - view[3]) // 30), 0)
        r1 = min(int((top - view[2]) // 30) + 1, window.height)
        ax.imshow(data[t, r0:r1:stride, c0:c1:stride], cmap=cmap, vmin=0, vmax=9,
                  extent=(left + c0 * 30, left + c1 * 30, top - r1 * 30, top - r0 * 30),
                  interpolation="nearest")
        zones[~zones["whole_district"]].boundary.plot(ax=ax, color="black", linewidth=0.5)
        if stride == 1:
            projects.boundary.plot(ax=ax, color="#d7191c", linewidth=0.8)
        ax.set_title(title + " - SIMULATED")
        ax.set_xlim(view[0], view[1])
        ax.set_ylim(view[2], view[3])
    for ax in grid.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
    grid[0, 0].set_xlim(left, right)
    grid[0, 0].set_ylim(bottom, top)
    handles = [Patch(color=c.color, label=c.name_en) for c in legend.classes if c.code != 6]
    grid[0, 2].legend(handles=handles, loc="lower right", fontsize=7, framealpha=0.9)
    fig.suptitle("Xuzhou demo scenario - SIMULATED data on real district boundaries "
                 "(EPSG:4548, 30 m)", fontsize=12)
    fig.savefig(path, dpi=72, metadata={"Software": None})
    plt.close(fig)
