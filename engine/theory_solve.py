"""A vectorized root finder for the mean-field fixed points: bracket by doubling or halving, then safeguarded Newton."""
from __future__ import annotations

import numpy as np

MAX_STEPS = 200               # Newton/bisection iterations at most (bisection alone needs ~60 in float64)
REL_TOL = 1e-14


def bracket_and_solve(fn, n: int, *, s_min: float, s_max: float, start: float = 1.0) -> np.ndarray:
    """The root of G(s) nearest to s = start in the direction G points, for n independent problems.

    fn(s, idx) -> (G, dG/ds or None) at s for the problems idx (indices into 0..n-1). G > 0 below the root and
    G < 0 above it (as q' - q of an increasing map, which moves q monotonically to that root). From start:
    where G > 0, double s until G <= 0 (above s_max: the root is inf); where G < 0, halve s until G >= 0
    (below s_min: the root is 0). Then Newton's step inside the bracket, bisection whenever it leaves it.
    """
    root, lo, hi = np.full(n, np.nan), np.full(n, start), np.full(n, start)
    g0, _ = fn(np.full(n, start), np.arange(n))
    root[g0 == 0] = start
    _step(fn, g0 > 0, hi, lo, 2.0, s_max, np.inf, root)
    _step(fn, g0 < 0, lo, hi, 0.5, s_min, 0.0, root)
    todo = np.flatnonzero(np.isnan(root))
    if todo.size:
        root[todo] = _safeguarded_newton(fn, todo, lo[todo], hi[todo])
    return root


def _step(fn, mask, moving, trailing, factor, limit, beyond, root) -> None:
    """Move `moving` by factor (trailing follows) until G changes sign; past limit, the root is `beyond`."""
    idx = np.flatnonzero(mask)
    moving[idx] *= factor
    while idx.size:
        g, _ = fn(moving[idx], idx)
        crossed = (g <= 0) if factor > 1 else (g >= 0)
        exact = g == 0
        root[idx[exact]] = moving[idx[exact]]
        idx = idx[~crossed]
        trailing[idx] = moving[idx]
        moving[idx] *= factor
        out = (moving[idx] > limit) if factor > 1 else (moving[idx] < limit)
        root[idx[out]] = beyond
        idx = idx[~out]


def _safeguarded_newton(fn, idx, lo, hi) -> np.ndarray:
    """Root in [lo, hi] with G(lo) > 0 > G(hi): Newton where it stays inside, bisection otherwise."""
    x = (lo + hi) / 2
    active = np.arange(idx.size)
    for _ in range(MAX_STEPS):
        g, dg = fn(x[active], idx[active])
        below = g > 0
        lo[active] = np.where(below, x[active], lo[active])
        hi[active] = np.where(below, hi[active], x[active])
        mid = (lo[active] + hi[active]) / 2
        if dg is None:
            new = mid
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                newton = x[active] - g / dg
            inside = np.isfinite(newton) & (newton > lo[active]) & (newton < hi[active])
            new = np.where(inside, newton, mid)
        done = (np.abs(new - x[active]) <= REL_TOL * np.abs(new)) | (g == 0) | (hi[active] - lo[active]
                                                                              <= REL_TOL * hi[active])
        x[active] = np.where(g == 0, x[active], new)
        active = active[~done]
        if active.size == 0:
            break
    return x
