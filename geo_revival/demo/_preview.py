"""``preview.png``: the simulated scenario at a glance (zones over districts, 2020 and 2025)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import numpy.typing as npt  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from geo_revival.demo._grid import Window  # noqa: E402
from geo_revival.landcover.legend import get_legend  # noqa: E402

__all__ = ["draw_preview"]


def draw_preview(
    path: Path,
    zones: gpd.GeoDataFrame,
    projects: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    truth: npt.NDArray[np.uint8],
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
    fig, axes = plt.subplots(1, 3, figsize=(18, 6.6), constrained_layout=True)
    ax = axes[0]
    dist.plot(ax=ax, color="#f2f2f2", edgecolor="#555555", linewidth=0.6)
    zones[~zones["whole_district"]].plot(ax=ax, column="category", cmap="Set1", alpha=0.9)
    jiawang = zones[zones["whole_district"]]
    jiawang.boundary.plot(ax=ax, color="#7b3294", linewidth=1.4, linestyle="--")
    projects.boundary.plot(ax=ax, color="black", linewidth=0.5)
    for _, d in dist.iterrows():
        p = d.geometry.representative_point()
        if left < p.x < right and bottom < p.y < top:
            ax.annotate(d["name_en"], (p.x, p.y), fontsize=7, color="#333333", ha="center")
    ax.set_title("Zones (filled), projects (black), Jiawang city (dashed) - SIMULATED")
    step = max(1, int(np.ceil(max(window.width, window.height) / 1400)))
    for ax, t in ((axes[1], 0), (axes[2], len(years) - 1)):
        ax.imshow(truth[t, ::step, ::step], cmap=cmap, vmin=0, vmax=9,
                  extent=(left, right, bottom, top), interpolation="nearest")
        zones[~zones["whole_district"]].boundary.plot(ax=ax, color="black", linewidth=0.4)
        ax.set_title(f"Land cover {years[t]} (truth, CLCD codes) - SIMULATED")
    for ax in axes:
        ax.set_xlim(left, right)
        ax.set_ylim(bottom, top)
        ax.set_xticks([])
        ax.set_yticks([])
    handles = [Patch(color=c.color, label=c.name_en) for c in legend.classes if c.code != 6]
    axes[2].legend(handles=handles, loc="lower right", fontsize=7, framealpha=0.9)
    fig.suptitle("Xuzhou demo scenario - SIMULATED data on real district boundaries "
                 "(EPSG:4548, 30 m)", fontsize=12)
    fig.savefig(path, dpi=80, metadata={"Software": None})
    plt.close(fig)
