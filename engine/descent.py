"""One optimizer descending a 2-D surface (surfaces.race runs one per optimizer): its Trajectory, cut at divergence."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine import optimizers

DIVERGENCE_LIMIT = 1e6  # |x| or |y| beyond this counts as diverged


@dataclass
class Trajectory:
    """One optimizer's path: xy (steps+1, 2) and loss (steps+1,), NaN from the step it diverged at."""

    label: str
    optimizer: str
    hyper: dict
    xy: np.ndarray
    loss: np.ndarray
    diverged: bool = False
    diverged_step: int | None = None  # first step whose position is NaN


def descend(surface, label, name, hyper, start, steps, rng, grad_noise, clip):
    """One run: every step's position first, then f over all of them at once (f is elementwise), then the first
    step whose position or loss is not finite or leaves |x|, |y| <= DIVERGENCE_LIMIT: the run stops there (NaN
    from it on). The same numbers as testing every step as it is taken, at a fraction of the cost."""
    opt = optimizers.create(name, **hyper)
    xy = np.empty((steps + 1, 2))
    p = xy[0] = start
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            g = np.array(surface.stochastic_grad(p[0], p[1], rng), dtype=np.float64)
            if grad_noise:
                g = g + grad_noise * rng.standard_normal(2)
            if clip is not None:
                g = optimizers.clip_grad_norm(g, clip)
            p = xy[t] = opt.step(p, g)
            if not math.isfinite(p[0] + p[1]):           # nothing finite comes after this: stop computing
                xy[t + 1:] = np.nan
                break
    loss = surface.f(xy[:, 0], xy[:, 1])
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(xy).all(axis=1) & (np.abs(xy).max(axis=1) <= DIVERGENCE_LIMIT) & np.isfinite(loss)
    if ok.all():
        return Trajectory(label, name, opt.hyper, xy, loss)
    t = int(np.argmin(ok))
    xy[t:], loss[t:] = np.nan, np.nan
    return Trajectory(label, name, opt.hyper, xy, loss, True, t)
