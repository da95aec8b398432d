"""Verdicts in words from layer_stats rows: do activations and gradients vanish, explode or stay healthy?"""
from __future__ import annotations

import math
from dataclasses import dataclass

VANISH = 0.01        # std below 1% of layer 1's
EXPLODE = 100.0      # std above 100x layer 1's
SATURATED = 0.5      # half the units within 1% of a tanh/sigmoid bound
DEAD = 0.5           # half the ReLU units never fire on the batch


@dataclass(frozen=True)
class Verdict:
    level: str       # "healthy" | "vanishing" | "exploding" | "saturated" | "dead" | "overflow" | "collapsed"
    text: str

    @property
    def ok(self) -> bool:
        return self.level == "healthy"


def _first(stats, predicate):
    return next((row["layer"] for row in stats if predicate(row)), None)


def activation_verdict(stats: list[dict], key: str = "a_std") -> Verdict:
    """Compare each layer's std with layer 1's; flag overflow, collapse, saturation and dead units first."""
    if not stats:
        return Verdict("healthy", "no layers")
    overflow = _first(stats, lambda r: r["nonfinite"])
    if overflow is not None:
        return Verdict("overflow", f"activations overflow (inf/NaN) at layer {overflow}: the numbers no longer "
                                   "fit in floating point")
    collapsed = _first(stats, lambda r: r["collapsed"])
    if collapsed is not None:
        return Verdict("collapsed", f"every activation is exactly 0 from layer {collapsed}: no signal reaches "
                                    "the output")
    s1 = stats[0][key]
    vanish = _first(stats, lambda r: r[key] < VANISH * s1)
    if vanish is not None:
        return Verdict("vanishing", f"std falls below 1% of layer 1's by layer {vanish}: activations vanish")
    explode = _first(stats, lambda r: r[key] > EXPLODE * s1)
    if explode is not None:
        return Verdict("exploding", f"std grows past 100x layer 1's by layer {explode}: activations explode")
    saturated = _first(stats, lambda r: r["saturated"] > SATURATED)
    if saturated is not None:
        share = max(r["saturated"] for r in stats)
        return Verdict("saturated", f"from layer {saturated} over half the units sit at the flat ends of the "
                                    f"activation (up to {share:.0%}): their derivative is about 0")
    dead = _first(stats, lambda r: r["dead_units"] > DEAD)
    if dead is not None:
        return Verdict("dead", f"from layer {dead} over half the units output 0 for every example: they are dead")
    lo, hi = min(r[key] for r in stats), max(r[key] for r in stats)
    return Verdict("healthy", f"std stays between {lo:.3g} and {hi:.3g} across all {len(stats)} layers: healthy")


def gradient_ratio(stats: list[dict], key: str = "grad_a_norm") -> float:
    """||g_1|| / ||g_L|| for g = dL/da (default) or dL/dW: far below 1 the first layers get no signal."""
    first, last = stats[0][key], stats[-1][key]
    if not (math.isfinite(first) and math.isfinite(last)):
        return math.nan
    if last == 0:
        return math.inf if first > 0 else math.nan
    return first / last


def gradient_verdict(stats: list[dict], key: str = "grad_a_norm") -> Verdict:
    """Vanishing below 1e-2, exploding above 1e2, healthy between (ratio of first to last layer's dL/da).

    dL/da is the signal the backward pass carries; dL/dW_l = a_{l-1}^T dL/dz_l also shrinks with the
    forward signal, so with tiny weights the dW ratio can look flat while every gradient is tiny.
    """
    overflow = _first(stats, lambda r: r["grad_nonfinite"])
    if overflow is not None:
        return Verdict("overflow", f"gradients overflow (inf/NaN) at layer {overflow}")
    if len(stats) == 1:
        return Verdict("healthy", "one layer: nothing to vanish through")
    if all(row["grad_zero"] for row in stats):
        return Verdict("collapsed", "every weight gradient is exactly 0: nothing can learn")
    ratio = gradient_ratio(stats, key)
    if ratio == 0:
        dead = next(row["layer"] for row in reversed(stats) if row[key] == 0)
        return Verdict("collapsed", f"the gradient is exactly 0 from layer {dead} down: those layers cannot learn")
    if math.isnan(ratio):
        return Verdict("collapsed", "the weight gradients are exactly 0: nothing can learn")
    if ratio < 1e-2:
        return Verdict("vanishing", f"the gradient reaching layer 1 is {ratio:.2g}x the one at layer {len(stats)}: "
                                    "gradients vanish on the way back, the first layers barely learn")
    if ratio > 1e2:
        return Verdict("exploding", f"the gradient reaching layer 1 is {ratio:.2g}x the one at layer "
                                    f"{len(stats)}: gradients explode on the way back")
    return Verdict("healthy", f"the gradient reaching layer 1 is {ratio:.2g}x the one at layer {len(stats)}: "
                              "every layer gets a signal of the same order")


def tiny_weight_gradients(stats: list[dict], threshold: float = 1e-4) -> str | None:
    """A sentence when every layer's ||dL/dW|| is below threshold: flat across depth, yet nothing learns."""
    norms = [row["grad_W_norm"] for row in stats]
    if not norms or not all(math.isfinite(v) for v in norms) or max(norms) >= threshold or max(norms) == 0:
        return None
    return (f"every layer's ‖∂L/∂W‖ is below {threshold:g} (largest {max(norms):.2g}): the weight gradients "
            "may look level across depth, but they are tiny everywhere, so the whole network barely learns")
