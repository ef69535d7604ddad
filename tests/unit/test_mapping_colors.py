"""Colour checks of the print maps, measured with an independent implementation.

colorspacious simulates colour-vision deficiencies (Machado, Oliveira & Fernandes 2009, severity
100) and measures perceptual distance (CAM02-UCS ΔE, ~1 = just noticeable). The thresholds
follow the common reading of CAM02-UCS ΔE: < 5 hard to tell apart on a print, > 10 clearly
different.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from matplotlib.colors import to_rgb

from geo_revival.landcover.legend import get_legend
from geo_revival.mapping._classify import RATE_BREAKS, classify
from geo_revival.mapping._raster import muted_color

cs = pytest.importorskip("colorspacious")

VISION = ["normal", "protanomaly", "deuteranomaly", "tritanomaly"]


def _seen(color: str, vision: str) -> np.ndarray:
    rgb = np.array(to_rgb(color))
    if vision == "normal":
        return rgb
    cvd = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
    return np.clip(cs.cspace_convert(rgb, cvd, "sRGB1"), 0, 1)


def _delta(a: str, b: str, vision: str) -> float:
    return float(
        cs.deltaE(
            _seen(a, vision), _seen(b, vision), input_space="sRGB1", uniform_space="CAM02-UCS"
        )
    )


def _rate_colors() -> tuple[str, ...]:
    return classify([0.1, 0.9], "restoration_rate").colors


def _muted(legend: str) -> list[str]:
    leg = get_legend(legend)
    return [muted_color(c.color, water=c.generic_class == "water") for c in leg.classes]


def test_rate_ramp_has_one_class_per_interval() -> None:
    assert len(_rate_colors()) == len(RATE_BREAKS) - 1 == 6


@pytest.mark.parametrize("vision", VISION)
def test_neighbouring_rate_classes_are_clearly_different(vision: str) -> None:
    # The issue: 70–75.2 and 75.2–78 were nearly the same green.
    colors = _rate_colors()
    worst = min(_delta(a, b, vision) for a, b in itertools.pairwise(colors))
    assert worst > 11, f"{vision}: closest neighbouring rate classes ΔE {worst:.1f}"


@pytest.mark.parametrize("legend", ["clcd", "corine", "esa_worldcover", "dynamic_world"])
@pytest.mark.parametrize("vision", VISION)
def test_rate_classes_never_look_like_muted_land_cover(legend: str, vision: str) -> None:
    worst = min(_delta(r, m, vision) for r in _rate_colors() for m in _muted(legend))
    assert worst > 7, f"{legend}, {vision}: a rate class is ΔE {worst:.1f} from a land cover"


def test_the_unmuted_greens_were_confusable() -> None:
    # The check can fail: the old YlGn ramp over the original CLCD colours is caught by it.
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    old = [to_hex(colormaps["YlGn"].resampled(7)(i + 1)) for i in range(6)]
    clcd = [c.color for c in get_legend("clcd").classes]
    assert min(_delta(r, m, "deuteranomaly") for r in old for m in clcd) < 7
    assert min(_delta(a, b, "protanomaly") for a, b in itertools.pairwise(old)) < 11


def test_muted_land_cover_is_pale() -> None:
    # Everything under the choropleth is lighter than the middle of the rate ramp.
    from geo_revival.mapping._raster import _srgb_to_lab

    mid = _srgb_to_lab(np.array(to_rgb(_rate_colors()[2])))[0]
    for legend in ("clcd", "corine"):
        for c in _muted(legend):
            assert _srgb_to_lab(np.array(to_rgb(c)))[0] > mid
