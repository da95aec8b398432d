"""Gradient clipping by the global norm, as torch.nn.utils.clip_grad_norm_ (one norm over every array)."""
from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

import numpy as np


def _arrays(grads):
    return list(grads.values()) if isinstance(grads, Mapping) else [grads]


def grad_norm(grads) -> float:
    """Total L2 norm over all arrays: sqrt(sum_i ||g_i||^2) (computed in float64)."""
    with np.errstate(over="ignore", invalid="ignore"):
        norms = [float(np.linalg.norm(np.ravel(np.asarray(g, dtype=np.float64)))) for g in _arrays(grads)]
    return math.hypot(*norms)


def clip_grad_norm(grads, max_norm: float):
    """g <- g * min(1, max_norm / (||g|| + 1e-6)), ||g|| the total norm over all arrays (torch's clip_grad_norm_).

    Returns new arrays (ndarray or dict, as given); the inputs are not mutated.
    """
    if isinstance(max_norm, (bool, np.bool_)) or not isinstance(max_norm, numbers.Real) \
            or not (math.isfinite(max_norm) and max_norm >= 0):
        raise ValueError(f"max_norm must be finite and >= 0, got {max_norm!r}")
    coef = min(max_norm / (grad_norm(grads) + 1e-6), 1.0)

    def scale(g):
        g = np.asarray(g)
        return g * coef if g.dtype.kind == "f" else g.astype(np.float64) * coef

    with np.errstate(invalid="ignore"):  # inf * 0 -> nan, as in torch
        if isinstance(grads, Mapping):
            return {key: scale(g) for key, g in grads.items()}
        return scale(grads)


def clip_per_array(grads, max_norm: float):
    """Each array clipped on its own: g_i <- g_i * min(1, max_norm / (||g_i|| + 1e-6)) (Keras' clipnorm per
    variable). Unlike the global clip it changes the arrays' relative sizes, so the update's direction."""
    if isinstance(grads, Mapping):
        return {key: clip_grad_norm(g, max_norm) for key, g in grads.items()}
    return clip_grad_norm(grads, max_norm)


def cosine(a, b) -> float:
    """<a, b> / (||a|| ||b||) over all arrays (same keys or one array each): 1 when b is a positive multiple of a."""
    a_arrays, b_arrays = _arrays(a), _arrays(b)
    dot = sum(float(np.vdot(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)))
              for x, y in zip(a_arrays, b_arrays))
    norms = grad_norm(a) * grad_norm(b)
    return dot / norms if norms > 0 else math.nan
