"""Land-cover legends: what every raster code means, as versioned data.

A :class:`Legend` is read from a CSV file in ``geo_revival/landcover/legends/``. The file starts
with ``# key: value`` metadata lines (``name``, ``title``, ``product``, ``versions``, ``nodata``,
``source`` ...) followed by a table with the columns ``code, name_en, name_zh, color,
generic_class`` (``name_zh`` may be empty in user legends; any further column, e.g. ``note`` or
``clc_code``, is kept in :attr:`Legend.attributes`). Each class maps to one of
:data:`GENERIC_CLASSES`, the vocabulary the restoration rule sets use.

Examples
--------
>>> from geo_revival.landcover.legend import get_legend
>>> clcd = get_legend("clcd")
>>> clcd.class_name(8), clcd.class_name(8, lang="zh"), clcd.generic(8)
('Impervious', '不透水面', 'built_up')
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

from geo_revival.exceptions import LegendError, ReadError, UnknownCodeWarning

__all__ = [
    "GENERIC_CLASSES",
    "Legend",
    "LegendClass",
    "get_legend",
    "legend_from_csv",
    "list_legends",
    "register_legend",
]

GENERIC_CLASSES: tuple[str, ...] = (
    "cropland",
    "forest",
    "shrub",
    "grassland",
    "water",
    "wetland",
    "built_up",
    "barren",
    "snow_ice",
    "other",
)

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_REQUIRED_COLUMNS = ("code", "name_en", "color", "generic_class")
_TABLE_COLUMNS = ("code", "name_en", "name_zh", "color", "generic_class")


@dataclass(frozen=True)
class LegendClass:
    """One row of a legend: a raster code and what it means."""

    code: int
    name_en: str
    name_zh: str
    color: str
    generic_class: str

    @property
    def rgba(self) -> tuple[int, int, int, int]:
        """Colour as an opaque ``(r, g, b, a)`` tuple of 0-255 integers."""
        h = self.color.lstrip("#")
        return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), 255)


@dataclass(frozen=True)
class Legend:
    """An immutable land-cover legend.

    Parameters
    ----------
    name : str
        Registry name (lower case, e.g. ``"clcd"``).
    title : str
        Human-readable title of the product/legend.
    product : str
        Product the legend belongs to (e.g. ``"CLCD"``, ``"ESA WorldCover"``).
    versions : tuple of str
        Product versions the legend applies to.
    source : str
        Citation of the document that defines the classes.
    nodata : tuple of int
        Codes that mean "no data" (fill, ocean, outside coverage); not classes.
    classes : tuple of LegendClass
        The classes, in file order.
    attributes : mapping
        Extra per-code columns of the legend file (``{code: {column: value}}``).

    Examples
    --------
    >>> leg = get_legend("clcd")
    >>> leg.codes[:3], leg.nodata
    ((1, 2, 3), (0,))
    """

    name: str
    title: str
    product: str
    versions: tuple[str, ...]
    source: str
    nodata: tuple[int, ...]
    classes: tuple[LegendClass, ...]
    attributes: Mapping[int, Mapping[str, str]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        where = f"legend {self.name!r}"
        if not self.name or not re.fullmatch(r"[a-z0-9_]+", self.name):
            raise LegendError(
                f"{where}: name must be non-empty lower-case letters, digits or '_' "
                "(it is the registry key)"
            )
        if not self.classes:
            raise LegendError(f"{where}: no classes")
        codes = [c.code for c in self.classes]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise LegendError(f"{where}: duplicate codes {dupes}")
        clash = sorted(set(codes) & set(self.nodata))
        if clash:
            raise LegendError(f"{where}: codes {clash} are both classes and nodata")
        for c in self.classes:
            if not _COLOR.match(c.color):
                raise LegendError(f"{where}: code {c.code} colour {c.color!r} is not '#rrggbb'")
            if c.generic_class not in GENERIC_CLASSES:
                raise LegendError(
                    f"{where}: code {c.code} generic class {c.generic_class!r} is not one of "
                    f"{', '.join(GENERIC_CLASSES)}"
                )
            if not c.name_en.strip():
                raise LegendError(f"{where}: code {c.code} has no English name")
        # Freeze the extra columns too, so the whole object is immutable.
        frozen = {int(k): MappingProxyType(dict(v)) for k, v in self.attributes.items()}
        object.__setattr__(self, "attributes", MappingProxyType(frozen))

    # -- lookups ---------------------------------------------------------------------------
    @property
    def codes(self) -> tuple[int, ...]:
        """Class codes in file order (nodata codes excluded)."""
        return tuple(c.code for c in self.classes)

    @property
    def version(self) -> str:
        """The latest (last listed) product version."""
        return self.versions[-1] if self.versions else ""

    def __contains__(self, code: object) -> bool:
        return any(c.code == code for c in self.classes)

    def __len__(self) -> int:
        return len(self.classes)

    def __getitem__(self, code: int) -> LegendClass:
        for c in self.classes:
            if c.code == int(code):
                return c
        raise LegendError(
            f"code {code} is not in legend {self.name!r} (codes: {list(self.codes)}"
            + (f"; nodata: {list(self.nodata)}" if self.nodata else "")
            + ")"
        )

    def class_name(self, code: int, lang: Literal["en", "zh"] = "en") -> str:
        """Class name of ``code`` in English (``lang="en"``) or Chinese (``lang="zh"``).

        (``Legend.name`` is the legend's registry name, hence ``class_name`` here.)
        """
        cls = self[code]
        return cls.name_zh if lang == "zh" else cls.name_en

    def names(self, lang: Literal["en", "zh"] = "en") -> dict[int, str]:
        """``{code: class name}`` for every class, in English or Chinese."""
        return {c.code: c.name_zh if lang == "zh" else c.name_en for c in self.classes}

    def generic(self, code: int) -> str:
        """Return the generic class (one of :data:`GENERIC_CLASSES`) of ``code``."""
        return self[code].generic_class

    def color(self, code: int) -> str:
        """Colour of ``code`` as ``'#rrggbb'``."""
        return self[code].color

    @property
    def colors(self) -> dict[int, str]:
        """``{code: '#rrggbb'}`` for every class."""
        return {c.code: c.color for c in self.classes}

    def colormap(self) -> dict[int, tuple[int, int, int, int]]:
        """``{code: (r, g, b, a)}`` for ``rasterio``'s ``write_colormap``; nodata is transparent.

        Examples
        --------
        >>> get_legend("clcd").colormap()[5]
        (30, 105, 180, 255)
        """
        cmap: dict[int, tuple[int, int, int, int]] = {c: (0, 0, 0, 0) for c in self.nodata}
        cmap.update({c.code: c.rgba for c in self.classes})
        return cmap

    def generic_map(self) -> dict[int, str]:
        """``{code: generic_class}`` for every class."""
        return {c.code: c.generic_class for c in self.classes}

    def codes_of(self, generic_class: str) -> tuple[int, ...]:
        """Codes whose generic class is ``generic_class``.

        Examples
        --------
        >>> get_legend("clcd").codes_of("water")
        (5,)
        """
        if generic_class not in GENERIC_CLASSES:
            raise LegendError(
                f"{generic_class!r} is not a generic class; use one of {', '.join(GENERIC_CLASSES)}"
            )
        return tuple(c.code for c in self.classes if c.generic_class == generic_class)

    def to_frame(self) -> pd.DataFrame:
        """Return the legend as a DataFrame (one row per class, extra columns included)."""
        rows = [
            {
                "code": c.code,
                "name_en": c.name_en,
                "name_zh": c.name_zh,
                "color": c.color,
                "generic_class": c.generic_class,
                **self.attributes.get(c.code, {}),
            }
            for c in self.classes
        ]
        return pd.DataFrame(rows)

    def check_codes(self, codes: Iterable[Any], *, strict: bool = True) -> tuple[int, ...]:
        """Check that every code is a class or a nodata code of this legend.

        Parameters
        ----------
        codes : iterable of int
            Codes found in a raster (e.g. ``np.unique`` of the data); NaN is ignored.
        strict : bool
            Raise :class:`LegendError` on unknown codes (default); otherwise warn with
            :class:`UnknownCodeWarning`.

        Returns
        -------
        tuple of int
            The unknown codes, sorted (empty when all are known).

        Examples
        --------
        >>> get_legend("clcd").check_codes([0, 1, 5])
        ()
        """
        arr = np.asarray(list(codes) if not isinstance(codes, np.ndarray) else codes).ravel()
        if arr.dtype.kind == "f":
            arr = arr[~np.isnan(arr)]
        known = set(self.codes) | set(self.nodata)
        unknown = tuple(sorted(int(v) for v in np.unique(arr) if int(v) not in known))
        report_unknown(unknown, self.name, known, strict=strict)
        return unknown


#: Codes that GIS software commonly writes for missing data (data-type limits, -9999).
TYPICAL_NODATA = (255, 127, -128, 65535, 32767, -32768, -9999, -1, 2147483647, -2147483648)


def unknown_message(unknown: Iterable[int], legend_name: str, known: Iterable[int]) -> str:
    """Error text for codes absent from a legend (``known``: its codes incl. nodata)."""
    unknown = sorted(int(u) for u in unknown)
    text = (
        f"codes {unknown} are not in legend {legend_name!r} "
        f"(known codes incl. nodata: {sorted(int(k) for k in known)}). Check that the raster is "
        "the product this legend describes, pass the right legend=, or register a legend that "
        "includes these codes (legend_from_csv + register_legend); strict=False only warns."
    )
    typical = [u for u in unknown if u in TYPICAL_NODATA]
    if typical:
        text += (
            f" {typical[0]} is a typical nodata value: if it marks missing data, the file's "
            f"nodata value is probably unset. Set it (gdal_edit.py -a_nodata {typical[0]} "
            f"FILE.tif) or pass nodata={typical[0]} to open_landcover."
        )
    return text


def report_unknown(
    unknown: Iterable[int],
    legend_name: str,
    known: Iterable[int],
    *,
    strict: bool,
    stacklevel: int = 2,
) -> None:
    """Raise :class:`LegendError` (``strict``) or warn about codes absent from a legend.

    ``stacklevel`` is that of a :func:`warnings.warn` call made in the caller.
    """
    unknown = list(unknown)
    if not unknown:
        return
    msg = unknown_message(unknown, legend_name, known)
    if strict:
        raise LegendError(msg)
    warnings.warn(msg, UnknownCodeWarning, stacklevel=stacklevel + 1)


# -- reading ------------------------------------------------------------------------------
def _parse(text: str, origin: str, overrides: Mapping[str, Any]) -> Legend:
    meta: dict[str, str] = {}
    body: list[str] = []
    for line in text.splitlines():
        if line.startswith("#") and not body:
            key, sep, value = line.lstrip("#").partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip()
        elif line.strip():
            body.append(line)
    if not body:
        raise LegendError(f"legend file {origin} has no table")
    rows = list(csv.DictReader(io.StringIO("\n".join(body))))
    header = [h.strip() for h in (rows[0].keys() if rows else [])]
    missing = [c for c in _REQUIRED_COLUMNS if c not in header]
    if missing:
        raise LegendError(
            f"legend file {origin} lacks columns {missing}; expected {list(_TABLE_COLUMNS)}"
        )
    classes: list[LegendClass] = []
    attributes: dict[int, dict[str, str]] = {}
    for i, row in enumerate(rows, start=1):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
        try:
            code = int(row["code"])
        except ValueError:
            raise LegendError(
                f"legend file {origin}, row {i}: code {row['code']!r} is not an integer"
            ) from None
        classes.append(
            LegendClass(
                code=code,
                name_en=row["name_en"],
                name_zh=row.get("name_zh", ""),
                color=row["color"].lower(),
                generic_class=row["generic_class"],
            )
        )
        extra = {k: v for k, v in row.items() if k not in _TABLE_COLUMNS}
        if extra:
            attributes[code] = extra

    def _ints(value: str) -> tuple[int, ...]:
        try:
            return tuple(int(v) for v in re.split(r"[,\s]+", value) if v)
        except ValueError:
            raise LegendError(f"legend file {origin}: nodata {value!r} is not integers") from None

    fields: dict[str, Any] = {
        "name": meta.get("name", Path(origin).stem.lower()),
        "title": meta.get("title", ""),
        "product": meta.get("product", ""),
        "versions": tuple(v.strip() for v in meta.get("versions", "").split(",") if v.strip()),
        "source": meta.get("source", ""),
        "nodata": _ints(meta.get("nodata", "")),
    }
    fields.update({k: v for k, v in overrides.items() if v is not None})
    if isinstance(fields["nodata"], int):
        fields["nodata"] = (fields["nodata"],)
    fields["nodata"] = tuple(int(v) for v in fields["nodata"])
    fields["versions"] = (
        (fields["versions"],) if isinstance(fields["versions"], str) else tuple(fields["versions"])
    )
    return Legend(classes=tuple(classes), attributes=attributes, **fields)


def legend_from_csv(
    path: str | PathLike[str],
    *,
    name: str | None = None,
    title: str | None = None,
    product: str | None = None,
    versions: Iterable[str] | str | None = None,
    source: str | None = None,
    nodata: Iterable[int] | int | None = None,
) -> Legend:
    r"""Read a user-defined legend from a CSV file.

    The file needs the columns ``code, name_en, color, generic_class`` (``name_zh`` optional).
    Metadata may be given as leading ``# key: value`` lines or as keyword arguments (which win).

    Parameters
    ----------
    path : path-like
        The CSV file (UTF-8).
    name, title, product, versions, source, nodata
        Override or supply the legend metadata; ``name`` defaults to the file stem.

    Returns
    -------
    Legend

    Raises
    ------
    LegendError
        If the file is missing columns, has non-integer or duplicate codes, bad colours or
        generic classes outside :data:`GENERIC_CLASSES`.
    ReadError
        If the file cannot be read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "mine.csv"
    >>> _ = p.write_text("code,name_en,color,generic_class\n1,Pit,#884400,barren\n")
    >>> legend_from_csv(p, name="mine_pits", nodata=0).generic(1)
    'barren'
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ReadError(f"cannot read legend file {p}: {exc}") from exc
    return _parse(
        text,
        str(p),
        {
            "name": name,
            "title": title,
            "product": product,
            "versions": versions,
            "source": source,
            "nodata": nodata,
        },
    )


# -- registry -----------------------------------------------------------------------------
_REGISTRY: dict[str, Legend] = {}
_BUILTIN_LOADED = False


def _load_builtin() -> None:
    global _BUILTIN_LOADED
    if _BUILTIN_LOADED:
        return
    folder = resources.files("geo_revival.landcover") / "legends"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".csv"):
            legend = _parse(entry.read_text(encoding="utf-8"), entry.name, {})
            _REGISTRY.setdefault(legend.name, legend)
    _BUILTIN_LOADED = True


