"""How wide the theory lesson's measured nets may be, so a slider move redraws in time.

The page measures six nets of the chosen depth: the Jacobian of a Gaussian and of an orthogonal one (L products
of n x n matrices and an SVD each), two inputs' correlation (one net, the chosen weights), and the residual stream
(three nets with Gaussian weights: plain, residual, residual + BN). Their cost grows as n^3 and the mean-field
theory does not depend on n, so the width is what gives way; the depth is the lesson. Float64 matrix products on
one BLAS thread run at about 10 GFLOP/s on the 2-core CI machine (bench/theory_bench.py: a 256-wide, 50-layer
Gaussian Jacobian in 0.2 s).
"""
from __future__ import annotations

from lessons.network.budget import init_seconds

SECONDS = 1.5              # engine time for the measured nets at the default (50 layers, 256 wide) fits with room
FLOP_SECONDS = 1e-10       # seconds per float64 flop on one thread (10 GFLOP/s)
SVD_FLOPS = 10             # n^3 times this: singular values of an n x n matrix
CORRELATION_ROWS = 64      # engine.theory_network.PAIRS pairs of inputs
STREAM_BATCH = 128         # inputs for the residual stream: Var over 128 n entries is good to about 1%
STREAMS = 3                # plain, residual, residual + BN
WIDTH_STEP = 8             # the width slider's step


def weights_init(weights: str) -> str:
    """The initializer that draws these weights (its cost: orthogonal needs a QR per layer)."""
    return "orthogonal" if weights == "orthogonal" else "normal"


def seconds(depth: int, width: int, weights: str) -> float:
    """Estimated engine time of every measured net of this depth and width (the chosen weights for the correlation)."""
    draws = (1 + STREAMS) * init_seconds(depth, width, "normal") + init_seconds(depth, width, "orthogonal") \
        + init_seconds(depth, width, weights_init(weights))
    products = 2 * depth * 2 * width**3 + depth * 2 * width**2 * (CORRELATION_ROWS + STREAMS * STREAM_BATCH)
    return draws + (products + 2 * SVD_FLOPS * width**3) * FLOP_SECONDS


def measured_width(depth: int, width: int, weights: str) -> int:
    """The widest net (a multiple of WIDTH_STEP, at most `width`) whose measurements fit SECONDS."""
    fits = width
    while fits > WIDTH_STEP and seconds(depth, fits, weights) > SECONDS:
        fits -= WIDTH_STEP
    return fits
