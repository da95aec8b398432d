"""How every lesson puts things on the page: a chart, a verdict box chosen by its kind, notes."""
from __future__ import annotations

import streamlit as st

from engine.verdict import Kind
from ui.chartspec import SELECTION_MODE, Chart, emit

ICONS = {Kind.OVERFLOW: ":material/error:", Kind.ZERO: ":material/block:", Kind.VANISHING: ":material/south_east:",
         Kind.EXPLODING: ":material/north_east:", Kind.SATURATED: ":material/horizontal_rule:",
         Kind.DEAD: ":material/power_off:", Kind.TINY: ":material/zoom_in:", Kind.HEALTHY: ":material/check_circle:"}


def show(fig, where=None, key: str | None = None, on_select="ignore", selection_mode=SELECTION_MODE):
    """A Plotly figure at the container's width, in the lab's own look (not Streamlit's theme).

    fig is a go.Figure, or a Chart (its JSON, cached by ui.cache.cached_charts): that one is sent as it is.
    on_select / selection_mode as st.plotly_chart's; with a selection, returns the selection state.
    """
    if isinstance(fig, Chart):
        return emit(fig, where if where is not None else st._main, key, on_select, selection_mode)
    return (where or st).plotly_chart(fig, width="stretch", theme=None, key=key, on_select=on_select,
                                      selection_mode=selection_mode)


def verdict_box(verdict, prefix: str = "Verdict", where=None) -> None:
    """Green for healthy, red for overflow, amber for the rest; the icon follows the verdict's kind."""
    where = where or st
    box = {Kind.HEALTHY: where.success, Kind.OVERFLOW: where.error}.get(verdict.kind, where.warning)
    box(f"**{prefix}:** {verdict.text}.", icon=ICONS.get(verdict.kind))


def notes(texts, icon: str = ":material/timer:") -> None:
    """Blue notes (work budget, left-out layers)."""
    for text in texts:
        st.info(text, icon=icon)


# Formulas scroll sideways instead of being cut on a phone; a link's label wraps instead of ending in "…".
PAGE_STYLE = ("<style>.katex-display {overflow-x: auto; overflow-y: hidden;} "
              "[data-testid='stPageLink'] p {white-space: normal !important; overflow: visible !important; "
              "text-overflow: clip !important;}</style>")


def page_style() -> None:
    """The app's few CSS rules (every page calls this, through ui.classroom.apply on the lessons)."""
    st.markdown(PAGE_STYLE, unsafe_allow_html=True)
