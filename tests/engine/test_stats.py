"""engine.stats: the per-layer row, overflow and collapse flags, flushing subnormals, distinct units."""
import math
import warnings

import numpy as np

from engine import stats as st
from engine import verdict
from engine.mlp import MLP, MLPConfig
from tests.engine.test_mlp import stats_for


def test_layer_stats_fields():
    stats = stats_for("relu", "he_normal", depth=3, width=64, batch=100)
    row = stats[0]
    for key in ["layer", "z_mean", "z_std", "a_mean", "a_std", "saturated", "dead", "dead_units",
                "grad_W_norm", "grad_a_norm", "nonfinite", "collapsed"]:
        assert key in row
    assert math.isnan(row["saturated"]) and 0.4 < row["dead"] < 0.6
    tanh = stats_for("tanh", "xavier_normal", depth=2, width=16, batch=10)
    assert math.isnan(tanh[0]["dead"]) and 0 <= tanh[0]["saturated"] <= 1


def test_overflow_is_flagged_not_raised():
    config = MLPConfig((64,) * 41, activation="relu", init="normal", init_params={"std": 10.0})
    net = MLP(config)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = net.forward(np.ones((8, 64), np.float32))
        net.backward(np.ones_like(out))
        stats = net.layer_stats()
    first = verdict.first_layer(stats, "nonfinite")
    assert first is not None and 10 < first < 41
    assert any(f"overflow (inf/NaN) at layer {first}" in m.text and m.kind is verdict.Kind.OVERFLOW
               for m in verdict.diagnose(stats))


def test_zero_init_collapses():
    config = MLPConfig((8, 8, 8, 8), activation="tanh", init="zeros")
    net = MLP(config)
    out = net.forward(np.ones((4, 8)))
    net.backward(np.ones_like(out))
    stats = net.layer_stats()
    assert verdict.first_layer(stats, "collapsed") == 1
    assert "activations are exactly zero from layer 1" in " ".join(m.text for m in verdict.diagnose(stats))


def test_flush_subnormals_zeroes_only_subnormals():
    tiny = np.finfo(np.float32).tiny
    x = np.full((100, 61), tiny / 8, np.float32)           # all subnormal
    x[0, :3] = [0.0, 1e-30, -2.5]
    out = st.flush_subnormals(x)
    assert out is x
    assert out[0, 1] == np.float32(1e-30) and out[0, 2] == np.float32(-2.5)
    assert np.count_nonzero(out) == 2


def test_flush_subnormals_leaves_relu_zeros_and_normal_values_alone():
    x = np.maximum(np.random.default_rng(0).standard_normal((64, 64)).astype(np.float32), 0)
    before = x.copy()
    np.testing.assert_array_equal(st.flush_subnormals(x), before)


def test_distinct_units_counts_columns_within_tolerance():
    W = np.array([[0.0, 1e-13, 1.0], [0.0, 0.0, 0.0]])
    assert st.distinct_units(W) == 2                     # 1e-13 apart is the same unit
    assert st.distinct_units(W, tol=1e-14) == 3
    assert st.distinct_units(np.zeros((2, 4))) == 1
    assert st.distinct_units(np.random.default_rng(0).standard_normal((64, 300))) == 300
    tied = np.repeat(np.random.default_rng(1).standard_normal((64, 3)), 50, axis=1)   # 3 units, 50 copies each
    assert st.distinct_units(tied[:, np.random.default_rng(2).permutation(150)]) == 3


def test_residual_saturation_is_measured_on_phi_not_on_the_stream():
    config = MLPConfig((32,) * 5, activation="tanh", init="normal", init_params={"std": 1.0}, residual=True)
    net = MLP(config)
    net.forward(np.random.default_rng(0).standard_normal((64, 32)))
    rows = net.layer_stats()
    assert all(r["saturated"] > 0.5 for r in rows[1:])          # phi(z) sits at +-1 ...
    assert rows[-1]["a_std"] > 1.5                               # ... while the stream a_l keeps growing


def test_distinct_units_fast_path_agrees_with_the_pairwise_rule():
    rng = np.random.default_rng(3)
    W = rng.standard_normal((16, 40))
    W[:, 7] = W[:, 3] + 1e-13                            # one near-copy: the sums are close, the slow path decides
    assert st.distinct_units(W) == 39
    assert st.distinct_units(rng.standard_normal((16, 40))) == 40


def _flags_looked_at(trace, grads) -> dict:
    """The row's flags by their definitions, one question per pass (what layer_row computed before it was sped up)."""
    grad_W, grad_a, _ = grads
    grad_nonfinite = not (np.isfinite(grad_W).all() and np.isfinite(grad_a).all())
    return {"nonfinite": not (np.isfinite(trace.z).all() and np.isfinite(trace.a).all()),
            "collapsed": bool(np.isfinite(trace.a).all() and not np.any(trace.a)),
            "grad_nonfinite": grad_nonfinite, "grad_zero": bool(not grad_nonfinite and not np.any(grad_W))}


def test_flags_from_sums_agree_with_looking_at_every_entry():
    """The flags come from Σx² and the norms: finite float64 entries whose squares overflow, squares that
    underflow to 0, a NaN, an inf, zero weight gradients beside a non-finite dL/da."""
    from types import SimpleNamespace
    big, tiny, zero = np.full((4, 3), 1e200), np.full((4, 3), 1e-170), np.zeros((4, 3))
    nan, inf = zero.copy(), zero.copy()
    nan[1, 2], inf[0, 0] = np.nan, -np.inf
    phi = SimpleNamespace(bounds=None, relu_like=False)
    for z in (big, tiny, zero, nan, inf):
        for a in (big, tiny, zero, nan, inf):
            for grads in ((zero, zero, zero), (zero, nan, zero), (tiny, big, zero), (inf, zero, zero)):
                trace = SimpleNamespace(z=z, a=a, f=a)
                row = st.layer_row(0, trace, phi, grads)
                assert {k: row[k] for k in _flags_looked_at(trace, grads)} == _flags_looked_at(trace, grads)


def test_shares_of_nothing_are_nan_not_zero():
    from types import SimpleNamespace
    tanh, relu = SimpleNamespace(bounds=(-1.0, 1.0)), SimpleNamespace(relu_like=True)
    for empty in (np.zeros(0), np.zeros((0, 4)), np.zeros((4, 0))):
        assert math.isnan(st.saturated_fraction(empty, tanh))
        assert math.isnan(st.dead_fraction(empty, relu)[0])
    assert math.isnan(st.dead_fraction(np.zeros((4, 0)), relu)[1])
    assert st.dead_fraction(np.array([[0.0, 1.0], [0.0, 2.0]]), relu) == (0.5, 0.5)
