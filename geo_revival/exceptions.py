"""Exceptions and warnings of geo-revival.

Every error derives from :class:`GeoRevivalError` *and* from the builtin that
describes it best, so ``except ValueError`` keeps working for callers who do
not know this package. Messages say what is wrong and how to fix it.
"""

from __future__ import annotations

__all__ = [
    "AccountRequiredError",
    "AreaDistortionWarning",
    "CRSMismatchError",
    "ChecksumError",
    "CoverageWarning",
    "EstimationError",
    "FetchError",
    "GeoRevivalError",
    "GeoRevivalWarning",
    "GridMismatchError",
    "InvalidGeometryError",
    "InvalidGeometryWarning",
    "LegendError",
    "MissingCRSError",
    "NoOverlapError",
    "OptionError",
    "OutputError",
    "OutputExistsError",
    "PlanLookupError",
    "ProductVersionWarning",
    "ProgressWarning",
    "ReadError",
    "RuleSetError",
    "SchemaError",
    "UndeclaredCoordsWarning",
    "UnknownCodeWarning",
    "UnsupportedCRSError",
]


class GeoRevivalError(Exception):
    """Root of every error raised by geo-revival."""


class MissingCRSError(GeoRevivalError, ValueError):
    """A layer or raster has no coordinate reference system and none was given."""


class CRSMismatchError(GeoRevivalError, ValueError):
    """Two inputs that must share a CRS do not."""


class InvalidGeometryError(GeoRevivalError, ValueError):
    """Geometry is empty, not polygonal, or cannot be repaired."""


class SchemaError(GeoRevivalError, ValueError):
    """A table or layer lacks required columns or has invalid values in them."""


class LegendError(GeoRevivalError, KeyError):
    """A land-cover code or legend name is unknown, or a legend file is malformed."""

    def __str__(self) -> str:
        # KeyError.__str__ would wrap the message in quotes; keep it readable.
        return str(self.args[0]) if self.args else ""


class GridMismatchError(GeoRevivalError, ValueError):
    """Rasters that must share a grid (CRS, resolution, alignment, extent) do not."""


class NoOverlapError(GeoRevivalError, ValueError):
    """A zone does not overlap the raster (or two inputs do not overlap at all)."""


class OptionError(GeoRevivalError, ValueError):
    """An option string (``coverage=``, ``pairs=``, ``on_missing=`` ...) is not an allowed value."""


class RuleSetError(GeoRevivalError, ValueError):
    """A restoration rule set is incomplete or names unknown classes or planned uses."""


class EstimationError(GeoRevivalError, ValueError):
    """A sample or its strata cannot support the requested area estimate."""


class ReadError(GeoRevivalError, OSError):
    """A file is missing, unreadable, or not of the expected kind."""


class FetchError(GeoRevivalError, OSError):
    """Data could not be fetched from a product's distribution (HTTP error, timeout, offline)."""


class ChecksumError(FetchError):
    """A downloaded file does not match the checksum its archive publishes; nothing was cached."""


class AccountRequiredError(GeoRevivalError, PermissionError):
    """The product is distributed only to account holders (Earth Engine, Earthdata)."""


class OutputExistsError(GeoRevivalError, FileExistsError):
    """An output location exists and is not empty; pass ``force=True`` to replace it."""


class OutputError(GeoRevivalError, PermissionError):
    """An output folder or file cannot be written (read-only or missing permissions)."""


class PlanLookupError(GeoRevivalError, LookupError):
    """No single plan target/baseline matches the indicator, year and kind asked for."""


class UnsupportedCRSError(GeoRevivalError, ValueError):
    """A CRS or location lies outside what an operation supports (e.g. no GK zone covers it)."""


class GeoRevivalWarning(UserWarning):
    """Root of every warning issued by geo-revival (analysis can go on)."""


class InvalidGeometryWarning(GeoRevivalWarning):
    """Invalid geometry was repaired; the repair is reported in a column."""


class ProductVersionWarning(GeoRevivalWarning):
    """Years come from different product versions: differences may be algorithmic."""


class UnknownCodeWarning(GeoRevivalWarning):
    """Raster codes absent from the legend were found (``strict=False``)."""


class CoverageWarning(GeoRevivalWarning):
    """A zone is only partly covered by valid raster data, or misses it."""


class UndeclaredCoordsWarning(GeoRevivalWarning):
    """Lon/lat data inside China were read without ``coords=``: they may be GCJ-02 or BD-09."""


class ProgressWarning(GeoRevivalWarning):
    """A plan indicator can be compared only in part: zones, years or pairs of years are missing."""


class AreaDistortionWarning(GeoRevivalWarning):
    """Planar areas in a raster's projected CRS differ from true ground areas (not equal-area)."""
