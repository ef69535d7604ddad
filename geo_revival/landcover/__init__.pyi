"""Public names of geo_revival.landcover, listed once (read by ``lazy_loader.attach_stub``)."""

from ._coerce import as_landcover as as_landcover
from .io import check_codes as check_codes
from .io import open_landcover as open_landcover
from .io import pixel_area as pixel_area
from .io import read_zone_windows as read_zone_windows
from .io import write_classified as write_classified
from .io import write_landcover as write_landcover
from .legend import GENERIC_CLASSES as GENERIC_CLASSES
from .legend import Legend as Legend
from .legend import LegendClass as LegendClass
from .legend import get_legend as get_legend
from .legend import legend_from_csv as legend_from_csv
from .legend import list_legends as list_legends
from .legend import register_legend as register_legend
from .stac import open_landcover_stac as open_landcover_stac

__all__: list[str]
