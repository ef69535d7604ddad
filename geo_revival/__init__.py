"""geo-revival: monitor land restoration in subsidence, mining and old industrial zones.

The public API is re-exported here; modules and names starting with ``_`` are private.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from geo_revival import exceptions, units
from geo_revival.exceptions import GeoRevivalError, GeoRevivalWarning

try:
    __version__ = version("geo-revival")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

if TYPE_CHECKING:  # static type checkers and IDEs see the real objects
    from geo_revival.boundaries import (
        load_districts,
    )
    from geo_revival.crs import (
        bd09_to_wgs84,
        gcj02_to_wgs84,
        geodesic_area,
        gk_zone_crs,
        local_projected_crs,
        require_crs,
        to_wgs84_geometries,
        wgs84_to_bd09,
        wgs84_to_gcj02,
    )
    from geo_revival.demo import (
        XuzhouDemo,
        build_xuzhou,
        load_xuzhou,
    )
    from geo_revival.estimation import (
        accuracy_assessment,
        allocate_sample,
        draw_sample,
        error_matrix,
        estimate_areas,
        estimate_change_area,
        estimate_reclaimed_area,
        read_response_sheet,
        reference_from_raster,
        sample_from_counts,
        sample_size,
        stratum_areas,
        write_response_sheet,
    )
    from geo_revival.export import (
        to_csv,
        to_geopackage,
        to_xlsx,
    )
    from geo_revival.landcover.io import (
        check_codes,
        open_landcover,
        pixel_area,
        read_zone_windows,
        write_landcover,
    )
    from geo_revival.landcover.legend import (
        GENERIC_CLASSES,
        Legend,
        LegendClass,
        get_legend,
        legend_from_csv,
        list_legends,
        register_legend,
    )
    from geo_revival.landcover.stac import (
        open_landcover_stac,
    )
    from geo_revival.mapping import (
        landcover_map,
        progress_map,
        rate_chart,
        save_figure,
        save_map,
        static_map,
        transition_flow_chart,
        treated_area_chart,
        zone_bar_chart,
    )
    from geo_revival.overlay import (
        OverlaySeries,
        class_areas,
        coverage_report,
        filter_flips,
        overlay_series,
        transition_matrix,
        transitions,
    )
    from geo_revival.plan import (
        get_target,
        plan_targets,
        zone_catalogue,
    )
    from geo_revival.plan_progress import (
        progress,
        progress_indicators,
        project_trend,
        rate_trajectory,
        treated_trajectory,
    )
    from geo_revival.report import (
        build_report,
    )
    from geo_revival.restoration import (
        CHANGE_CLASSES,
        STATE_CODES,
        TRAJECTORY_CLASSES,
        Accounting,
        RestorationSeries,
        RuleSet,
        account,
        accounting_units,
        aggregate_zones,
        attach_units,
        change_classes,
        classify_states,
        list_rule_sets,
        load_rules,
        reclaimed_area,
        restoration_rate,
        restoration_series,
        restoration_status,
        state_map,
        state_transitions,
        trajectories,
        write_trajectories,
    )
    from geo_revival.zones import (
        PLANNED_USES,
        ZONE_CATEGORIES,
        load_zones,
    )

# Public name -> module. Imported on first access so that `import geo_revival` stays light.
_LAZY = {
    "require_crs": "geo_revival.crs",
    "gcj02_to_wgs84": "geo_revival.crs",
    "wgs84_to_gcj02": "geo_revival.crs",
    "bd09_to_wgs84": "geo_revival.crs",
    "wgs84_to_bd09": "geo_revival.crs",
    "local_projected_crs": "geo_revival.crs",
    "geodesic_area": "geo_revival.crs",
    "to_wgs84_geometries": "geo_revival.crs",
    "gk_zone_crs": "geo_revival.crs",
    "ZONE_CATEGORIES": "geo_revival.zones",
    "PLANNED_USES": "geo_revival.zones",
    "plan_targets": "geo_revival.plan",
    "zone_catalogue": "geo_revival.plan",
    "get_target": "geo_revival.plan",
    "load_districts": "geo_revival.boundaries",
    "load_zones": "geo_revival.zones",
    "Legend": "geo_revival.landcover.legend",
    "get_legend": "geo_revival.landcover.legend",
    "list_legends": "geo_revival.landcover.legend",
    "legend_from_csv": "geo_revival.landcover.legend",
    "register_legend": "geo_revival.landcover.legend",
    "open_landcover": "geo_revival.landcover.io",
    "pixel_area": "geo_revival.landcover.io",
    "write_landcover": "geo_revival.landcover.io",
    "check_codes": "geo_revival.landcover.io",
    "read_zone_windows": "geo_revival.landcover.io",
    "GENERIC_CLASSES": "geo_revival.landcover.legend",
    "LegendClass": "geo_revival.landcover.legend",
    "open_landcover_stac": "geo_revival.landcover.stac",
    "class_areas": "geo_revival.overlay",
    "transition_matrix": "geo_revival.overlay",
    "transitions": "geo_revival.overlay",
    "coverage_report": "geo_revival.overlay",
    "overlay_series": "geo_revival.overlay",
    "OverlaySeries": "geo_revival.overlay",
    "filter_flips": "geo_revival.overlay",
    "trajectories": "geo_revival.restoration",
    "write_trajectories": "geo_revival.restoration",
    "restoration_series": "geo_revival.restoration",
    "RestorationSeries": "geo_revival.restoration",
    "TRAJECTORY_CLASSES": "geo_revival.restoration",
    "load_rules": "geo_revival.restoration",
    "restoration_status": "geo_revival.restoration",
    "restoration_rate": "geo_revival.restoration",
    "reclaimed_area": "geo_revival.restoration",
    "state_map": "geo_revival.restoration",
    "change_classes": "geo_revival.restoration",
    "STATE_CODES": "geo_revival.restoration",
    "CHANGE_CLASSES": "geo_revival.restoration",
    "estimate_reclaimed_area": "geo_revival.estimation",
    "build_xuzhou": "geo_revival.demo",
    "load_xuzhou": "geo_revival.demo",
    "XuzhouDemo": "geo_revival.demo",
    "progress": "geo_revival.plan_progress",
    "progress_map": "geo_revival.mapping",
    "static_map": "geo_revival.mapping",
    "landcover_map": "geo_revival.mapping",
    "save_map": "geo_revival.mapping",
    "save_figure": "geo_revival.mapping",
    "treated_area_chart": "geo_revival.mapping",
    "rate_chart": "geo_revival.mapping",
    "zone_bar_chart": "geo_revival.mapping",
    "transition_flow_chart": "geo_revival.mapping",
    "to_csv": "geo_revival.export",
    "to_xlsx": "geo_revival.export",
    "to_geopackage": "geo_revival.export",
    "build_report": "geo_revival.report",
    "RuleSet": "geo_revival.restoration",
    "list_rule_sets": "geo_revival.restoration",
    "classify_states": "geo_revival.restoration",
    "state_transitions": "geo_revival.restoration",
    "aggregate_zones": "geo_revival.restoration",
    "accounting_units": "geo_revival.restoration",
    "attach_units": "geo_revival.restoration",
    "account": "geo_revival.restoration",
    "Accounting": "geo_revival.restoration",
    "treated_trajectory": "geo_revival.plan_progress",
    "rate_trajectory": "geo_revival.plan_progress",
    "project_trend": "geo_revival.plan_progress",
    "progress_indicators": "geo_revival.plan_progress",
    "estimate_areas": "geo_revival.estimation",
    "draw_sample": "geo_revival.estimation",
    "sample_size": "geo_revival.estimation",
    "allocate_sample": "geo_revival.estimation",
    "accuracy_assessment": "geo_revival.estimation",
    "write_response_sheet": "geo_revival.estimation",
    "read_response_sheet": "geo_revival.estimation",
    "error_matrix": "geo_revival.estimation",
    "sample_from_counts": "geo_revival.estimation",
    "stratum_areas": "geo_revival.estimation",
    "reference_from_raster": "geo_revival.estimation",
    "estimate_change_area": "geo_revival.estimation",
}

__all__ = [
    "GeoRevivalError",
    "GeoRevivalWarning",
    "__version__",
    "exceptions",
    "units",
    *sorted(_LAZY),
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'geo_revival' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
