"""Resolving land-cover sources: files, years, bands, versions and raster metadata."""

from __future__ import annotations

import glob
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from os import PathLike, fspath
from pathlib import Path
from typing import Any, TypeAlias

import rasterio
from affine import Affine
from rasterio.crs import CRS
from rasterio.enums import MaskFlags
from rasterio.errors import RasterioError

from geo_revival._gdal import describe_gdal_error, remote_env
from geo_revival._paths import gdal_path, is_network, is_remote, public_name
from geo_revival.exceptions import FetchError, ProductVersionWarning, ReadError, SchemaError
from geo_revival.landcover.legend import Legend

PathLikeStr: TypeAlias = "str | PathLike[str]"
Sources: TypeAlias = "PathLikeStr | Sequence[PathLikeStr] | Mapping[int, PathLikeStr]"
BandYears: TypeAlias = "Sequence[int] | Mapping[int, int]"

_RASTER_SUFFIXES = (".tif", ".tiff", ".vrt", ".img", ".jp2")
# MODIS file names carry the acquisition date as A<year><day-of-year> and the collection after it.
_MODIS = re.compile(r"\.A(\d{4})\d{3}\.(\d{3})\.")
_YEAR = re.compile(r"(?<![0-9])(1[89]\d\d|2[01]\d\d)(?![0-9])")
_VERSION = re.compile(r"(?<![A-Za-z0-9])[vV](\d+(?:\.\d+)*)(?![A-Za-z0-9])")
_VERSION_TAGS = ("product_version", "version", "algorithm_version")


@dataclass(frozen=True)
class Layer:
    """One year of a land-cover series: where it is read from and what it declares."""

    year: int
    path: str
    band: int
    version: str
    simulated: bool
    crs: CRS | None
    transform: Affine
    width: int
    height: int
    dtype: str
    nodata: float | None
    block_shape: tuple[int, int]
    #: The band has a GDAL mask band (internal, ``.msk`` sidecar or alpha) and no nodata value.
    masked: bool = False
    #: The source as given (a URL without query string or user info), for ``attrs["source"]``;
    #: ``path`` is what GDAL opens (``s3://`` as ``/vsis3/``, a signed URL with its token).
    name: str = ""


def _name(path: str) -> str:
    """Return the file name of a path or URL (not a signed URL's query: its dates are no years)."""
    return Path(public_name(path)).name


def year_from_name(path: str) -> int | None:
    """Return the year in a land-cover file name, ``None`` if there is none.

    Raises :class:`SchemaError` if the name holds several different candidate years.
    """
    name = _name(path)
    modis = _MODIS.search(name)
    if modis:
        return int(modis.group(1))
    found = sorted({int(y) for y in _YEAR.findall(name)})
    if len(found) > 1:
        raise SchemaError(
            f"file name {name!r} contains several years {found}; pass years= explicitly"
        )
    return found[0] if found else None


def version_from_name(path: str) -> str:
    """Return the product version in a file name (``'v200'``, MODIS collection ``'006'``) or ''."""
    name = _name(path)
    modis = _MODIS.search(name)
    if modis:
        return modis.group(2)
    m = _VERSION.search(Path(name).stem)
    return f"v{m.group(1)}" if m else ""


