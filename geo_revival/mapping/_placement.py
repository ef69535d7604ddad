"""Zone numbers and collision-aware label placement for print maps.

Every zone gets a number (its row in the zones table, 1-based); each part of a multi-part zone
gets a letter (``8a``, ``8b`` … largest part first), so that every part on the map can be found
in the key. The interactive map uses the same numbers (:func:`zone_parts`).

Labels are placed in display coordinates. A label sits inside its part when it fits there
without touching another zone; otherwise it is a callout: a box placed at the nearest free spot
around the part (outside every zone, or on a zone that contains the part, e.g. a whole district)
and tied to the part by a leader line. Boxes never overlap each other, other zones, the map
furniture or the map frame.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
import shapely.ops
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.transforms import Bbox
from shapely.geometry import Polygon, box
from shapely.geometry.base import BaseGeometry

__all__ = ["Label", "place_labels", "zone_parts"]

#: Search radii (points) around a part for a callout; the last ones reach across the map.
_RADII_PT = (4, 9, 15, 22, 30, 40, 52, 66, 82, 100, 125, 155, 190, 230)
_DIRECTIONS = 24
_GAP_PT = 1.5  # free space kept around every label box


def _letters(i: int) -> str:
    """Letter(s) of part ``i``: ``0 -> 'a'``, ``25 -> 'z'``, ``26 -> 'aa'``."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = string.ascii_lowercase[r] + s
    return s


