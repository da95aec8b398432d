"""Measurement of a network's values: norms, moments, saturated and dead shares, distinct units, one row per layer.

The model (engine.mlp) computes; this module measures what it computed. Every function reads arrays and
never changes them, except `flush_subnormals`, which the forward pass calls on its own fresh outputs.
"""
from __future__ import annotations

import math
from itertools import takewhile

import numpy as np

SUBNORMAL_STRIDE = 61         # flush_subnormals looks at 1 entry in 61 (odd, so it walks across columns)
SATURATION_MARGIN = 0.01      # |a| within 1% of a tanh/sigmoid bound counts as saturated (slope < 0.02)
TIE_TOL = 1e-12               # units whose incoming weights differ by less than this are the same unit


def flush_subnormals(x: np.ndarray) -> np.ndarray:
    """Set |x| < the smallest normal float to 0, in place, as GPUs do (flush-to-zero).

    Vanishing signals end in subnormal numbers, which CPUs multiply 10-30x more slowly; they carry
    almost no precision, and 0 is what the pages report ("vanished to exactly zero at layer k").
    A strided sample decides whether to sweep: a few stray subnormals cost nothing, many are caught.
    """
    tiny = np.finfo(x.dtype).tiny
    sample = np.abs(x.ravel()[::SUBNORMAL_STRIDE])
    if ((sample > 0) & (sample < tiny)).any():             # exact zeros (ReLU) are not subnormal
        x[np.abs(x) < tiny] = 0
    return x


def moments(x: np.ndarray) -> tuple[float, float]:
    """Mean and std accumulated in float64 (squares of large float32 values do not overflow); NaN if non-finite.

    One pass: Var = E[x^2] - mean^2 (a float64 dot, 5x faster than np.std), except where the mean dwarfs the
    spread (Var below 1e-8 mean^2: cancellation would cost digits), which is computed in two passes.
    """
    return _look(x)[:2]


def _look(x: np.ndarray) -> tuple[float, float, bool, bool]:
    """(mean, std, every entry finite, every entry 0) of x from Σx and Σx², both in float64 (see moments).

    Σx² is finite exactly when every entry is (a NaN or inf makes it so), unless finite squares overflow float64
    (entries above 1e154: then the entries are looked at); Σx² = 0 when every entry is 0 (confirmed: squares
    below 1e-308 underflow to 0). One float64 copy and two passes instead of one pass per question.
    """
    with np.errstate(all="ignore"):
        y = np.asarray(x, dtype=np.float64).ravel()
        if y.size == 0:
            return math.nan, math.nan, True, True
        total, squares = float(y.sum()), float(y @ y)
        mean = total / y.size
        var = squares / y.size - mean * mean
        std = float(y.std()) if not math.isfinite(var) or var < 1e-8 * mean * mean else math.sqrt(var)
    return mean, std, _finite(squares, y), squares == 0 and not np.any(y)


def _finite(total: float, x: np.ndarray) -> bool:
    """Whether every entry of x is finite, given a sum of its squares (or its norm): yes when that is finite;
    else looked at, since finite entries can overflow the sum."""
    return math.isfinite(total) or bool(np.isfinite(x).all())


def norm(x: np.ndarray) -> float:
    """||x||_2 (inf if any entry is non-finite); recomputed scaled in float64 if the float32 sum overflows."""
    with np.errstate(all="ignore"):
        value = float(np.linalg.norm(np.ravel(x)))
        if math.isfinite(value):
            return value
        if not np.isfinite(x).all():
            return math.inf
        x64 = np.asarray(x, dtype=np.float64)
        scale = float(np.abs(x64).max())
        return scale * float(np.sqrt(np.sum((x64 / scale) ** 2)))


def rms(v) -> float:
    """sqrt(E[v^2]) without overflow: ||v|| / sqrt(n)."""
    return norm(np.asarray(v)) / math.sqrt(max(1, np.size(v)))


def mean_square(v) -> float:
    """E[v^2], accumulated in float64 (a dot product: twice as fast as squaring first)."""
    y = np.asarray(v, dtype=np.float64).ravel()
    with np.errstate(all="ignore"):
        return float(y @ y) / y.size if y.size else math.nan


def saturated_fraction(a: np.ndarray, phi) -> float:
    """Share of a within 1% of the range's ends (sigmoid, tanh); NaN when phi does not saturate."""
    if phi.bounds is None:
        return math.nan
    lo, hi = phi.bounds
    margin = SATURATION_MARGIN * max(abs(lo), abs(hi))
    with np.errstate(invalid="ignore"):
        return _share((a <= lo + margin) | (a >= hi - margin))


