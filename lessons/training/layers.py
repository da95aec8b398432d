"""Per-layer heatmaps over training (layer x step): ||dL/dW||, the update:weight ratio with its usual 1e-3 guide,
activation std, and the saturated (tanh, sigmoid) or dead (ReLU-like) share. One heatmap per run, side by side on
one colour range. Runs longer than MAX_COLUMNS steps are binned: each column the median of its steps."""
from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go

from lessons.training.figures import axis
from ui.theme import figure

MAX_COLUMNS = 300         # steps drawn per heatmap (a column per bin of steps beyond this)
RATIO_GUIDE = 1e-3        # the rule of thumb: each step changes a layer's weights by about a thousandth
RATIO_RANGE = (-6.0, 0.0)  # log10 of the ratio shown: 1e-6 (frozen) .. 1 (the step is as large as the weights)


class Quantity(NamedTuple):
    title: str
    field: str                # History field: (steps, L) per step, or (records, L) per record
    colour: str               # colour bar title
    log: bool                 # colour = log10 of the value
    colorscale: str


QUANTITIES = {
    "grad": Quantity("‖∂L/∂W‖ per layer", "grad_norm", "log₁₀ ‖∂L/∂W‖", True, "Viridis"),
    "ratio": Quantity("Update : weight ratio ‖ΔW‖/‖W‖", "update_ratio", "log₁₀ ratio", True, "RdBu_r"),
    "std": Quantity("Activation std per layer", "act_std", "log₁₀ std(a)", True, "Cividis"),
    "saturated": Quantity("Saturated units (|a| within 1% of a bound)", "saturated", "share (%)", False, "Oranges"),
    "dead": Quantity("Dead units (a = 0 on every training point)", "dead", "share (%)", False, "Purples"),
    "distinct": Quantity("Distinct units per layer (1: all copies of one)", "distinct_units", "units", False,
                         "Blues"),
}


def binned(values: np.ndarray, most: int = MAX_COLUMNS) -> tuple[np.ndarray, np.ndarray]:
    """(first row of each bin, the bins' medians over rows) of a (rows, L) array; rows as they are when few."""
    rows = len(values)
    if rows <= most:
        return np.arange(rows), values
    edges = np.linspace(0, rows, most + 1).round().astype(np.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)      # an all-NaN bin (after a divergence): its median is NaN
        return edges[:-1], np.stack([np.nanmedian(values[a:b], axis=0) for a, b in zip(edges[:-1], edges[1:])])


def colour_values(history, q: Quantity, epochs: bool):
    """(x, layers, z) of one run: z per layer and step (or record), log10 or percent, NaN where not finite."""
    per_step, per_record, _ = axis(history, epochs)
    values = getattr(history, q.field)
    rows, z = binned(values) if len(values) == len(per_step) else (np.arange(len(values)), values)
    x = per_step[rows] if len(values) == len(per_step) else per_record
    with np.errstate(all="ignore"):
        z = np.log10(np.where(z > 0, z, np.nan)) if q.log else z * (100 if q.colour.startswith("share") else 1)
    return x, np.arange(1, z.shape[1] + 1), np.where(np.isfinite(z), z, np.nan).T.astype(np.float32)


SHARED_DECADES = 8         # runs whose log ranges together span more than this get a colour range each (a run
#                            blowing up to 1e20 would otherwise paint the other run's heatmap one colour)


def _log_range(z) -> tuple[float, float]:
    finite = z[np.isfinite(z)]
    if not finite.size:
        return -1.0, 1.0
    lo, hi = float(np.floor(finite.min())), float(np.ceil(finite.max()))
    return (lo, hi) if hi > lo else (lo - 1, hi + 1)


def colour_range(zs, q: Quantity) -> tuple[float, float]:
    if q.field == "update_ratio":
        return RATIO_RANGE
    if q.field == "distinct_units":
        return 0.0, float(max(np.nanmax(z) for z in zs))
    if not q.log:
        return 0.0, 100.0
    ranges = [_log_range(z) for z in zs]
    return min(lo for lo, _ in ranges), max(hi for _, hi in ranges)


def colour_ranges(zs, q: Quantity) -> tuple[list[tuple[float, float]], bool]:
    """(a colour range per run, whether they share one): shared unless together they span SHARED_DECADES."""
    shared = colour_range(zs, q)
    if not q.log or q.field == "update_ratio" or shared[1] - shared[0] <= SHARED_DECADES or len(zs) == 1:
        return [shared] * len(zs), True
    return [_log_range(z) for z in zs], False


def heatmaps(histories, labels, key: str, epochs: bool = False) -> tuple[go.Figure, ...]:
    """One heatmap per run of QUANTITIES[key], on one colour range; layer 1 (nearest the input) on top."""
    q = QUANTITIES[key]
    data = [colour_values(h, q, epochs) for h in histories]
    ranges, shared = colour_ranges([z for _, _, z in data], q)
    figs = []
    for (x, layers, z), label, (zmin, zmax) in zip(data, labels, ranges):
        L = len(layers)
        fig = figure(f"{label}: {q.title}", axis(histories[0], epochs)[2], "layer",
                     height=max(260, min(480, 150 + 14 * L)), legend=False)
        colorbar = dict(title=dict(text=q.colour + ("" if shared else " (its own range)"), side="right"),
                        thickness=12)
        if q.field == "update_ratio":
            colorbar.update(tickvals=list(range(-6, 1)), ticktext=["10⁻⁶", "10⁻⁵", "10⁻⁴", "10⁻³ guide", "10⁻²", "10⁻¹",
                                                                       "1"])
        fig.add_trace(go.Heatmap(x=x.astype(np.float32), y=layers, z=z, zmin=zmin, zmax=zmax, colorscale=q.colorscale,
                                 zmid=np.log10(RATIO_GUIDE) if q.field == "update_ratio" else None,
                                 colorbar=colorbar, hoverongaps=False,
                                 hovertemplate="layer %{y}, %{x:.4g}: %{z:.3g}<extra></extra>"))
        fig.update_yaxes(range=[L + 0.5, 0.5], tickvals=layers if L <= 12 else None)
        figs.append(fig)
    return tuple(figs)
