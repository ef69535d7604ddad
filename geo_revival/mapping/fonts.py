"""A CJK font for matplotlib, shipped by a PyPI package so that Chinese labels render anywhere.

The font is Noto Sans CJK (SIL Open Font License) from the ``noto-cjk-sans-otc`` package: one
OpenType collection whose face 2 is the Simplified-Chinese design ("Noto Sans CJK SC"). Nothing
here changes matplotlib's global settings; use :func:`cjk_rc` with ``plt.rc_context``.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> with plt.rc_context(cjk_rc()):
...     fig, ax = plt.subplots()
...     _ = ax.set_title("贾汪区 Jiawang")
"""

from __future__ import annotations

import base64
import io
import string
from contextlib import AbstractContextManager
from functools import cache
from pathlib import Path
from typing import Any, cast

__all__ = [
    "CJK_FAMILY",
    "WEB_FAMILY",
    "cjk_context",
    "cjk_font_path",
    "cjk_rc",
    "cjk_webfont_css",
    "register_cjk_font",
    "use_cjk_font",
]

#: Family name of the Simplified-Chinese face in the shipped collection.
CJK_FAMILY = "Noto Sans CJK SC"
#: CSS family name of the subset web font embedded in HTML pages.
WEB_FAMILY = "GeoRevival CJK"


def cjk_font_path() -> Path:
    """Return the path of the shipped Noto Sans CJK collection (``.ttc``).

    Examples
    --------
    >>> cjk_font_path().suffix
    '.ttc'
    """
    try:
        import noto_cjk_sans_otc
    except ImportError as exc:  # a declared dependency; say how to get it back
        raise ImportError(
            "the CJK font package 'noto-cjk-sans-otc' is missing; install it with "
            "`pip install noto-cjk-sans-otc` (it is a dependency of geo-revival)"
        ) from exc
    return Path(str(noto_cjk_sans_otc.FONT_PATH))


@cache
def register_cjk_font() -> str:
    """Make the CJK font known to matplotlib (once per process) and return its family name.

    matplotlib >= 3.11 loads every face of the collection and the Simplified-Chinese face is
    used; older versions see only the first (Japanese) face, which covers the same characters.

    Examples
    --------
    >>> register_cjk_font()
    'Noto Sans CJK SC'
    """
    from matplotlib import font_manager

    path = str(cjk_font_path())
    if not any(entry.fname == path for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)
    names = {entry.name for entry in font_manager.fontManager.ttflist if entry.fname == path}
    # matplotlib < 3.11 reads only the first face of a collection ("Noto Sans CJK JP"): it has
    # every simplified character too, in Japanese-style glyph variants.
    return CJK_FAMILY if CJK_FAMILY in names else sorted(names)[0]


def cjk_rc() -> dict[str, Any]:
    """Return matplotlib rc settings that draw Chinese and Latin text with the CJK font.

    DejaVu Sans (matplotlib's own font) follows as a fallback for symbols the CJK font lacks.

    Examples
    --------
    >>> cjk_rc()["font.sans-serif"][0]
    'Noto Sans CJK SC'
    """
    family = register_cjk_font()
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        # PDF keeps matplotlib's Type 3 embedding: Noto Sans CJK has CFF outlines, which a
        # Type 42 (TrueType) font entry would mislabel. Text still extracts (ToUnicode map).
        "pdf.fonttype": 3,
        "svg.fonttype": "path",
    }


def cjk_webfont_css(text: str, *, family: str = WEB_FAMILY) -> str:
    """Return an ``@font-face`` rule embedding the CJK font subset to the characters of ``text``.

    Pages that carry it show Chinese on machines without CJK fonts, offline. Printable ASCII
    is always included; the subset of a typical map page weighs a few tens of kilobytes.

    Examples
    --------
    >>> css = cjk_webfont_css("贾汪区")
    >>> css.startswith("@font-face") and "font/woff" in css
    True
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # Face 2 of the collection is the Simplified-Chinese design.
    font = TTFont(str(cjk_font_path()), fontNumber=2, lazy=True)
    options = subset.Options()
    options.flavor = "woff"
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text) | set(string.printable))))
    subsetter.subset(font)
    font.flavor = "woff"
    buf = io.BytesIO()
    font.save(buf)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (
        f"@font-face {{ font-family: '{family}'; "
        f"src: url(data:font/woff;base64,{data}) format('woff'); }}"
    )


def use_cjk_font(fig: Any) -> Any:
    """Set the CJK font (with DejaVu Sans fallback) on every text of ``fig``; return ``fig``.

    Fonts are looked up when a figure is drawn, so a figure built inside ``rc_context`` but
    saved outside it would lose the setting; naming the family on each text avoids that.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_title("沛县")
    >>> use_cjk_font(fig).axes[0].title.get_fontfamily()
    ['Noto Sans CJK SC', 'DejaVu Sans']
    """
    from matplotlib.text import Text

    family = register_cjk_font()
    for text in fig.findobj(Text):
        text.set_fontfamily([family, "DejaVu Sans"])
    return fig


def cjk_context() -> AbstractContextManager[None]:
    """Return a context manager in which matplotlib draws text with the CJK font.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> with cjk_context():
    ...     fig, ax = plt.subplots()
    """
    from matplotlib import rc_context

    return rc_context(cast(Any, cjk_rc()))
