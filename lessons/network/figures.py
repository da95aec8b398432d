"""Per-layer figures shared by the network lessons (activations, gradients): one row per layer, binned on the server."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from engine.probe import FACTOR_FORMULA, FACTOR_FORMULA_BN
from ui.theme import PALETTE, figure, finite, log_axis, positive

MIN_SHARE = 1e-4          # colour floor of the histogram heatmaps (log scale)


def _layers(stats):
    return np.array([row["layer"] for row in stats])


def histogram_heatmap(hist, title: str, x_title: str, broken_from: int | None = None) -> go.Figure:
    """Layer (y) by value bin (x), colour = log10 of the share of the layer's values in the bin."""
    centers = (hist.edges[:-1] + hist.edges[1:]) / 2
    counts = np.array(hist.counts, dtype=np.float64)
    if broken_from is not None:
        counts[broken_from - 1:] = np.nan           # overflowed layers are not drawn as data
    share = np.log10(np.where(counts > 0, np.maximum(counts, MIN_SHARE), np.nan))
    L = counts.shape[0]
    fig = figure(title, x_title, "layer", height=max(320, min(560, 140 + 8 * L)), legend=False)
    fig.add_trace(go.Heatmap(
        x=centers, y=np.arange(1, L + 1), z=share, zmin=np.log10(MIN_SHARE), zmax=0, colorscale="Blues",
        colorbar=dict(title="share", tickvals=[-4, -3, -2, -1, 0], ticktext=["0.01%", "0.1%", "1%", "10%", "100%"],
                      thickness=12),
        hovertemplate="layer %{y}<br>value ≈ %{x:.3g}<br>log10 share %{z:.2f}<extra></extra>"))
    fig.update_yaxes(range=[L + 0.5, 0.5], tickvals=_layer_ticks(L))      # layer 1 on top
    fig.update_xaxes(range=[float(hist.edges[0]), float(hist.edges[-1])])
    return fig


