"""Shared widgets: each control knows its bounds, renders itself bound to the URL, and checks URL values.

A page lists its controls, calls `check_url(controls)` once before drawing them (so a hand-edited link is
clamped or ignored with a visible notice, never passed on unchecked), then `control.render()` each one.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import streamlit as st

MAX_SHOWN = 40                       # characters of a bad URL value echoed back in a notice


def _shown(raw) -> str:
    """A URL value made safe to echo: no markdown/HTML specials, truncated."""
    text = "".join(ch for ch in str(raw) if ch.isalnum() or ch in ".-+_ ")
    return text[:MAX_SHOWN] + ("…" if len(text) > MAX_SHOWN else "")


@dataclass(frozen=True)
class Slider:
    """An int or float slider with hard bounds."""
    key: str
    label: str
    lo: float
    hi: float
    default: float
    step: float = 1
    help: str | None = None
    fmt: str | None = None

    @property
    def is_int(self) -> bool:
        return all(float(v).is_integer() for v in (self.lo, self.hi, self.default, self.step))

    def cast(self, v):
        return int(round(v)) if self.is_int else float(v)

    def parse(self, raw: str):
        """(value, notice): clamp into [lo, hi] and snap to the step; NaN or text falls back to the default."""
        try:
            v = float(raw)
        except (TypeError, ValueError):
            return self.cast(self.default), f"`{self.key}={_shown(raw)}` is not a number; using {self.default}"
        if not math.isfinite(v):
            return self.cast(self.default), f"`{self.key}={_shown(raw)}` is not a finite number; using {self.default}"
        clamped = min(max(v, self.lo), self.hi)
        snapped = self.cast(self.lo + round((clamped - self.lo) / self.step) * self.step)
        snapped = min(max(snapped, self.cast(self.lo)), self.cast(self.hi))
        snapped = snapped if self.is_int else round(snapped, 10)        # no 0.30000000000000004
        if clamped != v:
            return snapped, f"`{self.key}={_shown(raw)}` is outside {self.lo:g}–{self.hi:g}; using {snapped:g}"
        return snapped, None

    def render(self, where=None):
        where = where or st.sidebar
        c = self.cast
        return where.slider(self.label, c(self.lo), c(self.hi), c(self.default), c(self.step), key=self.key,
                            help=self.help, format=self.fmt, bind="query-params")


@dataclass(frozen=True)
class Choice:
    """A selectbox (or radio) over fixed options; `labels` maps an option to what the user reads."""
    key: str
    label: str
    options: tuple
    default: str
    help: str | None = None
    labels: tuple = ()               # (option, caption) pairs, shown under a radio's options
    radio: bool = False

    def parse(self, raw: str):
        if raw in self.options:
            return raw, None
        return self.default, f"`{self.key}={_shown(raw)}` is not one of {', '.join(self.options)}; using {self.default}"

    def render(self, where=None):
        """The URL holds the option itself (no format_func: Streamlit would put the label in the URL);
        a radio shows `labels` as captions under the options."""
        where = where or st.sidebar
        index = self.options.index(self.default)
        if self.radio:
            names = dict(self.labels)
            captions = [names.get(o, "") for o in self.options] if names else None
            return where.radio(self.label, self.options, index=index, key=self.key, help=self.help,
                               captions=captions, horizontal=not captions, bind="query-params")
        return where.selectbox(self.label, self.options, index=index, key=self.key, help=self.help,
                               bind="query-params")


@dataclass(frozen=True)
class Toggle:
    key: str
    label: str
    default: bool = False
    help: str | None = None

    def parse(self, raw: str):
        text = str(raw).strip().lower()
        if text in ("true", "1", "on", "yes"):
            return True, None
        if text in ("false", "0", "off", "no"):
            return False, None
        return self.default, f"`{self.key}={_shown(raw)}` is not true/false; using {self.default}"

    def render(self, where=None):
        where = where or st.sidebar
        return where.toggle(self.label, self.default, key=self.key, help=self.help, bind="query-params")


@dataclass(frozen=True)
class MultiChoice:
    """A multiselect over fixed options (repeated URL parameters: ?opt=sgd&opt=adam)."""
    key: str
    label: str
    options: tuple
    default: tuple
    help: str | None = None

    def parse_all(self, raws: list):
        kept = [r for r in dict.fromkeys(raws) if r in self.options]
        bad = [r for r in raws if r not in self.options]
        notice = (f"ignored `{self.key}` value(s) {', '.join(_shown(b) for b in bad)}; valid: "
                  f"{', '.join(self.options)}") if bad else None
        return (kept if kept else list(self.default)), notice

    def parse(self, raw: str):
        return self.parse_all([raw])

    def render(self, where=None):
        where = where or st.sidebar
        return where.multiselect(self.label, self.options, list(self.default), key=self.key, help=self.help,
                                 bind="query-params")


def log_options(lo_exp: int, hi_exp: int) -> tuple:
    """Round numbers, 15 per decade (1, 1.1, 1.2, 1.3, 1.5, 1.7, 2, 2.5, 3, 4, 5, 6, 7, 8, 9) x 10^e: a log slider."""
    mantissas = (1, 1.1, 1.2, 1.3, 1.5, 1.7, 2, 2.5, 3, 4, 5, 6, 7, 8, 9)
    values = [float(f"{m * 10.0**e:.6g}") for e in range(lo_exp, hi_exp) for m in mantissas]
    return tuple(values + [float(10.0**hi_exp)])


@dataclass(frozen=True)
class LogSlider:
    """A select_slider over log-spaced round numbers; URL values snap to the nearest option in log space."""
    key: str
    label: str
    options: tuple
    default: float
    help: str | None = None

    def parse(self, raw: str):
        try:
            v = float(raw)
        except (TypeError, ValueError):
            return self.default, f"`{self.key}={_shown(raw)}` is not a number; using {self.default:g}"
        if not math.isfinite(v) or v <= 0:
            return self.default, f"`{self.key}={_shown(raw)}` must be a positive number; using {self.default:g}"
        nearest = min(self.options, key=lambda o: abs(math.log(o) - math.log(v)))
        if v < self.options[0] or v > self.options[-1]:
            return nearest, (f"`{self.key}={_shown(raw)}` is outside {self.options[0]:g}–{self.options[-1]:g}; "
                             f"using {nearest:g}")
        return nearest, None

    def render(self, where=None):
        where = where or st.sidebar
        return where.select_slider(self.label, self.options, self.default, key=self.key, help=self.help,
                                   format_func=lambda v: f"{v:g}", bind="query-params")


def check_url(controls, extra_keys=()) -> list[str]:
    """Validate the URL's query parameters against the page's controls before they are drawn.

    A bad value is clamped or reset into st.session_state (so the widget shows the fixed value) and an
    unknown key is removed; each fix gives a notice sentence. Returns the notices.
    """
    by_key = {c.key: c for c in controls}
    notices = []
    for key in list(st.query_params.keys()):
        values = st.query_params.get_all(key)
        if key not in by_key:
            if key not in extra_keys:
                notices.append(f"ignored unknown setting `{_shown(key)}`")
                _drop(key)
            continue
        control = by_key[key]
        if isinstance(control, MultiChoice):
            value, notice = control.parse_all(values)
        else:
            value, notice = control.parse(values[-1] if values else "")
        if notice:
            notices.append(notice)
        if notice or _snapped(control, values[-1] if values else "", value):
            st.session_state[key] = value        # the widget shows the fixed value (the URL follows it)
    return notices


def _snapped(control, raw: str, value) -> bool:
    """Whether a valid URL value had to be moved onto the widget's grid.

    Sliders: the number changed (gain=1.234 -> 1.23). Log sliders: Streamlit only accepts an option's exact
    text, so "1.0" must become the option "1" and 0.31 the option 0.3.
    """
    if isinstance(control, LogSlider):
        return raw.strip() != f"{value:g}"
    if isinstance(control, Slider):
        try:
            return float(raw) != float(value)
        except ValueError:
            return False
    return False


def _drop(key: str) -> None:
    try:
        del st.query_params[key]
    except Exception:  # a bound key cannot be deleted here; Streamlit drops it itself
        pass


def show_notices(notices) -> None:
    """One warning box listing what was fixed in the link."""
    if notices:
        st.warning("Some settings in the link were adjusted:\n\n" + "\n".join(f"- {n}" for n in notices),
                   icon=":material/link:")


def render_all(controls, where=None) -> dict:
    """Check the URL, show notices, render every control; returns {key: value}."""
    show_notices(check_url(controls))
    return {c.key: c.render(where) for c in controls}


# --- the network controls shared by the activations and gradients pages --------------------------------

from engine import activations as _activations  # noqa: E402
from engine import initializers as _initializers
from ui import budget  # noqa: E402

# One control per initializer parameter; the same URL key means the same thing on every page.
INIT_PARAM_CONTROLS = {
    "gain": Slider("gain", "gain g", 0.0, 5.0, 1.0, 0.01,
                   help="Multiplies the std. Xavier/LeCun: 5/3 for tanh, √2 for ReLU (PyTorch's calculate_gain). "
                        "He already holds ReLU's factor 2, so gain 1 is He."),
    "std": LogSlider("std", "std σ", log_options(-4, 1), 0.01, help="N(0, σ²)"),
    "limit": LogSlider("limit", "limit a", log_options(-4, 1), 1.0, help="U(−a, a)"),
    "value": Slider("value", "constant c", -2.0, 2.0, 0.5, 0.01, help="every weight = c"),
}


def init_param_controls(init: str) -> list:
    """The controls of the initializer's own parameters (none for zeros and torch_default)."""
    return [INIT_PARAM_CONTROLS[p] for p in _initializers.INITIALIZERS[init].defaults]


