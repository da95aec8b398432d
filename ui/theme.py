"""One chart look for every lesson: small, white, fixed height, titled axes; helpers for what a log axis can show.

No process-wide plotly template is set: each figure carries an empty template (template={}), which costs
nothing to validate, and the look below.
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

HEIGHT = 380
FONT = dict(family="Inter, Arial, sans-serif", size=13)
# one colour per series, colour-blind safe (Okabe-Ito), reused in the same order everywhere
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
GRID = "#E5ECF6"
# plotly_white's look, set directly: naming a template makes Plotly re-validate it (~30 ms a figure).
AXIS = dict(gridcolor=GRID, linecolor=GRID, zerolinecolor=GRID, ticks="", automargin=True, showgrid=True,
            zeroline=True)


def figure(title: str, x_title: str, y_title: str, *, height: int = HEIGHT, legend: bool = True) -> go.Figure:
    """An empty figure with the lab's layout: title, axis titles (with units), legend under the x axis."""
    axis = lambda title: dict(title=dict(text=title, standoff=8), **AXIS)  # noqa: E731
    return go.Figure(layout=dict(
        template={}, title=dict(text=title, x=0, xanchor="left", font=dict(size=15)),
        paper_bgcolor="white", plot_bgcolor="white", colorway=PALETTE, font=FONT,
        height=height + (50 if legend else 0), margin=dict(l=60, r=20, t=50, b=50 + (50 if legend else 0)),
        showlegend=legend, xaxis=axis(x_title), yaxis=axis(y_title),
        legend=dict(orientation="h", yanchor="top", y=-0.2, xanchor="left", x=0, bgcolor="rgba(0,0,0,0)"),
    ))


def finite(values) -> np.ndarray:
    """values as float64 with inf/NaN turned into gaps (None in Plotly), so overflow is never drawn as data."""
    arr = np.asarray(values, dtype=np.float64)
    return np.where(np.isfinite(arr), arr, np.nan)


def positive(values) -> np.ndarray:
    """finite() with zeros and negatives as gaps too: what a log axis can show."""
    arr = finite(values)
    return np.where(arr > 0, arr, np.nan)


def log_range(values, pad: float = 0.3) -> list | None:
    """A fixed log10 axis range around the positive finite values (so reruns do not jump); None if empty."""
    arr = positive(values)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return None
    lo, hi = np.floor(np.log10(arr.min()) - pad), np.ceil(np.log10(arr.max()) + pad)
    if hi - lo < 2:                                   # at least two decades, so ticks are 10^k
        lo, hi = lo - 1, hi + 1
    return [float(lo), float(hi)]


def log_axis(fig: go.Figure, values, axis: str = "y") -> None:
    """A log axis with a fixed range around values and at most about 12 labelled decades (no overlapping labels
    over 38 decades: the tick step grows with the range)."""
    rng = log_range(values)
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    update(type="log", range=rng, dtick=1 if rng is None else max(1, math.ceil((rng[1] - rng[0]) / 12)),
           exponentformat="power")
