"""What the race asks: the surface, the optimizers and their hyperparameters, a second copy of one optimizer to
compare settings, the run (steps, start, tolerance, noise, clipping), and whether to tune the learning rates.

The defaults of every learning rate, momentum beta, the start and the number of steps belong to the surface:
they are engine.race_defaults' tuned values (tune() on the surface's own default race), so the default race is
fair. Their controls are built for the surface in use, and switching the surface resets them.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine import optimizers, race_defaults, surfaces
from lessons.network.settings import SEED
from ui.widgets import Choice, LogSlider, MultiChoice, Slider, Toggle, log_options

PAGE = "race"
OPTIMIZER_NAMES = tuple(optimizers.OPTIMIZERS)
MOMENTUM_NAMES = ("momentum", "nesterov")
N_POINTS = surfaces.SURFACES["regression"].params["n"]      # the regression data set's size
SURFACE = Choice("surface", "loss surface", tuple(surfaces.SURFACES), "bowl",
                 help="Each surface's own note is shown under the title")
CONDITION = LogSlider("condition", "condition number κ", log_options(0, 3), 10.0,
                      help="Ratio of the steepest to the flattest curvature of the bowl")
ANGLE = Slider("angle", "rotation θ (degrees)", 0, 90, 0,
               help="Rotates the bowl away from the axes: per-coordinate methods (Adam, RMSprop) lose their edge")
MINIBATCH = Slider("minibatch", f"batch size (of n = {N_POINTS} points)", 1, N_POINTS, N_POINTS,
                   help="Each step's gradient is the mean over this many points drawn without replacement")
OPT = MultiChoice("opt", "optimizers", OPTIMIZER_NAMES, ("sgd", "momentum", "adam"))
TUNE = Toggle("tune", "tune every learning rate for this race", False,
              help="A log-grid sweep (cached) gives each optimizer the learning rate that reaches the goal first")
TUNE_BETA = Toggle("tune_beta", "tune momentum β too", True,
                   help="Sweep β of momentum and Nesterov with the learning rate (not of the copy)")
TWIN = Choice("twin", "race a second copy of", ("none", *OPTIMIZER_NAMES), "none",
              help="The same optimizer again with other hyperparameters, to compare them on one chart")
TOL = LogSlider("tol", "tolerance: reached when f − f* stays below", log_options(-8, -1), race_defaults.TOL)
NOISE = Slider("noise", "gradient noise σ", 0.0, 2.0, 0.0, 0.05, help="Adds σ·N(0, I) to every gradient")
CLIP_ON = Toggle("clip_on", "clip the gradient norm", False)
CLIP = LogSlider("clip", "max gradient norm", log_options(-2, 3), 1.0, help="g ← g · min(1, max / ‖g‖)")
BIAS_CORRECTION = Toggle("bias_correction", "Adam/AdamW bias correction", True,
                         help="Divide m and v by 1 − βᵗ (see the EMA panel below)")
EMA_BETA = Slider("ema_beta", "β of the moving average", 0.5, 0.999, 0.9, 0.001, fmt="%.3f")
LR_OPTIONS = log_options(-5, 1)                               # 1e-5 .. 10, 15 per decade


def _beta1(key):
    return Slider(key, "β₁ (average of g)", 0.0, 0.99, 0.9, 0.01)


def _beta2(key):
    return Slider(key, "β₂ (average of g²)", 0.9, 0.9999, 0.999, 0.0001, fmt="%.4f")


def hyper_controls(name: str, surface: str, suffix: str = "") -> tuple:
    """(engine name, control) of an optimizer's own hyperparameters; suffix "twin" gives the copy's controls.

    Momentum's beta defaults to its tuned value on the surface; the rest to torch's defaults.
    """
    key = (lambda base: f"{base}_twin") if suffix else (lambda base: f"{base}_{name}")
    tuned_beta = race_defaults.DEFAULTS[surface][name].momentum if name in MOMENTUM_NAMES else None
    lo = 0.01 if name == "nesterov" else 0.0                    # torch's Nesterov needs beta > 0
    own = {
        "momentum": (("momentum", Slider(key("mom"), "momentum β", lo, 0.99, max(lo, tuned_beta or 0.9), 0.01)),),
        "rmsprop": (("alpha", Slider(key("alpha"), "α (average of g²)", 0.5, 0.999, 0.99, 0.001, fmt="%.3f")),
                    ("momentum", Slider(key("mom"), "momentum", 0.0, 0.99, 0.0, 0.01))),
        "adam": (("beta1", _beta1(key("beta1"))), ("beta2", _beta2(key("beta2")))),
        "adamw": (("beta1", _beta1(key("beta1"))), ("beta2", _beta2(key("beta2"))),
                  ("weight_decay", Slider(key("wd"), "weight decay λ", 0.0, 0.5, 0.01, 0.01,
                                          help="Decoupled: w ← w(1 − lr·λ) each step, pulling towards 0"))),
    }
    own["nesterov"] = own["momentum"]
    extra = (("bias_correction", Toggle("bc_twin", "bias correction", True)),) if suffix and "adam" in name else ()
    return own.get(name, ()) + extra


def lr_control(name: str, surface: str, twin: bool = False) -> LogSlider:
    default = race_defaults.DEFAULTS[surface][name].lr
    return LogSlider("lr_twin" if twin else f"lr_{name}", "learning rate" if twin else f"learning rate of {name}",
                     LR_OPTIONS, default)


def start_controls(surface: str) -> tuple[Slider, Slider]:
    """x0, y0 sliders inside the surface's plotting window, defaulting to its start point."""
    s = surfaces.SURFACES[surface]
    return tuple(Slider(key, f"start {axis}₀", float(lo), float(hi), float(start), 0.001, fmt="%.3f")
                 for key, axis, (lo, hi), start in zip(("x0", "y0"), s.axis_labels, s.bounds, s.start))


