"""The init explorer's charts: sampled weights against the promised density, std against fan_in, the tied units."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ui import theme


def is_spike(d) -> bool:
    """Every weight the same number (zeros, constant, or a zero gain/std/limit)."""
    return d.std == 0


def histogram(s: dict, d, title: str):
    """Bars of the sampled density with the theoretical density over them; a spike is one bar of share 1."""
    R = s["range"]
    if is_spike(d):
        fig = theme.figure(title, "weight value", "share of weights")
        fig.add_bar(x=[d.mean], y=[1.0], width=R / 40, name=f"all {s['n']:,} weights = {d.mean:g}",
                    marker_color=theme.PALETTE[0])
        fig.add_annotation(x=d.mean, y=1.0, yshift=12, showarrow=False,
                           text="a spike: no spread at all, so no density to draw")
        fig.update_layout(xaxis_range=[-R, R], yaxis_range=[0, 1.2])
        return fig
    fig = theme.figure(title, "weight value", "density (1 / weight unit)")
    centers = (s["edges"][:-1] + s["edges"][1:]) / 2
    fig.add_bar(x=centers, y=s["density"], width=s["edges"][1] - s["edges"][0], marker_line_width=0,
                marker_color=theme.PALETTE[0], opacity=0.7, name=f"sampled: {s['n']:,} weights")
    if d.kind == "uniform":
        a = d.bound
        x, y = np.array([-R, -a, -a, a, a, R]), np.array([0, 0, 1, 1, 0, 0]) / (2 * a)
        name, peak = f"U(−a, a), a = {a:.4g}", 1 / (2 * a)
    else:
        x = np.linspace(-R, R, 401)
        y = np.exp(-0.5 * (x / d.std) ** 2) / (d.std * math.sqrt(2 * math.pi))
        name, peak = ("≈ " if d.kind == "orthogonal" else "") + f"N(0, σ²), σ = {d.std:.4g}", y.max()
    fig.add_scatter(x=x, y=y, mode="lines", line=dict(color=theme.PALETTE[3], width=2.5), name=f"theory: {name}")
    top = max(peak, float(s["density"].max())) * 1.15
    fig.update_layout(bargap=0, xaxis_range=[-R, R], yaxis_range=[0, top])
    return fig


def stats_table(s: dict, d) -> pd.DataFrame:
    """Theory (as text: '—' for unbounded) next to the measured numbers (floats)."""
    lo, hi = (None, None) if d.bound is None else (d.mean - d.bound, d.mean + d.bound)
    bound = "— (only |w| ≤ g)" if d.kind == "orthogonal" else "— (unbounded)"
    if d.kind == "orthogonal":
        lo = hi = None
    shown = lambda v: bound if v is None else f"{v:.4g}"  # noqa: E731
    return pd.DataFrame({"theory": [shown(d.mean), shown(d.std), shown(lo), shown(hi)],
                         "measured": [s["mean"], s["std"], s["min"], s["max"]]},
                        index=["mean", "std", "min", "max"])


def sweep_figure(sw: dict, init: str, fan_in: int, fan_out: int, std_now: float):
    """Log-log std vs fan_in, the current initializer as a thick line and a marker at the chosen fan_in."""
    fig = theme.figure(f"std of w against fan_in (fan_out fixed at {fan_out}; presets at gain 1)",
                       "fan_in (log)", "std of w (log)")
    for i, (label, std) in enumerate(sw["groups"]):
        fig.add_scatter(x=sw["fans"], y=theme.positive(std), mode="lines", name=label,
                        line=dict(color=theme.PALETTE[i], width=1.8))
    if std_now > 0:
        fig.add_scatter(x=sw["fans"], y=theme.positive(sw["current"]), mode="lines", name=f"{init}: your settings",
                        line=dict(color="#000000", width=3.5, dash="dot"))
        fig.add_scatter(x=[fan_in], y=[std_now], mode="markers", name=f"fan_in = {fan_in}: σ = {std_now:.3g}",
                        marker=dict(size=13, color="#000000", symbol="diamond", line=dict(color="white", width=1.5)))
    else:
        fig.add_annotation(x=0.5, y=0.05, xref="paper", yref="paper", showarrow=False,
                           text=f"{init} at these settings has std 0: it cannot be drawn on a log axis")
    everything = [std for _, std in sw["groups"]] + [sw["current"], [std_now]]
    fig.update_xaxes(type="log", range=[-0.05, math.log10(4096) + 0.05], tickvals=4 ** np.arange(7))
    fig.update_yaxes(type="log", range=_half_decades(np.concatenate([np.ravel(v) for v in everything])), dtick=1)
    fig.update_layout(height=theme.HEIGHT + 110, margin=dict(b=160))   # the legend under the plot, as everywhere:
    return fig                                                          # beside it, it squeezes a phone's plot


def _half_decades(values) -> list | None:
    """A log10 axis range around the positive values, rounded out to half decades (so small changes do not jump)."""
    arr = theme.positive(values)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return None
    return [math.floor(2 * math.log10(arr.min()) - 0.2) / 2, math.ceil(2 * math.log10(arr.max()) + 0.2) / 2]


def tie_figure(W: np.ndarray, distinct: int, title: str):
    """Each hidden unit's two incoming weights against the SGD step; identical units draw on top of each other."""
    fig = theme.figure(title, "SGD step", "weight into the unit", height=340)
    steps = np.arange(W.shape[0])
    for j in range(W.shape[2]):
        color = theme.PALETTE[j]
        for i, dash in enumerate(("solid", "dot")):
            fig.add_scatter(x=steps, y=W[:, i, j], mode="lines", line=dict(color=color, dash=dash, width=2.5 - j * 0.4),
                            name=f"unit {j + 1}", legendgroup=f"u{j}", showlegend=i == 0)
    lo, hi = float(W.min()), float(W.max())
    pad = max(0.15 * (hi - lo), 0.2)
    fig.update_layout(yaxis_range=[lo - pad, hi + pad], xaxis_range=[0, steps[-1]],
                      legend=dict(orientation="h", x=0, xanchor="left", y=-0.22, yanchor="top"),
                      margin=dict(b=80))
    fig.add_annotation(x=0.99, y=0.97, xref="paper", yref="paper", xanchor="right", showarrow=False,
                       text=f"<b>{W.shape[2]} units, {distinct} distinct</b>"
                       + ("<br>(all lines on top of each other)" if distinct == 1 else ""),
                       bgcolor="rgba(255,255,255,0.8)")
    return fig
