"""The gradients lesson's cached engine calls: the current network and each overlay (one shared probe each), and
what clipping does to this network's per-layer weight gradients."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import clipping
from lessons.gradients.settings import Settings
from lessons.network import probe


def run(s: Settings):
    """The current network's ProbeResult (cached in lessons.network.probe.run)."""
    return probe.run(s.probe)


def overlays(s: Settings) -> dict:
    """{label: layer stats} of the current run (first) and every overlay, for the gradient-norm charts."""
    runs = {f"{s.probe.net.label} (current)": run(s).stats}
    runs.update({label: probe.run(other).stats for label, other in s.overlays()})
    return runs


@dataclass(frozen=True)
class Clipped:
    """Per-layer ||dL/dW_l|| before and after clipping to max_norm, globally and layer by layer."""
    max_norm: float
    before: np.ndarray
    global_clip: np.ndarray
    per_layer: np.ndarray
    cos_global: float         # cosine of the whole clipped gradient with the unclipped one
    cos_per_layer: float


def clipped(stats, max_norm: float) -> Clipped:
    """Clip this network's weight gradients as torch.nn.utils.clip_grad_norm_ (one global norm) and layer by layer.

    Both clips scale each layer's gradient by one number, so a layer is represented exactly by its norm: the
    engine's clip_grad_norm and cosine run on {layer: [||dL/dW_l||]} and give the same numbers as on the arrays.
    """
    norms = {row["layer"]: np.array([row["grad_W_norm"]]) for row in stats}
    glob, each = clipping.clip_grad_norm(norms, max_norm), clipping.clip_per_array(norms, max_norm)
    flat = lambda d: np.array([float(v[0]) for v in d.values()])  # noqa: E731
    return Clipped(max_norm, flat(norms), flat(glob), flat(each), clipping.cosine(norms, glob),
                   clipping.cosine(norms, each))
