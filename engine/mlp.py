"""A dense network whose forward and backward passes keep a per-layer trace; measurement lives in engine.stats.

Layer l (1..L): h_l = a_{l-1} W_l + b_l; z_l = BN_l(h_l) if batch_norm else h_l; a_l = phi(z_l),
plus a_{l-1} when residual and the layer keeps the width (a skip connection). b_l = bias + bias_std N(0, 1).
Backward reads what forward cached: dL/dz = dL/da phi'(z), dL/dW = a_{l-1}^T dL/dh, dL/da_{l-1} = dL/dh W^T
(+ dL/da_l through the skip).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from engine import activations, initializers, lsuv, stats, weight_draws
from engine.batchnorm import BatchNorm
from engine.stats import flush_subnormals


class FrozenParams(Mapping):
    """An immutable, hashable dict of initializer parameters (so MLPConfig can be a cache key)."""

    def __init__(self, items=()):
        self._d = dict(items)

    def __getitem__(self, key):
        return self._d[key]

    def __iter__(self):
        return iter(self._d)

    def __len__(self):
        return len(self._d)

    def __hash__(self):
        return hash(tuple(sorted(self._d.items())))

    def __repr__(self):
        return repr(self._d)


@dataclass(frozen=True)
class MLPConfig:
    """Everything that defines a network; frozen and hashable so it can key a cache."""
    widths: tuple = (64, 64, 64)          # (n_0, ..., n_L): n_0 inputs, L dense layers
    activation: str = "tanh"              # the classic saturating case
    init: str = "xavier_normal"           # healthy for tanh
    init_params: Mapping = field(default_factory=FrozenParams)   # e.g. {"gain": 5/3}
    batch_norm: bool = False              # BN after each dense layer, before the activation
    last_activation: str | None = None    # e.g. "linear" for a training head; None = same as the rest
    seed: int = 0                         # weights are a pure function of the config
    dtype: str = "float32"                # what a real framework trains in
    bias: float = 0.0                     # every bias starts here (0 is the usual choice)
    bias_std: float = 0.0                 # plus N(0, bias_std^2) noise: sigma_b of the mean-field theory
    residual: bool = False                # a_l = a_{l-1} + phi(z_l) where the layer keeps the width

    def __post_init__(self):
        try:
            widths = tuple(int(n) for n in self.widths)
        except (TypeError, ValueError):
            raise ValueError(f"widths must be a sequence of positive ints, got {self.widths!r}") from None
        if len(widths) < 2 or any(n < 1 for n in widths):
            raise ValueError(f"widths needs at least 2 positive ints (n_0, n_1, ...), got {widths}")
        object.__setattr__(self, "widths", widths)
        object.__setattr__(self, "init_params", FrozenParams(self.init_params))
        activations.get(self.activation)
        if self.last_activation is not None:
            activations.get(self.last_activation)
        initializers.expected_std(self.init, (widths[0], widths[1]), **self.init_params)
        if self.dtype not in initializers.DTYPES:
            raise ValueError(f"dtype must be one of {', '.join(initializers.DTYPES)}, got {self.dtype!r}")
        for name in ("bias", "bias_std"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number, got {value!r}")
        if self.bias_std < 0:
            raise ValueError(f"bias_std must be >= 0, got {self.bias_std}")

    @property
    def depth(self) -> int:
        return len(self.widths) - 1


class LayerTrace(NamedTuple):
    """What forward cached for one layer: h = a_prev @ W + b, z = BN(h) (or h), f = phi(z), a = f (+ a_prev)."""
    a_prev: np.ndarray
    h: np.ndarray
    z: np.ndarray
    a: np.ndarray
    f: np.ndarray                         # phi(z) itself: a without the skip (the same array when no skip)


class MLP:
    """L dense layers: z_l = a_{l-1} W_l + b_l (then BN_l if on), a_l = phi(z_l) (+ a_{l-1} on a skip)."""

    def __init__(self, config: MLPConfig):
        self.config = config
        self.dtype = np.dtype(config.dtype)
        pairs = list(zip(config.widths[:-1], config.widths[1:]))
        self.weights, rng = weight_draws.draw(config)       # W_l: the l-th draw from default_rng(seed), then b
        self.biases = [self._bias(n_out, rng) for _, n_out in pairs]
        self.bns = [BatchNorm(n_out, dtype=self.dtype) for _, n_out in pairs] if config.batch_norm else []
        last = config.last_activation or config.activation
        self.phis = [activations.get(config.activation)] * (len(pairs) - 1) + [activations.get(last)]
        self.skips = [config.residual and n_in == n_out for n_in, n_out in pairs]
        # LSUV's data-dependent part: rescale each W_l on a fixed batch until Var(h_l) ~ 1 (engine.lsuv)
        self.lsuv_passes: tuple = lsuv.apply(self) if config.init == "lsuv" else ()
        self.trace: list[LayerTrace] = []
        self.grads_W, self.grads_b, self.grads_z, self.grads_a = [], [], [], []
        self.grad_input = None

    def _bias(self, n_out: int, rng) -> np.ndarray:
        """b = bias + bias_std N(0, 1), drawn after the weights so they do not depend on it."""
        b = np.full(n_out, self.config.bias, self.dtype)
        if self.config.bias_std:
            b += (self.config.bias_std * rng.standard_normal(n_out)).astype(self.dtype)
        return b

    @property
    def depth(self) -> int:
        return len(self.weights)

    def forward(self, x, training: bool = True) -> np.ndarray:
        """a_L from x (batch, n_0); records self.trace."""
        a = np.asarray(x).astype(self.dtype, copy=False)
        if a.ndim != 2 or a.shape[1] != self.config.widths[0]:
            raise ValueError(f"input must have shape (batch, {self.config.widths[0]}), got {a.shape}")
        self.trace = []
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            for l, (W, b, phi) in enumerate(zip(self.weights, self.biases, self.phis)):
                h = a @ W
                h += b
                z = self.bns[l].forward(h, training) if self.bns else h
                f = flush_subnormals(phi.forward(z))
                a_next = f + a if self.skips[l] else f
                self.trace.append(LayerTrace(a, h, z, a_next, f))
                a = a_next
        return a

    def backward(self, grad_out) -> None:
        """From dL/da_L: grads_a[l] = dL/da_l, grads_z[l] = dL/da_l phi'(z_l), grads_W[l] = a_{l-1}^T dL/dh_l."""
        if not self.trace:
            raise ValueError("call forward before backward")
        grad_a = np.asarray(grad_out).astype(self.dtype, copy=False)
        if grad_a.shape != self.trace[-1].a.shape:
            raise ValueError(f"grad_out must have shape {self.trace[-1].a.shape}, got {grad_a.shape}")
        L = self.depth
        self.grads_W, self.grads_b, self.grads_z, self.grads_a = [None] * L, [None] * L, [None] * L, [None] * L
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            for l in reversed(range(L)):
                t = self.trace[l]
                self.grads_a[l] = grad_a
                grad_z = self.phis[l].backprop(grad_a, t.z, t.f)
                grad_h = self.bns[l].backward(grad_z) if self.bns else grad_z
                self.grads_z[l] = grad_z
                self.grads_W[l] = t.a_prev.T @ grad_h
                self.grads_b[l] = grad_h.sum(axis=0)
                grad_prev = grad_h @ self.weights[l].T
                grad_a = flush_subnormals(grad_prev + grad_a if self.skips[l] else grad_prev)
        self.grad_input = grad_a

    def layer_grads(self, l: int):
        """(dL/dW_l, dL/da_l, dL/dz_l) after backward, else None."""
        if len(self.grads_W) != self.depth or self.grads_W[l] is None:
            return None
        return self.grads_W[l], self.grads_a[l], self.grads_z[l]

    def layer_stats(self) -> list[dict]:
        """Per layer: mean/std of z and a, saturated and dead fractions, gradient norms (engine.stats.layer_row)."""
        return stats.layer_stats(self)
