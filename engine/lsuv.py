"""LSUV, layer-sequential unit-variance initialization (Mishkin & Matas 2016): the data-dependent part.

The weights start orthonormal (the "lsuv" initializer samples engine.samplers.orthogonal). Then, on one fixed
batch, layer by layer from the first:

    repeat: h_l = a_{l-1} W_l + b_l;  if |Var(h_l) - 1| < tol: stop;  W_l <- W_l / sqrt(Var(h_l))
    (at most MAX_PASSES rescalings), then a_l = phi(BN_l(h_l)) (+ a_{l-1} on a skip) feeds layer l + 1.

Var is over every entry of h_l, the layer's output before batch norm and the activation. Without a bias one
pass makes it exactly 1 on the batch; a bias (or a zero-variance layer, which cannot be rescaled) may need
more or stop early. The batch is x ~ N(0, I) of BATCH rows from np.random.default_rng((seed, 1)): the
config's seed, in a stream apart from the one that drew the weights (the same stream would hand LSUV the
very Gaussian matrix whose QR made W_1).
"""
from __future__ import annotations

import numpy as np

TOL = 0.1            # Mishkin & Matas' Tol_var
MAX_PASSES = 10      # their T_max
BATCH = 256          # rows: Var(h) pools BATCH * width entries, within ~3% of the population for width >= 8
STREAM = 1           # default_rng((seed, STREAM)): a stream apart from the weights'


def unit_variance_passes(h_unscaled: np.ndarray, b: np.ndarray, tol: float = TOL,
                         max_passes: int = MAX_PASSES) -> tuple[float, int, float]:
    """(scale, passes, Var(h)) for h = scale * h_unscaled + b: rescale by 1/std until |Var(h) - 1| < tol."""
    scale, passes = 1.0, 0
    with np.errstate(all="ignore"):
        var = float(np.var(h_unscaled + b, dtype=np.float64))
        while abs(var - 1) >= tol and passes < max_passes and 0 < var < np.inf:
            scale /= np.sqrt(var)
            passes += 1
            var = float(np.var(scale * h_unscaled + b, dtype=np.float64))
    return scale, passes, var


def _batch_norm(bn, h: np.ndarray) -> np.ndarray:
    """BN_l(h) with batch statistics, leaving the running statistics as they were at init."""
    saved = bn.running_mean, bn.running_var
    z = bn.forward(h, training=True)
    bn.running_mean, bn.running_var = saved
    return z


def apply(net, tol: float = TOL, max_passes: int = MAX_PASSES, batch: int = BATCH) -> tuple[int, ...]:
    """Rescale net.weights in place, layer by layer; returns the passes each layer took."""
    rng = np.random.default_rng((net.config.seed, STREAM))
    a = rng.standard_normal((batch, net.config.widths[0])).astype(net.dtype)
    passes = []
    for l, (W, b, phi) in enumerate(zip(net.weights, net.biases, net.phis)):
        with np.errstate(all="ignore"):
            hw = a @ W
            scale, n, _ = unit_variance_passes(hw, b, tol, max_passes)
            W *= net.dtype.type(scale)
            h = hw * net.dtype.type(scale) + b
            z = _batch_norm(net.bns[l], h) if net.bns else h
            f = phi.forward(z)
            a = f + a if net.skips[l] else f
        passes.append(n)
    return tuple(passes)
