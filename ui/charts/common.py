"""Shared look of every figure: small, white, fixed height, titled axes."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

HEIGHT = 380
FONT = dict(family="Inter, Arial, sans-serif", size=13)
# one colour per series, colour-blind safe (Okabe-Ito), reused in the same order everywhere
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")


def figure(title: str, x_title: str, y_title: str, *, height: int = HEIGHT, legend: bool = True) -> go.Figure:
    """An empty figure with the lab's layout: title, axis titles (with units), legend above the plot."""
    fig = go.Figure()
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left", font=dict(size=15)),
        template="plotly_white", height=height, font=FONT, margin=dict(l=60, r=20, t=60, b=50),
        showlegend=legend,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0, bgcolor="rgba(0,0,0,0)"),
    )
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig


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
    lo, hi = np.log10(arr.min()), np.log10(arr.max())
    return [float(np.floor(lo - pad)), float(np.ceil(hi + pad))]
