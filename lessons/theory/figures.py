"""The theory lesson's charts (pure Plotly): the phase diagram with its critical line, xi_c contours and trainable
band; two inputs' correlation through depth; the Jacobian's singular values; the residual stream's variance."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lessons.theory.text import number
from ui.theme import PALETTE, figure, finite, log_axis, positive

CHI_RANGE = 2.0                       # the chi1 colours saturate at 1/2 and 2 (log scale, white at chi1 = 1)
XI_LEVELS = (2, 5, 10, 25)            # xi_c contour lines, in layers
XI_BIG = 1e6                          # xi_c = inf drawn as this (a contour cannot take inf)
TRAINABLE_FILL = "rgba(0, 158, 115, 0.18)"


def phase_diagram(pd, mf, depth: int, limit) -> go.Figure:
    """chi1 over (sigma_w^2, sigma_b^2) (blue ordered, red chaotic), the edge of chaos, xi_c contours, the band where
    the trainable depth `limit` (about 6 xi_c, per grid point) reaches `depth`, the chosen point; on top, invisible
    grid markers a click selects."""
    fig = figure(f"Phase diagram of {pd.activation}, trainable band for L = {depth}",
                 "σ_w² = n · Var(w)", "σ_b² = Var(b)", height=460)
    top = np.log10(CHI_RANGE)
    ticks = [0.5, 0.7, 1, 1.4, 2]
    fig.add_trace(go.Heatmap(
        x=pd.sigma_w2, y=pd.sigma_b2, z=np.log10(np.clip(pd.chi1, 1e-12, None)).astype(np.float32), zmin=-top,
        zmax=top, zmid=0,
        colorscale="RdBu_r", hoverinfo="skip", showscale=True, name="χ₁",
        colorbar=dict(title="χ₁", tickvals=np.log10(ticks).tolist(), ticktext=[f"{t:g}" for t in ticks],
                      thickness=12, len=0.8)))
    fig.add_trace(go.Contour(      # a constraint contour fills where the constraint fails: "< L" fills ">= L"
        x=pd.sigma_w2, y=pd.sigma_b2, z=np.minimum(limit, XI_BIG).astype(np.float32), hoverinfo="skip",
        showscale=False, showlegend=True, name=f"trainable: about 6 ξ_c ≥ L = {depth}", fillcolor=TRAINABLE_FILL,
        line=dict(color=PALETTE[2], width=2), contours=dict(type="constraint", operation="<", value=depth)))
    xi = np.minimum(pd.xi_c, XI_BIG).astype(np.float32)
    if pd.sigma_b2[0] == 0:     # there xi_c jumps to inf (no bias in q*): the lines end at the sigma_b2 -> 0+ limit
        xi[0] = xi[1]           # (the row above), not in a pile along the axis; the hover says inf
    for level in XI_LEVELS:
        fig.add_trace(go.Contour(
            x=pd.sigma_w2, y=pd.sigma_b2, z=xi, hoverinfo="skip", showscale=False, showlegend=level == XI_LEVELS[0],
            name="ξ_c contours (layers)", legendgroup="xi", contours=dict(start=level, end=level, size=1,
                                                                          coloring="none", showlabels=True),
            line=dict(color="rgba(60, 60, 60, 0.7)", width=1, dash="dot")))
    fig.add_trace(go.Scatter(x=pd.critical, y=pd.sigma_b2, mode="lines", name="edge of chaos: χ₁ = 1",
                             line=dict(color="black", width=3), hoverinfo="skip"))
    if np.isfinite(pd.jump).any():     # gelu, swish at a small sigma_b2 (engine.theory_edge)
        fig.add_trace(go.Scatter(x=pd.jump, y=pd.sigma_b2, mode="lines", name="χ₁ jumps over 1 (no edge)",
                                 line=dict(color="black", width=3, dash="dash"), hoverinfo="skip"))
    _click_grid(fig, pd)
    fig.add_trace(go.Scatter(
        x=[mf.sigma_w2], y=[mf.sigma_b2], mode="markers", name="your network", cliponaxis=False,   # whole on an edge
        marker=dict(symbol="star", size=18, color=PALETTE[1], line=dict(color="black", width=1.5)),
        unselected=dict(marker=dict(opacity=1)), hovertemplate="your network<br>σ_w² = %{x:.4g}, σ_b² = %{y:.4g}"
                                                               "<extra></extra>"))
    fig.update_xaxes(range=[float(pd.sigma_w2[0]), float(pd.sigma_w2[-1])], zeroline=False)   # the grid: contour
    fig.update_yaxes(range=[float(pd.sigma_b2[0]), float(pd.sigma_b2[-1])], zeroline=False)   # lines close off-axis
    fig.update_layout(clickmode="event+select", dragmode=False, hovermode="closest")
    return fig


def _click_grid(fig: go.Figure, pd) -> None:
    """One invisible marker per grid point, over the heatmap: what a click selects (float32 is plenty: the click
    snaps to the sliders' steps), and what the hover reads."""
    W, B = (v.ravel().astype(np.float32) for v in np.meshgrid(pd.sigma_w2, pd.sigma_b2))
    hover = np.stack([pd.chi1.ravel(), pd.xi_c.ravel()], axis=1).astype(np.float32)
    fig.add_trace(go.Scatter(
        x=W, y=B, mode="markers", showlegend=False, name="click to set",
        marker=dict(size=9, color="rgba(0, 0, 0, 0)"), customdata=hover,
        selected=dict(marker=dict(color="rgba(0, 0, 0, 0)")), unselected=dict(marker=dict(opacity=0)),
        hovertemplate="σ_w² = %{x:.2f}, σ_b² = %{y:.2f}<br>χ₁ = %{customdata[0]:.3g}, ξ_c = %{customdata[1]:.3g}"
                      "<br>click to set<extra></extra>"))


def correlation(cd, c_star: float) -> go.Figure:
    """c_l of two inputs' pre-activations: measured (markers) against the mean-field recursion (dashed)."""
    layers = np.arange(1, len(cd.measured) + 1)
    fig = figure(f"Correlation of two inputs through depth (c₀ = {cd.c0:g})", "layer l",
                 "correlation c_l of z_l(x₁), z_l(x₂)")
    fig.add_trace(go.Scatter(x=layers, y=finite(cd.measured), mode="markers", name="measured (mean of 32 pairs)",
                             marker=dict(size=6, color=PALETTE[0])))
    fig.add_trace(go.Scatter(x=layers, y=finite(cd.predicted), mode="lines", name="mean-field c-map",
                             line=dict(color=PALETTE[1], width=2.5, dash="dash")))
    fig.add_trace(go.Scatter(x=[0.5, len(layers) + 0.5], y=[c_star, c_star], mode="lines",     # in the legend:
                             name=f"fixed point c* = {c_star:.3g}", hoverinfo="skip",       # no label on the data
                             line=dict(color="gray", width=1, dash="dot")))
    low = float(np.nanmin(np.concatenate([finite(cd.measured), finite(cd.predicted), [c_star, cd.c0]])))
    fig.update_yaxes(range=[min(0.0, low) - 0.05, 1.05])
    fig.update_xaxes(range=[0.5, len(layers) + 0.5])
    return fig


def spectrum(sp, reach: tuple[float, float]) -> go.Figure:
    """Histogram of log10 lambda (lambda = squared singular value), with lambda = 1, the measured mean and the
    theory's mean chi1^L; reach is the shared log10 range of the two side-by-side charts."""
    name = {"orthogonal": "Orthogonal W", "gaussian": "Gaussian W"}[sp.weights]
    fig = figure(f"{name}: std of λ {number(sp.std)} (theory {number(sp.theory.std)})",
                 "log₁₀ λ  (λ: squared singular value)", "share of the singular values", height=340)
    if not sp.finite:
        fig.add_annotation(text="the net overflowed: no spectrum", showarrow=False, x=0.5, y=0.5,
                           xref="paper", yref="paper")
        return fig
    edges = np.linspace(*reach, 61)
    lam = np.where(np.arange(sp.lam.size) < sp.rank, sp.lam, 0.0)      # the exact zeros are 0
    logs = np.log10(np.maximum(lam, sp.floor))              # zeros and unresolved values in the first bin
    counts, _ = np.histogram(np.clip(logs, *reach), bins=edges)
    fig.add_trace(go.Bar(x=(edges[:-1] + edges[1:]) / 2, y=counts / len(sp.lam), width=np.diff(edges),
                         marker=dict(color=PALETTE[0] if sp.weights == "orthogonal" else PALETTE[3]),
                         name="measured λ", hovertemplate="log₁₀ λ ≈ %{x:.2f}: %{y:.1%}<extra></extra>"))
    lines = ((0.0, "λ = 1 (isometry)", "gray", "dot"),
             (np.log10(sp.mean), f"measured mean {number(sp.mean)}", PALETTE[0], "solid"),
             (np.log10(sp.theory.mean), f"theory χ₁^L = {number(sp.theory.mean)}", PALETTE[1], "dash"))
    for x, label, color, dash in lines:
        fig.add_trace(go.Scatter(x=[x, x], y=[0, 1], yaxis="y2", mode="lines", name=label,
                                 line=dict(color=color, dash=dash, width=2), hoverinfo="skip"))
    first = [f"{sp.zeros} exact zeros"] * bool(sp.zeros) + [f"{sp.unresolved} below float64's resolution"] * \
        bool(sp.unresolved)
    if first:
        fig.add_annotation(x=reach[0], y=1, yref="paper", xanchor="left", yanchor="top", showarrow=False,
                           align="left", text=f" first bin: {',<br> '.join(first)}")     # two short lines: a phone
    fig.update_layout(yaxis2=dict(overlaying="y", range=[0, 1], visible=False), bargap=0)
    fig.update_xaxes(range=list(reach))
    return fig


def spectrum_reach(spectra) -> tuple[float, float]:
    """A shared log10 lambda range for side-by-side spectra: every positive value, the means and lambda = 1."""
    values = [0.0]
    for sp in spectra:
        if sp.finite:
            values += list(np.log10(np.maximum(sp.lam, sp.floor)))
        if sp.finite and sp.theory.mean > 0:
            values.append(np.log10(sp.theory.mean))
    values = [v for v in values if np.isfinite(v)]
    lo, hi = min(values), max(values)
    pad = max(0.25, 0.05 * (hi - lo))
    return float(np.floor((lo - pad) * 4) / 4), float(np.ceil((hi + pad) * 4) / 4)


def stream(streams: dict) -> go.Figure:
    """Var(a_l) against depth for each architecture: measured (markers) and the mean field (dashed), log axis."""
    fig = figure("The residual stream: Var(a_l) against depth", "layer l", "Var(a_l) (log scale)")
    everything = []
    for i, (name, sv) in enumerate(streams.items()):
        layers = np.arange(1, len(sv.measured) + 1)
        color = PALETTE[(0, 3, 2)[i % 3]]
        fig.add_trace(go.Scatter(x=layers, y=positive(sv.measured), mode="markers", name=f"{name}: measured",
                                 marker=dict(size=6, color=color)))
        fig.add_trace(go.Scatter(x=layers, y=positive(sv.predicted), mode="lines", name=f"{name}: mean field",
                                 line=dict(color=color, dash="dash", width=2)))
        everything += list(sv.measured) + list(sv.predicted)
    log_axis(fig, everything)
    fig.update_xaxes(range=[0.5, max(len(sv.measured) for sv in streams.values()) + 0.5])
    return fig
