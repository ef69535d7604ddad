"""progress(..., reference=...): error-adjusted values, p_target_met and status; by hand.

The map series is the three-zone example of test_progress.py. The reference sample (2020 -> 2023)
has two strata, areas 6000 m² (mapped reclaimed, code 1) and 4000 m² (mapped stable restored,
code 3), four units each:

stratum 1: reference reclaimed ×3 (restored), stable damaged ×1 (damaged), all in k1;
stratum 3: stable restored ×2 (restored, k1), reclaimed ×1 (restored, k1), other ×1 (neutral, m1).

Key treated area (k1): ȳ = 0.75, 0.25, s² = 0.25 in both strata → Ŷ = 6000·.75 + 4000·.25 =
5500 m² = 8.25 mu; V = 6000²·.25/4 + 4000²·.25/4 = 3.25e6 m⁴, SE = 1802.78 m² = 2.7042 mu;
df = 8 − 2 = 6, t(0.975, 6) = 2.446912.
Subsidence rate (k1 + g1; g1 has no unit): y = restored, x = restored or damaged:
Ŷ = 7500, X̂ = 9000, R̂ = 0.83333; d = y − R̂x: stratum 1 (1/6, 1/6, 1/6, −5/6), s² = 0.25;
stratum 3 (1/6, 1/6, 1/6, 0), s² = 0.0069444; V = (2.25e6 + 27777.8) / 9000² = 0.0281207,
SE = 0.167692.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from geo_revival.exceptions import ProgressWarning, SchemaError
from geo_revival.plan import p_target_met, progress, read_reference
from geo_revival.restoration import restoration_status, state_transitions
from tests.unit.test_progress import PLANNED, ZONES, _areas, _moves

MU_PER_M2 = 15 / 10_000
T_975_6DF = 2.446912


def _sample(**changes: list) -> pd.DataFrame:
    table = pd.DataFrame({
        "sample_id": range(1, 9),
        "stratum": [1] * 4 + [3] * 4,
        "map_class": [1] * 4 + [3] * 4,
        "reference_class": ["reclaimed"] * 3 + ["stable_damaged", "stable_restored",
                                                 "stable_restored", "reclaimed", "other"],
        "reference_state": ["restored"] * 3 + ["damaged"] + ["restored"] * 3 + ["neutral"],
        "zone_id": ["k1"] * 7 + ["m1"],
        "from_year": 2020,
        "to_year": 2023,
        "stratum_area_m2": [6000.0] * 4 + [4000.0] * 4,
    })
    return table.assign(**changes)


@pytest.fixture(scope="module")
def tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    moves = _moves()
    return (restoration_status(_areas(moves), "default", planned_use=PLANNED),
            state_transitions(moves, "default", planned_use=PLANNED))


def _run(tables, reference, **kw) -> pd.DataFrame:
    status, states = tables
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProgressWarning)
        return progress(status, states, ZONES, reference=reference, **kw)


def _row(table: pd.DataFrame, ind: str, year: int, kind: str = "observed") -> pd.Series:
    rows = table[(table["indicator_id"] == ind) & (table["year"] == year)
                 & (table["kind"] == kind)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_treated_area_adjusted_by_hand(tables) -> None:
    out = _run(tables, _sample())
    row = _row(out, "key_subsidence_treated_area", 2023)
    se = math.sqrt(3.25e6) * MU_PER_M2
    assert row["estimate_basis"] == "adjusted"
    assert row["value"] == pytest.approx(8.25)
    assert row["se"] == pytest.approx(se)
    assert row["lower"] == pytest.approx(8.25 - T_975_6DF * se, rel=1e-6)
    assert row["upper"] == pytest.approx(8.25 + T_975_6DF * se, rel=1e-6)
    assert row["map_value"] == pytest.approx(9000.0)  # the map count stays next to it
    assert row["n_sample"] == 8
    # Years the sample does not cover stay map counts and say so.
    earlier = _row(out, "key_subsidence_treated_area", 2022)
    assert earlier["estimate_basis"] == "unadjusted map count"
    assert earlier["value"] == earlier["map_value"] == pytest.approx(7600.0)
    assert math.isnan(earlier["p_target_met"])


def test_rate_is_a_ratio_estimate_by_hand(tables) -> None:
    row = _row(_run(tables, _sample()), "subsidence_restoration_rate", 2023)
    assert row["value"] == pytest.approx(7500 / 9000)
    assert row["se"] == pytest.approx(math.sqrt((2.25e6 + 4000**2 * (0.0208333333 / 3) / 4)
                                                / 9000**2), rel=1e-6)
    assert row["se"] == pytest.approx(0.167692, rel=1e-5)


def test_p_target_met_in_the_table(tables) -> None:
    row = _row(_run(tables, _sample(), tolerances={"key_subsidence_treated_area": 0.0}),
               "key_subsidence_treated_area", 2023)
    # t with df = n − H = 6 (small sample); target = the trajectory 17788 · 3/5 = 10672.8 mu.
    assert row["reference"] == pytest.approx(10672.8)
    z = (8.25 - 10672.8) / row["se"]
    assert row["p_target_met"] == pytest.approx(stats.t.cdf(z, 6), abs=1e-300)


def test_without_reference_every_row_says_unadjusted(tables) -> None:
    out = _run(tables, None)
    observed = out[out["kind"] == "observed"]
    assert set(observed["estimate_basis"]) <= {"unadjusted map count",
                                               "baseline (0 by definition)"}
    assert (observed["value"] == observed["map_value"]).all()
    assert out["p_target_met"].isna().all()


def test_status_uses_the_interval(tables) -> None:
    # Tight band around the estimate: the interval straddles it -> undetermined.
    out = _run(tables, _sample(), tolerances={"key_subsidence_treated_area": 1.0})
    row = _row(out, "key_subsidence_treated_area", 2023)
    assert row["value"] < row["reference"] - 1.0  # the point alone would say "behind"
    assert row["status"] == "behind"  # and so does the interval: wholly below the band
    wide = _run(tables, _sample(),
                tolerances={"key_subsidence_treated_area": 10672.8 - 8.25})
    assert _row(wide, "key_subsidence_treated_area", 2023)["status"] == "undetermined"


def test_projection_carries_sampling_error(tables) -> None:
    out = _run(tables, _sample(), projection_years=(2025,))
    proj = _row(out, "key_subsidence_treated_area", 2025, "projected")
    plain = _row(_run(tables, None, projection_years=(2025,)),
                 "key_subsidence_treated_area", 2025, "projected")
    shift = 8.25 - 9000.0
    assert proj["value"] == pytest.approx(plain["value"] + shift)
    q = stats.t.ppf(0.975, 2)  # 4 map years: n − 2 = 2 df
    se_trend = (plain["upper"] - plain["value"]) / q
    se = math.sqrt(se_trend**2 + (math.sqrt(3.25e6) * MU_PER_M2) ** 2)
    assert proj["se"] == pytest.approx(se)
    assert proj["upper"] - proj["value"] == pytest.approx(q * se)
    assert proj["estimate_basis"] == "adjusted level + map trend"


def test_reference_from_response_sheet_file(tables, tmp_path) -> None:
    path = tmp_path / "sheet.csv"
    _sample(reference_class=[1, 1, 1, 4, 3, 3, 1, 5]).to_csv(path, index=False)
    row = _row(_run(tables, path), "key_subsidence_treated_area", 2023)
    assert row["value"] == pytest.approx(8.25)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"reference_class": ["reclaimed"] * 7 + ["gone"]}, "not a change class"),
        ({"reference_state": ["damaged"] * 8}, "contradicts"),
        ({"reference_state": ["restored"] * 7 + ["wet"]}, "not states"),
        ({"stratum_area_m2": [6000.0] * 3 + [1.0] + [4000.0] * 4}, "several stratum_area"),
    ],
)
def test_bad_reference_samples_raise(changes: dict, match: str) -> None:
    with pytest.raises(SchemaError, match=match):
        read_reference(_sample(**changes))


def test_missing_columns_raise() -> None:
    with pytest.raises(SchemaError, match="zone_id"):
        read_reference(_sample().drop(columns="zone_id"))


def test_rate_without_states_stays_unadjusted(tables) -> None:
    out = _run(tables, _sample().drop(columns="reference_state"))
    row = _row(out, "subsidence_restoration_rate", 2023)
    assert row["estimate_basis"] == "unadjusted map count"
    assert "no reference_state" in row["note"]
    assert _row(out, "key_subsidence_treated_area", 2023)["estimate_basis"] == "adjusted"


@pytest.mark.parametrize(
    ("value", "reference", "se", "df", "expected"),
    [
        (0.76, 0.76, 0.01, 1000, 0.5),
        (1.0, 0.0, 1.0, 1000, stats.norm.cdf(1.0)),
        (1.0, 0.0, 1.0, 5, stats.t.cdf(1.0, 5)),
        (2.0, 1.0, 0.0, 10, 1.0),
        (0.0, 1.0, 0.0, 10, 0.0),
        (1.0, float("nan"), 1.0, 10, float("nan")),
    ],
)
def test_p_target_met(value, reference, se, df, expected) -> None:
    got = p_target_met(value, reference, se, df)[0]
    assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected)


def test_p_target_met_is_monotone() -> None:
    values = np.linspace(-3, 3, 13)
    p = p_target_met(values, 0.0, 1.0, 1000)
    assert np.all(np.diff(p) > 0)


def test_report_verdict_says_which_figure_it_uses(tables) -> None:
    from geo_revival.report._summary import verdict_table

    adjusted = verdict_table(_run(tables, _sample()), 2023).set_index("indicator")
    row = adjusted.loc[adjusted.index.str.startswith("重点采煤沉陷区治理面积")].iloc[0]
    assert row["basis"] == "误差校正估计 adjusted estimate"
    assert row["map_count"] == "9,000 亩 mu" and row["value"].startswith("8 亩 mu (")
    plain = verdict_table(_run(tables, None), 2023)
    assert set(plain["basis"]) == {"未校正制图统计 unadjusted map count"}
    assert set(plain["p_target_met"]) == {"–"}


def test_demo_report_inputs_use_the_shipped_simulated_sample() -> None:
    from geo_revival.report import demo_inputs

    inputs = demo_inputs()
    assert inputs.reference is not None
    assert str(inputs.reference).endswith("xuzhou_reference_2025_simulated.csv")
    assert inputs.reference in inputs.files


def test_zones_without_sample_units_are_flagged(tables) -> None:
    status, states = tables
    with pytest.warns(ProgressWarning, match=r"no units in zones \['g1'\]"):
        out = progress(status, states, ZONES, reference=_sample(),
                       indicators=["subsidence_treated_area"])
    assert "no units in zones ['g1']" in _row(out, "subsidence_treated_area", 2023)["note"]


def test_cli_bad_reference_sheet_fails_fast(tmp_path) -> None:
    from typer.testing import CliRunner

    from geo_revival.cli import app

    result = CliRunner().invoke(
        app, ["report", "--out", str(tmp_path / "r"), "--reference", str(tmp_path / "no.csv"),
              "--quiet", "--no-rasters"],
    )
    assert result.exit_code == 2
    assert "does not exist" in result.output
    assert not (tmp_path / "r").exists()
