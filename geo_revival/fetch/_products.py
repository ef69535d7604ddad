"""The product table (``products.csv``): URL templates, tiles, records, licences, citations."""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import urlsplit, urlunsplit

from geo_revival.exceptions import AccountRequiredError, SchemaError

#: Environment variable with a mirror that replaces the host of every product URL.
BASE_URL_ENV = "GEO_REVIVAL_BASE_URL"

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Product:
    """One row of ``products.csv``: a product version and how to fetch it."""

    product: str
    version: str
    legend: str
    years: tuple[int, ...]
    access: str
    url_template: str
    tile_scheme: str
    record_id: str
    member_pattern: str
    band_first_year: int | None
    band_step: int | None
    licence: str
    citation: str
    attribution: str
    source_page: str
    notes: str
    sign_url: str

    def band_of(self, year: int) -> int | None:
        """Band (1-based) holding ``year`` in a multi-band member, ``None`` for single-band."""
        if self.band_first_year is None:
            return None
        return (year - self.band_first_year) // (self.band_step or 1) + 1


def _parse_years(text: str) -> tuple[int, ...]:
    """``"1985,1990-1992"`` -> ``(1985, 1990, 1991, 1992)``."""
    years: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.strip().partition("-")
        years.extend(range(int(lo), int(hi or lo) + 1))
    return tuple(years)


@cache
def products() -> tuple[Product, ...]:
    """All rows of the product table, in file order."""
    text = resources.files("geo_revival.fetch").joinpath("products.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    rows = []
    for row in csv.DictReader(lines):
        rows.append(
            Product(
                **{k: row[k] for k in ("product", "version", "legend", "access", "url_template",
                                       "tile_scheme", "record_id", "member_pattern", "licence",
                                       "citation", "attribution", "source_page", "notes",
                                       "sign_url")},
                years=_parse_years(row["years"]),
                band_first_year=int(row["band_first_year"]) if row["band_first_year"] else None,
                band_step=int(row["band_step"]) if row["band_step"] else None,
            )
        )  # fmt: skip
    return tuple(rows)


def product_names() -> list[str]:
    """Names accepted by :func:`geo_revival.fetch_landcover`."""
    return sorted({p.product for p in products()})


def product_for(name: str, year: int) -> Product:
    """Return the table row that serves ``year`` of product ``name``.

    Raises
    ------
    SchemaError
        Unknown product or a year the product does not have.
    AccountRequiredError
        The product is distributed only to account holders.
    """
    rows = [p for p in products() if p.product == name]
    if not rows:
        raise SchemaError(f"unknown product {name!r}; fetchable products: {product_names()}")
    if rows[0].access == "account":
        raise AccountRequiredError(
            f"{name} is distributed only to account holders, so geo-revival cannot fetch it. "
            f"Export it yourself (see the README section 'Products that need an account'; "
            f"catalogue: {rows[0].source_page}) and open the GeoTIFFs with "
            f"open_landcover(..., legend={rows[0].legend!r})."
        )
    for row in rows:
        if year in row.years:
            return row
    have = sorted({y for r in rows for y in r.years})
    raise SchemaError(
        f"{name} has no year {year}; it covers {have[0]}-{have[-1]} "
        f"({', '.join(str(y) for y in have)})"
    )


def _lat_lon_name(lat: int, lon: int) -> str:
    return f"{'N' if lat >= 0 else 'S'}{abs(lat):02d}{'E' if lon >= 0 else 'W'}{abs(lon):03d}"


def worldcover_tiles(bbox: BBox) -> list[str]:
    """Names of the 3° x 3° WorldCover tiles (SW corner) that intersect ``bbox`` (lon/lat).

    Examples
    --------
    >>> worldcover_tiles((117.0, 34.0, 117.5, 34.5))
    ['N33E117']
    >>> worldcover_tiles((116.3, 33.7, 118.7, 34.9))  # Xuzhou: two tiles
    ['N33E114', 'N33E117']
    """
    minx, miny, maxx, maxy = bbox
    # floor before dividing: minx / 3 can underflow to -0.0 for a tiny negative minx
    lats = range(math.floor(miny) // 3 * 3, math.ceil(maxy), 3)
    lons = range(math.floor(minx) // 3 * 3, math.ceil(maxx), 3)
    return [_lat_lon_name(lat, lon) for lat in lats for lon in lons]


def glc_lon_bands(bbox: BBox) -> list[str]:
    """GLC_FCS30D archive names (one per 10° of longitude, ``E110-E115``) covering ``bbox``.

    Examples
    --------
    >>> glc_lon_bands((117.0, 34.0, 118.0, 35.0))
    ['E110-E115']
    >>> glc_lon_bands((-3.0, 40.0, 2.0, 41.0))
    ['W5-W0', 'E0-E5']
    """
    minx, _, maxx, _ = bbox
    names = []
    for lon in range(math.floor(minx) // 10 * 10, math.ceil(maxx), 10):
        if lon >= 0:
            names.append(f"E{lon}-E{lon + 5}")
        else:  # west: named from the eastern edge, e.g. W5-W0 ... unconfirmed, see notes
            names.append(f"W{abs(lon + 10) + 5}-W{abs(lon + 10)}")
    return names


def tiles_for(product: Product, bbox: BBox) -> list[str]:
    """Tile (or archive) names of ``product`` intersecting ``bbox``; ``[""]`` if untiled."""
    if product.tile_scheme == "worldcover_3deg":
        return worldcover_tiles(bbox)
    if product.tile_scheme == "glc_lon_band":
        return glc_lon_bands(bbox)
    return [""]


def with_base_url(url: str, base_url: str | None) -> str:
    """Replace the scheme and host of ``url`` by ``base_url`` (a mirror), keeping the path.

    ``base_url`` defaults to the environment variable ``GEO_REVIVAL_BASE_URL``; a path in it is
    prefixed to the original path.

    Examples
    --------
    >>> with_base_url("https://zenodo.org/records/1/files/a.zip?download=1",
    ...               "http://mirror.example.edu/zenodo")
    'http://mirror.example.edu/zenodo/records/1/files/a.zip?download=1'
    """
    base = base_url if base_url is not None else os.environ.get(BASE_URL_ENV) or None
    if not base:
        return url
    parts, mirror = urlsplit(url), urlsplit(base)
    if not mirror.scheme or not mirror.netloc:
        raise SchemaError(f"base_url must look like 'http://host[:port][/path]', not {base!r}")
    path = mirror.path.rstrip("/") + parts.path
    return urlunsplit((mirror.scheme, mirror.netloc, path, parts.query, parts.fragment))


def url_for(product: Product, year: int, tile: str, base_url: str | None,
            record: str | None = None) -> str:  # fmt: skip
    """Return the URL of one file of ``product`` (after the mirror replacement)."""
    url = product.url_template.format(year=year, tile=tile, record=record or product.record_id)
    return with_base_url(url, base_url)


def zenodo_api_url(record: str, base_url: str | None) -> str:
    """Zenodo's record API, which lists the files with their md5 checksums."""
    return with_base_url(f"https://zenodo.org/api/records/{record}", base_url)
