"""The decision boundary over 2-D data, animated over the record steps with Play (Plotly frames: no rerun).

The background is a grid of square markers, not a heatmap: plotly.js erases heatmap and contour traces while frames
play (see lessons/race/contour.py). Each marker's colour code packs the class the network picks there and how sure
it is: class c at probability p is c + (p - 1/k) / (1 - 1/k) on a colour scale with one band per class, pale to
strong. A frame sends only the codes, one byte a marker.
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from lessons.race.figures import _player, _set_frames
from ui.theme import PALETTE, figure

CLASS_COLORS = (PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[4], PALETTE[5], PALETTE[7], "#8c564b", "#7f7f7f",
                "#bcbd22", "#17becf")
HEIGHT, TOP, BOTTOM = 520, 50, 125         # the plot area is HEIGHT - TOP - BOTTOM pixels tall
PALE, STRONG = 0.12, 0.55                  # share of the class colour (the rest white): unsure .. sure
LEVELS = 199                               # colour codes 0 .. 199: a byte each, kept clear of 0xCF-0xFF, whose
#                                            runs base64 writes as "/", which the chart's JSON escapes to 6 characters


def _mix(hex_color: str, share: float) -> str:
    rgb = [int(hex_color[i:i + 2], 16) for i in (1, 3, 5)]
    return "rgb({},{},{})".format(*(round(255 - share * (255 - c)) for c in rgb))


def band(k: int) -> int:
    """Codes per class: class c's are c band .. c band + band - 1."""
    return (LEVELS + 1) // k


def colorscale(k: int) -> list:
    """Class c's codes run from its colour pale (unsure) to strong (sure); the scale spans codes 0 .. k band - 1."""
    b, top, scale = band(k), k * band(k) - 1, []
    for c in range(k):
        color = CLASS_COLORS[c % len(CLASS_COLORS)]
        scale += [[c * b / top, _mix(color, PALE)], [(c * b + b - 1) / top, _mix(color, STRONG)]]
    return scale


def codes(winner: np.ndarray, confidence: np.ndarray, k: int) -> np.ndarray:
    """uint8 codes: c band + how sure (0 .. band - 1), sure = (p - 1/k) / (1 - 1/k); NaN (diverged) reads unsure."""
    sure = np.clip((np.nan_to_num(confidence.astype(np.float64), nan=1 / k) - 1 / k) / (1 - 1 / k), 0.0, 1.0)
    return (winner * band(k) + np.floor(sure * (band(k) - 1))).astype(np.uint8)


def _points(fig: go.Figure, ds) -> None:
    """Training points (filled) and test points (open), coloured by class; static under every frame."""
    for X, y, part, symbol in ((ds.X_train, ds.y_train, "training", "circle"),
                               (ds.X_test, ds.y_test, "test", "diamond-open")):
        for c, name in enumerate(ds.classes):
            pick = y == c
            color = CLASS_COLORS[c % len(CLASS_COLORS)]
            fig.add_trace(go.Scatter(x=X[pick, 0].astype(np.float32), y=X[pick, 1].astype(np.float32),
                                     mode="markers", name=f"class {name} ({part})",
                                     marker=dict(symbol=symbol, size=6 if part == "training" else 7, color=color,
                                                 line=dict(color="white" if part == "training" else color, width=1)),
                                     hovertemplate=f"class {name} ({part})<br>(%{{x:.2f}}, %{{y:.2f}})<extra></extra>"))


def animated(trained, ds, label: str) -> go.Figure:
    """The boundary at every record (Play and a step slider), the data on top, axes fixed to the grid's box."""
    grid, h, k = trained.grid, trained.history, ds.n_classes
    G = len(grid.xs)
    dx, dy = grid.xs[1] - grid.xs[0], grid.ys[1] - grid.ys[0]
    x_range = [float(grid.xs[0] - dx / 2), float(grid.xs[-1] + dx / 2)]
    y_range = [float(grid.ys[0] - dy / 2), float(grid.ys[-1] + dy / 2)]
    cell = (HEIGHT - TOP - BOTTOM) / G * max(1.0, dx / dy)
    all_codes = codes(grid.winner, grid.confidence, k).reshape(len(grid.winner), -1)
    fig = figure(f"{label}: decision boundary", "x₁ (standardized)",
                 "x₂ (standardized)", height=HEIGHT, legend=False)
    gx, gy = np.meshgrid(grid.xs.astype(np.float32), grid.ys.astype(np.float32))
    fig.add_trace(go.Scatter(x=gx.ravel(), y=gy.ravel(), mode="markers", hoverinfo="skip", showlegend=False,
                             marker=dict(symbol="square", size=math.ceil(cell) + 1, color=all_codes[-1], cmin=0,
                                         cmax=k * band(k) - 1, colorscale=colorscale(k), line=dict(width=0))))
    _points(fig, ds)
    steps = h.record_steps[:len(all_codes)]
    frames = [go.Frame(data=[dict(type="scatter", marker=dict(color=c))], traces=[0], name=str(s), _validate=False)
              for s, c in zip(steps, all_codes)]
    _set_frames(fig, frames)
    fig.update_layout(margin=dict(l=60, r=20, t=TOP, b=BOTTOM), **_player(steps))
    fig.layout.sliders[0].update(x=0.38, len=0.62)           # clear of the buttons in a half-width column
    fig.update_xaxes(range=x_range, constrain="domain", showgrid=False, zeroline=False)
    fig.update_yaxes(range=y_range, scaleanchor="x", scaleratio=1, constrain="domain", constraintoward="bottom",
                     showgrid=False, zeroline=False)
    return fig
