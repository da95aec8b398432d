"""Activations phi(z) and their derivatives phi'(z), dtype-preserving and stable for |z| up to 1e4."""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

LEAKY_SLOPE = 0.01
ELU_ALPHA = 1.0
SELU_ALPHA = 1.6732632423543772848170429916717     # PyTorch's SELU constants
SELU_SCALE = 1.0507009873554804934193349852946
GELU_C = math.sqrt(2.0 / math.pi)
GELU_K = 0.044715


def _float(z) -> np.ndarray:
    """z as a float array (float32 stays float32; ints become float64)."""
    z = np.asarray(z)
    return z if z.dtype.kind == "f" else z.astype(np.float64)


def _sigmoid(z):
    """sigma(z) = 1 / (1 + e^{-z}), evaluated with e^{-|z|} so it never overflows."""
    z = _float(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _step(z, below, above=1.0):
    """above where z > 0 else below, in z's dtype."""
    t = z.dtype.type
    return np.where(z > 0, t(above), t(below))


def _neg_exp(z):
    """e^{min(z, 0)}: the exponential branch of ELU/SELU without overflow for large z."""
    return np.exp(np.minimum(z, 0))


@dataclass(frozen=True)
class Activation:
    """phi with its derivative; `bounds` is its range when saturating, `relu_like` when units can die."""
    name: str
    latex: str
    forward: Callable
    derivative: Callable
    bounds: tuple | None = None
    relu_like: bool = False
    derivative_from_a: Callable | None = None      # phi'(z) written with a = phi(z): saves a pass

    def __call__(self, z):
        return self.forward(z)

    def backprop(self, grad_a, z, a):
        """dL/dz = dL/da * phi'(z), reading the cached output a when phi' is cheaper from it."""
        if self.derivative_from_a is not None:
            return grad_a * self.derivative_from_a(a)
        return grad_a * self.derivative(z)


def _linear(z):
    """phi(z) = z"""
    return _float(z)


def _d_linear(z):
    """phi'(z) = 1"""
    return np.ones_like(_float(z))


def _tanh(z):
    """phi(z) = tanh z"""
    return np.tanh(_float(z))


def _d_tanh(z):
    """phi'(z) = 1 - tanh^2 z"""
    t = np.tanh(_float(z))
    return 1 - t * t


def _d_sigmoid(z):
    """phi'(z) = sigma(z)(1 - sigma(z))"""
    s = _sigmoid(z)
    return s * (1 - s)


def _relu(z):
    """phi(z) = max(z, 0)"""
    return np.maximum(_float(z), 0)


def _d_relu(z):
    """phi'(z) = 1[z > 0] (0 at z = 0, as PyTorch)"""
    return _step(_float(z), 0.0)


def _leaky_relu(z):
    """phi(z) = z if z > 0 else 0.01 z"""
    z = _float(z)
    return np.where(z > 0, z, z * z.dtype.type(LEAKY_SLOPE))


def _d_leaky_relu(z):
    """phi'(z) = 1 if z > 0 else 0.01"""
    return _step(_float(z), LEAKY_SLOPE)


def _elu(z):
    """phi(z) = z if z > 0 else alpha (e^z - 1), alpha = 1"""
    z = _float(z)
    return np.where(z > 0, z, ELU_ALPHA * np.expm1(np.minimum(z, 0)))


def _d_elu(z):
    """phi'(z) = 1 if z > 0 else alpha e^z"""
    z = _float(z)
    return np.where(z > 0, z.dtype.type(1), ELU_ALPHA * _neg_exp(z))


def _selu(z):
    """phi(z) = lambda (z if z > 0 else alpha (e^z - 1)), lambda = 1.0507, alpha = 1.6733"""
    z = _float(z)
    return SELU_SCALE * np.where(z > 0, z, SELU_ALPHA * np.expm1(np.minimum(z, 0)))


def _d_selu(z):
    """phi'(z) = lambda (1 if z > 0 else alpha e^z)"""
    z = _float(z)
    return SELU_SCALE * np.where(z > 0, z.dtype.type(1), SELU_ALPHA * _neg_exp(z))


def _gelu_inner(z):
    """u = sqrt(2/pi) (z + 0.044715 z^3), clipped where tanh(u) is already +-1 so z^3 cannot overflow."""
    zc = np.clip(z, -20, 20)
    return GELU_C * (zc + GELU_K * zc * zc * zc)


def _gelu(z):
    """phi(z) = z/2 (1 + tanh(sqrt(2/pi)(z + 0.044715 z^3)))  (tanh approximation)"""
    z = _float(z)
    return 0.5 * z * (1 + np.tanh(_gelu_inner(z)))


def _d_gelu(z):
    """phi'(z) = (1 + t)/2 + z/2 (1 - t^2) sqrt(2/pi)(1 + 3 * 0.044715 z^2), t = tanh(u)"""
    z = _float(z)
    t = np.tanh(_gelu_inner(z))
    zc = np.clip(z, -20, 20)
    du = GELU_C * (1 + 3 * GELU_K * zc * zc)
    return 0.5 * (1 + t) + 0.5 * zc * (1 - t * t) * du


def _softplus(z):
    """phi(z) = log(1 + e^z) = max(z, 0) + log(1 + e^{-|z|})"""
    z = _float(z)
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def _swish(z):
    """phi(z) = z sigma(z)"""
    z = _float(z)
    return z * _sigmoid(z)


def _d_swish(z):
    """phi'(z) = sigma(z) + z sigma(z)(1 - sigma(z))"""
    z = _float(z)
    s = _sigmoid(z)
    return s + z * s * (1 - s)


_ALL = [
    Activation("linear", r"\phi(z) = z", _linear, _d_linear, derivative_from_a=lambda a: 1),
    Activation("sigmoid", r"\phi(z) = \frac{1}{1 + e^{-z}}", _sigmoid, _d_sigmoid, bounds=(0.0, 1.0),
               derivative_from_a=lambda a: a * (1 - a)),
    Activation("tanh", r"\phi(z) = \tanh z", _tanh, _d_tanh, bounds=(-1.0, 1.0),
               derivative_from_a=lambda a: 1 - a * a),
    Activation("relu", r"\phi(z) = \max(z, 0)", _relu, _d_relu, relu_like=True,
               derivative_from_a=lambda a: a > 0),
    Activation("leaky_relu", r"\phi(z) = \max(z, 0.01 z)", _leaky_relu, _d_leaky_relu, relu_like=True),
    Activation("elu", r"\phi(z) = z \ (z>0),\ e^z - 1 \ (z \le 0)", _elu, _d_elu, relu_like=True),
    Activation("selu", r"\phi(z) = \lambda\,(z \ (z>0),\ \alpha(e^z - 1))", _selu, _d_selu, relu_like=True),
    Activation("gelu", r"\phi(z) = \tfrac{z}{2}\left(1 + \tanh\left(\sqrt{2/\pi}(z + 0.044715 z^3)\right)\right)",
               _gelu, _d_gelu),
    Activation("softplus", r"\phi(z) = \log(1 + e^z)", _softplus, _sigmoid),
    Activation("swish", r"\phi(z) = z\,\sigma(z)", _swish, _d_swish),
]

ACTIVATIONS: Mapping[str, Activation] = MappingProxyType({a.name: a for a in _ALL})


def get(name: str) -> Activation:
    """The named activation; ValueError lists the valid names."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; valid: {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]
