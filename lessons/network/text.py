"""Words shared by the network lessons: how saturated units and the gradients fit together, with the numbers."""
from __future__ import annotations

import math
import statistics

from engine import initializers
from engine.verdict import SATURATED


def _finite(values) -> list[float]:
    return [v for v in values if isinstance(v, float) and math.isfinite(v)]


def n_var_w(net) -> float:
    """n · Var(w) of the network's initializer (its formula, times the extra multiplier squared): the number the
    lessons' words quote, the same for every layer of a square net."""
    std = initializers.expected_std(net.init, (net.width, net.width), **dict(net.init_params))
    return net.width * (std * net.weight_scale) ** 2


def backward_factor(stats, net=None) -> tuple[float, float, float]:
    """(n·Var(w), median E[phi'(z)^2], sqrt of their product): the typical backward factor's parts (n·Var(w) from
    the initializer's formula when the network is given, else the median measured one)."""
    nvw = n_var_w(net) if net is not None else statistics.median(_finite([r["n_var_w"] for r in stats]) or [math.nan])
    e = statistics.median(_finite([r["phi_prime_sq"] for r in stats]) or [math.nan])
    return nvw, e, math.sqrt(nvw * e) if nvw >= 0 and e >= 0 else math.nan


def saturation_note(stats, net=None) -> str | None:
    """When units saturate: how that squares with the gradients, with this setting's numbers (or None)."""
    if max(_finite([r["saturated"] for r in stats]) or [0.0]) <= SATURATED:
        return None
    nvw, e, factor = backward_factor(stats, net)
    what = ("the width outweighs the small slope, so here **gradients grow** going back although units are "
            "saturated" if factor > 1 else "the small slope wins, so here saturation does **make gradients vanish**")
    return (f"**Saturated units and the gradients.** A saturated unit passes back almost nothing: here "
            f"E[φ′(z)²] = {e:.2g} (1 for a linear unit). But the backward factor per layer is "
            f"√(n · Var(w) · E[φ′²]) = √({nvw:.3g} × {e:.2g}) = **{factor:.2g}**: {what}. Saturation makes gradients "
            "vanish when n · Var(w) cannot make up for the small slope: moderate weights with large random biases that "
            "push z into the flat ends (the preset *saturated and vanishing*: Xavier with σ_b = 4), or sigmoid, whose "
            "slope is at most ¼ even unsaturated.")


PREDICT_FORWARD = ("Through these layers, will the spread of the activations vanish, stay about the same, "
                   "explode, or will the units saturate?")
PREDICT_BACKWARD = ("Going back from the last layer to the first, will the gradient vanish, stay about the same, "
                    "or explode?")
PREDICT_OPTIONS = ("vanish", "stay", "explode", "saturate")
_WORD = {"vanishing": "vanish", "shrinking": "vanish", "zero": "vanish", "tiny": "vanish", "healthy": "stay",
         "dead": "stay", "exploding": "explode", "growing": "explode", "overflow": "explode", "saturated": "saturate"}


def trend_word(verdict) -> str:
    """The prediction a verdict bears out: vanish, stay, explode or saturate."""
    return _WORD[verdict.kind.value]


def backward_note(result, forward) -> str | None:
    """On the activations lesson: a healthy forward pass whose gradients vanish or explode (sigmoid's slope)."""
    from engine.verdict import Kind, gradient_verdict
    backward = gradient_verdict(result.stats)
    if forward.kind is not Kind.HEALTHY or backward.kind not in (Kind.VANISHING, Kind.EXPLODING):
        return None
    return (f"**The forward pass is healthy, the backward one is not:** {backward.text}. The spread going forward "
            "depends on E[φ²], the gradient going back on E[φ′²]; sigmoid's slope is at most ¼, so its gradients "
            "shrink even while its activations keep their spread. The gradients lesson shows it.")
