"""A dense network whose forward and backward passes keep a per-layer trace for the pages to plot."""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from engine import activations, initializers
from engine.batchnorm import BatchNorm


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

    @property
    def depth(self) -> int:
        return len(self.widths) - 1


class LayerTrace(NamedTuple):
    """What forward cached for one layer: h = a_prev @ W + b, z = BN(h) (or h), a = phi(z)."""
    a_prev: np.ndarray
    h: np.ndarray
    z: np.ndarray
    a: np.ndarray


class MLP:
    """L dense layers: z_l = a_{l-1} W_l + b_l (then BN_l if on), a_l = phi(z_l)."""

    def __init__(self, config: MLPConfig):
        self.config = config
        self.dtype = np.dtype(config.dtype)
        rng = np.random.default_rng(config.seed)
        pairs = list(zip(config.widths[:-1], config.widths[1:]))
        self.weights = [initializers.initialize(config.init, (n_in, n_out), rng, dtype=self.dtype,
                                                **config.init_params) for n_in, n_out in pairs]
        self.biases = [np.zeros(n_out, self.dtype) for _, n_out in pairs]
        self.bns = [BatchNorm(n_out, dtype=self.dtype) for _, n_out in pairs] if config.batch_norm else []
        last = config.last_activation or config.activation
        self.phis = [activations.get(config.activation)] * (len(pairs) - 1) + [activations.get(last)]
        self.trace: list[LayerTrace] = []
        self.grads_W, self.grads_b, self.grads_z, self.grads_a = [], [], [], []
        self.grad_input = None

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
                a_next = flush_subnormals(phi.forward(z))
                self.trace.append(LayerTrace(a, h, z, a_next))
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
                grad_z = self.phis[l].backprop(grad_a, t.z, t.a)
                grad_h = self.bns[l].backward(grad_z) if self.bns else grad_z
                self.grads_z[l] = grad_z
                self.grads_W[l] = t.a_prev.T @ grad_h
                self.grads_b[l] = grad_h.sum(axis=0)
                grad_a = flush_subnormals(grad_h @ self.weights[l].T)
        self.grad_input = grad_a

    def layer_stats(self) -> list[dict]:
        """Per layer: mean/std of z and a, saturated and dead fractions, gradient norms, non-finite flags."""
        return [_layer_row(l, t, self.phis[l], self._grads(l)) for l, t in enumerate(self.trace)]

    def _grads(self, l):
        if len(self.grads_W) != self.depth or self.grads_W[l] is None:
            return None
        return self.grads_W[l], self.grads_a[l], self.grads_z[l]


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


SUBNORMAL_STRIDE = 61         # look at 1 entry in 61 (odd, so it walks across columns)


def _moments(x: np.ndarray) -> tuple[float, float]:
    """Mean and std accumulated in float64 (squares of large float32 values do not overflow); NaN if non-finite."""
    with np.errstate(all="ignore"):
        return float(x.mean(dtype=np.float64)), float(x.std(dtype=np.float64))


def norm(x: np.ndarray) -> float:
    """||x||_2 (inf if any entry is non-finite); recomputed scaled in float64 if the float32 sum overflows."""
    with np.errstate(all="ignore"):
        value = float(np.linalg.norm(x.ravel()))
        if math.isfinite(value):
            return value
        if not np.isfinite(x).all():
            return math.inf
        x64 = x.astype(np.float64)
        scale = float(np.abs(x64).max())
        return scale * float(np.sqrt(np.sum((x64 / scale) ** 2)))


def saturated_fraction(a: np.ndarray, phi: activations.Activation) -> float:
    """Share of a within 1% of the range's ends (sigmoid, tanh); NaN when phi does not saturate."""
    if phi.bounds is None:
        return math.nan
    lo, hi = phi.bounds
    margin = 0.01 * max(abs(lo), abs(hi))             # within 1% of the bound
    with np.errstate(invalid="ignore"):
        return float(np.mean((a <= lo + margin) | (a >= hi - margin)))


def dead_fraction(a: np.ndarray, phi: activations.Activation) -> tuple[float, float]:
    """(share of entries with a == 0, share of units with a == 0 on the whole batch); NaN unless ReLU-like."""
    if not phi.relu_like:
        return math.nan, math.nan
    zero = a == 0
    return float(zero.mean()), float(zero.all(axis=0).mean())


def _layer_row(l: int, t: LayerTrace, phi, grads) -> dict:
    """One row of layer_stats."""
    z_mean, z_std = _moments(t.z)
    a_mean, a_std = _moments(t.a)
    dead, dead_units = dead_fraction(t.a, phi)
    row = {
        "layer": l + 1, "z_mean": z_mean, "z_std": z_std, "a_mean": a_mean, "a_std": a_std,
        "saturated": saturated_fraction(t.a, phi), "dead": dead, "dead_units": dead_units,
        "nonfinite": not (np.isfinite(t.z).all() and np.isfinite(t.a).all()),
        "collapsed": bool(np.isfinite(t.a).all() and not np.any(t.a)),
        "grad_W_norm": math.nan, "grad_a_norm": math.nan, "grad_z_norm": math.nan,
        "grad_nonfinite": False, "grad_zero": False,
    }
    if grads is not None:
        grad_W, grad_a, grad_z = grads
        row.update(grad_W_norm=norm(grad_W), grad_a_norm=norm(grad_a), grad_z_norm=norm(grad_z))
        row["grad_nonfinite"] = not (np.isfinite(grad_W).all() and np.isfinite(grad_a).all())
        row["grad_zero"] = bool(not row["grad_nonfinite"] and not np.any(grad_W))
    return row


def first_layer(stats: list[dict], flag: str) -> int | None:
    """The first layer (1-based) whose row has `flag` set, or None."""
    return next((row["layer"] for row in stats if row[flag]), None)


def diagnose(stats: list[dict]) -> list[str]:
    """Sentences naming the first layer where values overflow (inf/NaN) or collapse to exactly zero."""
    messages = []
    checks = [("nonfinite", "activations overflow (inf/NaN) at layer {}"),
              ("collapsed", "activations are exactly zero from layer {}: the signal has died"),
              ("grad_nonfinite", "gradients overflow (inf/NaN) at layer {}"),
              ("grad_zero", "weight gradients are exactly zero at layer {}: it cannot learn")]
    for flag, text in checks:
        layer = first_layer(stats, flag) if flag != "grad_zero" else _last_layer(stats, flag)
        if layer is not None:
            messages.append(text.format(layer))
    return messages


def _last_layer(stats, flag):
    """Gradients flow backward, so the first layer they die at is the highest-numbered one."""
    return next((row["layer"] for row in reversed(stats) if row[flag]), None)
