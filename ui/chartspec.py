"""A Plotly figure kept as the JSON the browser gets, and the fast way to put it on the page.

st.plotly_chart(fig) costs a cached rerun most of its time: it copies the figure (fig.to_dict(), which also
packs every NumPy array into base64 through narwhals' type checks) and encodes it to JSON, every rerun, for
a figure that is the same as last time. A `Chart` is that JSON, made once (and cached with the results it
was drawn from, see ui.cache.cached_charts); `emit` sends it as st.plotly_chart(fig, width="stretch",
theme=None, key=key) would: the same PlotlyChart proto (spec, config, theme, element id) and the same
layout (width stretch, the figure's own height). tests/app/test_chartspec.py holds it to that, proto for
proto, so a Streamlit upgrade that changes st.plotly_chart fails there and not in a browser.

Not covered: on_select (selections make the chart a widget; no lesson uses them): pass the figure instead.
"""
from __future__ import annotations

from dataclasses import dataclass

import plotly.io
from streamlit.elements.lib import agent_spec
from streamlit.elements.lib.form_utils import current_form_id
from streamlit.elements.lib.layout_utils import LayoutConfig
from streamlit.elements.lib.utils import compute_and_register_element_id, to_key
from streamlit.elements.plotly_chart import _plotly_data, _resolve_content_height
from streamlit.proto.PlotlyChart_pb2 import PlotlyChart as PlotlyChartProto

WIDTH, HEIGHT, CONFIG = "stretch", "content", "{}"     # what ui.show asks of st.plotly_chart, as it encodes them
SELECTION_MODE = ("points", "box", "lasso")             # st.plotly_chart's default (part of the element id)


@dataclass(frozen=True)
class Chart:
    """A figure as its Plotly JSON spec and its layout height (None: Plotly's default)."""
    spec: str
    height: float | None = None

    @property
    def nbytes(self) -> int:
        return len(self.spec)


def to_chart(fig) -> Chart:
    """The JSON st.plotly_chart would send for this go.Figure (no validation: the figure validated itself)."""
    return Chart(plotly.io.to_json(fig, validate=False), fig.layout.height)


def emit(chart: Chart, dg, key: str | None = None):
    """Put the chart on the page through `dg` (st._main, st.sidebar, a column...), as st.plotly_chart does."""
    proto = PlotlyChartProto()
    proto.theme = ""
    proto.form_id = current_form_id(dg)
    proto.spec = chart.spec
    proto.config = CONFIG
    key = to_key(key)
    proto.id = compute_and_register_element_id(
        "plotly_chart", user_key=key, key_as_main_identity=False, dg=dg, plotly_spec=proto.spec,
        plotly_config=proto.config, selection_mode=SELECTION_MODE, is_selection_activated=False, theme=None,
        width=WIDTH, height=HEIGHT, alt=None)
    height = _resolve_content_height(HEIGHT, {"layout": {"height": chart.height}})
    return dg._enqueue("plotly_chart", proto, layout_config=LayoutConfig(width=WIDTH, height=height),
                       agent_props=agent_spec.element("plotly_chart", key=key,
                                                      data_builder=lambda: _plotly_data(proto.spec), alt=None))
