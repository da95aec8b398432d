"""Optimizers: first steps computed by hand, torch parity (if torch is installed), contracts."""
import math

import numpy as np
import pytest

from engine import optimizers

P0 = np.array([1.0, -2.0])
G = [np.array([0.5, -1.0]), np.array([-0.3, 2.0]), np.array([1.5, 0.25])]  # grads of steps 1, 2, 3
RTOL = 1e-12


def run(name, steps=3, p=P0, **hyper):
    """Positions after each of the first `steps` steps with the fixed grads G."""
    opt, out = optimizers.create(name, **hyper), []
    for g in G[:steps]:
        p = opt.step(p, g)
        out.append(p)
    return out


def check(got, expected):
    for step, (a, b) in enumerate(zip(got, expected), start=1):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=0, err_msg=f"step {step}")


def test_sgd_plain():
    p1 = P0 - 0.1 * G[0]
    p2 = p1 - 0.1 * G[1]
    check(run("sgd", 2, lr=0.1), [p1, p2])
    np.testing.assert_array_equal(run("sgd", 1, lr=0.1)[0], [0.95, -1.9])


def test_sgd_weight_decay_is_l2_on_current_params():
    p1 = P0 - 0.1 * (G[0] + 0.2 * P0)
    p2 = p1 - 0.1 * (G[1] + 0.2 * p1)
    check(run("sgd", 2, lr=0.1, weight_decay=0.2), [p1, p2])


def test_momentum_first_step_is_undampened_then_dampened():
    buf1 = G[0]  # torch: buf = g on the first step, NOT (1 - dampening) g
    p1 = P0 - 0.1 * buf1
    buf2 = 0.9 * buf1 + (1 - 0.5) * G[1]
    p2 = p1 - 0.1 * buf2
    buf3 = 0.9 * buf2 + (1 - 0.5) * G[2]
    p3 = p2 - 0.1 * buf3
    got = run("momentum", 3, lr=0.1, dampening=0.5)
    check(got, [p1, p2, p3])
    np.testing.assert_allclose(got[0], [0.95, -1.9], rtol=RTOL)  # a dampened first step would give [0.975, -1.95]
    assert optimizers.create("momentum").hyper["momentum"] == 0.9


def test_nesterov():
    buf1 = G[0]
    p1 = P0 - 0.1 * (G[0] + 0.9 * buf1)
    buf2 = 0.9 * buf1 + G[1]
    p2 = p1 - 0.1 * (G[1] + 0.9 * buf2)
    buf3 = 0.9 * buf2 + G[2]
    p3 = p2 - 0.1 * (G[2] + 0.9 * buf3)
    check(run("nesterov", 3, lr=0.1), [p1, p2, p3])
    np.testing.assert_allclose(p1, [1 - 0.1 * 1.9 * 0.5, -2 + 0.1 * 1.9], rtol=RTOL)


def test_adagrad_with_lr_decay_and_initial_accumulator():
    lr, decay, init, eps = 0.1, 0.5, 0.2, 1e-10
    s1 = init + G[0] ** 2
    p1 = P0 - lr / (1 + 0 * decay) * G[0] / (np.sqrt(s1) + eps)
    s2 = s1 + G[1] ** 2
    p2 = p1 - lr / (1 + 1 * decay) * G[1] / (np.sqrt(s2) + eps)
    s3 = s2 + G[2] ** 2
    p3 = p2 - lr / (1 + 2 * decay) * G[2] / (np.sqrt(s3) + eps)
    check(run("adagrad", 3, lr=lr, lr_decay=decay, initial_accumulator_value=init), [p1, p2, p3])
    np.testing.assert_allclose(p1[0], 1 - 0.1 * 0.5 / math.sqrt(0.2 + 0.25), rtol=1e-9)


def test_adagrad_weight_decay():
    g1 = G[0] + 0.3 * P0
    p1 = P0 - 0.01 * g1 / (np.sqrt(g1**2) + 1e-10)
    check(run("adagrad", 1, weight_decay=0.3), [p1])


def test_rmsprop_plain():
    lr, a, eps = 0.01, 0.9, 1e-8
    v1 = (1 - a) * G[0] ** 2
    p1 = P0 - lr * G[0] / (np.sqrt(v1) + eps)
    v2 = a * v1 + (1 - a) * G[1] ** 2
    p2 = p1 - lr * G[1] / (np.sqrt(v2) + eps)
    check(run("rmsprop", 2, lr=lr, alpha=a), [p1, p2])
    np.testing.assert_allclose(p1, P0 - lr * np.sign(G[0]) / math.sqrt(0.1), rtol=1e-7)  # first step ~ lr/sqrt(1-alpha)


