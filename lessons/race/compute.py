"""The race's cached entry points: the race itself, and the noisy series the EMA panel smooths."""
from __future__ import annotations

import numpy as np

from engine import ema, surfaces
from lessons.race.settings import Settings
from ui.cache import cached

EMA_POINTS = 120          # length of the EMA panel's noisy series


@cached
def run(s: Settings) -> dict:
    """surfaces.race for these settings: {optimizer: Trajectory}, every run from the same start with the same noise."""
    runs = {name: (name, dict(hyper)) for name, hyper in s.runs}
    return surfaces.race(s.make_surface(), runs, s.start, s.steps, rng=s.seed, grad_noise=s.noise, clip=s.clip)


@cached
def ema_panel(beta: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(noisy series g_t, its EMA m_t, the bias-corrected m_t / (1 - beta^t))."""
    g = ema.noisy_series(EMA_POINTS, seed=0)
    return g, ema.ema(g, beta), ema.ema(g, beta, bias_correction=True)
