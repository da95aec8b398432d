"""The race's charts: paths over the loss map (animated in the browser with Plotly frames), loss per step, the EMA.

Pure functions of engine results (surfaces.Surface, {label: Trajectory}); no Streamlit here.
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from lessons.race.contour import add_map
from ui.theme import PALETTE, figure, finite, log_range, positive

# One colour per optimizer on every chart, whatever is selected: sgd, momentum and adam (the defaults) far apart,
# PALETTE's yellow skipped (unreadable on white).
COLORS = dict(zip(("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"),
                  (PALETTE[0], PALETTE[1], PALETTE[5], PALETTE[4], PALETTE[3], PALETTE[2], PALETTE[7])))
LABEL_SPOTS = ("top right", "bottom left", "top left", "bottom right")   # where each run's name sits by its head
MAX_FRAMES = 60           # animation frames (steps are subsampled to fit)
MAX_POINTS = 28_000       # path points summed over all frames and runs (~14 bytes each in the JSON)
LOSS_FLOOR = -16          # log10 axis floor of the loss chart: below 1e-16 is float64 rounding
SADDLE_RANGE = (-10.0, 5.0)  # f axis on the saddle (f is unbounded below)


def last_step(traj) -> int:
    """The last step with a finite position."""
    return traj.diverged_step - 1 if traj.diverged else len(traj.loss) - 1


TWIN_COLOR = "#8c564b"    # the second copy of an optimizer: brown, dashed, whatever the optimizer


def _color(traj) -> str:
    return TWIN_COLOR if traj.label != traj.optimizer else COLORS.get(traj.optimizer, PALETTE[-1])


def _dash(traj) -> str:
    return "dash" if traj.label != traj.optimizer else "solid"


def _frame_steps(steps: int, max_frames: int) -> np.ndarray:
    return np.unique(np.round(np.linspace(0, steps, min(max_frames, steps + 1))).astype(int))


def _path_steps(steps: int, frame_steps: np.ndarray, max_points: int) -> np.ndarray:
    """The steps drawn on a path: evenly subsampled, always including every frame's step."""
    even = np.round(np.linspace(0, steps, min(max_points, steps + 1))).astype(int)
    return np.union1d(even, frame_steps)


def _set_frames(fig: go.Figure, frames: list) -> None:
    """fig.frames = frames (built with plotly's `_validate=False`), without plotly re-validating them.

    The frames hold nothing but x/y arrays built here; the public setter copies each frame through the
    validators again, ~500 arrays, which took longer than the whole cached rerun. Same JSON either way.
    """
    if hasattr(fig, "_frame_objs"):
        fig._frame_objs = tuple(frames)
    else:  # pragma: no cover - a plotly without the private attribute: the slow public way
        fig.frames = frames


def _add_landmarks(fig: go.Figure, surface, start) -> None:
    """Stars on the global minima (a cross on the saddle point) and a ring on the start."""
    if surface.minima:
        mx, my = np.array(surface.minima, dtype=np.float64).T
        fig.add_trace(go.Scatter(x=mx, y=my, mode="markers", name="global minimum",
                                 marker=dict(symbol="star", size=16, color="white",
                                             line=dict(color="black", width=1.5)),
                                 hovertemplate="minimum (%{x:.3f}, %{y:.3f})<extra></extra>"))
    else:
        fig.add_trace(go.Scatter(x=[0.0], y=[0.0], mode="markers", name="saddle point",
                                 marker=dict(symbol="x", size=13, color="black"),
                                 hovertemplate="saddle point (0, 0)<extra></extra>"))
    fig.add_trace(go.Scatter(x=[start[0]], y=[start[1]], mode="markers", name="start",
                             marker=dict(symbol="circle-open", size=13, color="black", line=dict(width=2)),
                             hovertemplate="start (%{x:.3f}, %{y:.3f})<extra></extra>"))