def test_rmsprop_centered():
    lr, a, eps = 0.01, 0.9, 1e-8
    v1, m1 = (1 - a) * G[0] ** 2, (1 - a) * G[0]
    p1 = P0 - lr * G[0] / (np.sqrt(v1 - m1**2) + eps)  # v1 - m1^2 = 0.09 g^2
    v2, m2 = a * v1 + (1 - a) * G[1] ** 2, a * m1 + (1 - a) * G[1]
    p2 = p1 - lr * G[1] / (np.sqrt(v2 - m2**2) + eps)
    check(run("rmsprop", 2, lr=lr, alpha=a, centered=True), [p1, p2])
    np.testing.assert_allclose(p1, P0 - lr * np.sign(G[0]) / 0.3, rtol=1e-7)


def test_rmsprop_centered_with_momentum():
    lr, a, mu, eps = 0.01, 0.9, 0.5, 1e-8
    v1, m1 = (1 - a) * G[0] ** 2, (1 - a) * G[0]
    buf1 = 0 * mu + G[0] / (np.sqrt(v1 - m1**2) + eps)
    p1 = P0 - lr * buf1
    v2, m2 = a * v1 + (1 - a) * G[1] ** 2, a * m1 + (1 - a) * G[1]
    buf2 = mu * buf1 + G[1] / (np.sqrt(v2 - m2**2) + eps)
    p2 = p1 - lr * buf2
    v3, m3 = a * v2 + (1 - a) * G[2] ** 2, a * m2 + (1 - a) * G[2]
    buf3 = mu * buf2 + G[2] / (np.sqrt(v3 - m3**2) + eps)
    p3 = p2 - lr * buf3
    check(run("rmsprop", 3, lr=lr, alpha=a, centered=True, momentum=mu), [p1, p2, p3])


def adam_by_hand(grads, p, lr, b1, b2, eps, wd=0.0, decoupled=False, corrected=True):
    m = v = 0.0
    out = []
    for t, g in enumerate(grads, start=1):
        if decoupled:
            p = p * (1 - lr * wd)
        else:
            g = g + wd * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        if corrected:
            p = p - lr / (1 - b1**t) * m / (np.sqrt(v) / np.sqrt(1 - b2**t) + eps)
        else:
            p = p - lr * m / (np.sqrt(v) + eps)
        out.append(p)
    return out


def test_adam_bias_corrected_first_step_is_lr_times_sign():
    got = run("adam", 1, lr=0.1)[0]
    np.testing.assert_allclose(got, P0 - 0.1 * G[0] / (np.abs(G[0]) + 1e-8), rtol=RTOL)
    np.testing.assert_allclose(got, [0.9, -1.9], rtol=1e-7)


def test_adam_three_steps():
    check(run("adam", 3, lr=0.1, betas=(0.8, 0.99), eps=1e-6), adam_by_hand(G, P0, 0.1, 0.8, 0.99, 1e-6))


def test_adam_without_bias_correction_uses_raw_moments():
    expected = adam_by_hand(G, P0, 0.1, 0.9, 0.999, 1e-8, corrected=False)
    check(run("adam", 3, lr=0.1, bias_correction=False), expected)
    np.testing.assert_allclose(expected[0], P0 - 0.1 * 0.1 * G[0] / (math.sqrt(0.001) * np.abs(G[0]) + 1e-8))


def test_adam_l2_and_adamw_decoupled_differ():
    adam = run("adam", 3, lr=0.1, weight_decay=0.5)
    adamw = run("adamw", 3, lr=0.1, weight_decay=0.5)
    check(adam, adam_by_hand(G, P0, 0.1, 0.9, 0.999, 1e-8, wd=0.5))
    check(adamw, adam_by_hand(G, P0, 0.1, 0.9, 0.999, 1e-8, wd=0.5, decoupled=True))
    # AdamW step 1 by hand: shrink, then the bias-corrected Adam step lr*g/(|g|+eps)
    np.testing.assert_allclose(adamw[0], P0 * (1 - 0.05) - 0.1 * G[0] / (np.abs(G[0]) + 1e-8), rtol=RTOL)
    assert np.max(np.abs(adam[2] - adamw[2])) > 1e-3
    assert optimizers.create("adamw").hyper["weight_decay"] == 0.01
    assert optimizers.create("adam").hyper["weight_decay"] == 0.0


@pytest.mark.parametrize("name", list(optimizers.OPTIMIZERS))
def test_inputs_never_mutated_and_float32_kept(name):
    opt = optimizers.create(name, lr=0.1, weight_decay=0.1)
    params = {"w": np.array([[1.0, -2.0], [0.5, 3.0]], dtype=np.float32), "b": np.array([0.25], dtype=np.float32)}
    grads = {"w": np.array([[0.1, 0.2], [-0.3, 0.4]]), "b": np.array([-1.0])}
    before = {k: (params[k].copy(), grads[k].copy()) for k in params}
    for _ in range(3):
        new = opt.step(params, grads)
        for k in params:
            np.testing.assert_array_equal(params[k], before[k][0])
            np.testing.assert_array_equal(grads[k], before[k][1])
            assert new[k].dtype == np.float32 and new[k].shape == params[k].shape
            assert not np.shares_memory(new[k], params[k]) and not np.shares_memory(new[k], grads[k])
    single = optimizers.create(name).step(params["w"], grads["w"])
    assert isinstance(single, np.ndarray) and single.dtype == np.float32


