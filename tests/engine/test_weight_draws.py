"""engine.weight_draws: MLP(config) takes its weights from a store of draws; they must be exactly the weights (and
biases) that drawing afresh from default_rng(seed) gives, whatever configs came before, and never shared."""
import numpy as np
import pytest

from engine import initializers, weight_draws
from engine.mlp import MLP, MLPConfig


def fresh(config: MLPConfig) -> tuple[list, list]:
    """What MLP drew before the store: each W_l in turn from default_rng(seed), then b_l = bias + bias_std N(0, 1)."""
    rng = np.random.default_rng(config.seed)
    pairs = list(zip(config.widths[:-1], config.widths[1:]))
    weights = [initializers.initialize(config.init, shape, rng, dtype=config.dtype, **config.init_params)
               for shape in pairs]
    biases = [np.full(n, config.bias, config.dtype) + (config.bias_std * rng.standard_normal(n)).astype(config.dtype)
              if config.bias_std else np.full(n, config.bias, config.dtype) for _, n in pairs]
    return weights, biases


def same(net: MLP, config: MLPConfig) -> bool:
    weights, biases = fresh(config)
    return (len(net.weights) == len(weights) and all(np.array_equal(a, b) for a, b in zip(net.weights, weights))
            and all(np.array_equal(a, b) for a, b in zip(net.biases, biases)))


@pytest.fixture(autouse=True)
def empty_store():
    weight_draws.clear()
    yield
    weight_draws.clear()


def test_every_order_of_depths_widths_and_biases_gives_the_fresh_draws():
    base = dict(activation="tanh", init="xavier_normal", seed=3, bias_std=0.5)
    sequence = [(16,) * 4, (16,) * 7, (16,) * 3, (16,) * 9, (16, 16, 8, 8), (16,) * 5, (16, 16, 8, 8, 8, 4)]
    for widths in sequence:
        config = MLPConfig(widths, **base)
        assert same(MLP(config), config), widths
    others = (("orthogonal", {}), ("he_uniform", {"gain": 2.0}), ("normal", {"std": 0.1}), ("torch_default", {}))
    for init, params in others:
        for depth in (4, 2, 6):
            config = MLPConfig((12,) * (depth + 1), init=init, init_params=params, seed=1, dtype="float64")
            assert same(MLP(config), config), (init, depth)


def test_other_seeds_inits_and_dtypes_are_other_draws():
    a = MLP(MLPConfig((8,) * 4, seed=0))
    for other in (MLPConfig((8,) * 4, seed=1), MLPConfig((8,) * 4, init="he_normal"),
                  MLPConfig((8,) * 4, dtype="float64")):
        net = MLP(other)
        assert same(net, other) and not np.array_equal(net.weights[0], a.weights[0])


def test_a_net_owns_its_weights():
    config = MLPConfig((8,) * 4, seed=5)
    first = MLP(config)
    first.weights[0] *= 100.0                     # what probe's weight_scale and training do, in place
    second = MLP(config)
    assert same(second, config) and not np.shares_memory(first.weights[1], second.weights[1])


def test_lsuv_rescales_its_own_copy():
    config = MLPConfig((16,) * 4, activation="tanh", init="lsuv", seed=2)
    a, b = MLP(config), MLP(config)
    for Wa, Wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(Wa, Wb)
    assert a.weights[0] is not b.weights[0]


def test_the_store_stays_within_its_bytes(monkeypatch):
    layer = 64 * 64 * 4                                                   # one 64 x 64 float32 layer
    monkeypatch.setattr(weight_draws, "MAX_BYTES", 3 * layer + 2 * weight_draws.ENTRY_BYTES)
    MLP(MLPConfig((64,) * 3, seed=0))                                     # two layers: kept
    assert weight_draws.stored_bytes() == 2 * layer + weight_draws.ENTRY_BYTES
    MLP(MLPConfig((64,) * 3, seed=1))                                     # two more: the older key goes
    assert weight_draws.stored_bytes() == 2 * layer + weight_draws.ENTRY_BYTES
    big = MLPConfig((64,) * 6, seed=2)                                    # five layers: too large to keep
    net = MLP(big)
    assert same(net, big) and weight_draws.stored_bytes() <= weight_draws.MAX_BYTES
    assert all(W.flags.writeable for W in net.weights)                   # handed over, not copied


def test_many_tiny_nets_are_bounded_by_their_entries_too(monkeypatch):
    monkeypatch.setattr(weight_draws, "MAX_BYTES", 10 * weight_draws.ENTRY_BYTES)
    for seed in range(50):
        MLP(MLPConfig((2, 4, 1), seed=seed))                              # 48 bytes of weights each
    assert weight_draws.stored_bytes() <= weight_draws.MAX_BYTES


def test_no_seed_is_a_fresh_draw_each_time():
    a, b = MLP(MLPConfig((8,) * 3, seed=None)), MLP(MLPConfig((8,) * 3, seed=None))
    assert not np.array_equal(a.weights[0], b.weights[0]) and weight_draws.stored_bytes() == 0
