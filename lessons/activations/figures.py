"""The activations lesson's charts from a ProbeResult: histograms of every layer, the spread, saturated/dead units."""
from __future__ import annotations

from lessons.network import figures as layers

LABELS = {"a": "activation a = φ(z)", "z": "pre-activation z"}


def broken_layer(stats) -> int | None:
    """The first layer whose values overflowed: it and the layers after it are not drawn as data."""
    return next((r["layer"] for r in stats if r["nonfinite"]), None)


def histograms(result, view: str):
    """(every layer's histogram as a heatmap, the first/middle/last layers as lines)."""
    hist = result.hist_a if view == "a" else result.hist_z
    label, stats = LABELS[view], result.stats
    broken = broken_layer(stats)
    L = len(stats)
    picks = sorted({1, max(1, (L + 1) // 2), L} - (set(range(broken, L + 1)) if broken else set()))
    return (layers.histogram_heatmap(hist, f"Histogram of {label}, every layer", f"{label} value", broken),
            layers.histogram_lines(hist, picks, "First, middle and last layer", f"{label} value"))


def spread(result, view: str, predicted: dict | None = None):
    """(std per layer, with the mean field's when given; saturated and dead shares per layer); layers past an
    overflow are gaps, not 0%."""
    return (layers.std_by_layer(result.stats, view, predicted),
            layers.fractions_by_layer(result.stats, broken_layer(result.stats)))


def activation_curve(result, phi, view_layers=None):
    """phi and phi' over z, the saturation zones and ReLU's dead zone shaded, and where each layer's z falls
    (the first, middle and last layers' histograms of z, scaled to fit under the curves)."""
    import numpy as np

    from engine.stats import saturation_zone
    from ui import theme

    hist = result.hist_z
    reach = max(4.0, float(np.abs(hist.edges).max()))
    z = np.linspace(-reach, reach, 601)
    f, d = phi.forward(z), phi.derivative(z)
    fig = theme.figure(f"The activation: φ = {phi.name} and its slope φ′, with where z falls", "z", "value")
    shapes, notes = [], []                      # set at once below: add_vrect/add_hline re-process the layout
    zone = saturation_zone(phi)
    if zone is not None:
        shapes += [_band(x0, x1, theme.PALETTE[3]) for x0, x1 in ((-reach, zone[0]), (zone[1], reach))]
        notes.append(dict(x=1, xref="paper", y=1.06, yref="paper", xanchor="right", showarrow=False,
                          text=f"shaded: saturated, |z| > {zone[1]:.2g}", font=dict(color=theme.PALETTE[3])))
    if phi.relu_like and float(phi.derivative(np.float64(-1.0))) == 0:
        shapes.append(_band(-reach, 0, theme.PALETTE[4]))
        notes.append(dict(x=0, xref="paper", y=1.06, yref="paper", xanchor="left", showarrow=False,
                          text="shaded: dead zone, φ′ = 0", font=dict(color=theme.PALETTE[4])))
    top = float(np.max(d))
    shapes.append(dict(type="line", xref="paper", x0=0, x1=1, y0=top, y1=top,
                       line=dict(color="gray", width=1, dash="dot")))
    notes.append(dict(xref="paper", x=0, y=top, xanchor="left", yanchor="top", showarrow=False,
                      text=f"max φ′ = {top:.3g}", font=dict(color="gray")))
    fig.update_layout(shapes=shapes, annotations=notes)
    fig.add_scatter(x=z, y=f, mode="lines", name="φ(z)", line=dict(color=theme.PALETTE[0], width=3))
    fig.add_scatter(x=z, y=d, mode="lines", name="φ′(z)", line=dict(color=theme.PALETTE[1], width=3, dash="dash"))
    centers = (hist.edges[:-1] + hist.edges[1:]) / 2
    L = hist.counts.shape[0]
    peak = 0.0
    for i, layer in enumerate(view_layers or sorted({1, max(1, (L + 1) // 2), L})):
        share = hist.counts[layer - 1]
        peak = max(peak, float(share.max()))
        fig.add_scatter(x=centers, y=share, mode="lines", name=f"z of layer {layer} (share per bin, right axis)",
                        yaxis="y2", line=dict(color=theme.PALETTE[(i + 5) % len(theme.PALETTE)], width=1.5,
                                              shape="hvh"))
    fig.update_layout(yaxis2=dict(overlaying="y", side="right", range=[0, 2.5 * max(peak, 1e-3)], showgrid=False,
                                  title=dict(text="share of z per bin", standoff=4), rangemode="tozero"))
    fig.update_xaxes(range=[-reach, reach])
    return fig


def _band(x0: float, x1: float, color: str) -> dict:
    """A shaded vertical band over the whole height of the plot."""
    return dict(type="rect", xref="x", yref="paper", x0=x0, x1=x1, y0=0, y1=1, fillcolor=color, opacity=0.08,
                line=dict(width=0), layer="below")


def batch_norm_histograms(steps):
    """Layer 1's h before batch norm and x_hat after it, every unit's values together."""
    import numpy as np

    from ui import theme
    fig = theme.figure("Batch norm on layer 1: h before, x̂ after", "value", "share of values per bin")
    reach = float(max(np.abs(steps.h).max(), np.abs(steps.x_hat).max(), 1.0))
    edges = np.linspace(-reach, reach, 81)
    for values, name, color in ((steps.h, "h = xW + b (before)", theme.PALETTE[1]),
                                (steps.x_hat, "x̂ = (h − μ_B)/√(σ²_B + ε) (after)", theme.PALETTE[0])):
        counts, _ = np.histogram(values, bins=edges)
        fig.add_scatter(x=(edges[:-1] + edges[1:]) / 2, y=counts / values.size, mode="lines", name=name,
                        line=dict(color=color, width=2, shape="hvh"))
    return fig
