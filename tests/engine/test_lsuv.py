"""LSUV (Mishkin & Matas 2016): orthonormal start, then each layer's output variance brought within tol of 1."""
import warnings

import numpy as np
import pytest

from engine import initializers, lsuv
from engine.mlp import MLP, MLPConfig

FRESH_TOL = 2 * lsuv.TOL     # on other inputs than LSUV's batch, Var(h_l) may stray by the sampling error too


def lsuv_batch(config):
    """The batch LSUV used: BATCH rows of N(0, I) from default_rng((seed, STREAM))."""
    rng = np.random.default_rng((config.seed, lsuv.STREAM))
    return rng.standard_normal((lsuv.BATCH, config.widths[0]))


def output_variances(net, x):
    net.forward(x.astype(net.dtype))
    return np.array([t.h.var(dtype=np.float64) for t in net.trace])


@pytest.mark.parametrize("kw", [
    dict(activation="tanh"), dict(activation="relu", bias_std=0.5), dict(activation="selu", residual=True),
    dict(activation="relu", batch_norm=True), dict(activation="sigmoid", widths=(20, 300, 50, 200, 7))])
def test_every_layer_output_has_unit_variance_and_reports_its_passes(kw):
    config = MLPConfig(**{"widths": (32,) + (128,) * 8, "init": "lsuv", "dtype": "float64", **kw})
    net = MLP(config)
    assert len(net.lsuv_passes) == net.depth and all(0 <= p <= lsuv.MAX_PASSES for p in net.lsuv_passes)
    assert np.all(np.abs(output_variances(net, lsuv_batch(config)) - 1) < lsuv.TOL)
    fresh = np.random.default_rng(99).standard_normal((1000, config.widths[0]))
    assert np.all(np.abs(output_variances(MLP(config), fresh) - 1) < FRESH_TOL)


def test_passes_without_bias_are_one_and_a_bias_needs_more():
    """Var(s h + b) = s^2 Var(h) + Var(b): without b one rescaling lands on 1; with b it takes another."""
    plain = MLP(MLPConfig((32,) + (128,) * 6, activation="tanh", init="lsuv", dtype="float64"))
    assert set(plain.lsuv_passes) <= {0, 1}
    biased = MLP(MLPConfig((32,) + (128,) * 6, activation="relu", init="lsuv", bias_std=0.5, dtype="float64"))
    assert max(biased.lsuv_passes) >= 2


def test_starts_orthonormal_and_only_rescales():
    config = MLPConfig((64, 64, 64, 64), activation="tanh", init="lsuv", dtype="float64")
    for W in MLP(config).weights:
        s2 = np.mean(np.sum(W * W, axis=0))
        np.testing.assert_allclose(W.T @ W, s2 * np.eye(64), atol=1e-12)      # a multiple of an orthogonal Q
    assert initializers.describe("lsuv", (64, 64)).kind == "orthogonal"


def test_a_bias_too_large_stops_after_max_passes_without_warnings():
    """Var(b) = 4 > 1 + tol: no scale of W reaches Var = 1, so LSUV gives up after MAX_PASSES."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net = MLP(MLPConfig((16, 32, 32), activation="tanh", init="lsuv", bias_std=2.0, dtype="float64"))
        assert net.lsuv_passes == (lsuv.MAX_PASSES, lsuv.MAX_PASSES)
        assert lsuv.unit_variance_passes(np.zeros((4, 3)), np.zeros(3)) == (1.0, 0, 0.0)   # nothing to rescale


def test_reproducible_float32_and_leaves_batch_norm_untouched():
    config = MLPConfig((16, 48, 48, 48), activation="relu", init="lsuv", batch_norm=True, seed=7)
    a, b = MLP(config), MLP(config)
    assert a.lsuv_passes == b.lsuv_passes
    for Wa, Wb in zip(a.weights, b.weights):
        assert Wa.dtype == np.float32
        np.testing.assert_array_equal(Wa, Wb)
    for bn in a.bns:
        np.testing.assert_array_equal(bn.running_mean, 0)
        np.testing.assert_array_equal(bn.running_var, 1)
    assert MLP(MLPConfig((4, 4))).lsuv_passes == ()


def test_registry_entry_describes_lsuv():
    spec = initializers.INITIALIZERS["lsuv"]
    assert dict(spec.defaults) == {}
    text = " ".join(initializers.describe("lsuv", (100, 50)).latex)
    assert r"\operatorname{Var}(h_l)" in text and str(lsuv.MAX_PASSES) in text
    w = initializers.initialize("lsuv", (100, 50), np.random.default_rng(0))
    np.testing.assert_allclose(w.T @ w, np.eye(50), atol=1e-12)
