"""Raw draws behind the initializers: each takes an explicit rng and fills a checked shape in the asked dtype."""
from __future__ import annotations

import math

import numpy as np

# std of N(0, 1) truncated to [-2, 2]; dividing by it restores the asked variance (Keras).
TRUNCATED_STD = 0.87962566103423978


def normal(rng: np.random.Generator, shape, std: float, dtype=np.float64) -> np.ndarray:
    """N(0, std^2), drawn directly in dtype (float32 draws are twice as fast and never upcast)."""
    w = rng.standard_normal(shape, dtype=dtype)
    w *= std
    return w


def uniform(rng: np.random.Generator, shape, limit: float, dtype=np.float64) -> np.ndarray:
    """U(-limit, limit), drawn directly in dtype: 2 limit r - limit with r in [0, 1)."""
    w = rng.random(shape, dtype=dtype)
    w *= 2 * limit
    w -= limit
    return w


def truncated_normal(rng: np.random.Generator, shape, std: float, dtype=np.float64) -> np.ndarray:
    """N(0, std^2) cut at +-2 std by redrawing the samples that fall outside."""
    w = rng.standard_normal(shape, dtype=dtype)
    outside = np.abs(w) > 2.0
    while outside.any():
        w[outside] = rng.standard_normal(int(outside.sum()), dtype=dtype)
        outside = np.abs(w) > 2.0
    w *= std
    return w


def orthogonal(shape, rng, *, gain: float = 1.0, dtype=np.float64) -> np.ndarray:
    """W = gain * Q, Q from the QR of a Gaussian with columns sign-fixed by diag(R) (PyTorch's orthogonal_)."""
    rows, cols = shape[0], math.prod(shape[1:])
    a = rng.standard_normal((rows, cols))
    if rows < cols:
        a = a.T                                          # QR needs a tall matrix: (cols, rows)
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.diag(r))                          # unique Q: make diag(R) positive
    if rows < cols:
        q = q.T                                          # back to (rows, cols)
    return (gain * q).reshape(shape).astype(dtype, copy=False)
