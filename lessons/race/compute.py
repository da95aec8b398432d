"""The race's cached entry points: the tuned hyperparameters (a log-grid sweep per run), the race, the EMA series."""
from __future__ import annotations

import numpy as np

from engine import ema, surfaces, tuning
from lessons.race.settings import Settings
from ui.cache import cached

EMA_POINTS = 120          # length of the EMA panel's noisy series


@cached
def tuned(s: Settings) -> dict:
    """{label: tuning.Tuned} for every run that asks for tuning: its best lr (and beta), from the same start,
    steps, tolerance, noise and clipping as the race."""
    surface = s.make_surface()
    out = {}
    for run in s.runs:
        if not run.tune_lr:
            continue
        fixed = {k: v for k, v in run.hyper if k != "lr" and not (run.tune_beta and k == "momentum")}
        out[run.label] = tuning.tune(surface, run.optimizer, s.start, s.steps, s.tol, fixed=fixed, seed=s.seed,
                                     grad_noise=s.noise, clip=s.clip)
    return out


def hypers(s: Settings) -> dict:
    """{label: the hyperparameters each run races with}: tuned where asked, as set otherwise."""
    chosen = tuned(s)
    return {run.label: chosen[run.label].hyper() if run.label in chosen else dict(run.hyper) for run in s.runs}


@cached
def run(s: Settings) -> dict:
    """surfaces.race: {label: Trajectory}, every run from the same start with the same noise."""
    used = hypers(s)
    runs = {r.label: (r.optimizer, used[r.label]) for r in s.runs}
    return surfaces.race(s.make_surface(), runs, s.start, s.steps, rng=s.seed, grad_noise=s.noise, clip=s.clip)


@cached
def ema_panel(beta: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(noisy series g_t, its EMA m_t, the bias-corrected m_t / (1 - beta^t))."""
    g = ema.noisy_series(EMA_POINTS, seed=0)
    return g, ema.ema(g, beta), ema.ema(g, beta, bias_correction=True)