def _is_glob(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def source_path(source: PathLikeStr) -> str:
    """Return the path GDAL reads a source from: ``s3://`` and ``http(s)://`` URLs rewritten.

    Raises :class:`ReadError` for a glob pattern in a URL or GDAL virtual path (nothing can
    list what matches it).
    """
    text = fspath(source)
    if not is_remote(text):
        return text
    if any(ch in text.split("?", 1)[0] for ch in "*["):
        raise ReadError(
            f"{public_name(text)!r} looks like a glob pattern, but patterns cannot be expanded "
            "over HTTP or object storage (nothing lists the files): pass the URLs as a list or "
            "a {year: url} mapping"
        )
    return gdal_path(text)


def expand_paths(sources: PathLikeStr | Sequence[PathLikeStr]) -> list[str]:
    """Turn a path, glob pattern, directory or list of paths into a list of paths.

    URLs (``https://``, ``s3://``) and GDAL virtual paths are returned as given (patterns in
    them refused, see :func:`source_path`).
    """
    if isinstance(sources, (str, PathLike)):
        text = fspath(sources)
        if is_remote(text):
            source_path(text)  # refuses patterns
            return [text]
        if _is_glob(text):
            paths = sorted(glob.glob(text))
            if not paths:
                raise ReadError(f"no file matches the pattern {text!r}")
            return paths
        if Path(text).is_dir():
            paths = sorted(
                str(p) for p in Path(text).iterdir() if p.suffix.lower() in _RASTER_SUFFIXES
            )
            if not paths:
                raise ReadError(
                    f"directory {text!r} holds no raster files ({', '.join(_RASTER_SUFFIXES)})"
                )
            return paths
        return [text]
    return [fspath(p) for p in sources]


def _read_meta(path: str) -> dict[str, Any]:
    if not is_remote(path) and not Path(path).exists():
        raise ReadError(f"land-cover file not found: {path}")
    try:
        with remote_env(path), rasterio.open(path) as src:
            tags = {k.lower(): v for k, v in src.tags().items()}
            return {
                "count": src.count,
                "crs": src.crs,
                "transform": src.transform,
                "width": src.width,
                "height": src.height,
                "dtype": src.dtypes[0],
                "nodata": src.nodata,
                "tags": tags,
                "block_shape": tuple(src.block_shapes[0]),
                "masked": [_has_mask_band(flags) for flags in src.mask_flag_enums],
            }
    except RasterioError as exc:
        if is_network(path):
            raise remote_failed(path, "the header", exc) from exc
        raise ReadError(f"{public_name(path)} is not a readable raster: {exc}") from exc


def remote_failed(path: str, what: str, exc: BaseException) -> FetchError:
    """Return the :class:`FetchError` for a failed read of ``what`` of a remote raster."""
    return FetchError(
        f"could not read {what} of {public_name(path)}: {describe_gdal_error(exc)}. Check the "
        "URL and that this machine (every dask worker, with client=) reaches it; for object "
        "storage, the credentials in the environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
        "or AWS_NO_SIGN_REQUEST=YES for a public bucket). GDAL_HTTP_TIMEOUT and "
        "GDAL_HTTP_MAX_RETRY set the timeout (s) and retries."
    )


def _has_mask_band(flags: Sequence[MaskFlags]) -> bool:
    """Whether a band's validity comes from a mask band rather than a nodata value."""
    return MaskFlags.nodata not in flags and (
        MaskFlags.per_dataset in flags or MaskFlags.alpha in flags
    )


def _is_simulated(path: str, tags: Mapping[str, str]) -> bool:
    flag = str(tags.get("simulated", "")).strip().lower() in {"1", "true", "yes"}
    return flag or "simulated" in _name(path).lower()


def _version(path: str, tags: Mapping[str, str]) -> str:
    from_name = version_from_name(path)
    if from_name:
        return from_name
    return next((str(tags[k]) for k in _VERSION_TAGS if tags.get(k)), "")


def resolve_layers(
    sources: Sources,
    years: Sequence[int] | None = None,
    band_years: BandYears | None = None,
) -> list[Layer]:
    """Resolve ``sources`` into one :class:`Layer` per year, sorted by year.

    Raises
    ------
    ReadError
        Missing or non-raster files, empty patterns.
    SchemaError
        Years missing, ambiguous, duplicated or not matching the files; multi-band files
        without ``band_years``.
    """
    if isinstance(sources, Mapping):
        if years is not None:
            raise SchemaError("years= cannot be combined with a {year: path} mapping")
        pairs: list[tuple[int | None, str]] = [(int(y), fspath(p)) for y, p in sources.items()]
    else:
        paths = expand_paths(sources)
        if years is not None and band_years is None:
            years = [int(y) for y in years]
            if len(years) != len(paths):
                raise SchemaError(
                    f"{len(years)} years given for {len(paths)} files; give one year per file"
                )
            pairs = list(zip(years, paths, strict=True))
        else:
            pairs = [(None, p) for p in paths]
    if not pairs:
        raise ReadError("no land-cover sources given")

    layers: list[Layer] = []
    for year, given in pairs:
        path = source_path(given)
        meta = _read_meta(path)
        common = {
            "path": path,
            "name": public_name(given),
            "version": _version(path, meta["tags"]),
            "simulated": _is_simulated(path, meta["tags"]),
            **{k: meta[k] for k in ("crs", "transform", "width", "height", "dtype", "nodata")},
            "block_shape": meta["block_shape"],
        }
        if band_years is not None:
            if len(pairs) != 1:
                raise SchemaError("band_years= applies to a single multi-band file")
            mapping = (
                {int(y): int(b) for y, b in band_years.items()}
                if isinstance(band_years, Mapping)
                else {int(y): i for i, y in enumerate(band_years, start=1)}
            )
            if len(mapping) != (len(band_years)):
                raise SchemaError(f"duplicate years in band_years={band_years!r}")
            if len(set(mapping.values())) != len(mapping):
                raise SchemaError(
                    f"band_years={band_years!r} gives one band to several years; each year "
                    "needs its own band"
                )
            bad = [b for b in mapping.values() if not 1 <= b <= meta["count"]]
            if bad or (not isinstance(band_years, Mapping) and len(mapping) != meta["count"]):
                raise SchemaError(
                    f"{public_name(path)} has {meta['count']} bands but "
                    f"band_years={band_years!r}; give one year per band, or a "
                    "{year: band} mapping with bands 1.."
                    f"{meta['count']}"
                )
            layers.extend(
                Layer(year=y, band=b, **{**common, "masked": meta["masked"][b - 1]})
                for y, b in mapping.items()
            )
            continue
        common["masked"] = meta["masked"][0]
        if meta["count"] != 1:
            raise SchemaError(
                f"{public_name(path)} has {meta['count']} bands; if they are years, pass "
                "band_years=[first_year, ...] (one per band)"
            )
        if year is None:
            year = year_from_name(path)
            if year is None:
                raise SchemaError(
                    f"cannot find a year in the file name {_name(path)!r}; pass years=[...] "
                    "or a {year: path} mapping"
                )
        layers.append(Layer(year=year, band=1, **common))

    seen: dict[int, str] = {}
    for layer in layers:
        if layer.year in seen:
            raise SchemaError(
                f"year {layer.year} appears twice ({public_name(seen[layer.year])} and "
                f"{public_name(layer.path)}); give each year exactly one source"
            )
        seen[layer.year] = layer.path
    return sorted(layers, key=lambda la: la.year)


def check_versions(versions: Mapping[int, str], legend: Legend, *, stacklevel: int = 3) -> None:
    """Warn when the years' product versions differ, or are ones the legend does not describe.

    ``versions`` maps year to version (``""`` unknown; ``"v100;v200"`` for a mosaic of both).
    ``stacklevel`` is that of :func:`warnings.warn` called in the caller's caller.
    """
    known = {y: v for y, v in versions.items() if v}
    if len(set(known.values())) > 1:
        listing = ", ".join(f"{y}: {v}" for y, v in known.items())
        warnings.warn(
            f"the years come from different product versions ({listing}); differences between "
            "them may be algorithmic, not real land-cover change. Compare like with like, or "
            "treat transitions across the version change with caution.",
            ProductVersionWarning,
            stacklevel=stacklevel,
        )
    if legend.versions:
        wanted = {v.lower() for v in legend.versions}
        odd = {y: v for y, v in known.items() if not set(v.lower().split(";")) <= wanted}
        if odd:
            warnings.warn(
                f"legend {legend.name!r} describes versions {list(legend.versions)}, but the "
                f"files declare {odd}; check that the legend fits the product version",
                ProductVersionWarning,
                stacklevel=stacklevel,
            )
