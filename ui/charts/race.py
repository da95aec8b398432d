"""Figures and the summary table for the optimizer race: paths over the loss contours (animated), loss per step, EMA.

Pure functions of engine results (surfaces.Surface, {label: Trajectory}); no Streamlit here.
"""
from __future__ import annotations

import base64
import math
import struct
import zlib

import numpy as np
import plotly.graph_objects as go

from ui.charts.common import PALETTE, figure, finite, log_range, positive

# One colour per optimizer on every chart, whatever is selected: sgd, momentum and adam (the defaults) far apart,
# PALETTE's yellow skipped (unreadable on white).
COLORS = dict(zip(("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"),
                  (PALETTE[0], PALETTE[1], PALETTE[5], PALETTE[4], PALETTE[3], PALETTE[2], PALETTE[7])))
GRID = 240                # pixels per side of the server-drawn loss map
LEVELS = 20               # colour bands of the map
HOVER_GRID = 30           # an invisible 30 x 30 grid of points tells the map's value on hover
LINE_COLOR = "#5a6478"    # iso-lines between bands
LABEL_SPOTS = ("top right", "bottom left", "top left", "bottom right")   # where each run's name sits by its head
EPS = 1e-3                # colour = log10(f - f* + EPS)
MAX_FRAMES = 60           # animation frames (steps are subsampled to fit)
MAX_POINTS = 28_000       # path points summed over all frames and runs (~14 bytes each in the JSON)
LOSS_FLOOR = -16          # log10 axis floor of the loss chart: below 1e-16 is float64 rounding
SADDLE_RANGE = (-10.0, 5.0)  # f axis on the saddle (f is unbounded below)
CONTOUR_SCALE = [[0.0, "#fffdf0"], [0.4, "#f0f3f7"], [0.75, "#d8e0ea"], [1.0, "#bcc8d6"]]


def _last(traj) -> int:
    """The last step with a finite position."""
    return traj.diverged_step - 1 if traj.diverged else len(traj.loss) - 1


def _color(traj) -> str:
    return COLORS.get(traj.optimizer, PALETTE[-1])


def loss_map(surface, n: int = GRID):
    """(x, y, z, colour title) on an n x n grid over the bounds, rows from the top (y descending).

    z = log10(f - f* + EPS); on the saddle (no minimum) z = f itself.
    """
    (x0, x1), (y0, y1) = surface.bounds
    x, y = np.linspace(x0, x1, n), np.linspace(y1, y0, n)
    f = finite(surface.f(x[None, :], y[:, None]))                 # (n_y, n_x)
    f = np.where(np.isfinite(f), f, np.max(f[np.isfinite(f)], initial=0.0))   # overflow: drawn as the top band
    if surface.min_value is None:
        return x, y, f, "f(x, y)"
    return x, y, np.log10(np.maximum(f - surface.min_value, 0.0) + EPS), "f − f* (log colour scale)"


def _rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


def _band_colors(levels: int) -> np.ndarray:
    """(levels, 3) RGB: CONTOUR_SCALE sampled at the middle of each band."""
    stops = np.array([s for s, _ in CONTOUR_SCALE])
    rgb = np.array([_rgb(c) for _, c in CONTOUR_SCALE])
    mid = (np.arange(levels) + 0.5) / levels
    return np.stack([np.interp(mid, stops, rgb[:, k]) for k in range(3)], axis=1)


def _png(rgb: np.ndarray) -> bytes:
    """A minimal RGB PNG (8 bit, no filter) of an (h, w, 3) uint8 array."""
    h, w, _ = rgb.shape
    raw = np.concatenate([np.zeros((h, 1), np.uint8), rgb.reshape(h, 3 * w)], axis=1).tobytes()

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def contour_image(z: np.ndarray, zmin: float, zmax: float, levels: int = LEVELS) -> str:
    """z (rows from the top) as filled contour bands with darker iso-lines between them: a PNG data URI."""
    band = np.clip(((z - zmin) / (zmax - zmin or 1.0) * levels).astype(int), 0, levels - 1)
    rgb = _band_colors(levels)[band]
    edge = np.zeros(band.shape, dtype=bool)                       # a pixel whose right/lower neighbour is in another band
    edge[:, :-1] |= band[:, :-1] != band[:, 1:]
    edge[:-1, :] |= band[:-1, :] != band[1:, :]
    rgb[edge] = 0.7 * rgb[edge] + 0.3 * _rgb(LINE_COLOR)
    return "data:image/png;base64," + base64.b64encode(_png(np.round(rgb).astype(np.uint8))).decode("ascii")


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


