"""The race on screen as a runnable PyTorch script: the same surface, start, steps, noise, clipping and optimizers,
with torch.optim's own classes and autograd's gradients; it prints every run's end point, final loss and the step
from which it stays within the tolerance. tests/parity/test_exported_code.py runs it against the engine's race.

The surfaces are written here once more as torch expressions (the script must stand alone);
the parity test checks each against engine.surfaces at random points, so the two cannot drift apart.
"""
from __future__ import annotations

from engine import optimizers

TORCH_F = {   # surface -> torch expression of f(x, y) (params substituted by name)
    "bowl": "0.5 * ((C * x + S * y) ** 2 / KAPPA + (-S * x + C * y) ** 2)",
    "rosenbrock": "(1 - x) ** 2 + 100 * (y - x * x) ** 2",
    "beale": "(1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2",
    "himmelblau": "(x * x + y - 11) ** 2 + (x + y * y - 7) ** 2",
    "saddle": "x * x - y * y",
    "rastrigin": "20 + x * x - 10 * torch.cos(2 * math.pi * x) + y * y - 10 * torch.cos(2 * math.pi * y)",
    "regression": "torch.mean((x * XS[idx] + y - YS[idx]) ** 2)",
}
TORCH_OPTIMIZER = {"sgd": "SGD", "momentum": "SGD", "nesterov": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop",
                   "adam": "Adam", "adamw": "AdamW"}
NO_BIAS_CORRECTION = '''

class AdamNoBiasCorrection(torch.optim.Optimizer):
    """Adam without its bias correction (torch's Adam always corrects): w -= lr m / (sqrt(v) + eps)."""

    def __init__(self, params, lr, betas, eps, weight_decay):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            (b1, b2), lr = group["betas"], group["lr"]
            for p in group["params"]:
                g = p.grad + group["weight_decay"] * p
                state = self.state[p]
                m = state["m"] = b1 * state.get("m", torch.zeros_like(p)) + (1 - b1) * g
                v = state["v"] = b2 * state.get("v", torch.zeros_like(p)) + (1 - b2) * g * g
                p -= lr * m / (v.sqrt() + group["eps"])
'''


def _optimizer(name: str, hyper: dict) -> str:
    """`torch.optim.X(params, ...)` with every hyperparameter the engine resolved for the run (torch's names and
    defaults: the engine uses them too; "momentum" and "nesterov" are SGD with momentum, Nesterov's flag set)."""
    h = dict(optimizers.create(name, **hyper).hyper)
    if name in ("adam", "adamw") and not h.pop("bias_correction", True):
        return (f"AdamNoBiasCorrection([p], lr={h['lr']!r}, betas={tuple(h['betas'])!r}, eps={h['eps']!r}, "
                f"weight_decay={h.get('weight_decay', 0.0)!r})")
    args = ", ".join(f"{k}={v!r}" for k, v in sorted(h.items()))
    return f"torch.optim.{TORCH_OPTIMIZER[name]}([p], {args})"


def _surface_lines(surface) -> str:
    p = surface.params
    if surface.name == "bowl":
        return (f"KAPPA, THETA = {p['condition']!r}, math.radians({p['angle']!r})\n"
                "C, S = math.cos(THETA), math.sin(THETA)\n")
    if surface.name == "regression":
        return (f"gen = np.random.default_rng({p['seed']})                  # the lab's data: y = w x + b + noise\n"
                f"xs = {p['x_mean']!r} + gen.standard_normal({p['n']})\n"
                f"ys = {p['true_w']!r} * xs + {p['true_b']!r} + {p['noise']!r} * gen.standard_normal({p['n']})\n"
                "XS, YS = torch.tensor(xs), torch.tensor(ys)\n"
                f"N, BATCH = {p['n']}, {p['batch_size']}\n")
    return ""


def torch_script(s, used: dict, f_star) -> str:
    """A runnable PyTorch script for race Settings s, with each run's hyperparameters as raced (tuned or not)."""
    surface = s.make_surface()
    runs = ",\n".join(f"    {label!r}: lambda p: {_optimizer(opt, used[label])}"
                      for label, opt in ((r.label, r.optimizer) for r in s.runs))
    minibatch = surface.name == "regression" and surface.params["batch_size"] < surface.params["n"]
    pick = ("        idx = rng.choice(N, size=BATCH, replace=False)   # this step's mini-batch\n" if minibatch
            else "        idx = slice(None)\n")
    noise = (f"        p.grad += {s.noise!r} * torch.from_numpy(rng.standard_normal(2))   # gradient noise\n"
             if s.noise else "")
    clip = f"        torch.nn.utils.clip_grad_norm_([p], {s.clip!r})\n" if s.clip is not None else ""
    extra = NO_BIAS_CORRECTION if "AdamNoBiasCorrection" in runs else ""
    goal = (("f < -1 (escaped)", "f_p < -1") if f_star is None
            else (f"f - f* < {s.tol:g}", f"f_p - {f_star!r} < {s.tol!r}"))
    return f'''"""Training Dynamics Lab's race on the {surface.name} surface in PyTorch ({s.steps} steps a run)."""
import math

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
{_surface_lines(surface)}{extra}

def f(x, y, idx=slice(None)):
    return {TORCH_F[surface.name]}


RUNS = {{
{runs},
}}
START, STEPS = {tuple(float(v) for v in s.start)!r}, {s.steps}
for label, make in RUNS.items():
    rng = np.random.default_rng(np.random.default_rng({s.seed}).integers(2**63))   # the lab's noise stream
    p = torch.tensor(START, requires_grad=True)
    opt = make(p)
    losses = []
    for t in range(STEPS):
{pick}        opt.zero_grad()
        f(p[0], p[1], idx).backward()
{noise}{clip}        opt.step()
        with torch.no_grad():
            losses.append(f(p[0], p[1]).item())
    within = [{goal[1].replace("f_p", "v")} for v in losses]
    settled = next((t + 1 for t in range(STEPS) if all(within[t:])), None)
    print(f"{{label}}: end ({{p[0].item():.10g}}, {{p[1].item():.10g}}), f = {{losses[-1]:.10g}}, "
          f"stays at {goal[0]} from step {{settled}}")
'''


def panel(s, used: dict) -> None:
    """An expander with the race as a PyTorch script (copy or download)."""
    import streamlit as st
    with st.expander("This race as code: a PyTorch script with torch.optim"):
        st.caption("The same surface, start, steps, noise, clipping and optimizers (with the learning rates raced "
                   "here), in float64: its end points agree with this page's to 5 digits or more (NumPy and torch "
                   "round differently, and an erratic path grows the difference) and its steps to the goal equal them.")
        script = torch_script(s, used, s.make_surface().min_value)
        st.code(script, language="python")
        st.download_button("Download the PyTorch script", script, "training_dynamics_lab_race.py", "text/x-python",
                           key="download_torch")
