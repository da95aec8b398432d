"""A Plotly figure kept as the JSON the browser gets, and the fast way to put it on the page.

st.plotly_chart(fig) costs a cached rerun most of its time: it copies the figure (fig.to_dict(), which also
packs every NumPy array into base64 through narwhals' type checks) and encodes it to JSON, every rerun, for
a figure that is the same as last time. A `Chart` is that JSON, made once (and cached with the results it
was drawn from, see ui.cache.cached_charts); `emit` sends it as st.plotly_chart(fig, width="stretch",
theme=None, key=key) would: the same PlotlyChart proto (spec, config, theme, element id) and the same
layout (width stretch, the figure's own height). tests/app/test_chartspec.py holds it to that, proto for
proto, so a Streamlit upgrade that changes st.plotly_chart fails there and not in a browser.

Selections (on_select "rerun" or a callback, selection_mode) make the chart a widget there and here alike.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass

import numpy as np
from _plotly_utils.basevalidators import is_homogeneous_array
from _plotly_utils.utils import plotlyjsShortTypes as SHORT_TYPES
from _plotly_utils.utils import to_typed_array_spec
from plotly.io._json import to_json_plotly
from streamlit.elements.lib import agent_spec
from streamlit.elements.lib.form_utils import current_form_id
from streamlit.elements.lib.layout_utils import LayoutConfig
from streamlit.elements.lib.policies import check_widget_policies
from streamlit.elements.lib.utils import compute_and_register_element_id, to_key
from streamlit.elements.plotly_chart import (
    _SELECTION_MODE_FROM_PROTO,
    PlotlyChartSelectionSerde,
    _plotly_data,
    _resolve_content_height,
    parse_selection_mode,
)
from streamlit.proto.PlotlyChart_pb2 import PlotlyChart as PlotlyChartProto
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
from streamlit.runtime.state import register_widget, validate_on_change_mode

WIDTH, HEIGHT, CONFIG = "stretch", "content", "{}"     # what ui.show asks of st.plotly_chart, as it encodes them
SELECTION_MODE = ("points", "box", "lasso")             # st.plotly_chart's default (part of the element id)
SKIPPED_KEYS = ("geojson", "layer", "layers", "range")  # never packed (_plotly_utils.utils.is_skipped_key)


@dataclass(frozen=True)
class Chart:
    """A figure as its Plotly JSON spec and its layout height (None: Plotly's default)."""
    spec: str
    height: float | None = None

    @property
    def nbytes(self) -> int:
        return len(self.spec)


def to_chart(fig) -> Chart:
    """The JSON st.plotly_chart would send for this go.Figure, made by packing the figure itself: it is spent.

    plotly.io.to_json(fig) deep-copies the figure, then packs every NumPy array into base64 through plotly's
    generic converter (narwhals type checks on each array: ~20 ms for the race's ~250 animation arrays). A figure
    drawn to be cached is thrown away after, so its own dicts are packed in place, plain NumPy arrays directly.
    The JSON is the same, byte for byte (tests/app/test_chartspec.py).
    """
    spec = {"data": fig._data, "layout": fig._layout}
    frames = [frame._props for frame in fig._frame_objs]
    if frames:
        spec["frames"] = frames
    _pack(spec)
    for trace in spec["data"]:
        trace.pop("uid", None)                      # as plotly.io.to_json(remove_uids=True)
    return Chart(to_json_plotly(spec), fig.layout.height)


def _pack(node) -> None:
    """plotly's convert_to_base64, in place, with numeric NumPy arrays encoded directly."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in SKIPPED_KEYS:
                continue
            if isinstance(value, np.ndarray) and value.size and str(value.dtype) in SHORT_TYPES:
                node[key] = _typed(value)
            elif is_homogeneous_array(value):
                node[key] = to_typed_array_spec(value)
            else:
                _pack(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _pack(value)


def _typed(v: np.ndarray) -> dict:
    """A numeric array as plotly.js's typed array spec, as _plotly_utils.utils.to_typed_array_spec writes it."""
    v = np.ascontiguousarray(v)
    spec = {"dtype": SHORT_TYPES[str(v.dtype)], "bdata": base64.b64encode(v).decode("ascii")}
    if v.ndim > 1:
        spec["shape"] = str(v.shape)[1:-1]
    return spec


def emit(chart: Chart, dg, key: str | None = None, on_select="ignore", selection_mode=SELECTION_MODE):
    """Put the chart on the page through `dg` (st._main, st.sidebar, a column...), as st.plotly_chart does.

    on_select "rerun" or a callback makes the chart a widget, as there: returns its selection state.
    """
    callback = validate_on_change_mode(on_select, supported_modes=("rerun", "ignore"), none_supported=False,
                                       param_name="on_select")
    key, selecting = to_key(key), on_select != "ignore"
    if selecting:
        check_widget_policies(dg, key, on_change=callback, default_value=None, writes_allowed=False,
                              enable_check_callback_rules=callback is not None)
    proto = PlotlyChartProto(theme="", form_id=current_form_id(dg), spec=chart.spec, config=CONFIG)
    proto.id = compute_and_register_element_id(
        "plotly_chart", user_key=key, key_as_main_identity=False, dg=dg, plotly_spec=proto.spec,
        plotly_config=proto.config, selection_mode=selection_mode, is_selection_activated=selecting, theme=None,
        width=WIDTH, height=HEIGHT, alt=None)
    layout = LayoutConfig(width=WIDTH, height=_resolve_content_height(HEIGHT, {"layout": {"height": chart.height}}))
    data = lambda: _plotly_data(proto.spec)  # noqa: E731
    if not selecting:
        return dg._enqueue("plotly_chart", proto, layout_config=layout,
                           agent_props=agent_spec.element("plotly_chart", key=key, data_builder=data, alt=None))
    proto.selection_mode.extend(parse_selection_mode(selection_mode))
    serde = PlotlyChartSelectionSerde()
    state = register_widget(proto.id, on_change_handler=callback, deserializer=serde.deserialize,
                            serializer=serde.serialize, ctx=get_script_run_ctx(), value_type="string_value")
    modes = sorted(_SELECTION_MODE_FROM_PROTO[mode] for mode in proto.selection_mode) or None
    dg._enqueue("plotly_chart", proto, layout_config=layout, agent_props=agent_spec.element(
        "plotly_chart", key=proto.id, data_builder=data, support="action_unsupported", selection_mode=modes,
        on_select="rerun", alt=None))
    return state.value
