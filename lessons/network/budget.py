"""How much work a network lesson may ask of the engine per rerun, so every allowed setting redraws in time.

The cost model is a conservative fit of engine.probe timings on the 2-core CI machine with one BLAS thread
per request (the server runs with OPENBLAS_NUM_THREADS=1, so two users compute at once without thrashing).
Orthogonal init adds a QR per layer: about 3e-10 n^3 s (measured: n = 512 in 0.03 s, 1024 in 0.17 s).
"""
from __future__ import annotations

SECONDS = 0.8               # engine time one rerun may spend; charts and transport come on top
WEIGHT_BUDGET = 4e7         # depth x width^2 weights in one network: sampling them takes about 0.5 s
MIN_BATCH = 16
QR_SECONDS = 3e-10          # per n^3 of one orthogonal layer's QR
INIT_SECONDS = 0.5          # drawing the weights may take this much of SECONDS
QR_INITS = ("orthogonal", "lsuv")


def init_seconds(depth: int, width: int, init: str) -> float:
    """Drawing the weights: about 12 ns a weight, plus a QR per layer for orthogonal starts."""
    return depth * width * width * 1.2e-8 + (depth * width**3 * QR_SECONDS if init in QR_INITS else 0.0)


def cost_seconds(depth: int, width: int, batch: int, init: str = "xavier_normal") -> float:
    """Estimated seconds of engine.probe: init + 3 matmuls per layer + elementwise work + per-layer overhead."""
    weights = depth * width * width
    return init_seconds(depth, width, init) + weights * batch * 0.8e-10 + depth * width * batch * 1e-8 \
        + depth * 1.5e-3


def cap_depth(depth: int, width: int, init: str = "xavier_normal") -> int:
    """The deepest network of this width whose weights fit WEIGHT_BUDGET and draw within INIT_SECONDS (>= 1)."""
    fits = min(depth, int(WEIGHT_BUDGET // (width * width)))
    while fits > 1 and init_seconds(fits, width, init) > INIT_SECONDS:
        fits -= 1
    return max(1, fits)


def cap_batch(depth: int, width: int, batch: int, runs: int = 1, init: str = "xavier_normal") -> int:
    """The largest batch (a multiple of 16, at least 16) with runs * cost_seconds within SECONDS."""
    if runs * cost_seconds(depth, width, batch, init) <= SECONDS:
        return batch
    fits = batch
    while fits > MIN_BATCH and runs * cost_seconds(depth, width, fits, init) > SECONDS:
        fits -= MIN_BATCH
    return max(MIN_BATCH, fits)


def max_runs(depth: int, width: int, init: str = "xavier_normal") -> int:
    """How many networks of this size fit SECONDS at the smallest batch (at least 1)."""
    return max(1, int(SECONDS // cost_seconds(depth, width, MIN_BATCH, init)))
