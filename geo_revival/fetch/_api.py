"""``fetch_landcover``: real land cover for a box, from the product's public distribution."""

from __future__ import annotations

import hashlib
import sys
import tempfile
import warnings
from collections.abc import Iterable
from os import PathLike, fspath
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import xarray as xr
from rasterio.errors import RasterioError
from tqdm.std import tqdm

from geo_revival._gdal import DEFAULT_TIMEOUT, describe_gdal_error, gdal_env
from geo_revival.exceptions import FetchError, GeoRevivalWarning, NoOverlapError, SchemaError
from geo_revival.fetch import _cache, _stac
from geo_revival.fetch._http import download, get_json
from geo_revival.fetch._products import (
    BBox,
    Product,
    product_for,
    tiles_for,
    url_for,
    zenodo_api_url,
)
from geo_revival.fetch._read import clip, mosaic, zip_members

Where = Any  # GeoDataFrame, path to a zone file, or (minx, miny, maxx, maxy) in lon/lat


def bbox_of(where: Where) -> BBox:
    """Return the lon/lat (WGS84) bounding box of zones, a zone file or a 4-number box.

    Examples
    --------
    >>> bbox_of((117.1, 34.2, 117.3, 34.4))
    (117.1, 34.2, 117.3, 34.4)
    """
    if isinstance(where, (str, PathLike)):
        from geo_revival.zones import load_zones

        where = load_zones(fspath(where))
    if hasattr(where, "total_bounds"):
        if where.crs is None:
            from geo_revival.exceptions import MissingCRSError

            raise MissingCRSError("the zones have no CRS; set it (zones.set_crs(...)) first")
        minx, miny, maxx, maxy = where.to_crs("EPSG:4326").total_bounds
    else:
        try:
            minx, miny, maxx, maxy = (float(v) for v in where)
        except (TypeError, ValueError) as exc:
            raise SchemaError(
                "where must be zones (GeoDataFrame), a zone file or (minx, miny, maxx, maxy) "
                f"in lon/lat degrees, not {where!r}"
            ) from exc
    if not (-180 <= minx < maxx <= 180 and -90 <= miny < maxy <= 90):
        raise SchemaError(
            f"bbox ({minx}, {miny}, {maxx}, {maxy}) is not a lon/lat box (minx < maxx, "
            "miny < maxy, degrees); pass (minx, miny, maxx, maxy) in WGS84"
        )
    return (float(minx), float(miny), float(maxx), float(maxy))


def _key(bbox: BBox) -> str:
    text = ",".join(f"{v:.7f}" for v in bbox)
    return "x" + hashlib.sha1(text.encode()).hexdigest()[:12]


def prefetch_hint(product: str, bbox: BBox, years: Iterable[int]) -> str:
    """Return the commands that fetch on a connected machine, for use offline."""
    box = " ".join(f"{v:g}" for v in bbox)
    ys = ",".join(str(y) for y in years)
    return (
        f"To work offline, fetch on a machine with network access: `geo-revival fetch "
        f"{product} --bbox {box} --years {ys} --to DIR`, copy DIR here, then pass "
        "cache_dir=DIR (command line: --cache-dir DIR, or set GEO_REVIVAL_CACHE=DIR)."
    )


class _Run:
    """One fetch: settings, the records of what was read, and the progress bar."""

    def __init__(self, root: Path, base_url: str | None, timeout: float, retries: int,
                 record: str | None, bar: tqdm) -> None:  # fmt: skip
        self.root, self.base_url, self.timeout, self.retries = root, base_url, timeout, retries
        self.record, self.bar = record, bar
        self.sources: list[dict[str, Any]] = []

    def note(self, path: Path, year: int, **extra: Any) -> None:
        meta = _cache.cached(path) or {}
        self.sources.append({"year": year, "path": str(path), "sha256": meta.get("sha256", ""),
                             "url": meta.get("url", ""), **extra})  # fmt: skip


def _cog_parts(run: _Run, row: Product, year: int, bbox: BBox) -> list[Path]:
    parts = []
    key = _key(bbox)
    for tile in tiles_for(row, bbox):
        url = url_for(row, year, tile, run.base_url)
        name = f"{row.product}_{row.version}_{year}_{tile}_{key}.tif"
        dest = run.root / row.product / row.version / str(year) / tile / name
        if _cache.cached(dest) is None:
            try:
                with gdal_env(run.timeout, run.retries), _cache.atomic_file(
                    dest, url=url, product=row.product, version=row.version, year=year,
                    tile=tile, bbox=list(bbox), kind="window",
                ) as tmp:  # fmt: skip
                    win = clip("/vsicurl/" + url, bbox, tmp)
                    if win is None:
                        raise NoOverlapError(f"tile {tile} ({url}) does not reach into {bbox}")
            except NoOverlapError:
                continue
            except RasterioError as exc:
                cause = describe_gdal_error(exc)
                if "HTTP 404" in cause:  # real 404s: tiles that would hold only open sea
                    cause += (f" (no tile {tile}: {row.product} has none over open sea; if the "
                              "box reaches the sea, shrink it)")  # fmt: skip
                raise FetchError(f"could not read {url}: {cause}.") from exc
        run.note(dest, year, tile=tile)
        parts.append(dest)
        run.bar.update(1)
    return parts