def _add_paths(fig: go.Figure, surface, trajs: list, shown: np.ndarray) -> list:
    """Each run's path at the `shown` steps (up to its last finite one) and one trace of labelled heads.

    Returns [(path steps, xy float32)] per run, what the frames slice.
    """
    ax, ay = surface.axis_labels
    per_run = []
    for traj in trajs:
        drawn = shown[shown <= last_step(traj)]
        xy = traj.xy[drawn].astype(np.float32)
        per_run.append((drawn, xy))
        fig.add_trace(go.Scatter(x=xy[:, 0], y=xy[:, 1], customdata=drawn.astype(np.int32), mode="lines+markers",
                                 name=traj.label, line=dict(color=_color(traj), width=2, dash=_dash(traj)),
                                 marker=dict(size=4, color=_color(traj)),
                                 hovertemplate=f"{traj.label}, step %{{customdata}}<br>({ax}, {ay}) = "
                                               "(%{x:.4g}, %{y:.4g})<extra></extra>"))
    heads = np.array([xy[-1] for _, xy in per_run], dtype=np.float32).reshape(-1, 2)
    colors = [_color(t) for t in trajs]
    fig.add_trace(go.Scatter(x=heads[:, 0], y=heads[:, 1], mode="markers+text", showlegend=False, hoverinfo="skip",
                             text=[t.label for t in trajs],                                  # names ride along
                             textposition=[LABEL_SPOTS[i % len(LABEL_SPOTS)] for i in range(len(trajs))],
                             textfont=dict(size=13, color=colors, weight="bold", shadow="0 0 3px white, 0 0 3px white"),
                             marker=dict(size=12, color=colors, line=dict(color="white", width=1.5))))
    return per_run


def _frames(per_run: list, frame_steps: np.ndarray, first: int) -> list:
    """Frame s: every path up to step s and the heads there; traces first.. are the paths, then the heads."""
    frames = []
    for s in frame_steps:
        data, heads = [], []
        for drawn, xy in per_run:
            upto = int(np.searchsorted(drawn, s, side="right"))   # the path's points with step <= s
            data.append(dict(x=xy[:upto, 0], y=xy[:upto, 1], type="scatter"))
            heads.append(xy[upto - 1])
        heads = np.array(heads, dtype=np.float32).reshape(-1, 2)
        data.append(dict(x=heads[:, 0], y=heads[:, 1], type="scatter"))
        frames.append(go.Frame(data=data, traces=list(range(first, first + len(data))), name=str(s), _validate=False))
    return frames


def _player(frame_steps: np.ndarray) -> dict:
    """Play/Pause buttons and, on a row of its own below them (so they never overlap on a narrow screen), a step
    slider under the plot; frames play in the browser, no rerun."""
    still = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate", "transition": {"duration": 0}}
    play = {"frame": {"duration": 70, "redraw": False}, "fromcurrent": False, "mode": "immediate",
            "transition": {"duration": 0}}
    return dict(
        updatemenus=[dict(type="buttons", direction="left", x=0.0, xanchor="left", y=-0.1, yanchor="top",
                          pad=dict(r=10, t=0), showactive=False,
                          buttons=[dict(label="▶ Play", method="animate", args=[None, play]),
                                   dict(label="❚❚ Pause", method="animate", args=[[None], still])])],
        sliders=[dict(active=len(frame_steps) - 1, x=0.0, len=1.0, y=-0.2, yanchor="top", pad=dict(t=0, b=0),
                      currentvalue=dict(prefix="step ", xanchor="right", font=dict(size=12)), font=dict(size=10),
                      steps=[dict(label=str(s), method="animate", args=[[str(s)], still]) for s in frame_steps])])


