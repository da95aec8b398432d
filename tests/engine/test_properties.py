"""Property-based tests: any shape, any scale from 1e-6 to 1e3, every activation and initializer, BN on or off.

The engine returns a result or a clear ValueError; a non-finite value is flagged in layer_stats, never
raised, and no RuntimeWarning escapes (pytest.ini turns them into errors).
"""
import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import activations, initializers, optimizers, surfaces, verdict
from engine.mlp import MLP, MLPConfig
from engine.probe import probe
from engine.verdict import activation_verdict, gradient_verdict

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
scales = st.floats(min_value=1e-6, max_value=1e3)
widths = st.lists(st.integers(min_value=1, max_value=24), min_size=2, max_size=7)


def init_params(name, scale):
    """A parameter for the initializer, of the given size."""
    key = next(iter(initializers.INITIALIZERS[name].defaults), None)
    return {} if key is None else {key: scale}


@SETTINGS
@given(widths=widths, act=st.sampled_from(list(activations.ACTIVATIONS)),
       init=st.sampled_from(list(initializers.INITIALIZERS)), scale=scales, weight_scale=scales,
       bn=st.booleans(), batch=st.integers(min_value=2, max_value=16), dtype=st.sampled_from(["float32", "float64"]))
def test_forward_backward_never_raise_and_flag_non_finite(widths, act, init, scale, weight_scale, bn, batch, dtype):
    config = MLPConfig(tuple(widths), activation=act, init=init, init_params=init_params(init, scale),
                       batch_norm=bn, dtype=dtype)
    result = probe(config, batch=batch, weight_scale=weight_scale)
    assert len(result.stats) == len(widths) - 1
    for row in result.stats:
        finite = all(math.isfinite(row[k]) for k in ("z_mean", "z_std", "a_mean", "a_std"))
        assert finite or row["nonfinite"], row
        assert math.isfinite(row["grad_W_norm"]) or row["grad_nonfinite"] or row["nonfinite"], row
    assert np.all(np.isfinite(result.hist_a.counts))
    assert activation_verdict(result.stats).text and gradient_verdict(result.stats).text


@SETTINGS
@given(shape=st.tuples(st.integers(-2, 40), st.integers(-2, 40)), name=st.sampled_from(list(initializers.INITIALIZERS)),
       scale=scales)
def test_initializers_return_or_raise_value_error(shape, name, scale):
    rng = np.random.default_rng(0)
    try:
        w = initializers.initialize(name, shape, rng, **init_params(name, scale))
    except ValueError as error:
        assert "shape" in str(error) or "positive" in str(error)
        assert min(shape) < 1
        return
    assert w.shape == shape and np.all(np.isfinite(w))
    assert math.isfinite(initializers.expected_std(name, shape, **init_params(name, scale)))


@SETTINGS
@given(z=st.lists(st.floats(min_value=-1e4, max_value=1e4), min_size=1, max_size=20),
       name=st.sampled_from(list(activations.ACTIVATIONS)), dtype=st.sampled_from([np.float32, np.float64]))
def test_activations_finite_on_their_stable_range(z, name, dtype):
    phi = activations.ACTIVATIONS[name]
    z = np.array(z, dtype=dtype)
    assert np.all(np.isfinite(phi.forward(z))) and np.all(np.isfinite(phi.derivative(z)))


@SETTINGS
@given(name=st.sampled_from(list(optimizers.OPTIMIZERS)), lr=st.floats(1e-6, 1e3),
       surface=st.sampled_from(list(surfaces.SURFACES)), noise=st.floats(0, 5),
       clip=st.one_of(st.none(), st.floats(1e-3, 1e3)))
def test_race_never_raises_and_flags_divergence(name, lr, surface, noise, clip):
    runs = {"run": (name, {"lr": lr})}
    s = surfaces.make(surface)
    traj = surfaces.race(s, runs, s.start, steps=40, rng=1, grad_noise=noise, clip=clip)["run"]
    finite = np.isfinite(traj.xy).all(axis=1)
    assert traj.diverged or finite.all()
    assert finite[0]


@SETTINGS
@given(widths=widths, batch=st.integers(-3, 1))
def test_bad_batches_are_value_errors(widths, batch):
    config = MLPConfig(tuple(widths), batch_norm=True)
    try:
        probe(config, batch=batch)
    except ValueError as error:
        assert "batch" in str(error)
    else:
        raise AssertionError("a batch below 2 with batch norm must be refused")


def test_first_layer_flags_name_the_overflow_layer():
    net = MLP(MLPConfig((16,) * 40, activation="linear", init="normal", init_params={"std": 30.0}))
    out = net.forward(np.ones((4, 16), np.float32))
    net.backward(np.ones_like(out))
    stats = net.layer_stats()
    first = verdict.first_layer(stats, "nonfinite")
    assert first is not None
    assert all(not row["nonfinite"] for row in stats[:first - 1])
    assert np.isfinite(stats[first - 2]["a_std"])