def register_legend(legend: Legend, *, overwrite: bool = False) -> Legend:
    """Add ``legend`` to the registry under ``legend.name``.

    Raises :class:`LegendError` if the name is taken, unless ``overwrite=True``.

    Examples
    --------
    >>> import dataclasses
    >>> custom = dataclasses.replace(get_legend("clcd"), name="clcd_copy")
    >>> register_legend(custom).name in list_legends()
    True
    """
    _load_builtin()
    if not isinstance(legend, Legend):
        raise TypeError(f"expected a Legend, got {type(legend).__name__}")
    if legend.name in _REGISTRY and not overwrite and _REGISTRY[legend.name] != legend:
        raise LegendError(
            f"a legend named {legend.name!r} is already registered; pick another name or pass "
            "overwrite=True"
        )
    _REGISTRY[legend.name] = legend
    return legend


def get_legend(name: str | Legend) -> Legend:
    """Return the registered legend called ``name`` (case-insensitive); a Legend passes through.

    Raises :class:`LegendError` listing the available names if ``name`` is unknown.

    Examples
    --------
    >>> get_legend("CLCD").product
    'CLCD'
    """
    if isinstance(name, Legend):
        return name
    _load_builtin()
    key = str(name).strip().lower()
    if key not in _REGISTRY:
        raise LegendError(
            f"unknown legend {name!r}; available: {', '.join(sorted(_REGISTRY))}. "
            "Load your own with legend_from_csv(...) and register_legend(...)."
        )
    return _REGISTRY[key]


def list_legends() -> list[str]:
    """Names of all registered legends, sorted.

    Examples
    --------
    >>> "clcd" in list_legends()
    True
    """
    _load_builtin()
    return sorted(_REGISTRY)
