"""STAC products (Esri / Impact Observatory LULC): search, sign, read the items' COG windows."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import rasterio
from rasterio.errors import RasterioError

from geo_revival._gdal import describe_gdal_error, gdal_env
from geo_revival.exceptions import FetchError, UnsupportedCRSError
from geo_revival.fetch import _cache
from geo_revival.fetch._http import get_json
from geo_revival.fetch._products import BBox, Product, with_base_url
from geo_revival.fetch._read import clip, mosaic

if TYPE_CHECKING:
    from geo_revival.fetch._api import _Run

_MAX_PAGES = 20


def search(row: Product, year: int, bbox: BBox, base_url: str | None,
           timeout: float) -> list[dict[str, Any]]:  # fmt: skip
    """Items of the collection that intersect ``bbox`` and start in ``year``, sorted by id."""
    query = urlencode({
        "collections": row.record_id,
        "bbox": ",".join(f"{v:.7f}" for v in bbox),
        "datetime": f"{year}-01-01T00:00:00Z/{year}-12-31T23:59:59Z",
        "limit": 100,
    })  # fmt: skip
    url: str | None = f"{with_base_url(row.url_template, base_url)}?{query}"
    items: list[dict[str, Any]] = []
    for _ in range(_MAX_PAGES):
        if url is None:
            break
        page = get_json(url, timeout=timeout)
        items.extend(page.get("features", []))
        nxt = [ln for ln in page.get("links", []) if ln.get("rel") == "next" and ln.get("href")]
        url = with_base_url(nxt[0]["href"], base_url) if nxt else None
    # The datetime filter intersects ranges: an item of the year before may end on 1 January.
    def starts_in_year(item: dict[str, Any]) -> bool:
        props = item.get("properties", {})
        start = props.get("start_datetime") or props.get("datetime") or ""
        return str(start).startswith(str(year))

    return sorted((i for i in items if starts_in_year(i)), key=lambda i: str(i.get("id")))


def token(row: Product, base_url: str | None, timeout: float) -> str:
    """Return the host's access token for asset URLs (``""`` if the product needs none)."""
    if not row.sign_url:
        return ""
    value = get_json(with_base_url(row.sign_url.format(record=row.record_id), base_url),
                     timeout=timeout).get("token")  # fmt: skip
    if not value:
        raise FetchError(f"the token endpoint of {row.product} returned no token")
    return str(value)


def _signed(url: str, tok: str) -> str:
    if not tok:
        return url
    return f"{url}{'&' if urlsplit(url).query else '?'}{tok}"


def _unsigned(url: str) -> str:
    """``url`` without its query (tokens must not end up in provenance)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def year_file(run: _Run, row: Product, year: int, bbox: BBox, key: str) -> Path | None:
    """Return the cached window of the items of ``year`` under ``bbox`` (one mosaic)."""
    folder = run.root / row.product / row.version / str(year)
    dest = folder / f"{row.product}_{row.version}_{year}_{key}.tif"
    if _cache.cached(dest) is not None:
        run.note(dest, year)
        run.bar.update(1)
        return dest
    items = search(row, year, bbox, run.base_url, run.timeout)
    assets = [(i["id"], i["assets"][row.member_pattern]["href"]) for i in items
              if row.member_pattern in i.get("assets", {})]  # fmt: skip
    if not assets:
        return None
    tok = token(row, run.base_url, run.timeout)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmpdir:
        parts, crss, urls = [], set(), []
        for i, (item_id, href) in enumerate(assets):
            url = with_base_url(href, run.base_url)
            out = Path(tmpdir) / f"{i}.tif"
            try:
                with gdal_env(run.timeout, run.retries):
                    win = clip("/vsicurl/" + _signed(url, tok), bbox, out)
            except RasterioError as exc:
                raise FetchError(
                    f"could not read {_unsigned(url)} (item {item_id}): "
                    f"{describe_gdal_error(exc)}."
                ) from exc
            if win is None:
                continue
            with rasterio.open(out) as src:
                crss.add(src.crs.to_string())
            parts.append(out)
            urls.append(_unsigned(url))
        if not parts:
            return None
        if len(crss) > 1:
            raise UnsupportedCRSError(
                f"the box {bbox} spans tiles in different CRSs ({sorted(crss)}); fetch the "
                "parts on each side of the UTM zone boundary separately"
            )
        with _cache.atomic_file(dest, url=" ".join(urls), product=row.product,
                                version=row.version, year=year, bbox=list(bbox),
                                kind="mosaic", items=[a for a, _ in assets]) as tmp:  # fmt: skip
            mosaic(parts, tmp)
    run.note(dest, year)
    run.bar.update(1)
    return dest