def zone_parts(zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One row per polygon part: ``zone_index`` (0-based row), ``number`` and ``label``.

    Parts of a multi-part zone are lettered by decreasing area (``"2a"``, ``"2b"``); a
    single-part zone keeps its bare number.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import MultiPolygon, box
    >>> z = gpd.GeoDataFrame({"zone_id": ["a", "b"]}, crs=3857, geometry=[
    ...     box(0, 0, 1, 1), MultiPolygon([box(5, 5, 6, 6), box(2, 2, 4, 4)])])
    >>> zone_parts(z)["label"].tolist()
    ['1', '2a', '2b']
    """
    rows: list[dict[str, Any]] = []
    for i, geom in enumerate(zones.geometry):
        parts = [g for g in getattr(geom, "geoms", [geom]) if not g.is_empty and g.area > 0]
        parts.sort(key=lambda g: -g.area)
        for k, part in enumerate(parts):
            label = str(i + 1) if len(parts) == 1 else f"{i + 1}{_letters(k)}"
            rows.append({"zone_index": i, "number": i + 1, "label": label, "geometry": part})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=zones.crs)


@dataclass
class Label:
    """A placed label: its text, its box (display coordinates) and whether it is a callout."""

    text: str
    box: Bbox
    zone_index: int
    callout: bool


def _to_display(ax: Axes, geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, ax.transData.transform)


def _as_poly(b: Bbox, grow: float = 0.0) -> Polygon:
    return box(b.x0 - grow, b.y0 - grow, b.x1 + grow, b.y1 + grow)


def place_labels(
    ax: Axes,
    parts: gpd.GeoDataFrame,
    texts: Sequence[str],
    renderer: RendererBase,
    *,
    obstacles: Sequence[Bbox] = (),
    style: dict[str, Any] | None = None,
) -> list[Label]:
    """Place one label per row of ``parts`` (text ``texts[i]``) on ``ax`` without collisions.

    ``parts`` are in the axes' data coordinates, with the ``zone_index`` of their zone (parts
    of one zone do not block each other's boxes). ``obstacles`` are boxes (display coordinates)
    to keep clear, e.g. the scale bar. Returns the placed labels; a label that finds no free
    spot is placed at its part anyway (never dropped) and reported with ``callout=False``.
    """
    style = {"fontsize": 7.5, "pad": 0.25, **(style or {})}
    px = ax.figure.dpi / 72  # display pixels per point
    gap = _GAP_PT * px
    frame = ax.get_window_extent(renderer)
    inner = box(frame.x0 + gap, frame.y0 + gap, frame.x1 - gap, frame.y1 - gap)
    display = [_to_display(ax, g) for g in parts.geometry]
    zone_of = parts["zone_index"].to_numpy()
    tree = shapely.STRtree(display)
    taken: list[Polygon] = [_as_poly(b, gap) for b in obstacles]

    def allowed(candidate: Polygon, i: int) -> bool:
        """Free of labels and furniture; touching only zones that contain part ``i``."""
        if not inner.contains(candidate) or any(candidate.intersects(t) for t in taken):
            return False
        for j in tree.query(candidate, predicate="intersects"):
            if j == i:
                continue
            if zone_of[j] == zone_of[i] or not display[j].contains(display[i]):
                return False
        return True

    order = np.argsort([g.area for g in display], kind="stable")  # small parts choose first
    placed: dict[int, Label] = {}
    for i in order:
        part = display[i]
        w, h = _text_size(ax, texts[i], renderer, style)
        inside = _inside_spot(
            part, w, h, lambda c, i=i, part=part: allowed(c, i) and part.contains(c)
        )
        if inside is not None:
            centre, callout = inside, False
        else:
            spot = _callout_spot(part, w, h, px, lambda c, i=i: allowed(c, i))
            centre, callout = (spot, True) if spot is not None else (_anchor(part), False)
        cx, cy = centre
        b = Bbox.from_bounds(cx - w / 2, cy - h / 2, w, h)
        taken.append(_as_poly(b, gap))
        placed[int(i)] = Label(texts[i], b, int(zone_of[i]), callout)
        _draw(ax, texts[i], centre, _anchor(part) if callout else None, style)
    return [placed[i] for i in range(len(display))]


def _text_size(
    ax: Axes, text: str, renderer: RendererBase, style: dict[str, Any]
) -> tuple[float, float]:
    t = ax.text(0, 0, text, fontsize=style["fontsize"], transform=None)
    ext = t.get_window_extent(renderer)
    t.remove()
    pad = style["pad"] * style["fontsize"] * ax.figure.dpi / 72
    return ext.width + 2 * pad + 1, ext.height + 2 * pad + 1


def _anchor(part: BaseGeometry) -> tuple[float, float]:
    """Point the leader line ends at: the part's pole of inaccessibility."""
    p = shapely.ops.polylabel(part, tolerance=0.5) if isinstance(part, Polygon) else None
    q = p if p is not None and not p.is_empty else part.representative_point()
    return float(q.x), float(q.y)


def _inside_spot(part: BaseGeometry, w: float, h: float, ok: Any) -> tuple[float, float] | None:
    """Find a box centre inside ``part`` (pole of inaccessibility first, then a grid), or None."""
    if part.area < 2 * w * h:
        return None
    x0, y0, x1, y1 = part.bounds
    cands = [_anchor(part)]
    xs, ys = np.linspace(x0, x1, 9)[1:-1], np.linspace(y0, y1, 9)[1:-1]
    cx, cy = cands[0]
    grid = sorted(
        ((x, y) for x in xs for y in ys), key=lambda p: (p[0] - cx) ** 2 + (p[1] - cy) ** 2
    )
    for x, y in [*cands, *grid]:
        if ok(box(x - w / 2, y - h / 2, x + w / 2, y + h / 2)):
            return (x, y)
    return None


def _callout_spot(
    part: BaseGeometry, w: float, h: float, px: float, ok: Any
) -> tuple[float, float] | None:
    """Find the nearest free box centre on rings around ``part`` (upper right preferred)."""
    for r in _RADII_PT:
        ring = part.buffer(r * px + max(w, h) / 2, quad_segs=4).exterior
        pts = [ring.interpolate(f, normalized=True) for f in np.linspace(0, 1, _DIRECTIONS, False)]
        cx, cy = part.centroid.x, part.centroid.y
        # Prefer spots up and to the right of the part: the usual reading direction of callouts.
        pts.sort(key=lambda p: -((p.x - cx) + 0.5 * (p.y - cy)))
        for p in pts:
            if ok(box(p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2)):
                return (float(p.x), float(p.y))
    return None


def _draw(
    ax: Axes,
    text: str,
    centre: tuple[float, float],
    anchor: tuple[float, float] | None,
    style: dict[str, Any],
) -> None:
    to_data = ax.transData.inverted()
    x, y = (float(v) for v in to_data.transform(centre))
    bbox = {"boxstyle": f"round,pad={style['pad']}", "fc": "white", "ec": "#222", "lw": 0.5}
    if anchor is not None:
        ex, ey = (float(v) for v in to_data.transform(anchor))
        ax.annotate(
            "",
            xy=(ex, ey),
            xytext=(x, y),
            arrowprops={"arrowstyle": "-", "lw": 0.6, "color": "#222", "shrinkA": 0, "shrinkB": 0},
            zorder=5,
        )
        ax.plot(ex, ey, "o", ms=2.2, color="#222", zorder=5)
    ax.text(x, y, text, ha="center", va="center", fontsize=style["fontsize"], bbox=bbox, zorder=6)
