"""How much work a page may ask of the engine per rerun, so every allowed setting redraws in well under 2 s.

The cost model is a conservative fit of engine.probe timings on the 2-core CI machine with one BLAS thread
per request (the server runs with OPENBLAS_NUM_THREADS=1, so two users compute at once without thrashing).
"""
from __future__ import annotations

SECONDS = 0.8               # engine time one rerun may spend; charts and transport come on top
WEIGHT_BUDGET = 4e7         # depth x width^2 weights in one network: sampling them takes about 0.5 s
MIN_BATCH = 16


def cost_seconds(depth: int, width: int, batch: int) -> float:
    """Estimated seconds of engine.probe: init + 3 matmuls per layer + elementwise work + per-layer overhead."""
    weights = depth * width * width
    return weights * 1.2e-8 + weights * batch * 0.8e-10 + depth * width * batch * 1e-8 + depth * 1.5e-3


def cap_depth(depth: int, width: int) -> int:
    """The deepest network of this width whose weights fit WEIGHT_BUDGET (at least 1)."""
    return max(1, min(depth, int(WEIGHT_BUDGET // (width * width))))


def cap_batch(depth: int, width: int, batch: int, runs: int = 1) -> int:
    """The largest batch (a multiple of 16, at least 16) with runs * cost_seconds within SECONDS."""
    if runs * cost_seconds(depth, width, batch) <= SECONDS:
        return batch
    fits = batch
    while fits > MIN_BATCH and runs * cost_seconds(depth, width, fits) > SECONDS:
        fits -= MIN_BATCH
    return max(MIN_BATCH, fits)


def max_runs(depth: int, width: int) -> int:
    """How many networks of this size fit SECONDS at the smallest batch (at least 1)."""
    return max(1, int(SECONDS // cost_seconds(depth, width, MIN_BATCH)))
