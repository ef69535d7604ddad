"""landcover_map: a land-cover window in its legend's colours, read back from rendered pixels."""

from __future__ import annotations

import geopandas as gpd
import matplotlib
import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba_array
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.text import Text
from shapely.geometry import box

from geo_revival.exceptions import MissingCRSError, UnknownCodeWarning
from geo_revival.landcover.legend import get_legend
from geo_revival.mapping import landcover_map
from geo_revival.mapping._raster import legend_rgba
from tests.unit import _mapping_data as md

matplotlib.use("Agg")

CLCD = get_legend("clcd")
BACKGROUND = "#ff00ff"  # magenta: no legend colour, so a transparent pixel shows it
# 3 x 3 hand-made codes: 0 is CLCD nodata.
CODES = np.array([[1, 2, 0], [5, 5, 8], [1, 0, 2]], dtype="uint8")


def _grid(codes: np.ndarray, *, simulated: bool = False, pixel: float = 100.0) -> xr.DataArray:
    ny, nx = codes.shape
    da = xr.DataArray(
        codes,
        dims=("y", "x"),
        coords={
            "y": 3_800_000 - pixel * (np.arange(ny) + 0.5),
            "x": 500_000 + pixel * (np.arange(nx) + 0.5),
        },
        attrs={"legend": "clcd", "simulated": simulated},
    )
    return da.rio.write_crs("EPSG:4548").rio.write_nodata(0)


def _render(da: xr.DataArray, **kwargs) -> tuple[Figure, np.ndarray]:
    """Draw ``da`` filling a 600 x 600 px figure; return the figure and its RGBA pixels."""
    fig = Figure(figsize=(6, 6), dpi=100, facecolor=BACKGROUND)
    ax = fig.add_axes((0, 0, 1, 1), facecolor=BACKGROUND)
    landcover_map(da, ax=ax, show_legend=False, **kwargs)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return fig, np.asarray(canvas.buffer_rgba())


def _pixel_at(fig: Figure, pixels: np.ndarray, x: float, y: float) -> tuple[int, ...]:
    col, row = fig.axes[0].transData.transform((x, y))
    return tuple(int(v) for v in pixels[pixels.shape[0] - round(float(row)), round(float(col))])


def test_rendered_cells_have_the_legend_colours() -> None:
    da = _grid(CODES)
    fig, pixels = _render(da)
    magenta = tuple(int(v) for v in (to_rgba_array(BACKGROUND)[0] * 255).round())
    for i in range(3):
        for j in range(3):
            got = _pixel_at(fig, pixels, float(da.x[j]), float(da.y[i]))
            code = int(CODES[i, j])
            # The legend's data file gives the expected colour; nodata shows the background.
            want = magenta if code == 0 else CLCD[code].rgba
            assert got == want, (i, j, code)


def test_legend_lists_present_classes_in_chinese_and_english() -> None:
    ax = landcover_map(_grid(CODES))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [f"{CLCD.class_name(c, 'zh')} {CLCD.class_name(c)}" for c in (1, 2, 5, 8)]
    assert "耕地" in labels[0]


@pytest.mark.parametrize("simulated", [True, False])
def test_simulated_label(simulated: bool) -> None:
    ax = landcover_map(_grid(CODES, simulated=simulated))
    texts = [t.get_text() for t in ax.figure.findobj(Text)]
    assert ("SIMULATED / 模拟数据" in texts) is simulated


def test_chinese_glyphs_render() -> None:
    ax = landcover_map(md.landcover(simulated=True), zones=md.zones().iloc[[0]], title="贾汪区")
    texts = " ".join(t.get_text() for t in ax.figure.findobj(Text))
    assert "贾汪区" in texts and "耕地" in texts and "模拟数据" in texts
    assert md.missing_glyph_warnings(ax.figure) == []


