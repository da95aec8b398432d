"""The exponential moving average (EMA) behind momentum and Adam, and a noisy series to smooth.

    m = ema(g, beta=0.9)                          # m_t = beta m_{t-1} + (1 - beta) g_t, m_0 = 0
    m_hat = ema(g, beta=0.9, bias_correction=True)  # m_t / (1 - beta^t): Adam's correction

Adam keeps m_t (beta1) and v_t (beta2, of g^2) as EMAs; the lecture's momentum keeps v_t = EMA of g.
"""
from __future__ import annotations

import math
import numbers

import numpy as np


def ema(series, beta: float, bias_correction: bool = False) -> np.ndarray:
    """m_t = beta * m_{t-1} + (1 - beta) * x_t for t = 1..T, with m_0 = 0; returns (m_1, ..., m_T).

    Unrolled, m_t = (1 - beta) * sum_{k=1..t} beta^(t-k) x_k: the weights sum to 1 - beta^t, not 1,
    so the early m_t are pulled towards the start value 0. bias_correction=True returns
    m_t / (1 - beta^t) (Adam's m_hat), a true weighted average: a constant series gives the
    constant from t = 1. beta must be in [0, 1). Float64 out; NaN/inf in the series propagate.
    """
    if isinstance(beta, (bool, np.bool_)) or not isinstance(beta, numbers.Real) or not 0.0 <= beta < 1.0:
        raise ValueError(f"beta must be a real number in [0, 1), got {beta!r}")
    x = np.asarray(series, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"series must be 1-D, got shape {x.shape}")
    beta = float(beta)
    out = np.empty_like(x)
    m = 0.0
    for t, x_t in enumerate(x):
        m = beta * m + (1.0 - beta) * x_t
        out[t] = m
    if bias_correction and x.size:
        t = np.arange(1, x.size + 1)
        out = out / -np.expm1(t * math.log(beta)) if beta > 0 else out  # 1 - beta^t, accurate near beta = 1
    return out


def noisy_series(n: int = 120, seed: int = 0, *, level: float = 2.0, noise: float = 1.0) -> np.ndarray:
    """A gradient-like signal to smooth: level + a slow sine (amplitude level/2, period n/2) + noise * N(0, 1).

    Its mean is far from 0, so an EMA started at m_0 = 0 visibly lags at the start.
    """
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    t = np.arange(1, n + 1)
    signal = level + 0.5 * level * np.sin(4 * np.pi * t / n)
    return signal + noise * np.random.default_rng(seed).standard_normal(n)
