"""engine.losses: values by hand, gradients against central differences (float64), stability, dtypes, errors."""
import numpy as np
import pytest

from engine import losses
from tests.engine.gradcheck import numerical_grad, relative_error

RNG = np.random.default_rng(0)
LOGITS = RNG.standard_normal((5, 3))
Y = np.array([0, 2, 1, 2, 0])
FD_TOL = 1e-8   # central differences with h = 1e-6 are good to about 1e-9


def test_cross_entropy_value_by_hand():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    loss, _ = losses.cross_entropy(z, np.array([2, 1]))
    lse = np.log(np.exp(1) + np.exp(2) + np.exp(3))
    assert loss == pytest.approx(((lse - 3) + np.log(3)) / 2, rel=1e-14)


def test_cross_entropy_gradient_is_softmax_minus_one_hot_over_n():
    _, grad = losses.cross_entropy(LOGITS, Y)
    p = np.exp(LOGITS) / np.exp(LOGITS).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(grad, (p - np.eye(3)[Y]) / 5, rtol=1e-13, atol=1e-16)
    fd = numerical_grad(lambda z: losses.cross_entropy(z, Y)[0], LOGITS.copy())
    assert relative_error(grad, fd) < FD_TOL


def test_cross_entropy_is_stable_for_huge_logits():
    z = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]])
    loss, grad = losses.cross_entropy(z, np.array([1, 2]))     # warnings are errors in this suite
    assert loss == pytest.approx((2e4 + np.log(2)) / 2, rel=1e-12)
    assert np.isfinite(grad).all()


def test_mse_value_and_gradient():
    target = RNG.standard_normal(LOGITS.shape)
    loss, grad = losses.mse(LOGITS, target)
    assert loss == pytest.approx(np.mean((LOGITS - target) ** 2), rel=1e-14)
    np.testing.assert_allclose(grad, 2 * (LOGITS - target) / LOGITS.size, rtol=1e-14)
    fd = numerical_grad(lambda z: losses.mse(z, target)[0], LOGITS.copy())
    assert relative_error(grad, fd) < FD_TOL


def test_mse_loss_of_a_classifier_uses_the_one_hot_target():
    loss, grad = losses.get("mse")(LOGITS, Y)
    expected, expected_grad = losses.mse(LOGITS, np.eye(3)[Y])
    assert loss == expected
    np.testing.assert_array_equal(grad, expected_grad)
    np.testing.assert_array_equal(losses.one_hot(np.array([1, 0]), 3), [[0, 1, 0], [1, 0, 0]])


@pytest.mark.parametrize("name", ["cross_entropy", "mse"])
def test_float32_stays_float32(name):
    _, grad = losses.get(name)(LOGITS.astype(np.float32), Y)
    assert grad.dtype == np.float32


def test_softmax_rows_sum_to_one_without_overflow():
    p = losses.softmax(np.array([[1000.0, 0.0], [-1000.0, -1000.0]]))
    np.testing.assert_allclose(p, [[1.0, 0.0], [0.5, 0.5]], atol=1e-300)


@pytest.mark.parametrize("logits, y, match", [
    (np.zeros(3), np.array([0]), "shape"),
    (np.zeros((2, 3)), np.array([0, 3]), "0 .. 2"),
    (np.zeros((2, 3)), np.array([0.0, 1.0]), "integer"),
    (np.zeros((2, 3)), np.array([0]), "2 integer labels"),
])
def test_bad_inputs_raise(logits, y, match):
    with pytest.raises(ValueError, match=match):
        losses.cross_entropy(logits, y)


def test_unknown_loss_names_the_valid_ones():
    with pytest.raises(ValueError, match="cross_entropy, mse"):
        losses.get("hinge")