def saturation_zone(phi) -> tuple[float, float] | None:
    """(z_lo, z_hi): phi(z) is within the saturation margin of its lower bound for z <= z_lo and of its upper
    bound for z >= z_hi (saturated_fraction's definition, as z values); None when phi does not saturate."""
    if phi.bounds is None:
        return None
    lo, hi = phi.bounds
    margin = SATURATION_MARGIN * max(abs(lo), abs(hi))

    def edge(reached, z_far):                       # bisect between 0 (not saturated) and z_far (saturated)
        a, b = 0.0, z_far
        for _ in range(60):
            mid = (a + b) / 2
            a, b = (a, mid) if reached(float(phi.forward(np.float64(mid)))) else (mid, b)
        return b
    return edge(lambda v: v <= lo + margin, -50.0), edge(lambda v: v >= hi - margin, 50.0)


def dead_fraction(a: np.ndarray, phi) -> tuple[float, float]:
    """(share of entries with a == 0, share of units with a == 0 on the whole batch); NaN unless ReLU-like."""
    if not phi.relu_like:
        return math.nan, math.nan
    zero = a == 0
    units = zero.all(axis=0)
    return _share(zero), _share(units)


def _share(mask: np.ndarray) -> float:
    """The share of True entries (as np.mean of it: NaN when there are none)."""
    return np.count_nonzero(mask) / mask.size if mask.size else math.nan


def distinct_units(W: np.ndarray, tol: float = TIE_TOL) -> int:
    """How many columns of W (fan_in, units) differ from every earlier distinct column by more than tol.

    Columns are visited in order of their sums: two columns within tol of each other have sums within
    fan_in * tol, so each is compared only with the kept columns whose sum is that close (exact, and one
    sort for a wide layer of distinct units). Non-finite columns count as distinct.
    """
    W = np.asarray(W, dtype=np.float64)
    if W.shape[1] == 0:
        return 0
    if not np.isfinite(W).all():
        return W.shape[1]
    sums = W.sum(axis=0)
    order = np.argsort(sums, kind="stable")
    reach = W.shape[0] * tol
    if np.all(np.diff(sums[order]) > reach):              # every pair of sums too far apart to be one unit
        return W.shape[1]
    kept: list[int] = []
    for j in order:
        close = takewhile(lambda k, j=j: sums[j] - sums[k] <= reach, reversed(kept))
        if all(np.max(np.abs(W[:, j] - W[:, k])) > tol for k in close):
            kept.append(j)
    return len(kept)


def layer_row(l: int, trace, phi, grads) -> dict:
    """One layer's row: moments of z and a, saturated/dead shares, gradient norms, non-finite and zero flags.

    trace: the layer's LayerTrace; grads: (dL/dW, dL/da, dL/dz) or None before backward. Each array is read as
    few times as possible (a probe of a deep net spends more time here than in its matrix products otherwise):
    the flags come from the same sums as the moments and norms (see _look, norm).
    """
    z_mean, z_std, z_finite, _ = _look(trace.z)
    a_mean, a_std, a_finite, a_zero = _look(trace.a)
    dead, dead_units = dead_fraction(trace.f, phi)          # units: phi(z) itself, without a skip
    row = {
        "layer": l + 1, "z_mean": z_mean, "z_std": z_std, "a_mean": a_mean, "a_std": a_std,
        "saturated": saturated_fraction(trace.f, phi), "dead": dead, "dead_units": dead_units,
        "nonfinite": not (z_finite and a_finite), "collapsed": a_zero,
        "grad_W_norm": math.nan, "grad_a_norm": math.nan, "grad_z_norm": math.nan,
        "grad_nonfinite": False, "grad_zero": False,
    }
    if grads is not None:
        grad_W, grad_a, grad_z = grads
        row.update(grad_W_norm=norm(grad_W), grad_a_norm=norm(grad_a), grad_z_norm=norm(grad_z))
        row["grad_nonfinite"] = not (_finite(row["grad_W_norm"], grad_W) and _finite(row["grad_a_norm"], grad_a))
        row["grad_zero"] = not row["grad_nonfinite"] and row["grad_W_norm"] == 0 and not np.any(grad_W)
    return row


def layer_stats(net) -> list[dict]:
    """layer_row for every layer of an MLP after forward (and backward, for the gradient columns)."""
    return [layer_row(l, t, net.phis[l], net.layer_grads(l)) for l, t in enumerate(net.trace)]
