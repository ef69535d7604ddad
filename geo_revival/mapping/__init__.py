"""Presentation of results: offline interactive maps, print maps and charts.

These functions draw tables and layers made elsewhere (overlay, restoration, progress); they
compute nothing new.
"""

from __future__ import annotations

from geo_revival.mapping._landcover_plot import landcover_map
from geo_revival.mapping._zone_map import RatePanel, draw_rate_panel
from geo_revival.mapping.charts import (
    rate_chart,
    transition_flow_chart,
    treated_area_chart,
    zone_bar_chart,
)
from geo_revival.mapping.interactive import progress_map, save_map
from geo_revival.mapping.static import save_figure, static_map

__all__ = [
    "RatePanel",
    "draw_rate_panel",
    "landcover_map",
    "progress_map",
    "rate_chart",
    "save_figure",
    "save_map",
    "static_map",
    "transition_flow_chart",
    "treated_area_chart",
    "zone_bar_chart",
]
