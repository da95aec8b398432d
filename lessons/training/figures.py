"""The training lesson's curves: loss and accuracy against the step (or epoch), and distinct units per layer.

Pure functions of engine Histories; the comparison run is drawn in a second colour. Per-step series longer than
MAX_POINTS are subsampled evenly (the faint batch-loss line keeps its noise, just fewer of its steps).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.theme import PALETTE, figure, finite, log_axis, positive

RUN_COLORS = (PALETTE[0], PALETTE[3])     # the first run blue, the comparison vermillion
MAX_POINTS = 2000                         # per-step points drawn per series
LOSS_ROOM = 1e3                           # the loss axis ends this far above the runs' starting loss: a run
#                                           that blows up leaves through the top (its x marks where it diverged)


def legend(label: str, part: str) -> str:
    """A legend entry: 'A: training' for a compared run (its full name: hover, verdict), else 'training'."""
    return f"{label.split(' ')[0]}: {part}" if label[:3] in ("A (", "B (") else part


def shown_steps(n: int, most: int = MAX_POINTS) -> np.ndarray:
    """At most `most` evenly spaced indices of 0 .. n-1, the first and last included."""
    return np.unique(np.linspace(0, n - 1, min(n, most)).round().astype(np.int64)) if n else np.zeros(0, np.int64)


def axis(history, epochs: bool):
    """(x of every step, x of every record, axis title): steps, or epochs when the runs are measured in epochs."""
    per = history.steps_per_epoch if epochs else 1
    return np.arange(len(history.batch_loss)) / per, history.record_steps / per, "epoch" if epochs else "step"


def _diverged_marker(fig, history, x_records, y, color, label) -> None:
    if history.diverged_step is not None:
        fig.add_trace(go.Scatter(x=[x_records[-1]], y=[y], mode="markers", showlegend=False,
                                 marker=dict(symbol="x", size=13, color=color, line=dict(width=1)),
                                 hovertemplate=f"{label}: diverged at step {history.diverged_step}<extra></extra>"))


def loss(histories, labels, epochs: bool = False) -> go.Figure:
    """Training (solid) and test (dashed) loss at every record on a log axis, over each step's batch loss (faint)."""
    x_title = axis(histories[0], epochs)[2]
    fig = figure("Loss", x_title, "cross-entropy loss (log scale)", height=400)
    values = []
    for h, label, color in zip(histories, labels, RUN_COLORS):
        x_steps, x_records, _ = axis(h, epochs)
        idx = shown_steps(len(h.batch_loss))
        fig.add_trace(go.Scatter(x=x_steps[idx], y=positive(h.batch_loss[idx]).astype(np.float32), mode="lines",
                                 name=legend(label, "batch"), line=dict(color=color, width=1), opacity=0.3,
                                 hovertemplate=f"{label}, {x_title} %{{x:.4g}}: batch loss %{{y:.3g}}<extra></extra>"))
        for y, part, dash in ((h.train_loss, "training", "solid"), (h.test_loss, "test", "dash")):
            fig.add_trace(go.Scatter(x=x_records, y=positive(y), mode="lines", name=legend(label, part),
                                     line=dict(color=color, width=2.5, dash=dash),
                                     hovertemplate=f"{label}, {x_title} %{{x:.4g}}: {part} loss %{{y:.4g}}"
                                                   "<extra></extra>"))
        kept = finite(h.train_loss)[np.isfinite(h.train_loss)]
        top = LOSS_ROOM * max(float(np.nanmax(finite(g.train_loss[:1]))) for g in histories)
        _diverged_marker(fig, h, x_records, min(kept[-1], top) if kept.size else np.nan, color, label)
        values += [h.batch_loss, h.train_loss, h.test_loss]
    everything = np.concatenate(values)
    log_axis(fig, everything[everything <= top])        # a loss blowing up to 1e27 would flatten the other curves
    return fig


def accuracy(histories, labels, epochs: bool = False) -> go.Figure:
    """Training and test accuracy (%) at every record."""
    x_title = axis(histories[0], epochs)[2]
    fig = figure("Accuracy", x_title, "accuracy (%)", height=400)
    for h, label, color in zip(histories, labels, RUN_COLORS):
        _, x_records, _ = axis(h, epochs)
        for y, part, dash in ((h.train_acc, "training", "solid"), (h.test_acc, "test", "dash")):
            fig.add_trace(go.Scatter(x=x_records, y=100 * finite(y), mode="lines", name=legend(label, part),
                                     line=dict(color=color, width=2.5, dash=dash),
                                     hovertemplate=f"{label}, {x_title} %{{x:.4g}}: {part} %{{y:.1f}}%"
                                                   "<extra></extra>"))
    fig.update_yaxes(range=[0, 102])
    return fig


def distinct_units(histories, labels, epochs: bool = False) -> go.Figure:
    """The fewest and the most distinct units (columns of [W; b] that differ) over the hidden layers, against the
    step: zero and constant init keep 1 in every layer for good; a random start keeps every unit distinct."""
    x_title = axis(histories[0], epochs)[2]
    fig = figure("Distinct units per hidden layer", x_title, "distinct units", height=340)
    for h, label, color in zip(histories, labels, RUN_COLORS):
        _, x_records, _ = axis(h, epochs)
        hidden = h.distinct_units[:, :-1].astype(np.float64)
        for y, which, dash in ((hidden.min(axis=1), "fewest", "solid"), (hidden.max(axis=1), "most", "dot")):
            fig.add_trace(go.Scatter(x=x_records, y=y, mode="lines", name=legend(label, which),
                                     line=dict(color=color, width=2.5, shape="hv", dash=dash),
                                     hovertemplate=f"{label}, {x_title} %{{x:.4g}}: {which} %{{y}} distinct in a "
                                                   "hidden layer<extra></extra>"))
    width = max(h.net.widths[1] for h in histories)
    fig.add_hline(y=width, line=dict(color="gray", width=1, dash="dot"), annotation_text=f"width {width}",
                  annotation_position="bottom right")
    fig.update_yaxes(range=[0, width * 1.1 + 0.5])
    return fig