ACTIVATION = Choice("act", "activation φ", tuple(_activations.ACTIVATIONS), "tanh")
INIT = Choice("init", "initializer", tuple(_initializers.INITIALIZERS), "xavier_normal")
DEPTH = Slider("depth", "depth L (layers)", 1, 100, 10)
WIDTH = Slider("width", "width n (units per layer)", 8, 1024, 256, 8)
BATCH = Slider("batch", "batch B (examples)", 16, 2048, 256, 16)
SCALE = LogSlider("scale", "extra weight multiplier × (log)", log_options(-3, 3), 1.0,
                  help="Multiplies every weight after the initializer, on top of its own gain or std. "
                       "Try 0.8 or 1.2 with a deep net: the signal changes by about that factor per layer.")
BN = Toggle("bn", "batch norm", False, help="Normalize z over the batch in every layer, before φ")
BIAS = Slider("bias", "bias init b", -1.0, 1.0, 0.0, 0.05)
INPUT = Choice("input", "input x", ("normal", "uniform"), "normal", radio=True,
               labels=(("normal", "N(0, 1)"), ("uniform", "U(−√3, √3)")))
SEED = Slider("seed", "seed", 0, 999, 0)
NETWORK = [DEPTH, WIDTH, BATCH, ACTIVATION, INIT, SCALE, BN, BIAS, INPUT, SEED]
ALL_INIT_PARAMS = list(INIT_PARAM_CONTROLS.values())

