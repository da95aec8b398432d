"""Weight initializers: one variance-scaling core and thin named presets (Keras layout).

Weights are stored (fan_in, fan_out) and used as x @ W. Every sampler takes an explicit
``rng: np.random.Generator``; nothing touches the global ``np.random``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

# std of N(0, 1) truncated to [-2, 2]; dividing by it restores the asked variance (Keras).
TRUNCATED_STD = 0.87962566103423978

MODES = ("fan_in", "fan_out", "fan_avg")
DISTRIBUTIONS = ("normal", "truncated_normal", "uniform")
DTYPES = ("float32", "float64")


def compute_fans(shape) -> tuple[int, int]:
    """(fan_in, fan_out) of a (fan_in, fan_out) matrix; conv kernels (..., in, out) multiply by the receptive field."""
    shape = _check_shape(shape)
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def _check_shape(shape) -> tuple[int, ...]:
    try:
        shape = tuple(int(n) for n in shape)
    except (TypeError, ValueError):
        raise ValueError(f"shape must be a tuple of positive ints such as (fan_in, fan_out), got {shape!r}") from None
    if len(shape) < 2 or any(n < 1 for n in shape):
        raise ValueError(f"shape must have at least 2 positive dims (fan_in, fan_out), got {shape}")
    return shape


# PyTorch's torch.nn.init.calculate_gain table.
_GAINS = {
    "linear": 1.0, "identity": 1.0, "conv1d": 1.0, "conv2d": 1.0, "conv3d": 1.0,
    "conv_transpose1d": 1.0, "conv_transpose2d": 1.0, "conv_transpose3d": 1.0,
    "sigmoid": 1.0, "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0), "leaky_relu": None, "selu": 3.0 / 4.0,
}


def calculate_gain(nonlinearity: str, param=None) -> float:
    """PyTorch's gain: linear/sigmoid 1, tanh 5/3, relu sqrt(2), leaky_relu sqrt(2/(1+a^2)) (a=0.01), selu 3/4."""
    if nonlinearity not in _GAINS:
        raise ValueError(f"unknown nonlinearity {nonlinearity!r}; valid: {', '.join(_GAINS)}")
    if nonlinearity != "leaky_relu":
        return _GAINS[nonlinearity]
    slope = 0.01 if param is None else param
    if isinstance(slope, bool) or not isinstance(slope, (int, float)):
        raise ValueError(f"negative_slope {slope!r} is not a valid number")
    return math.sqrt(2.0 / (1.0 + slope**2))


def _fan(shape, mode: str) -> float:
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; valid: {', '.join(MODES)}")
    fan_in, fan_out = compute_fans(shape)
    return {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[mode]


def _dtype(dtype):
    name = np.dtype(dtype).name
    if name not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, got {name}")
    return np.dtype(name)


def normal(rng: np.random.Generator, shape, std: float, dtype=np.float64) -> np.ndarray:
    """N(0, std^2), drawn directly in dtype (float32 draws are twice as fast and never upcast)."""
    w = rng.standard_normal(shape, dtype=dtype)
    w *= std
    return w


def uniform(rng: np.random.Generator, shape, limit: float, dtype=np.float64) -> np.ndarray:
    """U(-limit, limit), drawn directly in dtype: 2 limit r - limit with r in [0, 1)."""
    w = rng.random(shape, dtype=dtype)
    w *= 2 * limit
    w -= limit
    return w


def truncated_normal(rng: np.random.Generator, shape, std: float, dtype=np.float64) -> np.ndarray:
    """N(0, std^2) cut at +-2 std by redrawing the samples that fall outside."""
    w = rng.standard_normal(shape, dtype=dtype)
    outside = np.abs(w) > 2.0
    while outside.any():
        w[outside] = rng.standard_normal(int(outside.sum()), dtype=dtype)
        outside = np.abs(w) > 2.0
    w *= std
    return w


def variance_scaling(shape, rng, *, scale: float = 1.0, mode: str = "fan_in",
                     distribution: str = "truncated_normal", dtype=np.float64) -> np.ndarray:
    """Var(w) = scale / n_mode: normal std sqrt(scale/n); uniform limit sqrt(3 scale/n); truncated at 2 sd."""
    if distribution not in DISTRIBUTIONS:
        raise ValueError(f"unknown distribution {distribution!r}; valid: {', '.join(DISTRIBUTIONS)}")
    if not scale >= 0 or not math.isfinite(scale):
        raise ValueError(f"scale must be a finite number >= 0, got {scale}")
    shape, dtype = _check_shape(shape), _dtype(dtype)
    std = math.sqrt(scale / _fan(shape, mode))
    if distribution == "uniform":
        limit = math.sqrt(3.0) * std
        return uniform(rng, shape, limit, dtype)
    if distribution == "truncated_normal":
        return truncated_normal(rng, shape, std / TRUNCATED_STD, dtype)
    return normal(rng, shape, std, dtype)


def orthogonal(shape, rng, *, gain: float = 1.0, dtype=np.float64) -> np.ndarray:
    """W = gain * Q, Q from the QR of a Gaussian with columns sign-fixed by diag(R) (PyTorch's orthogonal_)."""
    shape, dtype = _check_shape(shape), _dtype(dtype)
    rows, cols = shape[0], math.prod(shape[1:])
    a = rng.standard_normal((rows, cols))
    if rows < cols:
        a = a.T                                          # QR needs a tall matrix: (cols, rows)
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.diag(r))                          # unique Q: make diag(R) positive
    if rows < cols:
        q = q.T                                          # back to (rows, cols)
    return (gain * q).reshape(shape).astype(dtype, copy=False)


