"""What the race asks: the surface, the optimizers with their hyperparameters, the run, the EMA panel's beta.

Learning rates and the start point have per-surface defaults (a rate that races nicely on the bowl diverges
on Rosenbrock), so their controls are built for the surface in use; switching the surface resets them.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from engine import optimizers, surfaces
from lessons.network.settings import SEED
from ui import widgets
from ui.widgets import Choice, LogSlider, MultiChoice, Slider, Toggle, log_options

PAGE = "race"
OPTIMIZER_NAMES = tuple(optimizers.OPTIMIZERS)
N_POINTS = surfaces.SURFACES["regression"].params["n"]      # the regression data set's size
SURFACE = Choice("surface", "loss surface", tuple(surfaces.SURFACES), "rosenbrock",
                 help="Each surface's own note is shown under the title")
CONDITION = LogSlider("condition", "condition number κ", log_options(0, 3), 10.0,
                      help="Ratio of the steepest to the flattest curvature of the bowl")
ANGLE = Slider("angle", "rotation θ (degrees)", 0, 90, 0,
               help="Rotates the bowl away from the axes: per-coordinate methods (Adam, RMSprop) lose their edge")
MINIBATCH = Slider("minibatch", f"batch size (of n = {N_POINTS} points)", 1, N_POINTS, N_POINTS,
                   help="Each step's gradient is the mean over this many points drawn without replacement")
OPT = MultiChoice("opt", "optimizers", OPTIMIZER_NAMES, ("sgd", "momentum", "adam"))
STEPS = Slider("steps", "steps", 10, 1000, 200, 10)
NOISE = Slider("noise", "gradient noise σ", 0.0, 2.0, 0.0, 0.05, help="Adds σ·N(0, I) to every gradient")
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
    "sgd": (),
    "momentum": (("momentum", Slider("mom_momentum", "momentum β", 0.0, 0.99, 0.9, 0.01)),),
    "nesterov": (("momentum", Slider("mom_nesterov", "momentum β", 0.01, 0.99, 0.9, 0.01,
                                     help="Nesterov needs β > 0")),),
    "adagrad": (),
    "rmsprop": (("alpha", Slider("alpha_rmsprop", "α (average of g²)", 0.5, 0.999, 0.99, 0.001, fmt="%.3f")),
                ("momentum", Slider("mom_rmsprop", "momentum", 0.0, 0.99, 0.0, 0.01))),
    "adam": (("beta1", Slider("beta1_adam", "β₁ (average of g)", 0.0, 0.99, 0.9, 0.01)),
             ("beta2", Slider("beta2_adam", "β₂ (average of g²)", 0.9, 0.9999, 0.999, 0.0001, fmt="%.4f"))),
    "adamw": (("beta1", Slider("beta1_adamw", "β₁ (average of g)", 0.0, 0.99, 0.9, 0.01)),
              ("beta2", Slider("beta2_adamw", "β₂ (average of g²)", 0.9, 0.9999, 0.999, 0.0001, fmt="%.4f")),
              ("weight_decay", Slider("wd_adamw", "weight decay λ", 0.0, 0.5, 0.01, 0.01,
                                      help="Decoupled: w ← w(1 − lr·λ) each step, pulling towards 0"))),
}
FIXED = (SURFACE, CONDITION, ANGLE, MINIBATCH, OPT, STEPS, NOISE, SEED, CLIP_ON, CLIP, BIAS_CORRECTION, EMA_BETA,
         *(c for name in OPTIMIZER_NAMES for _, c in HYPER_CONTROLS[name]))


def lr_control(name: str, surface: str) -> LogSlider:
    default = LR_DEFAULTS[surface][OPTIMIZER_NAMES.index(name)]
    return LogSlider(f"lr_{name}", f"learning rate of {name}", LR_OPTIONS, default)


def start_controls(surface: str) -> tuple[Slider, Slider]:
    """x0, y0 sliders inside the surface's plotting window, defaulting to its start point."""
    s = surfaces.SURFACES[surface]
    return tuple(Slider(key, f"start {axis}₀", float(lo), float(hi), float(start), 0.001, fmt="%.3f")
                 for key, axis, (lo, hi), start in zip(("x0", "y0"), s.axis_labels, s.bounds, s.start))


def surface_dependent(surface: str) -> tuple:
    return (*(lr_control(name, surface) for name in OPTIMIZER_NAMES), *start_controls(surface))


def controls(surface: str) -> tuple:
    """Every control the page can show, with the defaults that belong to `surface`."""
    return (*FIXED, *surface_dependent(surface))


