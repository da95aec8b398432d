"""What the activations lesson asks: the shared network and probe widgets, plus which values to show (a or z)."""
from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from lessons.network import probe
from lessons.network import settings as network
from ui import widgets
from ui.widgets import Choice

PAGE = "activations"
VIEW = Choice("view", "show", ("a", "z"), "a", radio=True,
              labels=(("a", "activation a = φ(z)"), ("z", "pre-activation z")))
CONTROLS = (*network.CONTROLS, *probe.CONTROLS, VIEW)


@dataclass(frozen=True)
class Settings:
    probe: probe.ProbeSettings = field(default_factory=probe.ProbeSettings)
    view: str = VIEW.default

    def widget_values(self) -> dict:
        return {**self.probe.widget_values(), "view": self.view}


def render() -> tuple[Settings, list[str]]:
    """Check the link, draw the sidebar, cap to the work budget; returns the settings used and budget notes."""
    widgets.show_notices(widgets.start(PAGE, CONTROLS))
    values = network.render_network()
    st.sidebar.subheader("Data and view")
    values.update({c.key: c.render() for c in (*probe.CONTROLS, VIEW)})
    asked = probe.ProbeSettings(network.from_widgets(values), values["batch"], values["input"])
    used, notes = probe.budgeted(asked)
    s = Settings(used, values["view"])
    widgets.finish(PAGE, s.widget_values(), CONTROLS)
    return s, notes