@dataclass(frozen=True)
class InitSpec:
    """One registry entry: sample(shape, rng, dtype, **params) and std(shape, **params) from the same formula."""
    name: str
    formula: str                                     # LaTeX of the distribution
    defaults: dict = field(default_factory=dict)     # params and their defaults
    sample: Callable = None
    std: Callable = None


def _vs_preset(scale_of_gain, mode, distribution):
    """A preset of the variance-scaling core: scale = scale_of_gain(gain)."""
    def sample(shape, rng, dtype, gain):
        return variance_scaling(shape, rng, scale=scale_of_gain(gain), mode=mode,
                                distribution=distribution, dtype=dtype)

    def std(shape, gain):
        return math.sqrt(scale_of_gain(gain) / _fan(shape, mode))
    return sample, std


def _registry() -> dict[str, InitSpec]:
    """Build the 12 named initializers."""
    specs = [
        InitSpec("zeros", r"w = 0", {},
                 lambda s, rng, dt: np.zeros(s, dt), lambda s: 0.0),
        InitSpec("constant", r"w = c", {"value": 0.5},
                 lambda s, rng, dt, value: np.full(s, value, dt), lambda s, value: 0.0),
        InitSpec("uniform", r"w \sim U(-a, a)", {"limit": 1.0},
                 lambda s, rng, dt, limit: uniform(rng, s, limit, dt),
                 lambda s, limit: limit / math.sqrt(3.0)),
        InitSpec("normal", r"w \sim N(0, \sigma^2)", {"std": 0.01},
                 lambda s, rng, dt, std: normal(rng, s, std, dt),
                 lambda s, std: float(std)),
        InitSpec("xavier_uniform", r"w \sim U\left(\pm g\sqrt{6/(n_{in}+n_{out})}\right)", {"gain": 1.0},
                 *_vs_preset(lambda g: g * g, "fan_avg", "uniform")),
        InitSpec("xavier_normal", r"w \sim N\left(0,\ g^2 \cdot 2/(n_{in}+n_{out})\right)", {"gain": 1.0},
                 *_vs_preset(lambda g: g * g, "fan_avg", "normal")),
        InitSpec("he_uniform", r"w \sim U\left(\pm g\sqrt{6/n_{in}}\right)", {"gain": 1.0},
                 *_vs_preset(lambda g: 2.0 * g * g, "fan_in", "uniform")),
        InitSpec("he_normal", r"w \sim N\left(0,\ g^2 \cdot 2/n_{in}\right)", {"gain": 1.0},
                 *_vs_preset(lambda g: 2.0 * g * g, "fan_in", "normal")),
        InitSpec("lecun_uniform", r"w \sim U\left(\pm g\sqrt{3/n_{in}}\right)", {"gain": 1.0},
                 *_vs_preset(lambda g: g * g, "fan_in", "uniform")),
        InitSpec("lecun_normal", r"w \sim N\left(0,\ g^2/n_{in}\right)", {"gain": 1.0},
                 *_vs_preset(lambda g: g * g, "fan_in", "normal")),
        InitSpec("orthogonal", r"W = g\,Q,\quad QR = A,\ A_{ij} \sim N(0,1)", {"gain": 1.0},
                 lambda s, rng, dt, gain: orthogonal(s, rng, gain=gain, dtype=dt),
                 lambda s, gain: gain * math.sqrt(min(s[0], math.prod(s[1:])) / math.prod(s))),
        InitSpec("torch_default", r"w \sim U\left(\pm 1/\sqrt{n_{in}}\right)", {},
                 lambda s, rng, dt: _torch_default(s, rng, dt),
                 lambda s: 1.0 / math.sqrt(3.0 * compute_fans(s)[0])),
    ]
    return {spec.name: spec for spec in specs}


def _torch_default(shape, rng, dtype):
    """nn.Linear's default: kaiming_uniform_(a=sqrt(5)) = U(+-1/sqrt(n_in))."""
    return uniform(rng, shape, 1.0 / math.sqrt(compute_fans(shape)[0]), dtype)


INITIALIZERS: dict[str, InitSpec] = _registry()

# Initializers whose std follows a fan (the variance-scaling family, plotted against fan_in).
VARIANCE_SCALING = ("xavier_uniform", "xavier_normal", "he_uniform", "he_normal",
                    "lecun_uniform", "lecun_normal", "orthogonal", "torch_default")


def _resolve(name: str, params: dict) -> tuple[InitSpec, dict]:
    """The spec and its full parameter dict; ValueError names the valid choices."""
    if name not in INITIALIZERS:
        raise ValueError(f"unknown initializer {name!r}; valid: {', '.join(INITIALIZERS)}")
    spec = INITIALIZERS[name]
    unknown = set(params) - set(spec.defaults)
    if unknown:
        valid = ", ".join(spec.defaults) or "none"
        raise ValueError(f"{name} got unknown parameter(s) {sorted(unknown)}; valid: {valid}")
    resolved = {**spec.defaults, **params}
    for key, value in resolved.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
                or not math.isfinite(value):
            raise ValueError(f"{name}: {key} must be a finite number, got {value!r}")
        if key in ("std", "limit") and value < 0:
            raise ValueError(f"{name}: {key} must be >= 0, got {value}")
    return spec, {k: float(v) for k, v in resolved.items()}


def initialize(name: str, shape, rng: np.random.Generator, dtype=np.float64, **params) -> np.ndarray:
    """Sample a (fan_in, fan_out) weight matrix from the named initializer."""
    spec, params = _resolve(name, params)
    shape = _check_shape(shape)
    return spec.sample(shape, rng, _dtype(dtype), **params)


def expected_std(name: str, shape, **params) -> float:
    """The standard deviation the initializer's formula promises for this shape."""
    spec, params = _resolve(name, params)
    return float(spec.std(_check_shape(shape), **params))