def _layer_ticks(L: int) -> list[int]:
    """About ten layer ticks that always include the first and the last layer."""
    step = max(1, L // 10)
    ticks = [1] + list(range(step, L, step))
    ticks = [t for t in dict.fromkeys(ticks) if L - t >= step / 2 or t == 1]
    return ticks + [L] if ticks[-1] != L else ticks


def histogram_lines(hist, layers: list[int], title: str, x_title: str) -> go.Figure:
    """The classic picture: the histograms of a few chosen layers overlaid as lines (share per bin)."""
    centers = (hist.edges[:-1] + hist.edges[1:]) / 2
    fig = figure(title, x_title, "share of values per bin")
    for i, layer in enumerate(layers):
        fig.add_trace(go.Scatter(x=centers, y=hist.counts[layer - 1], mode="lines", name=f"layer {layer}",
                                 line=dict(color=PALETTE[i % len(PALETTE)], width=2, shape="hvh")))
    fig.update_xaxes(range=[float(hist.edges[0]), float(hist.edges[-1])])
    fig.update_yaxes(rangemode="tozero")
    return fig


def std_by_layer(stats, view: str = "a", predicted: dict | None = None) -> go.Figure:
    """std(z), std(a) and |mean(a)| against layer, on a log axis; predicted ({"z": ..., "a": ...}, per layer): the
    mean field's std of z and a, drawn as dashed black and gray lines."""
    x = _layers(stats)
    series = [(f"std of {view}", [r[f"{view}_std"] for r in stats], PALETTE[0], "solid"),
              (f"|mean| of {view}", [abs(r[f"{view}_mean"]) for r in stats], PALETTE[1], "dot")]
    other = "z" if view == "a" else "a"
    series.append((f"std of {other}", [r[f"{other}_std"] for r in stats], PALETTE[2], "dash"))
    fig = figure("Spread per layer", "layer", "value (log scale)")
    for name, y, color, dash in series:
        fig.add_trace(go.Scatter(x=x, y=positive(y), mode="lines+markers", name=name,
                                 line=dict(color=color, dash=dash), marker=dict(size=5)))
    for key, color in ((view, "black"), (other, "gray")) if predicted else ():
        fig.add_trace(go.Scatter(x=x, y=positive(predicted[key]), mode="lines", name=f"mean field: std of {key}",
                                 line=dict(color=color, dash="dash", width=1.5)))
    log_axis(fig, [v for _, y, _, _ in series for v in y] + (list(predicted[view]) if predicted else []))
    fig.update_xaxes(range=[0.5, len(x) + 0.5])
    return fig


def fractions_by_layer(stats, broken_from: int | None = None) -> go.Figure:
    """Saturated (tanh/sigmoid) and dead (ReLU-like) shares per layer, 0-100%; gaps from an overflowed layer on."""
    x = _layers(stats)
    fig = figure("Saturated and dead units", "layer", "share of units (%)")
    for key, name, color in [("saturated", "saturated: |a| within 1% of a bound", PALETTE[3]),
                             ("dead", "a = 0 (share of entries)", PALETTE[4]),
                             ("dead_units", "dead units: a = 0 on the whole batch", PALETTE[0])]:
        y = finite([r[key] for r in stats]) * 100
        if broken_from is not None:
            y[broken_from - 1:] = np.nan                  # overflowed layers have no share: a gap, not 0%
        if np.isfinite(y).any():
            fig.add_trace(go.Scatter(x=x, y=y, mode="lines+markers", name=name, line=dict(color=color),
                                     marker=dict(size=5)))
    fig.update_yaxes(range=[-2, 102])
    fig.update_xaxes(range=[0.5, len(x) + 0.5])
    return fig


def grad_norms(runs: dict, key: str, title: str, y_title: str, predicted=None) -> go.Figure:
    """One line per run ({label: stats}) of a gradient norm against layer, on a log axis. A run whose norm is
    exactly 0 at some layers cannot be drawn there on a log axis: its legend says so instead of it vanishing.
    predicted (per layer): the mean field's norm for the first run, a dashed black line."""
    fig = figure(title, "layer (1 = nearest the input)", y_title)
    everything = []
    for i, (label, stats) in enumerate(runs.items()):
        y = [r[key] for r in stats]
        everything += y
        zero = sum(1 for v in y if v == 0)
        name = label if not zero else (f"{label}: exactly 0 at every layer (not drawable on a log axis)"
                                       if zero == len(y) else f"{label}: exactly 0 at {zero} layers (gaps)")
        fig.add_trace(go.Scatter(x=_layers(stats), y=positive(y), mode="lines+markers", name=name,
                                 line=dict(color=PALETTE[i % len(PALETTE)], width=3 if i == 0 else 2),
                                 marker=dict(size=5), visible=True if zero < len(y) else "legendonly"))
    if predicted is not None:
        fig.add_trace(go.Scatter(x=_layers(next(iter(runs.values()))), y=positive(predicted), mode="lines",
                                 name="mean field: × √χ_l per layer back from the last",
                                 line=dict(color="black", dash="dash", width=1.5)))
        everything += list(predicted)
    log_axis(fig, everything)
    depth = max(len(s) for s in runs.values())
    fig.update_xaxes(range=[0.5, depth + 0.5])
    return fig


def gradient_factors(stats, batch_norm: bool = False) -> go.Figure:
    """Per layer: how much the backward pass multiplies the gradient's rms, measured vs the formula the engine
    predicts it with (with batch norm that formula has BN's gain gamma / sigma_B in it, and the legend says so)."""
    x = _layers(stats)
    fig = figure("Gradient multiplier per layer", "layer", "factor (log scale)")
    measured = [r["factor_measured"] for r in stats]
    predicted = [r["factor_predicted"] for r in stats]
    fig.add_trace(go.Scatter(x=x, y=positive(measured), mode="markers", name="measured rms ratio",
                             marker=dict(size=8, color=PALETTE[0])))
    formula = FACTOR_FORMULA_BN if batch_norm else FACTOR_FORMULA
    fig.add_trace(go.Scatter(x=x, y=positive(predicted), mode="lines", name=f"predicted {formula}",
                             line=dict(color=PALETTE[1], dash="dash")))
    fig.add_hline(y=1.0, line=dict(color="gray", width=1))
    log_axis(fig, measured + predicted + [1.0])
    fig.update_xaxes(range=[0.5, len(x) + 0.5])
    return fig