def paths_figure(surface, runs: dict, *, max_frames: int = MAX_FRAMES, max_points: int = MAX_POINTS,
                 picture=None) -> go.Figure:
    """The loss map with each run's path and head, animated by Play/slider frames; axes fixed to the bounds.

    runs: {label: Trajectory}, all from one race (same start and steps). Paths are float32 and subsampled so
    that all frames together hold about `max_points` points (every step at the default settings).
    """
    (x0, x1), (y0, y1) = surface.bounds
    ax, ay = surface.axis_labels
    fig = figure(f"Paths on the {surface.name} surface (press ▶ to replay)", f"{ax} (parameter, no unit)",
                  f"{ay} (parameter, no unit)", legend=False)
    add_map(fig, surface, picture)                # picture: the surface's map, when the caller cached it
    trajs = list(runs.values())
    if not trajs:
        return fig
    _add_landmarks(fig, surface, trajs[0].xy[0])
    steps = len(trajs[0].loss) - 1
    frame_steps = _frame_steps(steps, max_frames)
    points = max(60, max_points // max(1, len(trajs) * len(frame_steps) // 2))   # the JSON budget, per run
    first = len(fig.data)
    per_run = _add_paths(fig, surface, trajs, _path_steps(steps, frame_steps, points))
    _set_frames(fig, _frames(per_run, frame_steps, first))
    fig.update_layout(height=560, margin=dict(l=60, r=20, t=50, b=160), **_player(frame_steps))
    fig.update_xaxes(range=[x0, x1], constrain="domain", showgrid=False, zeroline=False)
    fig.update_yaxes(range=[y0, y1], scaleanchor="x", scaleratio=1, constrain="domain", constraintoward="bottom",
                     showgrid=False, zeroline=False)
    return fig


def loss_figure(surface, runs: dict, tol: float) -> go.Figure:
    """f - f* per step on a log axis (the saddle: f itself, linear); a cross where a run diverged."""
    saddle = surface.min_value is None
    y_title = "f(x, y) (no unit; can go below 0)" if saddle else "f − f* (no unit, log scale)"
    fig = figure("Loss per step", "step", y_title, height=420)
    steps = 0
    everything = [tol]
    for traj in runs.values():
        steps = len(traj.loss) - 1
        t = np.arange(steps + 1)
        y = finite(traj.loss) if saddle else positive(traj.loss - surface.min_value)
        everything += list(y[np.isfinite(y)])
        color = _color(traj)
        fig.add_trace(go.Scatter(x=t, y=y, mode="lines", name=traj.label,
                                 line=dict(color=color, width=2, dash=_dash(traj)),
                                 hovertemplate=f"{traj.label}, step %{{x}}: %{{y:.3g}}<extra></extra>"))
        if traj.diverged:
            last = last_step(traj)
            fig.add_trace(go.Scatter(x=[last], y=[y[last]], mode="markers", showlegend=False,
                                     marker=dict(symbol="x", size=12, color=color, line=dict(width=1)),
                                     hovertemplate=f"{traj.label} diverged at step {traj.diverged_step}"
                                                   "<extra></extra>"))
    fig.update_xaxes(range=[0, max(steps, 1)])
    if saddle:
        fig.update_yaxes(range=list(SADDLE_RANGE))
        fig.add_hline(y=-1.0, line=dict(color="gray", width=1, dash="dot"),
                      annotation_text="f = −1: escaped", annotation_position="bottom right")
    else:
        lo, hi = log_range(everything) or [-4, 1]
        lo = max(lo, LOSS_FLOOR)
        fig.update_yaxes(type="log", range=[lo, hi], dtick=1 if hi - lo <= 10 else 2, exponentformat="power")
        fig.add_hline(y=tol, line=dict(color="gray", width=1, dash="dot"))
        fig.add_annotation(x=1, xref="x domain", y=math.log10(tol), yref="y", text=f"tolerance {tol:g}",
                           showarrow=False, xanchor="right", yanchor="top", font=dict(color="gray"))
    return fig


def ema_figure(series, raw, corrected, beta: float) -> go.Figure:
    """A noisy series with its EMA, uncorrected (starts near 0) and bias-corrected (m_t / (1 - beta^t))."""
    t = np.arange(1, len(series) + 1)
    fig = figure(f"Exponential moving average, β = {beta:g} (averages about {1 / (1 - beta):.0f} steps)",
                 "step t", "value (no unit)", height=380)
    fig.add_trace(go.Scatter(x=t, y=finite(series), mode="markers", name="noisy gradient g_t",
                             marker=dict(size=5, color="rgba(120,120,120,0.55)")))
    fig.add_trace(go.Scatter(x=t, y=finite(raw), mode="lines", name="EMA m_t (starts at m₀ = 0)",
                             line=dict(color=PALETTE[3], width=2.5)))
    fig.add_trace(go.Scatter(x=t, y=finite(corrected), mode="lines", name="bias-corrected m_t / (1 − βᵗ)",
                             line=dict(color=PALETTE[0], width=2.5, dash="dash")))
    values = finite(np.concatenate([series, raw, corrected]))
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    pad = 0.05 * (hi - lo or 1.0)
    fig.update_yaxes(range=[min(lo, 0.0) - pad, hi + pad])
    fig.update_xaxes(range=[0, len(series) + 1])
    return fig
