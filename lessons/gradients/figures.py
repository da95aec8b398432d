"""The gradients lesson's charts: gradient norms against depth (with overlays), their histogram, the factor per
layer."""
from __future__ import annotations

from lessons.network import figures as layers


def norms(runs: dict):
    """(||dL/dW|| per layer, ||dL/da|| per layer), one line per run."""
    return (layers.grad_norms(runs, "grad_W_norm", "‖∂L/∂W‖ per layer", "‖∂L/∂W_l‖ (log scale)"),
            layers.grad_norms(runs, "grad_a_norm", "‖∂L/∂a‖ per layer", "‖∂L/∂a_l‖ (log scale)"))


def histogram(result):
    broken = next((r["layer"] for r in result.stats if r["grad_nonfinite"]), None)
    return layers.histogram_heatmap(result.hist_grad, "Histogram of log₁₀|∂L/∂a|, every layer",
                                    "log₁₀ |∂L/∂a| (order of magnitude)", broken)


def factors(result, batch_norm: bool):
    return layers.gradient_factors(result.stats, batch_norm)