def _zenodo_checksum(run: _Run, record: str, name: str) -> str:
    api = zenodo_api_url(record, run.base_url)
    data = get_json(api, timeout=run.timeout)
    files = data.get("files", []) if isinstance(data, dict) else []
    if isinstance(files, dict):  # InvenioRDM's /files endpoint shape
        files = files.get("entries", [])
    for f in files:
        if f.get("key") == name and f.get("checksum"):
            return str(f["checksum"])
    listed = [f.get("key") for f in files][:20]
    raise FetchError(
        f"Zenodo record {record} ({api}) lists no checksum for {name!r} (files: {listed}); "
        "the record may have changed: pass record= with the record that holds this file."
    )


def _archive_parts(run: _Run, row: Product, year: int, bbox: BBox) -> list[Path]:
    record = run.record or row.record_id
    key, band = _key(bbox), row.band_of(year) or 1
    parts = []
    for tile in tiles_for(row, bbox):
        url = url_for(row, year, tile, run.base_url, record)
        name = unquote(PurePosixPath(urlsplit(url).path).name)
        # the record is part of the path: another release may reuse the same file names
        folder = run.root / row.product / row.version / f"record-{record}"
        dest = folder / str(year) / f"{row.product}_{row.version}_{Path(name).stem}_{key}.tif"
        if _cache.cached(dest) is None:
            archive = folder / "archives" / name
            if _cache.cached(archive) is None:
                checksum = _zenodo_checksum(run, record, name)
                bar = tqdm(desc=name, unit="B", unit_scale=True, file=sys.stderr,
                           disable=run.bar.disable, leave=False)  # fmt: skip

                def on_bytes(n: int, total: int | None, bar: tqdm = bar) -> None:
                    bar.total = total
                    bar.update(n)

                with bar, _cache.atomic_file(archive, url=url, source_checksum=checksum,
                                             product=row.product, version=row.version,
                                             kind="archive") as tmp:  # fmt: skip
                    download(url, tmp, checksum=checksum, timeout=run.timeout,
                             on_bytes=on_bytes)  # fmt: skip
            pattern = row.member_pattern.format(year=year)
            members = zip_members(archive, pattern)
            if not members:
                raise FetchError(
                    f"{archive} (from {url}) holds no raster named like {pattern!r}; the "
                    "record's layout may have changed: check products.csv against the record"
                )
            with tempfile.TemporaryDirectory(dir=folder) as tmpdir:
                clips = []
                for i, member in enumerate(members):
                    out = Path(tmpdir) / f"{i}.tif"
                    if clip(f"/vsizip/{archive}/{member}", bbox, out, band=band) is not None:
                        clips.append(out)
                if not clips:
                    continue
                meta = _cache.cached(archive) or {}
                record_meta = {"url": url, "product": row.product, "kind": "window",
                               "version": row.version, "year": year, "bbox": list(bbox),
                               "source_checksum": meta.get("source_checksum", ""),
                               "archive_sha256": meta.get("sha256", "")}  # fmt: skip
                with _cache.atomic_file(dest, **record_meta) as tmp:
                    mosaic(clips, tmp)
        meta = _cache.cached(dest) or {}
        run.note(dest, year, archive=name, source_checksum=meta.get("source_checksum", ""))
        parts.append(dest)
        run.bar.update(1)
    return parts


def _year_file(run: _Run, row: Product, year: int, bbox: BBox) -> Path:
    if row.access == "stac":
        found = _stac.year_file(run, row, year, bbox, _key(bbox))
        parts = [found] if found is not None else []
    elif row.access == "cog_tiles":
        parts = _cog_parts(run, row, year, bbox)
    else:
        parts = _archive_parts(run, row, year, bbox)
    if not parts:
        raise NoOverlapError(
            f"{row.product} {row.version} has no data for {year} inside {bbox}; is the box "
            "inside the product's coverage (lon/lat order: minx miny maxx maxy)?"
        )
    if len(parts) == 1:
        return parts[0]
    dest = run.root / row.product / row.version / str(year) / (
        f"{row.product}_{year}_{row.version}_{_key(bbox)}.tif"
    )  # fmt: skip
    if _cache.cached(dest) is None:
        with _cache.atomic_file(dest, product=row.product, version=row.version, year=year,
                                kind="mosaic", parts=[str(p) for p in parts]) as tmp:  # fmt: skip
            mosaic(parts, tmp)
    return dest


