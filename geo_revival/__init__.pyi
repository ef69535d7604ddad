"""The public API of geo_revival, listed once.

``__init__.py`` reads this stub with ``lazy_loader.attach_stub`` to import each name on first
use; IDEs and type checkers read it as the package's interface.
"""

from . import exceptions as exceptions
from . import units as units
from .crs import (
    bd09_to_wgs84 as bd09_to_wgs84,
)
from .crs import (
    gcj02_to_wgs84 as gcj02_to_wgs84,
)
from .crs import (
    geodesic_area as geodesic_area,
)
from .crs import (
    gk_zone_crs as gk_zone_crs,
)
from .crs import (
    local_projected_crs as local_projected_crs,
)
from .crs import (
    require_crs as require_crs,
)
from .crs import (
    to_wgs84_geometries as to_wgs84_geometries,
)
from .crs import (
    wgs84_to_bd09 as wgs84_to_bd09,
)
from .crs import (
    wgs84_to_gcj02 as wgs84_to_gcj02,
)
from .demo import (
    XuzhouDemo as XuzhouDemo,
)
from .demo import (
    build_xuzhou as build_xuzhou,
)
from .demo import (
    load_xuzhou as load_xuzhou,
)
from .estimation import (
    accuracy_assessment as accuracy_assessment,
)
from .estimation import (
    allocate_sample as allocate_sample,
)
from .estimation import (
    design_reference_sample as design_reference_sample,
)
from .estimation import (
    draw_sample as draw_sample,
)
from .estimation import (
    error_matrix as error_matrix,
)
from .estimation import (
    estimate_areas as estimate_areas,
)
from .estimation import (
    estimate_change_area as estimate_change_area,
)
from .estimation import (
    estimate_reclaimed_area as estimate_reclaimed_area,
)
from .estimation import (
    expected_ci as expected_ci,
)
from .estimation import (
    read_response_sheet as read_response_sheet,
)
from .estimation import (
    reference_from_raster as reference_from_raster,
)
from .estimation import (
    sample_from_counts as sample_from_counts,
)
from .estimation import (
    sample_size as sample_size,
)
from .estimation import (
    stratified_ratio as stratified_ratio,
)
from .estimation import (
    stratified_total as stratified_total,
)
from .estimation import (
    stratum_areas as stratum_areas,
)
from .estimation import (
    write_response_sheet as write_response_sheet,
)
from .exceptions import GeoRevivalError as GeoRevivalError
from .exceptions import GeoRevivalWarning as GeoRevivalWarning
from .fetch import (
    fetch_landcover as fetch_landcover,
)
from .landcover import (
    GENERIC_CLASSES as GENERIC_CLASSES,
)
from .landcover import (
    Legend as Legend,
)
from .landcover import (
    LegendClass as LegendClass,
)
from .landcover import (
    as_landcover as as_landcover,
)
from .landcover import (
    check_codes as check_codes,
)
from .landcover import (
    get_legend as get_legend,
)
from .landcover import (
    legend_from_csv as legend_from_csv,
)
from .landcover import (
    list_legends as list_legends,
)
from .landcover import (
    open_landcover as open_landcover,
)
from .landcover import (
    open_landcover_stac as open_landcover_stac,
)
from .landcover import (
    pixel_area as pixel_area,
)
from .landcover import (
    read_zone_windows as read_zone_windows,
)
from .landcover import (
    register_legend as register_legend,
)
from .landcover import (
    write_landcover as write_landcover,
)
from .mapping import (
    landcover_map as landcover_map,
)
from .mapping import (
    progress_map as progress_map,
)
from .mapping import (
    rate_chart as rate_chart,
)
from .mapping import (
    save_figure as save_figure,
)
from .mapping import (
    save_map as save_map,
)
from .mapping import (
    static_map as static_map,
)
from .mapping import (
    transition_flow_chart as transition_flow_chart,
)
from .mapping import (
    treated_area_chart as treated_area_chart,
)
from .mapping import (
    zone_bar_chart as zone_bar_chart,
)
from .overlay import (
    OverlaySeries as OverlaySeries,
)
from .overlay import (
    class_areas as class_areas,
)
from .overlay import (
    coverage_report as coverage_report,
)
from .overlay import (
    filter_flips as filter_flips,
)
from .overlay import (
    overlay_series as overlay_series,
)
from .overlay import (
    transition_matrix as transition_matrix,
)
from .overlay import (
    transitions as transitions,
)
from .plan import (
    built_up_land_per_gdp as built_up_land_per_gdp,
)
from .plan import (
    forest_cover_rate as forest_cover_rate,
)
from .plan import (
    get_target as get_target,
)
from .plan import (
    p_target_met as p_target_met,
)
from .plan import (
    plan_targets as plan_targets,
)
from .plan import (
    progress as progress,
)
from .plan import (
    progress_indicators as progress_indicators,
)
from .plan import (
    project_trend as project_trend,
)
from .plan import (
    rate_trajectory as rate_trajectory,
)
from .plan import (
    read_reference as read_reference,
)
from .plan import (
    treated_trajectory as treated_trajectory,
)
from .plan import (
    zone_catalogue as zone_catalogue,
)
from .report import (
    build_report as build_report,
)
from .report import (
    to_csv as to_csv,
)
from .report import (
    to_geopackage as to_geopackage,
)
from .report import (
    to_xlsx as to_xlsx,
)
from .restoration import (
    CHANGE_CLASSES as CHANGE_CLASSES,
)
from .restoration import (
    STATE_CODES as STATE_CODES,
)
from .restoration import (
    TRAJECTORY_CLASSES as TRAJECTORY_CLASSES,
)
from .restoration import (
    Accounting as Accounting,
)
from .restoration import (
    RestorationSeries as RestorationSeries,
)
from .restoration import (
    RuleSet as RuleSet,
)
from .restoration import (
    account as account,
)
from .restoration import (
    accounting_units as accounting_units,
)
from .restoration import (
    aggregate_zones as aggregate_zones,
)
from .restoration import (
    attach_units as attach_units,
)
from .restoration import (
    change_classes as change_classes,
)
from .restoration import (
    classify_states as classify_states,
)
from .restoration import (
    list_rule_sets as list_rule_sets,
)
from .restoration import (
    load_rules as load_rules,
)
from .restoration import (
    reclaimed_area as reclaimed_area,
)
from .restoration import (
    restoration_rate as restoration_rate,
)
from .restoration import (
    restoration_series as restoration_series,
)
from .restoration import (
    restoration_status as restoration_status,
)
from .restoration import (
    state_map as state_map,
)
from .restoration import (
    state_transitions as state_transitions,
)
from .restoration import (
    trajectories as trajectories,
)
from .restoration import (
    write_trajectories as write_trajectories,
)
from .zones import (
    PLANNED_USES as PLANNED_USES,
)
from .zones import (
    ZONE_CATEGORIES as ZONE_CATEGORIES,
)
from .zones import (
    as_zones as as_zones,
)
from .zones import (
    load_districts as load_districts,
)
from .zones import (
    load_lakes as load_lakes,
)
from .zones import (
    load_zones as load_zones,
)

__version__: str
__all__: list[str]
