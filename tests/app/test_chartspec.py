"""The fast path (ui.chartspec.emit, a cached Chart) puts exactly what st.plotly_chart puts on the page.

Each script run draws one figure, either as show(fig) (st.plotly_chart) or as show(to_chart(fig)), in the main
area, a column and the sidebar, with and without a key; DeltaGenerator._enqueue is wrapped to record what
reaches the page: the element type, the PlotlyChart proto (spec, config, theme, form, element id) and the
layout (width, height). The two paths must agree field for field.
"""
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.pagetest import TIMEOUT


def _script():
    import dataclasses

    import numpy as np
    import streamlit as st
    from streamlit.delta_generator import DeltaGenerator

    from ui.chartspec import to_chart
    from ui.show import show
    from ui.theme import figure

    seen = st.session_state.setdefault("seen", [])
    original = DeltaGenerator._enqueue

    def record(self, delta_type, element_proto, *args, **kwargs):
        if delta_type == "plotly_chart":
            layout = kwargs.get("layout_config")
            seen.append((element_proto.SerializeToString(deterministic=True),
                         dataclasses.asdict(layout) if layout else None))
        return original(self, delta_type, element_proto, *args, **kwargs)

    DeltaGenerator._enqueue = record
    try:
        fig = figure("A chart", "x (unit)", "y (unit)", height=321)
        fig.add_scatter(x=np.arange(50), y=np.linspace(0, 1, 50, dtype=np.float32) ** 2, name="line")
        fig.add_heatmap(z=np.arange(12.0).reshape(3, 4))
        fig.update_yaxes(type="log")
        where = {"main": None, "column": st.columns(2)[1], "sidebar": st.sidebar}[st.session_state["where"]]
        chart = to_chart(fig) if st.session_state["fast"] else fig
        select = st.session_state["select"]
        on_select = (lambda: None) if select == "callback" else select
        modes = ("points", "box", "lasso") if select == "ignore" else "points"
        st.session_state["state"] = show(chart, where, key=st.session_state["key"], on_select=on_select,
                                         selection_mode=modes) if select != "ignore" else None
        if select == "ignore":
            show(chart, where, key=st.session_state["key"])
    finally:
        DeltaGenerator._enqueue = original


def _sent(fast: bool, where: str, key, select: str = "ignore"):
    at = AppTest.from_function(_script, default_timeout=TIMEOUT)
    at.session_state["fast"], at.session_state["where"], at.session_state["key"] = fast, where, key
    at.session_state["select"] = select
    at.run()
    assert not at.exception, at.exception
    (sent,) = at.session_state["seen"]
    return sent, at.session_state["state"]


@pytest.mark.parametrize("where", ["main", "column", "sidebar"])
@pytest.mark.parametrize("key", [None, "paths"])
def test_fast_path_sends_what_plotly_chart_sends(where, key):
    (slow, _), (fast, _) = _sent(False, where, key), _sent(True, where, key)
    assert fast[1] == slow[1], "the same width and height"
    assert fast[0] == slow[0], "the same PlotlyChart proto: spec, config, theme, form and element id"


@pytest.mark.parametrize("select", ["rerun", "callback"])
def test_a_selectable_chart_is_the_same_widget_either_way(select):
    (slow, slow_state), (fast, fast_state) = _sent(False, "column", "paths", select), _sent(True, "column", "paths",
                                                                                             select)
    assert fast == slow, "the same proto (selection modes included) and layout"
    assert fast_state == slow_state, "the same (empty) selection state"


def test_chart_keeps_the_figures_height_and_json():
    from ui.chartspec import to_chart
    from ui.theme import figure

    fig = figure("t", "x", "y", height=300, legend=False)
    chart = to_chart(fig)
    assert chart.height == 300
    assert '"height":300' in chart.spec and chart.nbytes == len(chart.spec)


def _figures():
    """Builders of figures that exercise every packing rule: the race's animation (frames of float32 slices),
    a heatmap with NaN gaps, int64 / empty / pandas / list values, a 2-D array."""
    import pandas as pd

    from engine import surfaces
    from lessons.race import figures as race
    from ui.theme import figure

    surface = surfaces.make("rosenbrock")
    runs = surfaces.race(surface, {"sgd": ("sgd", {"lr": 1e-3}), "adam": ("adam", {"lr": 0.05})}, surface.start, 120)

    def mixed():
        fig = figure("mixed", "x", "y")
        fig.add_scatter(x=np.arange(5, dtype=np.int64) * 10**6, y=pd.Series([1.0, np.nan, 3.0, 4.0, 5.0]))
        fig.add_scatter(x=np.array([], dtype=np.float64), y=[1, 2], customdata=np.arange(6).reshape(2, 3))
        fig.add_heatmap(z=np.where(np.eye(4) > 0, np.nan, np.arange(16.0).reshape(4, 4)), x=np.arange(4) / 3)
        fig.update_xaxes(range=np.array([0.0, 4.0]))
        return fig

    return {"race paths": lambda: race.paths_figure(surface, runs), "race loss": lambda: race.loss_figure(
        surface, runs, 1e-3), "mixed": mixed}


@pytest.mark.parametrize("name", ["race paths", "race loss", "mixed"])
def test_to_chart_writes_the_json_plotly_writes(name):
    import plotly.io

    from ui.chartspec import to_chart

    build = _figures()[name]
    assert to_chart(build()).spec == plotly.io.to_json(build(), validate=False)
