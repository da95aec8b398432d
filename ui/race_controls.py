"""The optimizer race page's controls: the surface, each optimizer's learning rate and hyperparameters, the run.

Every control has a URL key. The learning rates and the start point have per-surface defaults (a rate
that races nicely on the bowl diverges on Rosenbrock), so they are built for the surface in use, and
switching the surface resets them to that surface's defaults (`reset_on_surface_change`).
"""
from __future__ import annotations

import streamlit as st

from engine import optimizers, surfaces
from ui.controls import Choice, LogSlider, MultiChoice, Slider, Toggle, log_options

OPTIMIZER_NAMES = tuple(optimizers.OPTIMIZERS)
N_POINTS = surfaces.SURFACES["regression"].params["n"]      # the regression data set's size

SURFACE = Choice("surface", "loss surface", tuple(surfaces.SURFACES), "rosenbrock",
                 help="Each surface's own note is shown under the title")
CONDITION = LogSlider("condition", "condition number κ", log_options(0, 3), 10.0,
                      help="Ratio of the steepest to the flattest curvature of the bowl")
ANGLE = Slider("angle", "rotation θ (degrees)", 0, 90, 0,
               help="Rotates the bowl away from the axes: per-coordinate methods (Adam, RMSprop) lose their edge")
BATCH = Slider("batch", "batch size (of n = %d points)" % N_POINTS, 1, N_POINTS, N_POINTS,
               help="Each step's gradient is the mean over this many points drawn without replacement")
OPT = MultiChoice("opt", "optimizers", OPTIMIZER_NAMES, ("sgd", "momentum", "adam"))
STEPS = Slider("steps", "steps", 10, 1000, 200, 10)
NOISE = Slider("noise", "gradient noise σ", 0.0, 2.0, 0.0, 0.05, help="Adds σ·N(0, I) to every gradient")
SEED = Slider("seed", "noise seed", 0, 99, 0, help="Every optimizer sees the same noise sequence")
CLIP_ON = Toggle("clip_on", "clip the gradient norm", False)
CLIP = LogSlider("clip", "max gradient norm", log_options(-2, 3), 1.0, help="g ← g · min(1, max / ‖g‖)")
BIAS_CORRECTION = Toggle("bias_correction", "Adam/AdamW bias correction", True,
                         help="Divide m and v by 1 − βᵗ (see the EMA panel below)")
EMA_BETA = Slider("ema_beta", "β of the moving average", 0.5, 0.999, 0.9, 0.001, fmt="%.3f")

LR_OPTIONS = log_options(-5, 1)                               # 1e-5 .. 10, 15 per decade
# Default learning rate per surface: each one makes the race show what the surface teaches in ~200 steps.
LR_DEFAULTS = {
    #              sgd   momentum nesterov adagrad rmsprop adam  adamw
    "bowl":       (1.7,  0.05,    0.05,    0.3,    0.05,   0.1,  0.1),   # sgd lr*curvature 1.7 > 1: zig-zag
    "rosenbrock": (1e-3, 1e-3,    1e-3,    1.0,    0.01,   0.1,  0.1),
    "beale":      (0.01, 1e-3,    1e-3,    0.5,    0.05,   0.1,  0.1),
    "himmelblau": (5e-3, 1e-3,    1e-3,    0.3,    0.03,   0.1,  0.1),
    "saddle":     (0.01, 3e-3,    3e-3,    0.05,   0.01,   0.01, 0.01),
    "rastrigin":  (1e-3, 0.01,    3e-3,    0.1,    0.01,   0.05, 0.05),
    "regression": (0.03, 3e-3,    3e-3,    0.3,    0.01,   0.1,  0.1),
}

# Each optimizer's own hyperparameters: (engine name, control). Adam's betas are two controls, one pair.
HYPER_CONTROLS = {
    "sgd": [],
    "momentum": [("momentum", Slider("mom_momentum", "momentum β", 0.0, 0.99, 0.9, 0.01))],
    "nesterov": [("momentum", Slider("mom_nesterov", "momentum β", 0.01, 0.99, 0.9, 0.01,
                                     help="Nesterov needs β > 0"))],
    "adagrad": [],
    "rmsprop": [("alpha", Slider("alpha_rmsprop", "α (average of g²)", 0.5, 0.999, 0.99, 0.001, fmt="%.3f")),
                ("momentum", Slider("mom_rmsprop", "momentum", 0.0, 0.99, 0.0, 0.01))],
    "adam": [("beta1", Slider("beta1_adam", "β₁ (average of g)", 0.0, 0.99, 0.9, 0.01)),
             ("beta2", Slider("beta2_adam", "β₂ (average of g²)", 0.9, 0.9999, 0.999, 0.0001, fmt="%.4f"))],
    "adamw": [("beta1", Slider("beta1_adamw", "β₁ (average of g)", 0.0, 0.99, 0.9, 0.01)),
              ("beta2", Slider("beta2_adamw", "β₂ (average of g²)", 0.9, 0.9999, 0.999, 0.0001, fmt="%.4f")),
              ("weight_decay", Slider("wd_adamw", "weight decay λ", 0.0, 0.5, 0.01, 0.01,
                                      help="Decoupled: w ← w(1 − lr·λ) each step, pulling towards 0"))],
}


