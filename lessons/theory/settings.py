"""What the theory lesson asks: an activation and a point (sigma_w^2, sigma_b^2) of its phase diagram (or the edge of
chaos), the depth and width of the nets measured against the theory, their weights, and two inputs' correlation.

A click on the phase diagram sets the point: the chart's on_select callback writes the clicked (sigma_w^2,
sigma_b^2) into the sliders' session values before they are drawn on the rerun (widgets.start keeps them, since
the link has not changed), and widgets.finish writes them to the address bar.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import streamlit as st

from engine import theory_presets
from lessons.network import settings as network
from lessons.theory import budget
from ui import widgets
from ui.widgets import Choice, LogSlider, Slider, Toggle, shown

PAGE = "theory"
ACTIVATION = network.ACTIVATION
SW2 = Slider("sw2", "σ_w² = n · Var(w)", 0.1, 5.0, 2.0, 0.01,
             help="The weights' variance times the fan-in: 1 for LeCun, 2 for He.")
SB2_STEP = 0.01                   # the diagram's rows: slider options, so a clicked point is one


@dataclass(frozen=True)
class ZeroLogSlider(LogSlider):
    """A LogSlider whose first option is 0: a value <= 0 is 0, a positive one snaps to the nearest positive option
    in log space. A keyboard arrow moves one option, so each press changes the point visibly."""

    @property
    def lo(self) -> float:
        return self.options[0]

    @property
    def hi(self) -> float:
        return self.options[-1]

    def check(self, v):
        try:
            x = float(v)
        except (TypeError, ValueError):
            return self.default
        if not math.isfinite(x):
            return self.default
        return self.options[0] if x <= 0 else min(self.options[1:], key=lambda o: abs(math.log(o / x)))

    def parse(self, raws: list):
        raw = raws[-1] if raws else ""
        value = self.check(raw)
        try:
            x = float(raw)
        except ValueError:
            x = math.nan
        if not math.isfinite(x):
            return value, f"`{self.key}={shown(raw)}` is not a finite number; using {value:g}"
        if not self.lo <= x <= self.hi:
            return value, f"`{self.key}={shown(raw)}` is outside {self.lo:g}–{self.hi:g}; using {value:g}"
        return value, None


# 0, three small values for q* near 0 (isometry), then every row of the diagram
SB2 = ZeroLogSlider("sb2", "σ_b² = Var(b)", (0.0, 1e-5, 1e-4, 1e-3,
                                             *(round(k * SB2_STEP, 10) for k in range(1, 51))), 0.05,
                    help="The variance of the random biases b ~ N(0, σ_b²).")
CRITICAL = Toggle("critical", "put σ_w² on the edge of chaos (χ₁ = 1)",
                  help="σ_w² becomes the one value where χ₁ = 1 for this activation and σ_b²")
DEPTH = replace(network.DEPTH, default=theory_presets.DEPTH)
WIDTH = network.WIDTH
WEIGHTS = Choice("weights", "weights W", ("gaussian", "orthogonal"), "gaussian", radio=True,
                 labels=(("gaussian", "i.i.d. N(0, σ_w²/n)"), ("orthogonal", "orthogonal × σ_w")),
                 help="For the correlation chart and the links to the other lessons; the Jacobian is shown with both")
C0 = Slider("c0", "c₀: correlation of the two inputs", 0.0, 1.0, 0.5, 0.01,
            help="The cosine of two inputs x₁, x₂ sent through the same net")
SEED = network.SEED
CONTROLS = (ACTIVATION, CRITICAL, SW2, SB2, DEPTH, WIDTH, WEIGHTS, C0, SEED)
DIAGRAM_KEY = "phase_diagram"     # the clickable chart's key: its selection is in st.session_state[DIAGRAM_KEY]
SW2_STEP = 0.1                    # the diagram's columns: slider values, so a clicked point is one


def grid() -> tuple[np.ndarray, np.ndarray]:
    """(sigma_w^2 values, sigma_b^2 values) of the phase diagram: the sliders' ranges at round steps."""
    sw = np.round(np.arange(round(SW2.lo / SW2_STEP), round(SW2.hi / SW2_STEP) + 1) * SW2_STEP, 10)
    sb = np.round(np.arange(round(SB2.lo / SB2_STEP), round(SB2.hi / SB2_STEP) + 1) * SB2_STEP, 10)
    return sw, sb


