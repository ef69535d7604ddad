"""Optional basemap tiles: provider lookup, and overlays shifted onto GCJ-02 (AMap) tiles.

No network: contextily is replaced by a recorder; the shift is checked by the round trip
WGS84 -> GCJ-02 (what is drawn) -> WGS84 (geo_revival.crs.gcj02_to_wgs84, the iterative
inverse) landing back on the input vertices.
"""

from __future__ import annotations

import json
import sys
import types

import numpy as np
import pytest
from pyproj import Transformer

from geo_revival.crs import gcj02_to_wgs84
from geo_revival.exceptions import OptionError
from geo_revival.mapping._basemap import is_gcj02, shift_to_gcj02, tile_provider
from geo_revival.mapping.interactive import progress_map
from geo_revival.mapping.static import static_map
from tests.unit import _mapping_data as md


@pytest.fixture
def fake_contextily(monkeypatch):
    calls: list[dict] = []
    module = types.ModuleType("contextily")
    module.add_basemap = lambda ax, **kw: calls.append(kw)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "contextily", module)
    return calls


def _first_zone_vertices_lonlat(fig) -> np.ndarray:
    """Vertices of the zones as drawn (Web Mercator) turned back into lon/lat numbers."""
    ax = fig.axes[0]
    coll = next(c for c in ax.collections if len(c.get_paths()) == 3)
    # zones are drawn largest first: z3, z2, z1
    xy = coll.get_paths()[0].vertices[:4]
    to_ll = Transformer.from_crs(3857, 4326, always_xy=True)
    return _sorted(np.column_stack(to_ll.transform(xy[:, 0], xy[:, 1])))


def _sorted(xy: np.ndarray) -> np.ndarray:
    r = np.round(xy, 3)  # corners 0.05° apart: sub-metre noise must not reorder them
    return xy[np.lexsort((r[:, 1], r[:, 0]))]


def _z3_corners() -> np.ndarray:
    z3 = md.zones().to_crs(4326).geometry.iloc[2]
    return _sorted(np.asarray(z3.exterior.coords)[:4])


def test_gcj02_shift_round_trip(fake_contextily) -> None:
    fig = static_map(md.zones(), md.rates(), basemap="Gaode.Normal")
    drawn = _first_zone_vertices_lonlat(fig)
    original = _z3_corners()
    # drawn in GCJ-02: 300-700 m away from the WGS84 vertices at Xuzhou ...
    d = (drawn - original) * [111_000 * np.cos(np.radians(34.2)), 111_000]
    offset_m = np.hypot(d[:, 0], d[:, 1])
    assert np.all((offset_m > 300) & (offset_m < 700))
    # ... and back to WGS84 within a few cm
    lon, lat = gcj02_to_wgs84(drawn[:, 0], drawn[:, 1])
    assert np.allclose(np.column_stack([lon, lat]), original, atol=1e-6)
    (call,) = fake_contextily
    assert "autonavi" in call["source"].build_url() and call["crs"] == "EPSG:3857"
    credit = "\n".join(t.get_text() for t in fig.texts)
    assert "Basemap" in credit and "Gaode" in credit


def test_wgs84_tiles_are_not_shifted(fake_contextily) -> None:
    fig = static_map(md.zones(), md.rates(), basemap="OpenStreetMap.Mapnik")
    assert np.allclose(_first_zone_vertices_lonlat(fig), _z3_corners(), atol=1e-7)
    assert "openstreetmap" in fake_contextily[0]["source"].build_url()


def test_no_basemap_by_default(fake_contextily) -> None:
    static_map(md.zones(), md.rates())
    assert fake_contextily == []


def test_provider_errors_and_kinds(monkeypatch) -> None:
    monkeypatch.delenv("GEO_REVIVAL_TIANDITU_KEY", raising=False)
    with pytest.raises(OptionError, match="Tianditu key"):
        tile_provider("Tianditu.Vector")
    assert "tk=abc" in tile_provider("Tianditu.Vector", key="abc").build_url()
    with pytest.raises(OptionError, match="unknown basemap"):
        tile_provider("No.Such.Tiles")
    assert is_gcj02("Gaode.Satellite") and not is_gcj02("Tianditu.Image")


def test_shift_does_not_modify_input() -> None:
    z = md.zones()
    before = z.copy()
    shift_to_gcj02(z)
    assert z.geom_equals(before).all()


def test_interactive_overlays_shifted_for_amap() -> None:
    m = progress_map(md.zones(), md.rates(), basemap="Gaode.Normal")
    html = m.get_root().render()
    assert "autonavi" in html
    cfg = json.loads(html.split("var cfg = ", 1)[1].split(";\n", 1)[0])
    lon, lat = _sorted(
        np.asarray(
            next(f for f in cfg["zones"]["features"] if f["properties"]["zone_id"] == "z3")[
                "geometry"
            ]["coordinates"][0][:4]
        )
    ).T
    back = _sorted(np.column_stack(gcj02_to_wgs84(lon, lat)))
    assert np.allclose(back, _z3_corners(), atol=2e-5)  # 5 decimals in the page
    assert not np.allclose(np.column_stack([lon, lat]), _z3_corners(), atol=1e-3)
