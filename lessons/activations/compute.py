"""The activations lesson's cached engine calls: the shared probe, and batch norm's steps on one layer."""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from engine.batchnorm import BatchNorm
from engine.mlp import MLP
from engine.probe import make_inputs
from lessons.activations.settings import Settings
from lessons.network import probe
from ui.cache import cached

BN_LAYER = 1              # batch norm is walked through on the first layer's pre-activations h = x W + b
WARMUP_BATCHES = 50       # fresh batches before "inference after training": running stats have converged
UNITS_SHOWN = 3           # units whose mu_B and sigma_B^2 the walk-through prints


def run(s: Settings):
    """engine.probe's result for these settings (cached in lessons.network.probe.run)."""
    return probe.run(s.probe)


@dataclass(frozen=True)
class BatchNormSteps:
    """Algorithm 1 of Ioffe & Szegedy on one layer's batch, with the engine's BatchNorm."""
    h: np.ndarray             # (batch, units) the layer's h = x W + b, before BN
    mean: np.ndarray          # mu_B per unit
    var: np.ndarray           # sigma_B^2 per unit (biased: what training normalizes with)
    x_hat: np.ndarray         # (h - mu_B) / sqrt(sigma_B^2 + eps)
    y: np.ndarray             # gamma x_hat + beta (gamma = 1, beta = 0 at initialization)
    eps: float
    inference_first: np.ndarray   # inference mode right after one training batch (running stats moved 10%)
    inference_warm: np.ndarray    # inference mode after WARMUP_BATCHES training batches
    running_mean: np.ndarray      # after the warm-up
    running_var: np.ndarray


def layer_one(s: Settings) -> Settings:
    """What batch_norm_steps depends on: layer 1 sees neither the depth nor which values the page shows.

    Keyed by these, a class moving the depth slider reuses the walk-through instead of recomputing it each time.
    """
    return Settings(replace(s.probe, net=replace(s.probe.net, depth=1)))


def batch_norm_steps(s: Settings) -> BatchNormSteps:
    """Normalize layer 1's h over this setting's batch, step by step, in training and in inference mode."""
    return _batch_norm_steps(layer_one(s))


@cached
def _batch_norm_steps(s: Settings) -> BatchNormSteps:
    net = MLP(s.probe.net.config(widths=(s.probe.net.width,) * 2))
    W, b = net.weights[0] * s.probe.net.weight_scale, net.biases[0]
    rng = np.random.default_rng(s.probe.net.seed)
    x = make_inputs(rng, s.probe.batch, s.probe.net.width, s.probe.input_dist, np.float64)
    h = x @ W.astype(np.float64) + b
    bn = BatchNorm(h.shape[1])
    y = bn.forward(h, training=True)
    mean, var = h.mean(axis=0), h.var(axis=0)
    first = bn.forward(h, training=False)
    for _ in range(WARMUP_BATCHES):
        bn.forward(make_inputs(rng, s.probe.batch, s.probe.net.width, s.probe.input_dist, np.float64)
                   @ W.astype(np.float64) + b, training=True)
    warm = bn.forward(h, training=False)
    x_hat = (h - mean) / np.sqrt(var + bn.eps)
    return BatchNormSteps(h, mean, var, x_hat, y, bn.eps, first, warm, bn.running_mean.copy(), bn.running_var.copy())