def steps_control(surface: str) -> Slider:
    return Slider("steps", "steps", 10, 1000, race_defaults.TUNED_FOR[surface], 10)


def surface_dependent(surface: str) -> tuple:
    """The controls whose defaults change with the surface (reset when it is switched)."""
    momentum = tuple(c for name in MOMENTUM_NAMES for _, c in hyper_controls(name, surface))
    return (*(lr_control(name, surface) for name in OPTIMIZER_NAMES), *momentum, *start_controls(surface),
            steps_control(surface))


def twin_controls(twin: str, surface: str) -> tuple:
    if twin == "none":
        return ()
    return (lr_control(twin, surface, twin=True), *(c for _, c in hyper_controls(twin, surface, "twin")))


def controls(surface: str, twin: str = "none") -> tuple:
    """Every control the page can show, with the defaults that belong to `surface`."""
    fixed = (SURFACE, CONDITION, ANGLE, MINIBATCH, OPT, TUNE, TUNE_BETA, TWIN, TOL, NOISE, SEED, CLIP_ON, CLIP,
             BIAS_CORRECTION, EMA_BETA)
    others = tuple(c for name in OPTIMIZER_NAMES if name not in MOMENTUM_NAMES
                   for _, c in hyper_controls(name, surface))
    return (*fixed, *others, *surface_dependent(surface), *twin_controls(twin, surface))


@dataclass(frozen=True)
class Run:
    """One racer: its label, optimizer, hyperparameters (sorted pairs) and what tune() may choose for it."""
    label: str
    optimizer: str
    hyper: tuple
    tune_lr: bool = False
    tune_beta: bool = False


@dataclass(frozen=True)
class Settings:
    """One race: the surface, the runs, where they start and how they run."""
    surface: str = SURFACE.default
    surface_params: tuple = ()           # sorted (name, value) pairs: bowl condition/angle, regression batch_size
    runs: tuple = ()                     # Run, in the order chosen (the copy last)
    start: tuple = surfaces.SURFACES[SURFACE.default].start
    steps: int = race_defaults.TUNED_FOR[SURFACE.default]
    tol: float = TOL.default
    noise: float = NOISE.default
    seed: int = 0
    clip: float | None = None
    ema_beta: float = EMA_BETA.default

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(run.label for run in self.runs)

    @property
    def tuned(self) -> bool:
        return any(run.tune_lr for run in self.runs)

    def make_surface(self):
        return surfaces.make(self.surface, **dict(self.surface_params))

    @property
    def twin(self) -> str:
        """The optimizer raced a second time ("none" without a copy): the copy is the run labelled otherwise."""
        last = self.runs[-1] if self.runs else None
        return last.optimizer if last is not None and last.label != last.optimizer else "none"

    def controls(self) -> tuple:
        return controls(self.surface, self.twin)


def hyper_of(name: str, values: dict, surface: str, twin: bool = False) -> dict:
    """The engine hyperparameters of optimizer `name` (or of the copy) from the widget values {key: value}."""
    hyper = {"lr": values["lr_twin" if twin else f"lr_{name}"]}
    own = {engine_name: values[c.key] for engine_name, c in hyper_controls(name, surface, "twin" if twin else "")}
    if "beta1" in own:
        hyper["betas"] = (own.pop("beta1"), own.pop("beta2"))
        hyper["bias_correction"] = own.pop("bias_correction", values.get("bias_correction", True))
    hyper.update(own)
    return hyper


def twin_label(name: str, hyper: dict, main: dict | None) -> str:
    """The copy's legend name: the optimizer and the hyperparameters that differ from the main run's."""
    if main is None:
        return name
    differ = [(k, v) for k, v in hyper.items() if main.get(k) != v]
    words = {"momentum": "β", "alpha": "α", "weight_decay": "λ", "lr": "lr"}
    parts = []
    for k, v in differ:
        if k == "bias_correction":
            parts.append("bias correction " + ("on" if v else "off"))
        elif k == "betas":
            parts.append(f"β₁ {v[0]:g}, β₂ {v[1]:g}")
        else:
            parts.append(f"{words.get(k, k)} {v:g}")
    return f"{name} ({', '.join(parts) or 'same settings'})"