def network_sidebar(extra=(), runs=lambda values: 1) -> dict:
    """Check the URL and draw the network controls (and the page's `extra` ones) in the sidebar.

    Returns the values by key, with `init_params` (a dict) and `batch` capped to the work budget shared by
    `runs(values)` networks (a page overlaying several networks computes each); notices go at the top.
    """
    notices = check_url(NETWORK + ALL_INIT_PARAMS + list(extra))
    show_notices(notices)
    side = st.sidebar
    side.subheader("Network")
    values = {c.key: c.render(side) for c in (DEPTH, WIDTH, BATCH, ACTIVATION)}
    side.subheader("Initialization")
    values["init"] = INIT.render(side)
    values["init_params"] = {c.key: c.render(side) for c in init_param_controls(values["init"])}
    values.update({c.key: c.render(side) for c in (SCALE, BIAS, BN)})
    side.subheader("Data and view")
    values.update({c.key: c.render(side) for c in (INPUT, SEED) + tuple(extra)})
    apply_budget(values, runs(values))
    return values


def apply_budget(values: dict, runs: int) -> None:
    """Cap depth (weights to sample) then batch (work per pass) so the page redraws in time; say so."""
    depth, width, batch = values["depth"], values["width"], values["batch"]
    capped_depth = budget.cap_depth(depth, width)
    if capped_depth < depth:
        st.info(f"A {depth}-layer, {width}-wide network has {depth * width * width / 1e6:.0f}M weights, too many "
                f"to sample for every slider move: showing its first {capped_depth} layers "
                f"(at most {budget.WEIGHT_BUDGET / 1e6:.0f}M weights).", icon=":material/timer:")
        values["depth"] = depth = capped_depth
    capped = budget.cap_batch(depth, width, batch, runs)
    if capped < batch:
        what = "network" if runs == 1 else f"network (× {runs} runs drawn together)"
        st.info(f"Batch cut from {batch} to {capped} so this {depth}-layer, {width}-wide {what} redraws in "
                "under a second.", icon=":material/timer:")
        values["batch"] = capped
