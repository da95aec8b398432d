"""Fans and gains: a weight shape's fan_in and fan_out, and PyTorch's gain table (torch.nn.init.calculate_gain).

engine.initializers re-exports both: they are part of its public API.
"""
from __future__ import annotations

import math


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
