"""Classification losses with their gradients, as torch.nn's: each returns (loss, dL/dinput).

    loss, dlogits = cross_entropy(logits, y)          # torch.nn.CrossEntropyLoss()
    loss, dpred = mse(pred, one_hot(y, k))            # torch.nn.MSELoss()

Both average (reduction="mean") and keep the input's dtype (float32 stays float32).
For a classifier trained with MSE the target is the one-hot code of the label: the network's
k outputs regress onto (0, ..., 1, ..., 0). `LOSSES` maps a name to (logits, y) -> (loss, dlogits).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

import numpy as np


def _logits(logits) -> np.ndarray:
    z = np.asarray(logits)
    if z.ndim != 2 or z.shape[1] < 1 or z.shape[0] < 1:
        raise ValueError(f"logits must have shape (batch, classes), got {z.shape}")
    return z if z.dtype.kind == "f" else z.astype(np.float64)


def _labels(y, batch: int, classes: int) -> np.ndarray:
    y = np.asarray(y)
    if y.shape != (batch,) or y.dtype.kind not in "iu":
        raise ValueError(f"y must be {batch} integer labels, got shape {y.shape} of {y.dtype}")
    if batch and (y.min() < 0 or y.max() >= classes):
        raise ValueError(f"labels must be in 0 .. {classes - 1}, got {y.min()} .. {y.max()}")
    return y


def log_softmax(z: np.ndarray) -> np.ndarray:
    """log p_j = z_j - m - log sum_i e^{z_i - m}, m = max_i z_i (never overflows)."""
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax(logits) -> np.ndarray:
    """p_j = e^{z_j - m} / sum_i e^{z_i - m}, m = max_i z_i; rows sum to 1."""
    return np.exp(log_softmax(_logits(logits)))


def one_hot(y, classes: int, dtype=np.float64) -> np.ndarray:
    """T[n, j] = 1 if y_n == j else 0: the MSE target of a classifier."""
    y = np.asarray(y)
    y = _labels(y, len(y) if y.ndim == 1 else -1, classes)
    target = np.zeros((y.shape[0], classes), dtype)
    target[np.arange(y.shape[0]), y] = 1
    return target


def cross_entropy(logits, y) -> tuple[float, np.ndarray]:
    """L = -(1/N) sum_n log p_{n, y_n},  dL/dz = (p - onehot(y)) / N  (torch.nn.CrossEntropyLoss()).

    logits: (N, k) raw scores z; y: (N,) ints in 0 .. k-1. p = softmax(z), from a stable log-softmax.
    """
    z = _logits(logits)
    n = z.shape[0]
    y = _labels(y, n, z.shape[1])
    log_p = log_softmax(z)
    rows = np.arange(n)
    loss = -log_p[rows, y].mean(dtype=np.float64)
    grad = np.exp(log_p)
    grad[rows, y] -= 1
    grad /= n
    return float(loss), grad


def mse(pred, target) -> tuple[float, np.ndarray]:
    """L = (1/(N k)) sum_{n,j} (pred_nj - target_nj)^2,  dL/dpred = 2 (pred - target) / (N k)  (torch.nn.MSELoss())."""
    pred = _logits(pred)
    target = np.asarray(target, dtype=pred.dtype)
    if target.shape != pred.shape:
        raise ValueError(f"target shape {target.shape} != pred shape {pred.shape}")
    diff = pred - target
    loss = np.mean(np.square(diff, dtype=np.float64))
    return float(loss), diff * pred.dtype.type(2.0 / diff.size)


def _mse_one_hot(logits, y):
    """mse(logits, one_hot(y)): the classifier's outputs regress onto the one-hot code of its label."""
    z = _logits(logits)
    return mse(z, one_hot(y, z.shape[1], z.dtype))


LOSSES: Mapping[str, Callable] = MappingProxyType({"cross_entropy": cross_entropy, "mse": _mse_one_hot})


def get(name: str) -> Callable:
    """The loss `name` as (logits, y) -> (loss, dlogits); ValueError names the valid ones."""
    if not isinstance(name, str) or name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; valid: {', '.join(LOSSES)}")
    return LOSSES[name]
