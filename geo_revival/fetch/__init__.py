"""Real land cover from the products' public distributions: fetch, cache, read.

:func:`fetch_landcover` reads what a box needs (windows of ESA WorldCover's cloud-optimized
tiles; CLCD and GLC_FCS30D archives from their Zenodo records, checksum-verified) into a local
cache and returns the same ``(year, y, x)`` array as :func:`geo_revival.open_landcover`.
The product facts (URLs, records, licences, citations) live in ``products.csv`` here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from geo_revival.fetch._api import bbox_of, fetch_landcover, prefetch_hint
from geo_revival.fetch._cache import CACHE_ENV, cache_dir, clear_cache, list_cache
from geo_revival.fetch._products import BASE_URL_ENV, product_names, products

__all__ = [
    "BASE_URL_ENV",
    "CACHE_ENV",
    "bbox_of",
    "cache_dir",
    "clear_cache",
    "fetch_landcover",
    "landcover_credit",
    "list_cache",
    "list_products",
    "prefetch_hint",
    "product_names",
]


def list_products() -> pd.DataFrame:
    """Return the product table (one row per product version) as a DataFrame.

    Examples
    --------
    >>> df = list_products()
    >>> sorted(df.loc[df["product"] == "esa_worldcover", "version"])
    ['v100', 'v200']
    """
    rows = [{**p.__dict__, "years": f"{min(p.years)}-{max(p.years)}"} for p in products()]
    return pd.DataFrame(rows)


def landcover_credit(attrs: Mapping[str, Any] | Any) -> str:
    """Return the credit line a map or report must show for land cover with ``attrs``.

    Fetched data carry the product's required attribution; other data get ``""`` (the caller
    keeps its own wording). Accepts an ``attrs`` mapping or an object with ``.attrs``.

    Examples
    --------
    >>> landcover_credit({"attribution": "© ESA WorldCover project 2021"})
    'Land cover 土地覆盖: © ESA WorldCover project 2021'
    >>> landcover_credit({"legend": "clcd"})
    ''
    """
    if not isinstance(attrs, Mapping):
        attrs = getattr(attrs, "attrs", None) or {}
    text = attrs.get("attribution") or ""
    return f"Land cover 土地覆盖: {text}" if text else ""
