"""The gradients lesson's charts: gradient norms against depth (with overlays), their histogram, the factor per
layer."""
from __future__ import annotations

from lessons.network import figures as layers


def norms(runs: dict, predicted=None):
    """(||dL/dW|| per layer, ||dL/da|| per layer), one line per run; predicted: the mean field's ||dL/da||."""
    return (layers.grad_norms(runs, "grad_W_norm", "‖∂L/∂W‖ per layer", "‖∂L/∂W_l‖ (log scale)"),
            layers.grad_norms(runs, "grad_a_norm", "‖∂L/∂a‖ per layer", "‖∂L/∂a_l‖ (log scale)", predicted))


def histogram(result):
    broken = next((r["layer"] for r in result.stats if r["grad_nonfinite"]), None)
    return layers.histogram_heatmap(result.hist_grad, "Histogram of log₁₀|∂L/∂a|, every layer",
                                    "log₁₀ |∂L/∂a| (order of magnitude)", broken)


def factors(result, batch_norm: bool):
    return layers.gradient_factors(result.stats, batch_norm)


def clipping(c):
    """Per-layer ||dL/dW|| before and after a global-norm clip (parallel on a log axis: the direction is kept)
    and after clipping every layer on its own (the small layers keep their size: the direction changes)."""
    import numpy as np
    import plotly.graph_objects as go

    from ui import theme
    fig = theme.figure(f"Clipping the gradient to a total norm of {c.max_norm:g}", "layer (1 = nearest the input)",
                       "‖∂L/∂W_l‖ (log scale)")
    layers = np.arange(1, len(c.before) + 1)
    for y, name, color, dash in ((c.before, "before clipping", theme.PALETTE[0], "solid"),
                                 (c.global_clip, "global clip (torch's clip_grad_norm_)", theme.PALETTE[2], "solid"),
                                 (c.per_layer, "each layer clipped on its own", theme.PALETTE[3], "dot")):
        fig.add_trace(go.Scatter(x=layers, y=theme.positive(y), mode="lines+markers", name=name,
                                 line=dict(color=color, dash=dash, width=2.5), marker=dict(size=5)))
    theme.log_axis(fig, np.concatenate([c.before, c.global_clip, c.per_layer]))
    fig.update_xaxes(range=[0.5, len(layers) + 0.5])
    return fig
