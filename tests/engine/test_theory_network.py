"""The theory against actual networks: sigma_w2 of a config, and the residual stream's variance through depth
(Understanding Deep Learning, fig. 11.6: it doubles per block without normalization, grows linearly with it)."""
import math

import numpy as np
import pytest

from engine import theory
from engine.mlp import MLPConfig

RELU_VAR_INCREMENT = 0.5 - 1 / (2 * math.pi)     # Var(relu(z)), z ~ N(0, 1): what each BN'd block adds
PLAIN_TOL = 0.3          # He ReLU's per-layer variance walks by ~10-15% at width 1024 (log-normal fluctuations)
DOUBLING = 1.75          # without BN each block multiplies Var(a) by 2-3 (mean-field: >= 2, since the mean adds too)


def he(residual=False, batch_norm=False, width=1024, depth=20):
    return MLPConfig((width,) * (depth + 1), activation="relu", init="he_normal", residual=residual,
                     batch_norm=batch_norm, dtype="float64")


def test_plain_he_relu_keeps_the_variance():
    r = theory.stream_variance(he(), batch=256)
    np.testing.assert_allclose(r.predicted, r.predicted[0], rtol=1e-12)          # Var(a_l) = q (1/2 - 1/(2 pi))
    assert r.predicted[0] == pytest.approx(2 * RELU_VAR_INCREMENT, rel=1e-12)    # q = 2 for unit-variance inputs
    np.testing.assert_allclose(r.measured, r.predicted, rtol=PLAIN_TOL)


def test_residual_stream_without_normalization_doubles_per_block():
    r = theory.stream_variance(he(residual=True), batch=256)
    assert (r.measured[1:] / r.measured[:-1] > DOUBLING).all()
    assert (r.predicted[1:] / r.predicted[:-1] > DOUBLING).all() and (r.predicted[2:] / r.predicted[1:-1] > 2).all()
    np.testing.assert_allclose(r.measured, r.predicted, rtol=0.3)


def test_the_residual_streams_prediction_keeps_growing_past_1e16():
    """50 He ReLU blocks take the stream's variance to ~1e26: the mean field must not level off where q passes
    the 1e16 at which the stationary quantities are evaluated (it once did, at layer 30)."""
    r = theory.stream_variance(he(residual=True, width=64, depth=50), batch=64)
    assert r.predicted[-1] > 1e20 and (r.predicted[1:] / r.predicted[:-1] > DOUBLING).all()


def test_residual_stream_with_batch_norm_grows_linearly():
    r = theory.stream_variance(he(residual=True, batch_norm=True), batch=256)
    np.testing.assert_allclose(np.diff(r.predicted), RELU_VAR_INCREMENT, rtol=1e-9)
    np.testing.assert_allclose(np.diff(r.measured), RELU_VAR_INCREMENT, rtol=0.1)
    np.testing.assert_allclose(r.measured, r.predicted, rtol=0.05)


@pytest.mark.parametrize("init, params, expected", [
    ("xavier_normal", {}, 1.0), ("he_normal", {}, 2.0), ("lecun_uniform", {"gain": 1.5}, 2.25),
    ("orthogonal", {"gain": 1.2}, 1.44), ("normal", {"std": 0.1}, 0.64), ("torch_default", {}, 1 / 3)])
def test_sigma_w2_of_a_config(init, params, expected):
    config = MLPConfig((10, 64, 64, 3), init=init, init_params=params)
    assert theory.sigma_w2(config) == pytest.approx(expected, rel=1e-12)
    assert theory.layer_sigma_w2(config)[1] == theory.sigma_w2(config)
    assert theory.weights_kind(config) == ("orthogonal" if init == "orthogonal" else "gaussian")


def test_sigma_w2_of_lsuv_is_measured_and_sigma_b2_needs_zero_mean_biases():
    config = MLPConfig((32, 128, 128, 128), activation="tanh", init="lsuv", dtype="float64")
    assert 0.5 < theory.sigma_w2(config) < 3.0 and theory.weights_kind(config) == "orthogonal"
    assert theory.sigma_b2(MLPConfig((4, 4), bias_std=0.3)) == pytest.approx(0.09)
    with pytest.raises(ValueError, match="bias = 0"):
        theory.sigma_b2(MLPConfig((4, 4), bias=0.1))
    with pytest.raises(ValueError, match="plain nets"):
        theory.correlation_through_depth(MLPConfig((4, 4, 4), residual=True), c0=0.5)
    with pytest.raises(ValueError, match="c0"):
        theory.correlation_through_depth(MLPConfig((4, 4, 4)), c0=1.5)
