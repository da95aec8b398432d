"""The init explorer's cached entry point: draw W, bin it, sweep sigma over fan_in, train the tiny tied/random nets."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine import initializers, symmetry, theory
from engine.mlp import MLP, MLPConfig
from lessons.init_explorer.settings import Settings
from ui.cache import cached

BINS = 150
QR_BUDGET = 4096 * 512**2  # rows x cols^2 of the QR: 4096 x 512 takes ~0.2 s (4096 x 4096 takes ~7 s)
FANS = np.unique(np.geomspace(1, 4096, 97).round().astype(int))     # fan_in grid of the sweep
FANS.setflags(write=False)
TIED_FALLBACK = ("constant", {"value": 0.5})        # the tied side when the chosen init is random
RANDOM_FALLBACK = ("xavier_uniform", {})            # the random side when the chosen init is tied


@dataclass(frozen=True)
class Result:
    description: initializers.Description     # what the formula promises (engine's own LaTeX)
    summary: dict                              # the drawn weights: shape, n, histogram, moments
    sweep: dict                                # std against fan_in for the variance-scaling presets
    m2: float                                  # E[phi(z)^2], z ~ N(0, 1), for the activation
    gain_vp: float                             # the variance-preserving gain 1/sqrt(E[phi(z)^2])
    tied: symmetry.TieRun
    tied_init: tuple
    random: symmetry.TieRun
    random_init: tuple
    lsuv: tuple | None = None                  # LSUV only: (passes this layer took, std of W after them)


def sample_shape(init: str, fan_in: int, fan_out: int) -> tuple[int, int]:
    """The shape to sample: orthogonal keeps only as many orthonormal columns (or rows) as a fast QR allows.

    Any k columns of a Haar-random orthogonal matrix are distributed exactly like the QR of an
    (n, k) Gaussian, so the capped sample has the same entry distribution and the same std.
    """
    big, small = max(fan_in, fan_out), min(fan_in, fan_out)
    k = int(math.sqrt(QR_BUDGET / big))
    if init != "orthogonal" or small <= k:
        return fan_in, fan_out
    return (fan_in, k) if fan_in >= fan_out else (k, fan_out)


def half_range(d: initializers.Description) -> float:
    """A round x-axis half-width (1, 2, 5 x 10^k) that holds the distribution: it jumps only at round numbers."""
    if d.std == 0:
        need = max(1.25 * abs(d.mean), 1.0)
    else:
        need = 1.1 * d.bound if d.kind == "uniform" else 4 * d.std
    for k in range(-10, 6):
        for mant in (1, 2, 5):
            if mant * 10.0**k >= need:
                return mant * 10.0**k
    return need


def summarize(w: np.ndarray, d: initializers.Description) -> dict:
    """Server-side histogram (as a density) and moments of the sampled weights, in float64."""
    R = half_range(d)
    counts, edges = np.histogram(w, bins=BINS, range=(-R, R))
    return {"n": int(w.size), "shape": tuple(w.shape), "edges": edges, "counts": counts, "range": R,
            "density": counts / (w.size * (edges[1] - edges[0])), "outside": int(w.size - counts.sum()),
            "mean": float(w.mean(dtype=np.float64)), "std": float(w.std(dtype=np.float64)),
            "min": float(w.min()), "max": float(w.max())}


@cached
def sweep(init: str, fan_out: int, params: tuple) -> dict:
    """std against fan_in (fan_out fixed) for the variance-scaling presets at gain 1 and for the current settings.

    Presets with the same std curve (uniform and normal twins) share one line. Cached by what it depends on
    (params: sorted (name, value) pairs): a new fan_in or activation reuses it.
    """
    groups: list[tuple[list, np.ndarray]] = []
    for name in initializers.VARIANCE_SCALING:
        std = np.array([initializers.expected_std(name, (int(f), fan_out)) for f in FANS])
        twin = next((g for g in groups if np.allclose(g[1], std, rtol=1e-12, atol=0)), None)
        twin[0].append(name) if twin else groups.append(([name], std))
    current = np.array([initializers.expected_std(init, (int(f), fan_out), **dict(params)) for f in FANS])
    return {"fans": FANS, "groups": [(", ".join(names), std) for names, std in groups], "current": current}


def demo_key(s: Settings) -> tuple:
    """What the symmetry demo depends on: the initializer, its parameters, the seed, and whether it draws a spike
    (std 0: the chosen init goes on the tied side). Not the fans or the activation."""
    return s.init, s.params, s.seed, initializers.expected_std(s.init, s.shape, **dict(s.params)) == 0


@cached
def symmetry_demo(init: str, params: tuple, seed: int, spike: bool) -> tuple:
    """((tied TieRun, its init), (random TieRun, its init)): the chosen init on its own side, a fallback on the
    other (see demo_key), each training the tiny net from the seed."""
    chosen = (init, dict(params))
    tied, rand = (chosen, RANDOM_FALLBACK) if spike else (TIED_FALLBACK, chosen)
    return (symmetry.train_tiny(*tied, seed=seed), tied), (symmetry.train_tiny(*rand, seed=seed), rand)


@cached
def run(s: Settings) -> Result:
    """Sample W (float32), bin it, sweep sigma over fan_in, and train the tied and the random tiny nets."""
    params = dict(s.params)
    d = initializers.describe(s.init, s.shape, **params)
    shape = sample_shape(s.init, s.fan_in, s.fan_out)
    w = initializers.initialize(s.init, shape, np.random.default_rng(s.seed), dtype=np.float32, **params)
    (tied, tied_init), (rand, rand_init) = symmetry_demo(*demo_key(s))
    return Result(d, summarize(w, d), sweep(s.init, s.fan_out, s.params), theory.second_moment(s.activation),
                  theory.variance_preserving_gain(s.activation), tied, tied_init, rand, rand_init,
                  lsuv_layer(s, shape))


def lsuv_layer(s: Settings, shape: tuple[int, int]) -> tuple | None:
    """For LSUV: the passes this layer takes as the first layer of a network (unit-variance input x), and
    the std of its weights after them; None for the other initializers."""
    if s.init != "lsuv":
        return None
    net = MLP(MLPConfig(shape, activation=s.activation, init="lsuv", seed=s.seed))
    return net.lsuv_passes[0], float(net.weights[0].std(dtype=np.float64))
