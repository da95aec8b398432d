"""What the activations lesson says: the verdict, notes on broken layers, the forward rule with this setting's
numbers and this activation, how saturation and the gradients fit together, and batch norm step by step."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from engine.tex import num
from engine.verdict import Kind, activation_verdict
from lessons.network import text as network_text

INTRO = ("A batch of random inputs flows through a deep network. **Watch the spread of each layer's values**: "
         "if it shrinks layer after layer the signal **vanishes**, if it grows it **explodes**, and tanh/sigmoid "
         "units pushed to ±1 **saturate** (their slope is about 0). A good initializer keeps every layer's spread "
         "within the same order of magnitude as the first's.")
COLUMNS = ["layer", "z_mean", "z_std", "a_mean", "a_std", "saturated", "dead", "dead_units", "nonfinite",
           "phi_prime_sq", "n_var_w"]
FORWARD_RULE = (r"\operatorname{Var}(z_{l+1}) \approx n\,\operatorname{Var}(w)\,\mathbb{E}[a_l^2]"
                r" = n\,\operatorname{Var}(w)\,\rho\,\operatorname{Var}(z_l),\qquad \rho = "
                r"\frac{\mathbb{E}[\varphi(z)^2]}{\operatorname{Var}(z)}")
# What each activation does to the second moment it passes on, in a phrase (rho = E[phi(z)^2] / Var(z)).
KEEPS = {
    "linear": "passes it on unchanged (ρ = 1): n·Var(w) = 1 (LeCun, or Xavier for square layers) keeps it",
    "relu": "zeroes the negative half, so ρ = ½ exactly: He's n·Var(w) = 2 makes up for it",
    "leaky_relu": "zeroes almost half (slope 0.01 below 0), ρ ≈ ½: He's n·Var(w) = 2 makes up for it",
    "tanh": "is nearly linear near 0 but squashes large z (ρ < 1, the smaller the larger z): Xavier's "
            "n·Var(w) = 1 lets the spread shrink slowly, PyTorch's gain 5/3 (n·Var(w) ≈ 2.8) holds it",
    "sigmoid": "squashes z into (0, 1) around 0.5, so most of E[a²] is its mean 0.5², not spread",
    "elu": "is linear above 0 and bounded by −1 below, ρ a little above ½: He's n·Var(w) = 2 is close",
    "selu": "is scaled so that ρ·n·Var(w) = 1 with LeCun's n·Var(w) = 1 (self-normalizing); He's 2 makes it grow",
    "gelu": "is close to ReLU for large |z| but smooth near 0, ρ a little below ½",
    "softplus": "is always positive (mean ≈ 0.81 at Var(z) = 1), so much of E[a²] is mean",
    "swish": "is close to ReLU for large |z|, ρ a little below ½",
}


def verdict(result, view: str):
    return activation_verdict(result.stats, f"{view}_std")


def broken_notes(result) -> list[str]:
    """Sentences for layers left out of the charts (forward overflow or exactly zero); gradient notes belong to
    the gradients lesson."""
    return [f"{m.text}. Layers past that point are left out of the charts." for m in result.messages
            if m.kind in (Kind.OVERFLOW, Kind.ZERO) and not m.backward]


def notice(s, result) -> str:
    """What to notice: the forward rule with this network's n·Var(w), this activation's rho, and the factor."""
    net, stats = s.probe.net, result.stats
    if net.batch_norm:
        return ("With batch norm on, every layer divides its z by the batch's std before φ: Var(z) = 1 in every "
                "layer, whatever n·Var(w) is. That is what batch norm fixes; what it does to the gradients at "
                "initialization is a different story (see the gradients lesson).")
    row = stats[0]
    e_a2 = row["a_std"] ** 2 + row["a_mean"] ** 2
    rho = e_a2 / row["z_std"] ** 2 if row["z_std"] > 0 else math.nan
    n_var_w = row["n_var_w"]
    z = [r["z_std"] ** 2 for r in stats]
    measured = (z[-1] / z[0]) ** (1 / (len(z) - 1)) if len(z) > 1 and z[0] > 0 and z[-1] > 0 else math.nan
    return (f"Going forward, each layer gives Var(z) ≈ n · Var(w) · E[a²] of the layer before. With these settings "
            f"**n · Var(w) = {n_var_w:.3g}** (n = {net.width}). {net.activation} {KEEPS[net.activation]}; at layer "
            f"1 it keeps **ρ = E[a²]/Var(z) = {rho:.2g}**. So each layer multiplies Var(z) by about n·Var(w)·ρ = "
            f"**{n_var_w * rho:.3g}** (measured over the {len(z)} layers: ×{measured:.3g} per layer). Below 1 the "
            "spread shrinks geometrically, above 1 it grows.")


def saturation_note(result) -> str | None:
    return network_text.saturation_note(result.stats)


def table(result) -> pd.DataFrame:
    """The per-layer numbers the charts show, for the table and its CSV."""
    return pd.DataFrame(result.stats)[COLUMNS]


def batch_norm_algorithm(steps) -> tuple[str, list[str], str]:
    """(intro, LaTeX lines of Algorithm 1 with this batch's numbers for unit 1, train vs inference in words)."""
    m, mu, var = steps.h.shape[0], float(steps.mean[0]), float(steps.var[0])
    h1 = steps.h[:, 0]
    lines = [rf"\mu_B = \frac{{1}}{{m}}\sum_{{i=1}}^{{m}} h_i = \frac{{1}}{{{m}}}({num(h1[0], 3)} + "
             rf"{num(h1[1], 3)} + \dots) = {num(mu)}",
             rf"\sigma_B^2 = \frac{{1}}{{m}}\sum_{{i=1}}^{{m}} (h_i - \mu_B)^2 = {num(var)}",
             rf"\hat h_i = \frac{{h_i - \mu_B}}{{\sqrt{{\sigma_B^2 + \epsilon}}}}:\quad \hat h_1 = "
             rf"\frac{{{num(h1[0], 3)} - {num(mu, 3)}}}{{\sqrt{{{num(var, 3)} + 10^{{-5}}}}}} = "
             rf"{num(float(steps.x_hat[0, 0]), 3)}",
             r"y_i = \gamma\,\hat h_i + \beta = 1 \cdot \hat h_i + 0\quad(\gamma = 1,\ \beta = 0 \text{ at init; "
             r"both learned})"]
    intro = (f"Ioffe & Szegedy's Algorithm 1 on layer 1 of this network, for its batch of m = {m} examples. Each unit "
             f"is normalized over the batch on its own; for unit 1 (μ_B and σ²_B of units 1–3: "
             + ", ".join(f"{float(a):.3g} / {float(b):.3g}" for a, b in zip(steps.mean[:3], steps.var[:3])) + "):")
    first, warm = float(np.std(steps.inference_first)), float(np.std(steps.inference_warm))
    modes = (f"**Training vs inference.** In training mode every batch is normalized with its own μ_B and σ²_B, so "
             f"the output has std {float(np.std(steps.y)):.3g} exactly. At inference there may be one example, so "
             "BN uses running averages (running = 0.9 · running + 0.1 · batch statistic, starting at mean 0 and "
             f"variance 1). After one training batch they have moved only 10% of the way: the same batch comes out "
             f"with std {first:.3g} in inference mode. After 50 batches they have converged and it comes out with "
             f"std {warm:.3g}, as in training.")
    return intro, lines, modes