def test_year_window_and_zone_outline() -> None:
    lc = md.landcover()
    zone = md.zones().iloc[[0]]
    ax = landcover_map(lc, 2020, zones=zone)
    assert ax.get_title().endswith("2020")
    (image,) = [a for a in ax.get_children() if isinstance(a, AxesImage)]
    x0, x1, y0, y1 = image.get_extent()
    zx0, zy0, zx1, zy1 = zone.total_bounds
    # The window is the zone's extent plus 5 %, cut at whole 200 m pixels.
    pad = 0.05 * max(zx1 - zx0, zy1 - zy0)
    assert zx0 - pad - 200 <= x0 <= zx0 and zx1 <= x1 <= zx1 + pad + 200
    assert zy0 - pad - 200 <= y0 <= zy0 and zy1 <= y1 <= zy1 + pad + 200
    # Water (5) exists in 2020 and becomes grassland in 2024.
    assert any("Water" in t.get_text() for t in ax.get_legend().get_texts())
    ax24 = landcover_map(lc, zones=zone)
    assert ax24.get_title().endswith("2024")
    assert not any("Water" in t.get_text() for t in ax24.get_legend().get_texts())


def test_large_rasters_are_decimated_to_real_codes() -> None:
    rng = np.random.default_rng(1)
    codes = rng.choice([0, 1, 2, 5], size=(900, 300)).astype("uint8")
    ax = landcover_map(_grid(codes, pixel=30.0), max_pixels=100)
    (image,) = [a for a in ax.get_children() if isinstance(a, AxesImage)]
    rgba = np.asarray(image.get_array())
    assert max(rgba.shape[:2]) <= 100
    colours = {tuple(int(v) for v in c) for c in rgba.reshape(-1, 4)}
    assert colours <= {CLCD[c].rgba for c in (1, 2, 5)} | {(0, 0, 0, 0)}
    # The extent still spans the whole raster (to within one kept pixel).
    x0, x1, y0, y1 = image.get_extent()
    assert abs((x1 - x0) - 300 * 30) <= 9 * 30 and abs((y1 - y0) - 900 * 30) <= 9 * 30


@settings(max_examples=30, deadline=None)
@given(arrays(np.uint8, st.tuples(st.integers(1, 6), st.integers(1, 6))))
def test_rgba_is_a_legend_colour_or_transparent(codes: np.ndarray) -> None:
    rgba = legend_rgba(codes, CLCD)
    for code, colour in zip(codes.ravel(), rgba.reshape(-1, 4), strict=True):
        want = CLCD[int(code)].rgba if int(code) in CLCD else (0, 0, 0, 0)
        assert tuple(int(v) for v in colour) == want


def test_unknown_codes_warn_and_stay_transparent() -> None:
    codes = CODES.copy()
    codes[0, 0] = 99
    with pytest.warns(UnknownCodeWarning, match="99"):
        fig, pixels = _render(_grid(codes))
    da = _grid(codes)
    magenta = tuple(int(v) for v in (to_rgba_array(BACKGROUND)[0] * 255).round())
    assert _pixel_at(fig, pixels, float(da.x[0]), float(da.y[0])) == magenta


def test_errors() -> None:
    lc = md.landcover()
    with pytest.raises(ValueError, match="year 2019 is not in the land cover"):
        landcover_map(lc, 2019)
    with pytest.raises(MissingCRSError):
        landcover_map(lc.rio.write_crs(None).drop_vars("spatial_ref"))
    with pytest.raises(MissingCRSError):
        landcover_map(lc, zones=md.zones().set_crs(None, allow_override=True))
    with pytest.raises(ValueError, match="pass legend="):
        landcover_map(_grid(CODES).assign_attrs(legend=""))
    far = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs="EPSG:4548")
    with pytest.raises(ValueError, match="does not overlap"):
        landcover_map(lc, zones=far)


def test_inputs_not_modified() -> None:
    lc, zones = md.landcover(), md.zones()
    before_lc, before_zones = lc.copy(deep=True), zones.copy()
    landcover_map(lc, zones=zones)
    xr.testing.assert_identical(lc, before_lc)
    assert zones.equals(before_zones)


def test_lon_lat_grid_keeps_ground_proportions() -> None:
    # At 60° N a degree of longitude is half a degree of latitude on the ground.
    da = xr.DataArray(
        CODES, dims=("y", "x"), coords={"y": [60.25, 60.0, 59.75], "x": [10.0, 10.25, 10.5]}
    ).rio.write_crs("EPSG:4326")
    ax = landcover_map(da, legend="clcd")
    assert ax.get_aspect() == pytest.approx(2.0, rel=1e-3)
    assert not any("km" in t.get_text() for t in ax.figure.findobj(Text))  # no scale bar