@pytest.mark.parametrize("name", list(optimizers.OPTIMIZERS))
def test_float32_params_are_updated_in_float32(name):
    rng = np.random.default_rng(0)
    p, g = rng.standard_normal(500).astype(np.float32), rng.standard_normal(500)  # grads in float64
    ours, in_float32, in_float64 = (optimizers.create(name, lr=0.1, weight_decay=0.1) for _ in range(3))
    a, b, c = p, p, p.astype(np.float64)
    for _ in range(3):
        a, b = ours.step(a, g), in_float32.step(b, g.astype(np.float32))
        c = in_float64.step(c, g.astype(np.float32).astype(np.float64))
    np.testing.assert_array_equal(a, b)  # not computed in float64 and cast back
    assert np.any(a != c.astype(np.float32))  # float64 arithmetic would round differently somewhere


@pytest.mark.parametrize("name", list(optimizers.OPTIMIZERS))
def test_dict_params_keep_separate_state_per_key(name):
    params = {"a": P0, "b": np.array([3.0])}
    grads = [{"a": g, "b": np.array([g[0] * 2 - 1])} for g in G]
    together, opt_a, opt_b = (optimizers.create(name, lr=0.1) for _ in range(3))
    pa, pb = params["a"], params["b"]
    for g in grads:
        params = together.step(params, g)
        pa, pb = opt_a.step(pa, g["a"]), opt_b.step(pb, g["b"])
    np.testing.assert_array_equal(params["a"], pa)
    np.testing.assert_array_equal(params["b"], pb)
    assert set(together.state) == {"a", "b"} and together.state["a"]["t"] == 3


def test_state_does_not_alias_the_callers_grad():
    g = G[0].copy()
    opt, ref = optimizers.create("momentum", lr=0.1), optimizers.create("momentum", lr=0.1)
    p = opt.step(P0, g)
    ref_p = ref.step(P0, G[0])
    g *= 100.0  # the caller reuses its buffer
    np.testing.assert_array_equal(opt.step(p, G[1]), ref.step(ref_p, G[1]))


def test_step_rejects_mismatched_inputs():
    opt = optimizers.create("sgd")
    with pytest.raises(ValueError):
        opt.step({"a": P0}, {"b": P0})
    with pytest.raises(ValueError):
        opt.step(P0, np.ones(3))


def _line(lines, symbol):
    """The line of an algorithm block that assigns `symbol`."""
    return next(line for line in lines if line.startswith(symbol + r" \leftarrow"))


@pytest.mark.parametrize("name", ["adam", "adamw"])
def test_shown_rule_puts_each_beta_where_the_code_uses_it(name):
    opt = optimizers.create(name, lr=0.037, betas=(0.81, 0.993), eps=1e-7, weight_decay=0.02)
    lines = opt.rule()
    b1, b2 = opt.hyper["betas"]
    assert f"{b1:g}" in _line(lines, "m") and f"{1 - b1:.4g}" in _line(lines, "m")
    assert f"{b2:g}" in _line(lines, "v") and f"{1 - b2:.4g}" in _line(lines, "v")
    assert f"{b2:g}" not in _line(lines, "m") and f"{b1:g}" not in _line(lines, "v")
    step = lines[-1]
    assert "0.037" in step and f"1 - {b1:g}^t" in step and f"1 - {b2:g}^t" in step
    decay = lines[0]
    assert ("0.037" in decay) == (name == "adamw") and "0.02" in decay
    order = [line.split(r" \leftarrow")[0] for line in lines]
    assert order.index("m") < order.index("v") < len(order) - 1        # in the order _update runs


@pytest.mark.parametrize("name", list(optimizers.OPTIMIZERS))
def test_shown_rule_holds_every_number_of_hyper(name):
    opt = optimizers.create(name, lr=0.0123)
    text = " ".join(opt.rule())
    assert "0.0123" in text
    for key in ("momentum", "alpha"):
        if opt.hyper.get(key):
            assert f"{opt.hyper[key]:g}" in text


def test_shown_momentum_rule_is_torchs_first_step():
    lines = optimizers.latex("nesterov", lr=0.1, momentum=0.8)
    assert r"b \leftarrow g" in lines[0] and "0.8" in lines[0] and lines[1] == r"w \leftarrow w - 0.1\,(g + 0.8\,b)"
    assert optimizers.latex("momentum", lr=2.0)[-1] == r"w \leftarrow w - 2\,b"      # lr times the buffer


def test_lr_may_be_set_between_steps():
    """DESIGN: .lr may be set between steps (schedules): it changes the next step, and is validated."""
    opt = optimizers.create("sgd", lr=0.1)
    p = opt.step(np.array([1.0]), np.array([1.0]))
    opt.lr = 0.5
    assert opt.hyper["lr"] == 0.5 and opt.lr == 0.5
    np.testing.assert_allclose(opt.step(p, np.array([1.0])), [1.0 - 0.1 - 0.5])
    with pytest.raises(ValueError, match="lr"):
        opt.lr = float("nan")
