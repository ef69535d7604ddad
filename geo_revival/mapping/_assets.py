"""Leaflet's JavaScript and CSS, read from an installed PyPI package and inlined into a page.

folium links Leaflet, jQuery, Bootstrap and Font Awesome from CDNs, so its pages are blank
offline. :func:`make_offline` replaces those links with Leaflet 1.9.4 inlined from the
``django-js-lib-leaflet`` package (plain static files; it does not need Django at run time).
Nothing in our maps uses jQuery, Bootstrap or the icon fonts.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from importlib.resources import files
from typing import Any

import folium
from folium import Element

__all__ = ["LEAFLET_VERSION", "leaflet_css", "leaflet_js", "make_offline"]

_PACKAGE = "js_lib_leaflet"
LEAFLET_VERSION = "1.9.4"


def _static() -> Any:  # importlib.resources.abc.Traversable (Python >= 3.11)
    try:
        return files(_PACKAGE) / "static" / "js_lib_leaflet"
    except ModuleNotFoundError as exc:  # a declared dependency; say how to get it back
        raise ImportError(
            "Leaflet for offline maps comes from the package 'django-js-lib-leaflet', which is "
            "missing; install it with `pip install django-js-lib-leaflet` (Django is not needed)"
        ) from exc


@cache
def leaflet_js() -> str:
    """Return the minified Leaflet JavaScript."""
    return (_static() / "leaflet.js").read_text(encoding="utf-8")


@cache
def leaflet_css() -> str:
    """Return Leaflet's CSS with its images inlined as ``data:`` URLs."""
    css = (_static() / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        data = (_static() / "images" / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(data).decode('ascii')})"

    return re.sub(r"url\(images/([\w.-]+\.png)\)", inline, css)


def make_offline(m: folium.Map) -> folium.Map:
    """Make ``m`` render without network access: inline Leaflet, drop every CDN link.

    Returns the same map (modified) for chaining. Call before adding plugins that bring their
    own CDN assets; those are not supported offline.
    """
    # Instance attributes shadow folium's class-level CDN lists.
    m.default_js = []
    m.default_css = []
    header = m.get_root().header  # type: ignore[attr-defined]
    # `</script` inside the inlined source would end the element early; Leaflet has none.
    header.add_child(Element(f"<style>{leaflet_css()}</style>"), name="leaflet_css_inline")
    header.add_child(Element(f"<script>{leaflet_js()}</script>"), name="leaflet_js_inline")
    return m