@dataclass(frozen=True)
class Settings:
    """One race: the surface, every optimizer's (name, hyper), where it starts and how it runs."""
    surface: str = SURFACE.default
    surface_params: tuple = ()           # sorted (name, value) pairs: bowl condition/angle, regression batch_size
    runs: tuple = ()                     # ((optimizer, sorted hyper items), ...) in the order chosen
    start: tuple = surfaces.SURFACES[SURFACE.default].start
    steps: int = STEPS.default
    noise: float = NOISE.default
    seed: int = 0
    clip: float | None = None
    bias_correction: bool = True
    ema_beta: float = EMA_BETA.default

    @property
    def optimizers(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.runs)

    def hyper(self, name: str) -> dict:
        return dict(dict(self.runs)[name])

    def make_surface(self):
        return surfaces.make(self.surface, **dict(self.surface_params))


def hyper_of(name: str, values: dict, bias_correction: bool) -> dict:
    """The engine hyperparameters of optimizer `name` from the widget values {key: value}."""
    hyper = {"lr": values[f"lr_{name}"]}
    own = {engine_name: values[control.key] for engine_name, control in HYPER_CONTROLS[name]}
    if "beta1" in own:
        hyper["betas"] = (own.pop("beta1"), own.pop("beta2"))
        hyper["bias_correction"] = bias_correction
    hyper.update(own)
    return hyper


def _seed_surface_first() -> tuple[str, list[str]]:
    """Seed the surface, then every control with that surface's defaults; a switched surface resets its own."""
    from_link = widgets.source(PAGE)
    notices = widgets.seed(from_link, [SURFACE])
    surface = st.session_state[SURFACE.key]
    last = st.session_state.get("_race_surface")
    st.session_state["_race_surface"] = surface
    if not from_link and last is not None and last != surface:
        for c in surface_dependent(surface):
            st.session_state[c.key] = c.default
    all_controls = controls(surface)
    notices += widgets.seed(from_link, all_controls[1:])
    return surface, notices + widgets.unknown(from_link, [c.key for c in all_controls])


def _render_surface(side, surface: str, values: dict) -> dict:
    side.subheader("Surface")
    values["surface"] = SURFACE.render(side)
    shown = {"bowl": (CONDITION, ANGLE), "regression": (MINIBATCH,)}.get(surface, ())
    values.update({c.key: c.render(side) for c in shown})
    side.caption("Switching the surface resets the learning rates and the start point to values tuned for it.")
    names = {"condition": "condition", "angle": "angle", "minibatch": "batch_size"}
    return {names[c.key]: values[c.key] for c in shown}


def _render_optimizers(side, surface: str, values: dict) -> None:
    side.subheader("Optimizers")
    values["opt"] = OPT.render(side)
    for name in values["opt"]:
        values[f"lr_{name}"] = lr_control(name, surface).render(side)
        if HYPER_CONTROLS[name]:
            box = side.expander(f"{name}: its other hyperparameters")
            values.update({c.key: c.render(box) for _, c in HYPER_CONTROLS[name]})
    if {"adam", "adamw"} & set(values["opt"]):
        values["bias_correction"] = BIAS_CORRECTION.render(side)


def _render_run(side, surface: str, values: dict, surface_params: dict) -> None:
    side.subheader("Run")
    values["steps"] = STEPS.render(side)
    for c in start_controls(surface):
        values[c.key] = c.render(side)
    values["noise"] = NOISE.render(side)
    if values["noise"] > 0 or surface_params.get("batch_size", N_POINTS) < N_POINTS:
        values["seed"] = SEED.render(side)
    values["clip_on"] = CLIP_ON.render(side)
    if values["clip_on"]:
        values["clip"] = CLIP.render(side)


def render() -> tuple[Settings, dict]:
    """Check the link, draw the sidebar; returns the race settings and the widget values used (for the EMA panel)."""
    surface, notices = _seed_surface_first()
    widgets.show_notices(notices)
    side, values = st.sidebar, {}
    surface_params = _render_surface(side, surface, values)
    _render_optimizers(side, surface, values)
    _render_run(side, surface, values, surface_params)
    bias_correction = values.get("bias_correction", True)
    runs = tuple((name, tuple(sorted(hyper_of(name, values, bias_correction).items()))) for name in values["opt"])
    s = Settings(surface, tuple(sorted(surface_params.items())), runs, (values["x0"], values["y0"]), values["steps"],
                 values["noise"], values.get("seed", 0), values["clip"] if values["clip_on"] else None,
                 bias_correction, st.session_state.get(EMA_BETA.key, EMA_BETA.default))
    widgets.finish(PAGE, {**values, "ema_beta": s.ema_beta}, controls(surface))
    return s, values
