"""BatchNorm: PyTorch BatchNorm1d semantics and a float64 finite-difference check of backward."""
import numpy as np
import pytest

from engine.batchnorm import BatchNorm
from tests.engine.gradcheck import numerical_grad, relative_error


def make(seed=0, n=6, d=4):
    rng = np.random.default_rng(seed)
    bn = BatchNorm(d)
    bn.gamma = rng.uniform(0.5, 2.0, d)
    bn.beta = rng.standard_normal(d)
    x = rng.standard_normal((n, d)) * 3 + 1
    weights = rng.standard_normal((n, d))          # loss = sum(weights * y)
    return bn, x, weights


def test_training_forward_normalizes_with_biased_variance():
    bn, x, _ = make()
    y = bn.forward(x)
    x_hat = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5)
    np.testing.assert_allclose(y, bn.gamma * x_hat + bn.beta, rtol=1e-13)


def test_running_stats_use_momentum_and_unbiased_variance():
    bn, x, _ = make()
    bn.forward(x)
    np.testing.assert_allclose(bn.running_mean, 0.1 * x.mean(0), rtol=1e-13)
    np.testing.assert_allclose(bn.running_var, 0.9 + 0.1 * x.var(0, ddof=1), rtol=1e-13)
    bn.forward(2 * x)
    np.testing.assert_allclose(bn.running_mean, 0.9 * 0.1 * x.mean(0) + 0.1 * 2 * x.mean(0), rtol=1e-13)


def test_inference_uses_running_stats_and_leaves_them():
    bn, x, _ = make()
    bn.running_mean, bn.running_var = np.full(4, 0.5), np.full(4, 4.0)
    y = bn.forward(x, training=False)
    np.testing.assert_allclose(y, bn.gamma * (x - 0.5) / np.sqrt(4.0 + 1e-5) + bn.beta, rtol=1e-13)
    np.testing.assert_array_equal(bn.running_var, np.full(4, 4.0))


@pytest.mark.parametrize("training", [True, False])
def test_backward_matches_finite_differences(training):
    bn, x, weights = make(seed=1)
    bn.running_mean, bn.running_var = np.full(4, 0.3), np.full(4, 2.0)

    def loss_of_x(x_):
        probe = BatchNorm(4)
        probe.gamma, probe.beta = bn.gamma, bn.beta
        probe.running_mean, probe.running_var = bn.running_mean.copy(), bn.running_var.copy()
        return float(np.sum(weights * probe.forward(x_, training)))

    def loss_of(param):
        def f(value):
            probe = BatchNorm(4)
            probe.gamma, probe.beta = bn.gamma.copy(), bn.beta.copy()
            probe.running_mean, probe.running_var = bn.running_mean.copy(), bn.running_var.copy()
            setattr(probe, param, value)
            return float(np.sum(weights * probe.forward(x, training)))
        return f

    expected_dx = numerical_grad(loss_of_x, x)
    expected_dgamma = numerical_grad(loss_of("gamma"), bn.gamma)
    expected_dbeta = numerical_grad(loss_of("beta"), bn.beta)
    bn.forward(x, training)
    dx = bn.backward(weights)
    assert relative_error(dx, expected_dx) < 1e-8
    assert relative_error(bn.dgamma, expected_dgamma) < 1e-8
    assert relative_error(bn.dbeta, expected_dbeta) < 1e-8


def test_training_gradient_sums_to_zero_per_feature():
    """Shifting x by a constant per feature changes nothing in training mode, so sum_i dx_i = 0."""
    bn, x, weights = make(seed=2)
    bn.forward(x)
    np.testing.assert_allclose(bn.backward(weights).sum(0), 0, atol=1e-12)


def test_float32_stays_float32():
    bn = BatchNorm(3, dtype=np.float32)
    y = bn.forward(np.ones((4, 3), np.float32) * np.arange(4, dtype=np.float32)[:, None])
    assert y.dtype == np.float32 and bn.backward(np.ones_like(y)).dtype == np.float32
    assert bn.running_var.dtype == np.float32


def test_batch_of_one_in_training_is_a_clear_error():
    with pytest.raises(ValueError, match="batch of at least 2"):
        BatchNorm(3).forward(np.ones((1, 3)))
    assert BatchNorm(3).forward(np.ones((1, 3)), training=False).shape == (1, 3)


def test_wrong_shape_is_a_clear_error():
    with pytest.raises(ValueError, match=r"\(batch, 3\)"):
        BatchNorm(3).forward(np.ones((4, 2)))
