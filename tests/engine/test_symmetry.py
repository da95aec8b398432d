"""Symmetry: equal starting weights stay equal under SGD; random ones do not. And the variance-preserving gain."""
import math

import numpy as np
import pytest

from engine import activations, initializers, symmetry, theory
from engine.mlp import MLP, MLPConfig


def test_zero_init_first_layer_never_moves_and_gets_exactly_zero_gradient():
    run = symmetry.train_tiny("zeros", steps=20)
    assert run.hidden_weights.shape == (21, 2, 4)
    assert not np.any(run.hidden_weights)                      # exactly 0, every step
    assert list(run.distinct) == [1] * 21
    # why: tanh(0) = 0 and W_2 = 0, so both layers' weight gradients vanish; only the output bias learns
    net = MLP(MLPConfig((2, 4, 1), activation="tanh", last_activation="linear", init="zeros", dtype="float64"))
    out = net.forward(symmetry.TOY_X)
    net.backward(2 * (out - symmetry.TOY_Y) / len(out))
    assert not np.any(net.grads_W[0]) and not np.any(net.grads_W[1]) and not np.any(net.grads_b[0])
    assert np.any(net.grads_b[1])
    assert run.loss[-1] < run.loss[0]                           # the bias alone still fits the mean


@pytest.mark.parametrize("value", [0.5, -1.3, 2.0])
def test_constant_init_keeps_every_hidden_unit_identical(value):
    run = symmetry.train_tiny("constant", {"value": value}, steps=20)
    W = run.hidden_weights
    assert np.abs(W[-1] - W[0]).max() > 0.05                   # the weights do move...
    assert np.abs(W - W[:, :, :1]).max() <= symmetry.TIE_TOL   # ...but every column moves the same way
    assert list(run.distinct) == [1] * 21


@pytest.mark.parametrize("init", ["xavier_uniform", "he_normal", "orthogonal", "normal", "torch_default"])
def test_random_init_gives_four_distinct_units(init):
    run = symmetry.train_tiny(init, seed=3)
    assert run.distinct[0] == 4 and run.distinct[-1] == 4
    assert run.loss[-1] < run.loss[0]


def test_training_is_plain_sgd_on_mse():
    """One step by hand: W <- W - lr * dL/dW with L = mean((y_hat - y)^2)."""
    lr = 0.3
    net = MLP(MLPConfig((2, 4, 1), activation="tanh", last_activation="linear", init="xavier_uniform", seed=5,
                        dtype="float64"))
    W1, W2 = net.weights
    h = np.tanh(symmetry.TOY_X @ W1)
    err = h @ W2 - symmetry.TOY_Y
    grad_W1 = symmetry.TOY_X.T @ ((2 * err / len(err)) @ W2.T * (1 - h**2))
    run = symmetry.train_tiny("xavier_uniform", steps=1, lr=lr, seed=5)
    np.testing.assert_allclose(run.hidden_weights[1], W1 - lr * grad_W1, rtol=1e-12, atol=1e-15)
    assert run.loss[0] == pytest.approx(float(np.mean(err**2)), rel=1e-12)


def test_bad_arguments_raise():
    with pytest.raises(ValueError):
        symmetry.train_tiny("zeros", steps=-1)
    with pytest.raises(ValueError):
        symmetry.train_tiny("zeros", lr=float("nan"))
    with pytest.raises(ValueError, match="unknown initializer"):
        symmetry.train_tiny("nope")
    with pytest.raises(ValueError):
        theory.second_moment("relu", var=0.0)


@pytest.mark.parametrize("act, expected", [("linear", 1.0), ("relu", math.sqrt(2.0)),
                                           ("leaky_relu", initializers.calculate_gain("leaky_relu")),
                                           ("selu", 1.0)])
def test_variance_preserving_gain_matches_closed_forms(act, expected):
    # linear/relu/leaky_relu are exact; SELU's constants were chosen so E[selu(z)^2] = 1 for z ~ N(0, 1)
    assert theory.variance_preserving_gain(act) == pytest.approx(expected, rel=1e-6)


def test_second_moment_against_monte_carlo_and_scaling():
    z = np.random.default_rng(0).standard_normal(2_000_000)
    for act in ("tanh", "sigmoid", "gelu", "swish", "softplus", "elu"):
        mc = np.mean(activations.get(act).forward(z) ** 2)
        assert theory.second_moment(act) == pytest.approx(mc, rel=3e-3), act
    # ReLU is positively homogeneous: E[relu(z)^2] = var / 2 for any variance
    assert theory.second_moment("relu", var=4.0) == pytest.approx(2.0, rel=1e-9)
    # tanh's variance-preserving gain is not PyTorch's 5/3
    assert abs(theory.variance_preserving_gain("tanh") - 5 / 3) > 0.05


@pytest.mark.parametrize("init", ["xavier_uniform", "xavier_normal", "he_normal", "he_uniform", "lecun_normal",
                                  "orthogonal", "torch_default"])
def test_with_the_page_defaults_a_random_init_beats_the_tied_one(init):
    """The page's caption compares the two losses; SGD at the default lr must not oscillate."""
    tied = symmetry.train_tiny("constant", {"value": 0.5})
    for seed in range(5):
        run = symmetry.train_tiny(init, seed=seed)
        assert run.loss[-1] < tied.loss[-1]
        assert np.all(np.diff(run.loss[-5:]) < 1e-3)            # still going down at the end