def fetch_landcover(
    product: str,
    where: Where,
    years: int | Iterable[int],
    *,
    cache_dir: str | PathLike[str] | None = None,
    base_url: str | None = None,
    progress: bool | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = 2,
    record: str | None = None,
) -> xr.DataArray:
    """Real land cover for the bounding box of ``where``, from the product's public source.

    Reads only what the box needs and keeps it in a cache, so a second call makes no request.
    ESA WorldCover tiles and Esri LULC items (found by a STAC search) are Cloud-Optimized
    GeoTIFFs read as windows over HTTP (range requests); CLCD and GLC_FCS30D archives are
    downloaded whole once from their Zenodo record, verified against the md5 the record
    publishes, then clipped. Tiles are mosaicked
    where the box spans several. Product facts (URLs, records, licence, citation) are in
    ``geo_revival/fetch/products.csv``; :func:`list_products` shows them.

    Parameters
    ----------
    product : str
        ``"esa_worldcover"`` (2020 v100, 2021 v200), ``"clcd"`` (1985, 1990-2022),
        ``"glc_fcs30d"`` (1985, 1990, 1995, 2000-2022), ``"esri_lulc"`` (2017-2023, through
        the Planetary Computer STAC API and its anonymous token). ``"dynamic_world"`` and
        ``"modis_igbp_q1"`` need an account: they raise an error that says how to get them.
    where : GeoDataFrame, path or (minx, miny, maxx, maxy)
        Zones (any CRS), a zone file, or a lon/lat (WGS84) box.
    years : int or iterable of int
        One layer per year.
    cache_dir : path, optional
        Cache folder; default ``$GEO_REVIVAL_CACHE`` or the user cache folder.
    base_url : str, optional
        Mirror that replaces the scheme and host of every URL (default
        ``$GEO_REVIVAL_BASE_URL``), e.g. an institutional mirror.
    progress : bool, optional
        Progress bar on stderr; default: when stderr is a terminal.
    timeout : float
        Seconds without an answer before a request fails.
    retries : int
        Retries of failed range requests (GDAL); downloads are not retried.
    record : str, optional
        Zenodo record to use instead of the one in ``products.csv`` (newer CLCD releases).

    Returns
    -------
    xarray.DataArray
        As :func:`geo_revival.open_landcover`: ``(year, y, x)``, legend, ``simulated=False``,
        plus attrs ``citation``, ``attribution``, ``licence`` and ``provenance`` (URLs,
        SHA-256 of the cached files, the archive's published checksum).

    Raises
    ------
    FetchError
        HTTP error, timeout, dropped connection or no network while the data are not cached;
        the message names the URL(s) and the commands to pre-fetch on another machine.
    ChecksumError
        A downloaded archive does not match its published checksum (nothing is cached).
    AccountRequiredError
        The product needs an account (Dynamic World, MODIS): the message names the recipe.
    SchemaError
        Unknown product, a year the product does not have, or a malformed box.

    Examples
    --------
    >>> lc = fetch_landcover("esa_worldcover", (117.1, 34.2, 117.3, 34.4),  # doctest: +SKIP
    ...                      [2020, 2021])
    >>> lc.attrs["citation"][:20]  # doctest: +SKIP
    'Zanaga, D. et al. (2'
    """
    from geo_revival import __version__
    from geo_revival.landcover.io import open_landcover

    bbox = bbox_of(where)
    wanted = sorted({int(years)} if isinstance(years, int) else {int(y) for y in years})
    if not wanted:
        raise SchemaError("years is empty; give at least one year")
    rows = {y: product_for(product, y) for y in wanted}
    root = _cache.cache_dir(cache_dir)
    # one step per tile and year (STAC products: per year)
    steps = sum(len(tiles_for(r, bbox)) for r in rows.values())
    show = sys.stderr.isatty() if progress is None else progress
    with tqdm(total=steps, desc=f"fetch {product}", unit="tile", file=sys.stderr,
              disable=not show) as bar:  # fmt: skip
        run = _Run(root, base_url, timeout, retries, record, bar)
        try:
            files = {y: _year_file(run, rows[y], y, bbox) for y in wanted}
        except FetchError as exc:
            raise type(exc)(f"{exc} {prefetch_hint(product, bbox, wanted)}") from exc
    legends = {r.legend for r in rows.values()}
    legend = legends.pop() if len(legends) == 1 else product
    with warnings.catch_warnings(record=True) as caught:
        da = open_landcover({y: str(p) for y, p in files.items()}, legend=legend)
    for w in caught:  # our warnings (ProductVersionWarning) point at the caller
        if issubclass(w.category, GeoRevivalWarning):
            warnings.warn(w.message, w.category, stacklevel=2)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    first = rows[wanted[0]]
    citations = list(dict.fromkeys(r.citation for r in rows.values()))
    attributions = list(dict.fromkeys(r.attribution for r in rows.values()))
    da.attrs.update(
        simulated=False,
        citation="; ".join(citations),
        attribution="; ".join(attributions),
        licence=first.licence,
        provenance={
            "package_version": __version__,
            "function": "fetch_landcover",
            "parameters": {"product": product, "bbox": list(bbox), "years": wanted,
                           "base_url": base_url, "record": record},
            "product_source_page": first.source_page,
            "citation": "; ".join(citations),
            "licence": first.licence,
            "sources": run.sources,
            "simulated": False,
        },
    )
    return da
