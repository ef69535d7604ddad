"""Choropleth classes: plan-based rate breaks, quantile area breaks, labels (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo_revival.labels import bilingual, column_label, figure_columns
from geo_revival.mapping._classify import NO_DATA_COLOR, classify

finite = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)


def test_rate_breaks_hold_the_plan_figures() -> None:
    c = classify([0.1, 0.9], "restoration_rate")
    assert 0.752 in c.edges and 0.78 in c.edges  # 2024 actual, 2027 target (plan 004 #20)
    assert c.labels == ("0–25", "25–50", "50–70", "70–75.2", "75.2–78", "78–100")
    assert c.color_of(0.752) == c.colors[4]  # a class includes its lower edge
    assert c.color_of(1.0) == c.colors[-1]  # the top edge belongs to the last class
    assert c.color_of(math.nan) == NO_DATA_COLOR


def test_area_breaks_are_rounded_quantiles() -> None:
    # quartiles of 0..100 are 25, 50, 75 -> two significant figures unchanged
    c = classify(np.arange(101.0), "treated_area_mu", k=4)
    assert c.edges == (0.0, 25.0, 50.0, 75.0, 100.0)
    assert c.labels[-1] == "75–100"


def test_explicit_breaks_must_ascend() -> None:
    with pytest.raises(ValueError, match="ascending"):
        classify([1.0], "area_mu", breaks=[0, 5, 5])


@given(st.lists(finite, min_size=1, max_size=40))
def test_every_value_gets_a_class_colour(values: list[float]) -> None:
    c = classify(values, "treated_area_mu")
    assert len(c.colors) == len(c.labels) == len(c.edges) - 1
    assert list(c.edges) == sorted(set(c.edges))
    for v in values:
        assert c.color_of(v) in c.colors


@given(st.lists(st.floats(min_value=0, max_value=1), min_size=2, max_size=30))
def test_rate_classes_are_monotone(values: list[float]) -> None:
    c = classify(values, "restoration_rate")
    order = [c.colors.index(c.color_of(v)) for v in sorted(values)]
    assert order == sorted(order)


@pytest.mark.parametrize(
    ("column", "text"),
    [
        ("reclaimed_area_mu", "复垦面积（亩） / Reclaimed area (mu)"),
        ("newly_damaged_area_ha", "新增损毁面积（公顷） / Newly damaged area (ha)"),
        (
            "restoration_rate",
            "治理和生态修复率（%） / Treatment and ecological restoration rate (%)",
        ),
    ],
)
def test_bilingual_labels(column: str, text: str) -> None:
    assert bilingual(column) == text


def test_unknown_column_falls_back_to_its_name() -> None:
    assert column_label("mystery_index") == "mystery index"


def test_figure_columns_prefer_mu() -> None:
    import pandas as pd

    t = pd.DataFrame(
        {
            "zone_id": ["a"],
            "year": [1],
            "x_area_m2": [1.0],
            "x_area_ha": [1.0],
            "x_area_mu": [1.0],
            "y_area_ha": [2.0],
            "flag": [True],
        }
    )
    assert figure_columns(t) == ["x_area_mu", "y_area_ha"]
