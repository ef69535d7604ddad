"""Credit lines of print maps (what is drawn and where it comes from) and text wrapping."""

from __future__ import annotations

from datetime import date
from typing import Any

import geopandas as gpd
import xarray as xr
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.text import Text

from geo_revival.mapping._zone_map import ZoneMap

__all__ = ["credit_line", "credit_text", "wrap_text"]

#: No ink closer than this to any edge of the paper (printers cut or cannot print ~3-5 mm).
MARGIN_MM = 8.0


def wrap_text(text: str, max_px: float, probe: Text, r: RendererBase) -> str:
    """Wrap ``text`` at spaces (or inside long CJK runs) so no line is wider than ``max_px``."""
    out_lines = []
    for para in text.split("\n"):
        line = ""
        for word in para.split(" "):
            trial = f"{line} {word}".strip()
            probe.set_text(trial)
            if line and probe.get_window_extent(r).width > max_px:
                out_lines.append(line)
                line = word
            else:
                line = trial
        while line:  # a single word wider than the column is cut (CJK has no spaces)
            probe.set_text(line)
            if probe.get_window_extent(r).width <= max_px or len(line) < 4:
                out_lines.append(line)
                break
            cut = max(3, int(len(line) * max_px / probe.get_window_extent(r).width) - 1)
            out_lines.append(line[:cut])
            line = line[cut:]
    return "\n".join(out_lines)


def credit_line(
    drawn: ZoneMap,
    *,
    zones: gpd.GeoDataFrame,
    landcover: xr.DataArray | None,
    simulated: bool,
) -> str:
    """Build the source line of a map: only what is drawn on it, each with its source.

    Sources come from the data's ``attrs`` (``source``, ``citation``, ``product`` or the
    provenance record's ``source``); layers without one are "as supplied".
    """
    from geo_revival import __version__

    parts = ["模拟数据 SIMULATED data, not observations"] if simulated else []
    parts.append(f"Zones 区块: {_source_of(zones) or 'as supplied'}")
    if drawn.legend is not None and landcover is not None:
        legend_name = drawn.legend.title or drawn.legend.name
        product = landcover.attrs.get("product") or legend_name
        text = f"Land cover 土地覆盖 {drawn.landcover_year}: {product}"
        # A fetched product's required attribution (attrs["attribution"]) and a citation.
        for key in ("attribution", "citation"):
            extra = landcover.attrs.get(key)
            text += f" ({extra})" if extra else ""
        text += f", legend {legend_name}" if product != legend_name else ""
        text += "; water = its water classes" if drawn.water else ""
        parts.append(text)
    if drawn.districts is not None and len(drawn.districts):
        parts.append(f"Boundaries 区县界: {_source_of(drawn.districts) or 'as supplied'}")
    if drawn.lakes is not None and len(drawn.lakes):
        parts.append(f"Lakes 湖泊: {_source_of(drawn.lakes) or 'as supplied'}")
    if drawn.basemap_attribution:
        parts.append(f"Basemap 底图: {drawn.basemap_attribution}")
    parts.append(f"Projection 投影: {drawn.crs.name}")
    parts.append(f"geo-revival {__version__}, {date.today().isoformat()}")
    return "Source 来源: " + " · ".join(parts)


def _source_of(obj: Any) -> str | None:
    attrs = getattr(obj, "attrs", {}) or {}
    for key in ("source", "citation"):
        if isinstance(attrs.get(key), str) and attrs[key]:
            return str(attrs[key])
    prov = attrs.get("provenance")
    if isinstance(prov, dict) and isinstance(prov.get("source"), str):
        return str(prov["source"])
    return None


def credit_text(fig: Figure, r: RendererBase, text: str, *, width_mm: float) -> Text:
    """Write the credit line at the bottom margin, wrapped at `` · `` to ``width_mm``."""
    w_mm, h_mm = fig.get_size_inches() * 25.4
    t = fig.text(
        MARGIN_MM / w_mm, MARGIN_MM / h_mm, "", fontsize=6.5, color="#333", ha="left", va="bottom"
    )
    max_px = width_mm / w_mm * fig.bbox.width
    lines: list[str] = []
    line = ""
    for piece in text.split(" · "):
        trial = f"{line} · {piece}" if line else piece
        t.set_text(trial)
        if line and t.get_window_extent(r).width > max_px:
            lines.append(line)
            line = piece
        else:
            line = trial
    lines.append(line)
    t.set_text(wrap_text("\n".join(lines), max_px, t, r))
    return t
