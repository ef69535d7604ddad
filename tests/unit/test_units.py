from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo_revival import units


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        (1.0, "mu", "m2", 10_000 / 15),
        (15.0, "mu", "ha", 1.0),
        (1.0, "km2", "mu", 1500.0),
        (1.0, "km2", "ha", 100.0),
        (42_784.0, "mu", "ha", 42_784 / 15),
        (17_788.0, "mu", "km2", 17_788 / 1500),
        (92.9, "km²", "亩", 92.9 * 1500),
        (1.0, "公顷", "m2", 10_000.0),
    ],
)
def test_convert_hand_values(value: float, src: str, dst: str, expected: float) -> None:
    assert units.convert(value, src, dst) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize(
    ("alias", "unit"),
    [("M2", "m2"), ("KM²", "km2"), ("SqKm", "km2"), ("Hectares", "ha"), ("HA", "ha"),
     ("平方公里", "km2"), ("亩", "mu"), ("Mu", "mu")],
)
def test_aliases_and_case_name_the_same_unit(alias: str, unit: str) -> None:
    assert units.area_column(alias) == f"area_{unit}"


def test_factors_are_exact() -> None:
    assert units.M2_PER_UNIT["mu"] == Fraction(2000, 3)
    assert units.factor("ha", "mu") == 15
    assert units.factor("km2", "mu") == 1500


def test_whole_units_convert_without_rounding() -> None:
    # 15 mu is exactly one hectare; float rounding must not leave 0.9999999.
    assert units.convert(15.0, "mu", "ha") == 1.0
    assert units.to_mu(1.0, "km2") == 1500.0


def test_arrays_and_series() -> None:
    arr = units.to_mu(np.array([0.0, 10_000.0]))
    assert arr.tolist() == [0.0, 15.0]
    ser = units.to_ha(pd.Series([20_000.0], name="x"))
    assert isinstance(ser, pd.Series) and ser.iloc[0] == 2.0


def test_add_area_columns_does_not_modify_input() -> None:
    df = pd.DataFrame({"area_m2": [1_000_000.0]})
    out = units.add_area_columns(df, units=("ha", "mu", "km2"))
    assert list(df.columns) == ["area_m2"]
    assert out[["area_ha", "area_mu", "area_km2"]].iloc[0].tolist() == [100.0, 1500.0, 1.0]


def test_area_column_name() -> None:
    assert units.area_column("亩") == "area_mu"


def test_unknown_unit_message() -> None:
    with pytest.raises(ValueError, match=r"Unknown area unit 'acre'.*'km2'"):
        units.convert(1.0, "acre", "m2")


@given(
    st.floats(min_value=0, max_value=1e12, allow_nan=False),
    st.sampled_from(list(units.M2_PER_UNIT)),
)
def test_round_trip(value: float, unit: str) -> None:
    back = units.convert(units.convert(value, "m2", unit), unit, "m2")
    assert back == pytest.approx(value, rel=1e-12, abs=1e-9)
