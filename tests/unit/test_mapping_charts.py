"""Chart layout: value labels stay readable over reference lines and plan markers."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from geo_revival.exceptions import SchemaError
from geo_revival.mapping import rate_chart, transition_flow_chart, zone_bar_chart

matplotlib.use("Agg")

LINE_GREY = np.array([0x44, 0x44, 0x44])  # colour of the plan/reference lines


def _pixels(fig: Figure) -> np.ndarray:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].astype(int)


def _texts(fig: Figure, suffix: str) -> list[Text]:
    return [t for t in fig.axes[0].texts if t.get_text().endswith(suffix)]


def test_bar_values_are_not_crossed_by_reference_lines() -> None:
    # Bars end just past and just before the lines at 75.2 % and 78 %: the case that collided.
    results = pd.DataFrame(
        {"zone_id": ["a", "b", "c"], "year": 2024, "restoration_rate": [0.755, 0.79, 0.5]}
    )
    fig = zone_bar_chart(results, reference={"2024": 0.752, "2027": 0.78})
    pixels = _pixels(fig)
    height = pixels.shape[0]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    labels = _texts(fig, "%")
    assert sorted(t.get_text() for t in labels) == ["50.0 %", "75.5 %", "79.0 %"]
    line_x = [fig.axes[0].transData.transform((x, 0))[0] for x in (0.752, 0.78)]
    crossed = 0
    for t in labels:
        box = t.get_window_extent(renderer)
        if not any(box.x0 <= x <= box.x1 for x in line_x):
            continue
        crossed += 1
        patch = pixels[height - int(box.y1) : height - int(box.y0), int(box.x0) : int(box.x1)]
        grey = (np.abs(patch - LINE_GREY) < 24).all(axis=-1)
        assert not grey.any(), f"a reference line shows through {t.get_text()!r}"
    assert crossed  # some label lies across a line: the check above is not vacuous


def test_plan_label_clears_the_projection_interval() -> None:
    table = pd.DataFrame(
        {
            "indicator_id": "subsidence_restoration_rate",
            "year": [2022, 2023, 2024, 2027],
            "kind": ["observed"] * 3 + ["projected"],
            "value": [0.70, 0.72, 0.74, 0.781],
            "lower": [None, None, None, 0.768],
            "upper": [None, None, None, 0.794],
        }
    )
    fig = rate_chart(table, simulated=True)
    ax = fig.axes[0]
    renderer = FigureCanvasAgg(fig).get_renderer()
    (label,) = _texts(fig, "78 %")
    top_of_interval = ax.transData.transform((2027, 0.794))[1]
    assert label.get_window_extent(renderer).y0 > top_of_interval
    (label_2024,) = _texts(fig, "75.2 %")  # no projection that year: just above the marker
    marker = ax.transData.transform((2024, 0.752))[1]
    assert 0 < label_2024.get_window_extent(renderer).y0 - marker < 20


def test_bar_chart_needs_the_columns() -> None:
    with pytest.raises(SchemaError, match=r"results lack columns \['restoration_rate'\]"):
        zone_bar_chart(pd.DataFrame({"zone_id": ["a"], "year": [2024]}))


def _simulated_upstream(table: pd.DataFrame) -> pd.DataFrame:
    # What restoration results carry: the land cover's flag two steps up the provenance chain.
    out = table.copy()
    out.attrs["provenance"] = {
        "function": "restoration_rate",
        "upstream": {"function": "restoration_status",
                     "upstream": {"function": "class_areas", "simulated": True}},
    }
    return out


@pytest.mark.parametrize("simulated", [True, False])
def test_simulated_label_follows_the_provenance_chain(simulated: bool) -> None:
    results = pd.DataFrame({"zone_id": ["a", "b"], "year": 2024, "restoration_rate": [0.5, 0.8]})
    table = _simulated_upstream(results) if simulated else results
    title = zone_bar_chart(table).get_suptitle()
    assert ("模拟数据" in title and "simulated" in title) is simulated
    # An explicit simulated=False still wins.
    assert "simulated" not in zone_bar_chart(table, simulated=False).get_suptitle()


def test_state_flow_chart_names_the_states_in_both_languages() -> None:
    t = pd.DataFrame({"from_year": 2020, "to_year": 2025,
                      "from_state": ["damaged", "damaged"], "to_state": ["restored", "damaged"],
                      "area_mu": [30.0, 70.0]})
    fig = transition_flow_chart(t, source="from_state", target="to_state")
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "损毁 damaged" in texts and "已修复 restored" in texts


def test_every_chart_says_which_zones_it_sums() -> None:
    import pandas as pd
    from matplotlib.patches import Rectangle

    from geo_revival.mapping.charts import transition_flow_chart, zone_bar_chart

    zones = pd.DataFrame({"zone_id": ["a", "b", "c"], "name_en": ["A", "B", "C"]})
    t = pd.DataFrame(
        {
            "zone_id": ["a", "b", "c"],
            "from_year": 2020,
            "to_year": 2024,
            "from_state": "damaged",
            "to_state": ["restored", "damaged", "restored"],
            "area_mu": [30.0, 70.0, 1000.0],
        }
    )
    fig = transition_flow_chart(
        t, source="from_state", target="to_state", zone_ids=["a", "b"], zones=zones
    )
    assert fig.axes[0].get_title(loc="left") == "区块 Zones 1–2 (2 of 3, numbered as on the map)"
    # zone c (1,000 mu) is left out of the sums: the bars hold 100 mu
    bars = [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]
    heights = sorted(round(p.get_height()) for p in bars)
    assert heights == [30, 70, 100]
    r = pd.DataFrame(
        {"zone_id": ["a", "b", "c"], "year": 2024, "restoration_rate": [0.5, 0.6, 0.9]}
    )
    fig = zone_bar_chart(r, zones, zone_ids=["c"], reference={"plan": 0.6})
    assert fig.axes[0].get_title(loc="left") == "区块 Zones 3 (1 of 3, numbered as on the map)"
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["C"]
