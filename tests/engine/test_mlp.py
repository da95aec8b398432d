"""The MLP: gradients against finite differences in float64, the trace, and the classic depth experiments."""
import math

import numpy as np
import pytest

from engine.mlp import MLP, MLPConfig
from tests.engine.gradcheck import numerical_grad, relative_error

WIDTHS = (5, 7, 6, 4)


def make(activation, batch_norm, last=None, seed=0):
    config = MLPConfig(WIDTHS, activation=activation, init="xavier_normal", batch_norm=batch_norm,
                       last_activation=last, seed=seed, dtype="float64")
    net = MLP(config)
    rng = np.random.default_rng(seed + 100)
    for b in net.biases:
        b[:] = rng.standard_normal(b.shape) * 0.3          # nonzero biases so their gradient is tested
    for bn in net.bns:
        bn.gamma = rng.uniform(0.5, 1.5, bn.num_features)
        bn.beta = rng.standard_normal(bn.num_features) * 0.2
    x = rng.standard_normal((8, WIDTHS[0]))
    R = rng.standard_normal((8, WIDTHS[-1]))                # L = sum(R * a_L)
    return net, x, R


def loss(net, x, R):
    return float(np.sum(R * net.forward(x)))


@pytest.mark.parametrize("batch_norm", [False, True])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "elu", "gelu", "swish", "softplus"])
def test_backward_matches_finite_differences(activation, batch_norm):
    net, x, R = make(activation, batch_norm, last="linear" if activation == "relu" else None)
    net.forward(x)
    net.backward(R)
    for l in range(net.depth):
        for params, grads in [(net.weights, net.grads_W), (net.biases, net.grads_b)]:
            def f(value, params=params, l=l):
                saved = params[l]
                params[l] = value
                out = loss(net, x, R)
                params[l] = saved
                return out
            assert relative_error(grads[l], numerical_grad(f, params[l])) < 1e-7, (l, activation)
    net.forward(x)
    net.backward(R)
    assert relative_error(net.grad_input, numerical_grad(lambda x_: loss(net, x_, R), x)) < 1e-7
    if batch_norm:
        for bn in net.bns:
            def g(value, bn=bn):
                saved, bn.gamma = bn.gamma, value
                out = loss(net, x, R)
                bn.gamma = saved
                return out
            expected = numerical_grad(g, bn.gamma)
            net.forward(x)
            net.backward(R)
            assert relative_error(bn.dgamma, expected) < 1e-7


def test_grads_a_and_grads_z_are_the_chain_rule():
    net, x, R = make("tanh", False)
    net.forward(x)
    net.backward(R)
    np.testing.assert_allclose(net.grads_a[-1], R)
    for l in range(net.depth):
        z = net.trace[l].z
        np.testing.assert_allclose(net.grads_z[l], net.grads_a[l] * (1 - np.tanh(z) ** 2), rtol=1e-13)
        if l > 0:
            np.testing.assert_allclose(net.grads_a[l - 1], net.grads_z[l] @ net.weights[l].T, rtol=1e-13)


def test_trace_records_z_and_a_per_layer():
    net, x, _ = make("relu", False)
    out = net.forward(x)
    assert len(net.trace) == 3
    a = x
    for l, t in enumerate(net.trace):
        np.testing.assert_allclose(t.z, a @ net.weights[l] + net.biases[l], rtol=1e-13)
        np.testing.assert_allclose(t.a, np.maximum(t.z, 0))
        a = t.a
    np.testing.assert_array_equal(out, net.trace[-1].a)


def test_last_activation_is_used_for_the_head():
    net, x, _ = make("tanh", False, last="linear")
    out = net.forward(x)
    np.testing.assert_array_equal(out, net.trace[-1].z)


@pytest.mark.parametrize("batch_norm", [False, True])
def test_float32_all_the_way_through(batch_norm):
    config = MLPConfig((16, 32, 32, 8), activation="gelu", batch_norm=batch_norm, dtype="float32")
    net = MLP(config)
    out = net.forward(np.ones((4, 16), np.float64))
    net.backward(np.ones_like(out))
    arrays = [out, net.grad_input] + net.grads_W + net.grads_b + net.grads_z + net.grads_a
    arrays += [t.z for t in net.trace] + [t.a for t in net.trace] + [t.h for t in net.trace]
    assert all(a.dtype == np.float32 for a in arrays)


def test_config_is_frozen_hashable_and_validated():
    a = MLPConfig([4, 3, 2], init="normal", init_params={"std": 0.1})
    b = MLPConfig((4, 3, 2), init="normal", init_params={"std": 0.1})
    assert a == b and hash(a) == hash(b) and a.widths == (4, 3, 2)
    assert a.init_params == {"std": 0.1} and a.depth == 2
    with pytest.raises(AttributeError):
        a.seed = 3
    for bad, match in [({"widths": (4, 0, 2)}, "positive"), ({"widths": (4,)}, "at least 2"),
                       ({"activation": "mish"}, "valid: linear"), ({"init": "glorot"}, "valid: zeros"),
                       ({"dtype": "float16"}, "float32, float64"),
                       ({"init": "normal", "init_params": {"gain": 1}}, "std")]:
        with pytest.raises(ValueError, match=match):
            MLPConfig(**{"widths": (4, 3, 2), **bad})


