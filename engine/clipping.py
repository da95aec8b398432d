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
        return g * coef if np.issubdtype(g.dtype, np.floating) else g.astype(np.float64) * coef

    with np.errstate(invalid="ignore"):  # inf * 0 -> nan, as in torch
        if isinstance(grads, Mapping):
            return {key: scale(g) for key, g in grads.items()}
        return scale(grads)