def _add_map(fig: go.Figure, surface) -> None:
    """The loss map as an image under the axes, its colour bar, and an invisible grid that reads it on hover.

    An image, not a contour trace: plotly.js erases contour and heatmap traces while it plays frames
    (plotly.js #4491). The 240x240 PNG is also smaller than a 120x120 z sent as numbers.
    """
    (x0, x1), (y0, y1) = surface.bounds
    ax, ay = surface.axis_labels
    x, y, z, ztitle = loss_map(surface)
    zmin, zmax = float(np.min(z)), float(np.max(z))
    fig.add_layout_image(source=contour_image(z, zmin, zmax), xref="x", yref="y", x=x0, y=y1, sizex=x1 - x0,
                         sizey=y1 - y0, sizing="stretch", layer="below")
    colorbar = dict(title=dict(text=ztitle, side="right"), thickness=12, len=0.8)
    if surface.min_value is not None:                           # log colours: a tick per decade
        ticks = list(range(math.ceil(zmin), math.floor(zmax) + 1))
        colorbar.update(tickvals=ticks, ticktext=[("1", "10")[k] if k in (0, 1) else f"10<sup>{k}</sup>" for k in ticks])
    bands = [f"rgb({r:.0f},{g:.0f},{b:.0f})" for r, g, b in _band_colors(LEVELS)]
    stepped = [[edge, color] for k, color in enumerate(bands) for edge in (k / LEVELS, (k + 1) / LEVELS)]
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="skip",   # colour bar only
                             marker=dict(color=[zmin], cmin=zmin, cmax=zmax, colorscale=stepped, showscale=True,
                                         colorbar=colorbar, opacity=0)))
    every = max(1, len(x) // HOVER_GRID)
    hx, hy = np.meshgrid(x[::every], y[::every])
    fig.add_trace(go.Scatter(x=hx.ravel().astype(np.float32), y=hy.ravel().astype(np.float32), mode="markers",
                             customdata=z[::every, ::every].ravel().astype(np.float32), showlegend=False,
                             marker=dict(size=10, opacity=0),
                             hovertemplate=f"{ax} %{{x:.3f}}<br>{ay} %{{y:.3f}}<br>{ztitle} = %{{customdata:.2f}}"
                                           "<extra></extra>"))


def _add_landmarks(fig: go.Figure, surface, start) -> None:
    """Stars on the global minima (a cross on the saddle point) and a ring on the start."""
    if surface.minima:
        mx, my = np.array(surface.minima, dtype=np.float64).T
        fig.add_trace(go.Scatter(x=mx, y=my, mode="markers", name="global minimum",
                                 marker=dict(symbol="star", size=16, color="white", line=dict(color="black", width=1.5)),
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
        drawn = shown[shown <= _last(traj)]
        xy = traj.xy[drawn].astype(np.float32)
        per_run.append((drawn, xy))
        fig.add_trace(go.Scatter(x=xy[:, 0], y=xy[:, 1], customdata=drawn.astype(np.int32), mode="lines+markers",
                                 name=traj.label, line=dict(color=_color(traj), width=2),
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
    """Play/Pause buttons and a step slider under the plot; frames play in the browser, no rerun."""
    still = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate", "transition": {"duration": 0}}
    play = {"frame": {"duration": 70, "redraw": False}, "fromcurrent": False, "mode": "immediate",
            "transition": {"duration": 0}}
    return dict(
        updatemenus=[dict(type="buttons", direction="left", x=0.0, xanchor="left", y=-0.13, yanchor="top",
                          pad=dict(r=10, t=0), showactive=False,
                          buttons=[dict(label="▶ Play", method="animate", args=[None, play]),
                                   dict(label="❚❚ Pause", method="animate", args=[[None], still])])],
        sliders=[dict(active=len(frame_steps) - 1, x=0.3, len=0.7, y=-0.13, yanchor="top", pad=dict(t=0, b=0),
                      currentvalue=dict(prefix="step ", xanchor="right", font=dict(size=12)), font=dict(size=10),
                      steps=[dict(label=str(s), method="animate", args=[[str(s)], still]) for s in frame_steps])])


def paths_figure(surface, runs: dict, *, max_frames: int = MAX_FRAMES, max_points: int = MAX_POINTS) -> go.Figure:
    """The loss map with each run's path and head, animated by Play/slider frames; axes fixed to the bounds.

    runs: {label: Trajectory}, all from one race (same start and steps). Paths are float32 and subsampled so
    that all frames together hold about `max_points` points (every step at the default settings).
    """
    (x0, x1), (y0, y1) = surface.bounds
    ax, ay = surface.axis_labels
    fig = figure(f"Paths on the {surface.name} surface (press ▶ to replay)", f"{ax} (parameter, no unit)",
                  f"{ay} (parameter, no unit)", legend=False)
    _add_map(fig, surface)
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
    fig.update_layout(height=560, margin=dict(l=60, r=20, t=50, b=125), **_player(frame_steps))
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
        fig.add_trace(go.Scatter(x=t, y=y, mode="lines", name=traj.label, line=dict(color=color, width=2),
                                 hovertemplate=f"{traj.label}, step %{{x}}: %{{y:.3g}}<extra></extra>"))
        if traj.diverged:
            last = _last(traj)
            fig.add_trace(go.Scatter(x=[last], y=[y[last]], mode="markers", showlegend=False,
                                     marker=dict(symbol="x", size=12, color=color, line=dict(width=1)),
                                     hovertemplate=f"{traj.label} diverged at step {traj.diverged_step}<extra></extra>"))
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


def goal(surface, tol: float):
    """(sentence, test on the loss array): what 'reached' means on this surface."""
    if surface.min_value is None:
        return "f < −1 (escaped the saddle)", lambda loss: loss < -1.0
    return f"f − f* < {tol:g}", lambda loss: loss - surface.min_value < tol


def summary(surface, runs: dict, tol: float) -> list[dict]:
    """One row per run: final loss, distance to the nearest minimum (or the saddle point), first step reaching the goal."""
    saddle = surface.min_value is None
    targets = np.array(surface.minima or [(0.0, 0.0)], dtype=np.float64)
    reached_text, reached = goal(surface, tol)
    rows = []
    for traj in runs.values():
        with np.errstate(invalid="ignore"):
            hits = np.flatnonzero(reached(traj.loss))
        end = traj.xy[-1]
        row = {"optimizer": traj.label, "learning rate": traj.hyper["lr"], "final f": float(traj.loss[-1])}
        if not saddle:
            row["final f − f*"] = max(float(traj.loss[-1]) - surface.min_value, 0.0) if not traj.diverged else math.nan
        distance = "distance to the saddle point" if saddle else "distance to the nearest minimum"
        row[distance] = float(np.min(np.hypot(*(end - targets).T))) if not traj.diverged else math.nan
        row[f"first step with {reached_text}"] = int(hits[0]) if hits.size else None
        row["status"] = (f"diverged at step {traj.diverged_step}" if traj.diverged
                         else "reached" if hits.size else "not reached")
        rows.append(row)
    return rows


def verdict(rows: list[dict], reached_text: str, steps: int) -> str:
    """One sentence on the race from summary() rows: who reached the goal first, who did not, who diverged."""
    column = f"first step with {reached_text}"
    done = sorted((r[column], r["optimizer"]) for r in rows if r[column] is not None)
    parts = []
    if done:
        parts.append(f"First to {reached_text}: " + ", then ".join(f"**{n}** (step {t})" for t, n in done) + ".")
    short = [r["optimizer"] for r in rows if r[column] is None and not r["status"].startswith("diverged")]
    if short:
        parts.append(f"Not there after {steps} steps: {', '.join(short)}.")
    blown = [r["optimizer"] for r in rows if r["status"].startswith("diverged")]
    if blown:
        parts.append(f"Diverged: {', '.join(blown)}.")
    return " ".join(parts)


def notes(surface, runs: dict) -> list[str]:
    """Sentences about runs that diverged or left the plotted window (nothing garbage is drawn)."""
    (x0, x1), (y0, y1) = surface.bounds
    out = []
    for traj in runs.values():
        last = _last(traj)
        if traj.diverged and surface.min_value is None:
            out.append(f"**{traj.label}** ran off to infinity at step {traj.diverged_step}: f = x² − y² has no "
                       f"minimum, so following the gradient sends y → ±∞. Its lines stop at step {last}.")
        elif traj.diverged:
            out.append(f"**{traj.label}** diverged at step {traj.diverged_step}: its position left |x|, |y| ≤ 10⁶ "
                       f"or its loss overflowed. Its lines stop at step {last}; try a smaller learning rate "
                       "or clip the gradient.")
        else:
            px, py = traj.xy[last]
            if not (x0 <= px <= x1 and y0 <= py <= y1):
                how = "escaped the saddle and " if surface.min_value is None else ""
                out.append(f"**{traj.label}** {how}ends outside the plotted window, at ({px:.3g}, {py:.3g}).")
    return out


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
