"""The shipped CJK font draws every Chinese label: inspect the rendered text's fonts."""

from __future__ import annotations

import re

import matplotlib
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.text import Text

from geo_revival.mapping.fonts import (
    CJK_FAMILY,
    cjk_font_path,
    cjk_rc,
    cjk_webfont_css,
    register_cjk_font,
    use_cjk_font,
)
from geo_revival.mapping.static import static_map
from geo_revival.zones import load_districts
from tests.unit import _mapping_data as md

matplotlib.use("Agg")


def _cjk(text: str) -> bool:
    return any("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text)


@pytest.fixture(scope="module")
def sc_cmap() -> set[int]:
    # Face 2 of the collection is Simplified Chinese; the others are JP, KR, TC, HK designs.
    font = TTFont(str(cjk_font_path()), fontNumber=2)
    assert font["name"].getDebugName(1) == CJK_FAMILY
    return set(font.getBestCmap())


def test_default_font_lacks_chinese_glyphs() -> None:
    """Control: without our font, matplotlib warns — so the checks below can fail."""
    fig = Figure()
    fig.add_subplot().set_title("贾汪区", fontfamily="DejaVu Sans")
    assert md.missing_glyph_warnings(fig)


def test_static_map_text_uses_the_cjk_face_for_every_character(sc_cmap: set[int]) -> None:
    fig = static_map(md.zones(), md.rates(), landcover=md.landcover(), districts=load_districts())
    assert md.missing_glyph_warnings(fig) == []
    texts = [t for t in fig.findobj(Text) if t.get_visible() and _cjk(t.get_text())]
    # title, zone labels, legend title and land-cover entries, district names, source line
    assert len(texts) >= 10
    for t in texts:
        path = font_manager.findfont(t.get_fontproperties(), fallback_to_default=False)
        assert path == str(cjk_font_path()), t.get_text()
        missing = [ch for ch in t.get_text() if ch.strip() and ord(ch) not in sc_cmap]
        assert missing == [], (t.get_text(), missing)
    drawn = " ".join(t.get_text() for t in texts)
    for name in ("贾汪区", "沛县", "铜山区", "模拟数据", "耕地"):
        assert name in drawn


def test_pdf_embeds_the_cjk_font(tmp_path) -> None:
    fig = static_map(md.zones(), md.rates())
    fig.savefig(tmp_path / "m.pdf")
    raw = (tmp_path / "m.pdf").read_bytes()
    assert re.search(rb"/BaseFont /[A-Z]{6}\+NotoSansCJKsc-Regular", raw)


def test_use_cjk_font_survives_leaving_the_rc_context() -> None:
    with matplotlib.rc_context(cjk_rc()):
        fig = Figure()
        fig.add_subplot().set_title("沛县 Peixian")
    assert md.missing_glyph_warnings(use_cjk_font(fig)) == []


def test_register_is_idempotent() -> None:
    register_cjk_font()
    n = sum(e.fname == str(cjk_font_path()) for e in font_manager.fontManager.ttflist)
    register_cjk_font.cache_clear()
    register_cjk_font()
    assert sum(e.fname == str(cjk_font_path()) for e in font_manager.fontManager.ttflist) == n


def test_webfont_subset_holds_the_requested_characters(sc_cmap: set[int]) -> None:
    import base64
    import io

    css = cjk_webfont_css("贾汪区修复率")
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", css).group(1))
    font = TTFont(io.BytesIO(data))
    cmap = set(font.getBestCmap())
    assert {ord(c) for c in "贾汪区修复率Az09"} <= cmap
    assert ord("沛") not in cmap  # a subset, not the whole 16 MB font
    assert len(data) < 100_000
