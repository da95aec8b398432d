"""Each activation's derivative against finite differences, its values, and stability at |z| = 1e4."""
import math
import warnings

import numpy as np
import pytest

from engine import activations as act

NAMES = list(act.ACTIVATIONS)
# points away from the kinks at 0, where one-sided derivatives differ
Z = np.array([-6.0, -2.5, -1.0, -0.3, -0.01, 0.02, 0.4, 1.0, 2.2, 7.0])


def test_registry_has_the_ten_names():
    assert NAMES == ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu",
                     "softplus", "swish"]


@pytest.mark.parametrize("name", NAMES)
def test_derivative_matches_finite_differences(name):
    phi = act.ACTIVATIONS[name]
    h = 1e-6
    numeric = (phi.forward(Z + h) - phi.forward(Z - h)) / (2 * h)
    np.testing.assert_allclose(phi.derivative(Z), numeric, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name,z,expected", [
    ("sigmoid", 0.0, 0.5), ("sigmoid", 2.0, 1 / (1 + math.exp(-2))),
    ("tanh", 0.5, math.tanh(0.5)), ("relu", -3.0, 0.0), ("relu", 3.0, 3.0),
    ("leaky_relu", -3.0, -0.03), ("elu", -1.0, math.exp(-1) - 1),
    ("selu", -1.0, 1.0507009873554804934 * 1.6732632423543772848 * (math.exp(-1) - 1)),
    ("selu", 2.0, 2 * 1.0507009873554804934),
    ("gelu", 1.0, 0.5 * (1 + math.tanh(math.sqrt(2 / math.pi) * (1 + 0.044715)))),
    ("softplus", 1.0, math.log(1 + math.e)), ("swish", 1.0, 1 / (1 + math.exp(-1))),
    ("linear", -7.5, -7.5),
])
def test_values(name, z, expected):
    assert act.ACTIVATIONS[name].forward(np.array([z]))[0] == pytest.approx(expected, rel=1e-14, abs=1e-15)


def test_relu_derivative_at_zero_is_zero_as_pytorch():
    assert act.ACTIVATIONS["relu"].derivative(np.array([0.0]))[0] == 0.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_stable_and_dtype_preserving_at_extremes(name, dtype):
    phi = act.ACTIVATIONS[name]
    z = np.array([-1e4, -700.0, -50.0, 0.0, 50.0, 700.0, 1e4], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")           # any overflow RuntimeWarning fails the test
        y, dy = phi.forward(z), phi.derivative(z)
    assert y.dtype == dtype and dy.dtype == dtype
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(dy))


@pytest.mark.parametrize("name,lo,hi", [("sigmoid", 0.0, 1.0), ("tanh", -1.0, 1.0)])
def test_saturating_limits(name, lo, hi):
    phi = act.ACTIVATIONS[name]
    np.testing.assert_allclose(phi.forward(np.array([-1e4, 1e4])), [lo, hi])
    np.testing.assert_allclose(phi.derivative(np.array([-1e4, 1e4])), [0.0, 0.0])
    assert phi.bounds == (lo, hi)


def test_large_positive_limits_are_identity():
    for name in ["relu", "leaky_relu", "elu", "gelu", "softplus", "swish"]:
        assert act.ACTIVATIONS[name].forward(np.array([1e4]))[0] == pytest.approx(1e4)
        assert act.ACTIVATIONS[name].derivative(np.array([1e4]))[0] == pytest.approx(1.0)


def test_unknown_name_lists_valid_ones():
    with pytest.raises(ValueError, match="valid: linear, sigmoid"):
        act.get("mish")


@pytest.mark.parametrize("name", NAMES)
def test_backprop_from_output_equals_chain_rule(name):
    phi = act.ACTIVATIONS[name]
    grad_a = np.linspace(-1, 1, Z.size)
    np.testing.assert_allclose(phi.backprop(grad_a, Z, phi.forward(Z)), grad_a * phi.derivative(Z),
                               rtol=1e-12, atol=1e-15)