@dataclass(frozen=True)
class Settings:
    activation: str = ACTIVATION.default
    sigma_w2: float = SW2.default      # as used: the edge of chaos when critical
    sigma_b2: float = SB2.default
    critical: bool = CRITICAL.default
    depth: int = DEPTH.default
    width: int = WIDTH.default         # of the measured nets, after the work budget
    weights: str = WEIGHTS.default
    c0: float = C0.default
    seed: int = SEED.default

    def widget_values(self) -> dict:
        """{widget key: value}; on the edge of chaos sigma_w^2 is not a setting of its own (the link omits it)."""
        values = {"act": self.activation, "critical": self.critical, "sb2": self.sigma_b2, "depth": self.depth,
                  "width": self.width, "weights": self.weights, "c0": self.c0, "seed": self.seed}
        return values if self.critical else {**values, "sw2": self.sigma_w2}


def clicked_point(selection) -> tuple[float, float] | None:
    """(sigma_w^2, sigma_b^2) of the first clicked point in an st.plotly_chart selection, or None."""
    points = ((selection or {}).get("selection") or {}).get("points") or []
    for p in points:
        x, y = p.get("x"), p.get("y")
        if all(isinstance(v, (int, float)) and math.isfinite(v) for v in (x, y)):
            return float(x), float(y)
    return None


def apply_selection(state, selection) -> bool:
    """Write a clicked point into the sliders' session values (off the edge of chaos); False if nothing was clicked."""
    point = clicked_point(selection)
    if point is None:
        return False
    state[SW2.key], state[SB2.key], state[CRITICAL.key] = SW2.check(point[0]), SB2.check(point[1]), False
    return True


def on_click() -> None:
    """The phase diagram's on_select callback: runs before the script, so before the sliders are drawn."""
    apply_selection(st.session_state, st.session_state.get(DIAGRAM_KEY))


def render(critical_sigma_w2, no_edge) -> tuple[Settings, list[str]]:
    """Check the link, draw the sidebar, fit the work budget; returns the settings used and notes.

    critical_sigma_w2(activation, sigma_b2): the edge of chaos (compute's cached engine call); no_edge(activation,
    sigma_b2): the words for a sigma_b2 without one (text.no_edge).
    """
    widgets.show_notices(widgets.start(PAGE, CONTROLS))
    side, notes = st.sidebar, []
    side.subheader("The point on the phase diagram")
    act, slot = ACTIVATION.render(), side.container()
    sb2, critical = SB2.render(), CRITICAL.render()
    sw2 = critical_sigma_w2(act, sb2) if critical else SW2.render(slot)
    if critical and not math.isfinite(sw2):
        notes.append(f"{no_edge(act, sb2)} Using the σ_w² slider instead.")
        critical, sw2 = False, SW2.render(slot)
    elif critical and not {CRITICAL.key, widgets.ALL} & widgets.hidden_keys():
        slot.caption(f"σ_w² = {sw2:.4g}: the edge of chaos for {act} at σ_b² = {sb2:g}")
    elif critical:           # hidden by a classroom link: its set-up line gives the number, not "edge of chaos = on"
        widgets.record_shown(CRITICAL.key, SW2.label, round(sw2, 4), True)
    side.subheader("The nets measured against the theory")
    depth, width, weights = DEPTH.render(), WIDTH.render(), WEIGHTS.render()
    c0, seed = C0.render(), SEED.render()
    used = budget.measured_width(depth, width, weights)
    if used < width:
        notes.append(f"A {depth}-layer, {width}-wide net's Jacobian takes too long to measure at every slider move: "
                     f"the measured nets here are {used} wide. The mean-field theory does not depend on the width.")
    s = Settings(act, float(sw2), sb2, critical, depth, used, weights, c0, seed)
    widgets.finish(PAGE, s.widget_values(), CONTROLS)
    return s, notes
