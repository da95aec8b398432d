"""probe(): one pass on random data, with histograms binned on the server and the gradient factors."""
import math

import numpy as np
import pytest

from engine.mlp import MLP, MLPConfig
from engine.probe import histograms, loss_and_grad, probe


def config(**kw):
    return MLPConfig(**{"widths": (64,) * 7, "activation": "tanh", "init": "xavier_normal", **kw})


def test_stats_match_a_direct_run_of_the_same_net():
    result = probe(config(), batch=128, seed=4)
    net = MLP(config())
    rng = np.random.default_rng(4)
    x = rng.standard_normal((128, 64)).astype(np.float32)
    out = net.forward(x)
    _, grad = loss_and_grad(out, "mse", rng)
    net.backward(grad)
    expected = net.layer_stats()
    for got, want in zip(result.stats, expected):
        assert got["a_std"] == want["a_std"] and got["grad_W_norm"] == want["grad_W_norm"]


def test_histogram_rows_are_shares_on_a_shared_range():
    result = probe(config(), batch=64)
    h = result.hist_a
    assert h.counts.shape == (6, 50) and h.edges.shape == (51,)
    np.testing.assert_allclose(h.counts.sum(axis=1), 1.0)
    assert -1.0 <= h.edges[0] < -0.5 and 0.5 < h.edges[-1] <= 1.0      # tanh output range


def test_gradient_histogram_is_of_log10_magnitudes():
    values = [np.array([[1e-3, -1e-3]]), np.array([[10.0, 0.0]])]
    h = histograms(values, bins=4, log10=True)
    assert h.log10 and h.edges[0] == -3 and h.edges[-1] == 1
    np.testing.assert_allclose(h.counts, [[1, 0, 0, 0], [0, 0, 0, 1]])       # zeros are left out


def test_weight_scale_is_applied():
    small = probe(config(), weight_scale=0.1)
    assert small.stats[-1]["a_std"] < 1e-3 * probe(config()).stats[-1]["a_std"] * 10


def test_bias_setting_is_applied():
    """Same x and W: layer 1's z moves by exactly the bias, and a later layer's spread changes with it."""
    plain, shifted = probe(config()), probe(config(bias=0.5))
    assert shifted.stats[0]["z_mean"] - plain.stats[0]["z_mean"] == pytest.approx(0.5, abs=1e-6)
    assert shifted.stats[0]["z_std"] == pytest.approx(plain.stats[0]["z_std"], rel=1e-6)
    assert abs(shifted.stats[-1]["a_mean"] - plain.stats[-1]["a_mean"]) > 0.05


def test_predicted_factor_uses_the_fan_out_on_non_square_layers():
    """Backward through W (n_in x n_out) sums n_out terms: the factor is sqrt(n_out Var(w) E[phi'^2])."""
    from engine.mlp import MLP
    from engine.probe import gradient_factors
    net = MLP(MLPConfig((64, 512, 128, 512, 32), activation="tanh", init="xavier_normal", seed=1))
    rng = np.random.default_rng(0)
    out = net.forward(rng.standard_normal((1024, 64)))
    net.backward(rng.standard_normal(out.shape))
    for f, W in list(zip(gradient_factors(net), net.weights))[1:]:
        measured, predicted = f["factor_measured"], f["factor_predicted"]
        assert measured == pytest.approx(predicted, rel=0.1), W.shape
        n_in, n_out = W.shape
        assert abs(predicted / measured - 1) < abs(predicted * math.sqrt(n_in / n_out) / measured - 1)


def test_predicted_factor_with_batch_norm_includes_the_bn_gain():
    """With BN the backward factor is sqrt(n Var(w) E[phi'^2] gamma^2 / sigma_B^2): the plotted value is that."""
    result = probe(MLPConfig((256,) * 6, activation="tanh", init="normal", init_params={"std": 0.01},
                             batch_norm=True), batch=512, loss="projection")
    for row in result.stats[1:]:
        assert row["factor_measured"] == pytest.approx(row["factor_predicted"], rel=0.15)
        assert row["factor_predicted"] > 3 * math.sqrt(256) * 0.01      # the BN gain 1/sigma_B is large here


@pytest.mark.parametrize("activation,init", [("tanh", "xavier_normal"), ("relu", "he_normal")])
def test_predicted_gradient_factor_matches_measured(activation, init):
    result = probe(MLPConfig((512,) * 6, activation=activation, init=init), batch=512, loss="projection")
    for row in result.stats[1:]:
        assert row["factor_measured"] == pytest.approx(row["factor_predicted"], rel=0.1)


def test_small_normal_factor_is_below_one():
    result = probe(config(init="normal", init_params={"std": 0.01}))
    assert all(row["factor_predicted"] == pytest.approx(math.sqrt(64) * 0.01, rel=0.2) for row in result.stats)


def test_loss_gradients():
    a = np.array([[1.0, 2.0], [0.0, -1.0]])
    value, grad = loss_and_grad(a, "mse", np.random.default_rng(0))
    y = np.random.default_rng(0).standard_normal((2, 2))
    assert value == pytest.approx(np.sum((a - y) ** 2) / 4)
    np.testing.assert_allclose(grad, (a - y) / 2)
    value, grad = loss_and_grad(a, "projection", np.random.default_rng(0))
    np.testing.assert_allclose(grad, y / 2)


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="normal, uniform"):
        probe(config(), input_dist="cauchy")
    with pytest.raises(ValueError, match="mse, projection"):
        probe(config(), loss="hinge")
    with pytest.raises(ValueError, match=">= 2 with batch norm"):
        probe(config(batch_norm=True), batch=1)