def lr_control(name: str, surface: str) -> LogSlider:
    default = LR_DEFAULTS[surface][OPTIMIZER_NAMES.index(name)]
    return LogSlider(f"lr_{name}", f"learning rate of {name}", LR_OPTIONS, default)


def start_controls(surface: str) -> list[Slider]:
    """x0, y0 sliders inside the surface's plotting window, defaulting to its start point."""
    s = surfaces.SURFACES[surface]
    return [Slider(key, f"start {axis}₀", float(lo), float(hi), float(start), 0.001, fmt="%.3f")
            for key, axis, (lo, hi), start in zip(("x0", "y0"), s.axis_labels, s.bounds, s.start)]


def surface_dependent(surface: str) -> list:
    return [lr_control(name, surface) for name in OPTIMIZER_NAMES] + start_controls(surface)


def all_controls(surface: str) -> list:
    """Every control the page can show, with the defaults that belong to `surface`."""
    hyper = [control for name in OPTIMIZER_NAMES for _, control in HYPER_CONTROLS[name]]
    return ([SURFACE, CONDITION, ANGLE, BATCH, OPT, STEPS, NOISE, SEED, CLIP_ON, CLIP, BIAS_CORRECTION, EMA_BETA]
            + hyper + surface_dependent(surface))


def current_surface() -> str:
    """The surface this run will use, known before any widget is drawn (its widget value or the link's)."""
    if st.session_state.get(SURFACE.key) in SURFACE.options:
        return st.session_state[SURFACE.key]
    raw = st.query_params.get(SURFACE.key)
    return SURFACE.default if raw is None else SURFACE.parse(raw)[0]


def reset_on_surface_change(surface: str) -> bool:
    """When the surface differs from the last run's, set its learning rates and start point; True if it did."""
    last = st.session_state.get("_race_last_surface")
    st.session_state["_race_last_surface"] = surface
    if last is None or last == surface:
        return False
    for control in surface_dependent(surface):
        st.session_state[control.key] = control.default
    return True


def hyper_of(name: str, values: dict, bias_correction: bool) -> dict:
    """The engine hyperparameters of optimizer `name` from the widget values {key: value}."""
    hyper = {"lr": values[f"lr_{name}"]}
    own = {engine_name: values[control.key] for engine_name, control in HYPER_CONTROLS[name]}
    if "beta1" in own:
        hyper["betas"] = (own.pop("beta1"), own.pop("beta2"))
        hyper["bias_correction"] = bias_correction
    hyper.update(own)
    return hyper


def update_rule(name: str, hyper: dict) -> str:
    """The optimizer's update rule in LaTeX with this run's numbers plugged in (torch's form, as the engine runs it)."""
    lr = f"{hyper['lr']:g}"
    if name == "sgd":
        return rf"\text{{sgd: }} w \leftarrow w - {lr}\,g"
    if name in ("momentum", "nesterov"):
        b = f"{hyper['momentum']:g}"
        step = rf"(g + {b}\,b)" if name == "nesterov" else "b"
        return rf"\text{{{name}: }} b \leftarrow {b}\,b + g,\quad w \leftarrow w - {lr}\,{step}"
    if name == "adagrad":
        return rf"\text{{adagrad: }} s \leftarrow s + g^2,\quad w \leftarrow w - {lr}\,\frac{{g}}{{\sqrt{{s}} + 10^{{-10}}}}"
    if name == "rmsprop":
        a, mom = f"{hyper['alpha']:g}", hyper["momentum"]
        rule = rf"\text{{rmsprop: }} v \leftarrow {a}\,v + {1 - hyper['alpha']:.3g}\,g^2,\quad "
        if mom:
            return rule + rf"b \leftarrow {mom:g}\,b + \frac{{g}}{{\sqrt{{v}} + \epsilon}},\quad w \leftarrow w - {lr}\,b"
        return rule + rf"w \leftarrow w - {lr}\,\frac{{g}}{{\sqrt{{v}} + \epsilon}}"
    b1, b2 = hyper["betas"]
    decay = rf"w \leftarrow (1 - {lr}\cdot{hyper['weight_decay']:g})\,w,\ " if name == "adamw" else ""
    moments = (rf"m \leftarrow {b1:g}\,m + {1 - b1:.3g}\,g,\ v \leftarrow {b2:g}\,v + {1 - b2:.4g}\,g^2,\ ")
    if hyper["bias_correction"]:
        step = (rf"w \leftarrow w - {lr}\,\frac{{m/(1-{b1:g}^t)}}{{\sqrt{{v/(1-{b2:g}^t)}} + \epsilon}}")
    else:
        step = rf"w \leftarrow w - {lr}\,\frac{{m}}{{\sqrt{{v}} + \epsilon}}"
    return rf"\text{{{name}: }} {decay}{moments}{step}"