def test_same_seed_same_weights():
    a, b = MLP(MLPConfig((8, 8, 8), seed=3)), MLP(MLPConfig((8, 8, 8), seed=3))
    np.testing.assert_array_equal(a.weights[1], b.weights[1])


def stats_for(activation, init, depth=10, width=256, batch=500, **params):
    config = MLPConfig((width,) * (depth + 1), activation=activation, init=init, init_params=params)
    net = MLP(config)
    out = net.forward(np.random.default_rng(1).standard_normal((batch, width)))
    net.backward(np.random.default_rng(2).standard_normal(out.shape) / batch)
    return net.layer_stats()


def test_classic_tanh_small_normal_vanishes():
    stats = stats_for("tanh", "normal", std=0.01)
    # each layer multiplies the std by about sqrt(256) * 0.01 = 0.16
    assert stats[9]["a_std"] < 1e-6 and stats[0]["a_std"] > 0.1
    ratio = stats[5]["a_std"] / stats[4]["a_std"]
    assert ratio == pytest.approx(0.16, rel=0.05)


def test_classic_tanh_unit_normal_saturates():
    stats = stats_for("tanh", "normal", std=1.0)
    assert all(row["saturated"] > 0.7 for row in stats)


def test_classic_tanh_xavier_is_healthy():
    stats = stats_for("tanh", "xavier_normal")
    assert 0.1 < stats[9]["a_std"] < 1 and stats[9]["saturated"] < 0.05


def test_classic_relu_he_keeps_second_moment_and_xavier_halves_it():
    def per_layer_rms_ratio(stats):
        rms = [math.hypot(row["a_mean"], row["a_std"]) for row in stats]    # sqrt(E[a^2])
        return (rms[-1] / rms[0]) ** (1 / (len(rms) - 1))                   # geometric mean per layer
    he = stats_for("relu", "he_normal", width=512)
    xavier = stats_for("relu", "xavier_normal", width=512)
    assert per_layer_rms_ratio(he) == pytest.approx(1.0, abs=0.04)
    # Xavier gives Var(w) = 1/n, so each ReLU layer halves E[a^2]: the rms falls by 1/sqrt(2) per layer
    assert per_layer_rms_ratio(xavier) == pytest.approx(1 / math.sqrt(2), abs=0.03)


def test_bad_input_shape():
    net = MLP(MLPConfig((4, 3)))
    with pytest.raises(ValueError, match=r"\(batch, 4\)"):
        net.forward(np.ones((2, 5)))
    with pytest.raises(ValueError, match="forward before backward"):
        MLP(MLPConfig((4, 3))).backward(np.ones((2, 3)))


@pytest.mark.parametrize("batch_norm", [False, True])
def test_residual_backward_matches_finite_differences(batch_norm):
    config = MLPConfig((6, 6, 6, 6, 3), activation="tanh", init="xavier_normal", batch_norm=batch_norm,
                       residual=True, bias_std=0.3, seed=4, dtype="float64")
    net = MLP(config)
    assert net.skips == [True, True, True, False]                 # the head changes width: no skip there
    rng = np.random.default_rng(7)
    x, R = rng.standard_normal((8, 6)), rng.standard_normal((8, 3))
    net.forward(x)
    net.backward(R)
    for l in range(net.depth):
        def f(value, l=l):
            saved, net.weights[l] = net.weights[l], value
            out = loss(net, x, R)
            net.weights[l] = saved
            return out
        assert relative_error(net.grads_W[l], numerical_grad(f, net.weights[l])) < 1e-7, l
    net.forward(x)
    net.backward(R)
    assert relative_error(net.grad_input, numerical_grad(lambda x_: loss(net, x_, R), x)) < 1e-7


def test_residual_adds_the_previous_activation():
    net = MLP(MLPConfig((4, 4, 4), activation="relu", residual=True, dtype="float64"))
    x = np.random.default_rng(0).standard_normal((5, 4))
    net.forward(x)
    t = net.trace[0]
    np.testing.assert_allclose(t.a, np.maximum(x @ net.weights[0], 0) + x)
    np.testing.assert_array_equal(t.f, np.maximum(t.z, 0))


def test_bias_and_bias_std():
    net = MLP(MLPConfig((50, 400, 400), bias=0.25, bias_std=0.5, seed=2, dtype="float64"))
    for b in net.biases:
        assert abs(b.mean() - 0.25) < 5 * 0.5 / math.sqrt(400)
        assert b.std() == pytest.approx(0.5, rel=5 / math.sqrt(2 * 400))
    plain = MLP(MLPConfig((50, 400, 400), seed=2, dtype="float64"))
    np.testing.assert_array_equal(plain.weights[1], net.weights[1])        # weights do not depend on the biases
    assert all(not b.any() for b in plain.biases)
    with pytest.raises(ValueError, match="bias_std"):
        MLPConfig((4, 4), bias_std=-1.0)
