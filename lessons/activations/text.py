"""What the activations lesson says: the verdict, notes on broken layers, the forward rule with this setting's
numbers and this activation, how saturation and the gradients fit together, and batch norm step by step."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from engine import theory
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


HOMOGENEOUS = ("linear", "relu", "leaky_relu")   # phi(c z) = c phi(z): rho does not depend on the spread
CRITICAL = 1e-3      # |chi1 - 1| below this at q* = 0: the decay is a power law, not geometric


def _rho(row) -> float:
    """rho = E[a^2] / Var(z) at one layer (the share of its input's second moment phi passes on)."""
    return (row["a_std"] ** 2 + row["a_mean"] ** 2) / row["z_std"] ** 2 if row["z_std"] > 0 else math.nan


def notice(s, result) -> str:
    """What to notice: the forward rule with this network's n·Var(w), this activation's rho at the first and the
    last layer (rho changes with the spread unless phi is homogeneous), and the measured factor."""
    net, stats = s.probe.net, result.stats
    if net.batch_norm:
        return ("With batch norm on, every layer divides its z by the batch's std before φ: Var(z) = 1 in every "
                "layer, whatever n·Var(w) is. That is what batch norm fixes; what it does to the gradients at "
                "initialization is a different story (see the gradients lesson).")
    nvw = network_text.n_var_w(net)
    first, last = _rho(stats[0]), _rho(stats[-1])
    z = [r["z_std"] ** 2 for r in stats]
    measured = (z[-1] / z[0]) ** (1 / (len(z) - 1)) if len(z) > 1 and z[0] > 0 and z[-1] > 0 else math.nan
    text = (f"Going forward, each layer gives Var(z) ≈ n · Var(w) · E[a²] of the layer before. With these settings "
            f"**n · Var(w) = {nvw:.3g}** (n = {net.width}). {net.activation} {KEEPS[net.activation]}. ")
    if net.activation in HOMOGENEOUS or len(stats) == 1:
        return text + (f"ρ = E[a²]/Var(z) = {first:.2g} whatever the spread, so every layer multiplies Var(z) by "
                       f"n·Var(w)·ρ = **{nvw * first:.3g}** (measured: ×{measured:.3g} per layer): below 1 the spread "
                       "shrinks geometrically, above 1 it grows.")
    return text + (f"But ρ = E[a²]/Var(z) depends on the spread: it is **{first:.2g}** at layer 1 and **{last:.2g}** "
                   f"at layer {len(stats)}, so the factor n·Var(w)·ρ goes from **{nvw * first:.3g}** to "
                   f"**{nvw * last:.3g}** (measured on average: ×{measured:.3g} per layer). "
                   + _where_it_goes(net, stats))


def _where_it_goes(net, stats) -> str:
    """Where the spread goes, from the mean field's fixed point q* of Var(z) (engine.theory) beside the measured
    Var(z) of the last layer; a constant bias is outside the mean field, and then the page says only the trend."""
    if net.bias != 0:
        return "Below 1 the spread shrinks, above 1 it grows."
    sw2, sb2 = network_text.n_var_w(net), net.bias_std ** 2
    q = theory.q_star(net.activation, sw2, sb2)
    last = stats[-1]["z_std"] ** 2
    if math.isfinite(q) and q > 0:
        return (f"The factor heads to 1: Var(z) settles at the mean field's fixed point **q* = {q:.3g}** (measured at "
                f"layer {len(stats)}: {last:.3g}), whatever it started at.")
    if q == 0 and abs(theory.chi1(net.activation, sw2, sb2) - 1) < CRITICAL:
        return (f"Var(z) heads to 0, but ever more slowly: as the spread shrinks {net.activation} squashes less and "
                "the factor creeps up to 1 (the mean field's χ₁ = 1 at q = 0), so the spread falls like a power of "
                "the depth (for tanh like 1/√(2l)), not geometrically.")
    if q == 0:
        return "Var(z) heads to 0 (the mean field's fixed point is q* = 0): the signal vanishes with depth."
    return "Var(z) grows without bound (the mean field has no finite fixed point): the signal explodes with depth."


def saturation_note(s, result) -> str | None:
    return network_text.saturation_note(result.stats, s.probe.net)


def backward_note(result, verdict) -> str | None:
    return network_text.backward_note(result, verdict)


def table(result) -> pd.DataFrame:
    """The per-layer numbers the charts show, for the table and its CSV."""
    return pd.DataFrame(result.stats)[COLUMNS]


def _minus(x: float) -> str:
    """"- 0.48" or "+ 0.035": subtracting a number written with its sign folded in (never "− −0.035")."""
    return f"- {num(x, 3)}" if x >= 0 else f"+ {num(-x, 3)}"


def batch_norm_algorithm(steps) -> tuple[str, list[str], str]:
    """(intro, LaTeX lines of Algorithm 1 with this batch's numbers for unit 1, train vs inference in words)."""
    m, mu, var = steps.h.shape[0], float(steps.mean[0]), float(steps.var[0])
    h1 = steps.h[:, 0]
    lines = [rf"\mu_B = \frac{{1}}{{m}}\sum_{{i=1}}^{{m}} h_i = \frac{{1}}{{{m}}}({num(h1[0], 3)} + "
             rf"{num(h1[1], 3)} + \dots) = {num(mu)}",
             rf"\sigma_B^2 = \frac{{1}}{{m}}\sum_{{i=1}}^{{m}} (h_i - \mu_B)^2 = {num(var)}",
             rf"\hat x_i = \frac{{h_i - \mu_B}}{{\sqrt{{\sigma_B^2 + \epsilon}}}}:\quad \hat x_1 = "
             rf"\frac{{{num(h1[0], 3)} {_minus(mu)}}}{{\sqrt{{{num(var, 3)} + 10^{{-5}}}}}} = "
             rf"{num(float(steps.x_hat[0, 0]), 3)}",
             r"y_i = \gamma\,\hat x_i + \beta = 1 \cdot \hat x_i + 0\quad(\gamma = 1,\ \beta = 0 \text{ at init; "
             r"both learned})"]
    similar = float(np.std(steps.h)) / max(float(np.std(steps.x_hat)), 1e-300)
    hint = (" Here h is already close to mean 0 and variance 1, so the two histograms below nearly coincide: try a "
            "bad init (the preset *batch norm fixes the forward pass*, or N(0, 1) weights) to see batch norm rescale "
            "it." if 0.7 < similar < 1.4 and abs(float(np.mean(steps.h))) < 0.2 else "")
    intro = (f"Ioffe & Szegedy's Algorithm 1 on layer 1 of this network, for its batch of m = {m} examples. Each unit "
             f"is normalized over the batch on its own; for unit 1 (μ_B and σ²_B of units 1–3: "
             + ", ".join(f"{float(a):.3g} / {float(b):.3g}" for a, b in zip(steps.mean[:3], steps.var[:3])) + "):"
             + hint)
    first, warm = float(np.std(steps.inference_first)), float(np.std(steps.inference_warm))
    modes = (f"**Training vs inference.** In training mode every batch is normalized with its own μ_B and σ²_B, so "
             f"the output has std {float(np.std(steps.y)):.3g} exactly. At inference there may be one example, so "
             "BN uses running averages (running = 0.9 · running + 0.1 · batch statistic, starting at mean 0 and "
             f"variance 1). After one training batch they have moved only 10% of the way: the same batch comes out "
             f"with std {first:.3g} in inference mode. After 50 batches they have converged and it comes out with "
             f"std {warm:.3g}, as in training.")
    return intro, lines, modes
