"""engine.training: the step against finite differences, batching and clipping exactly as specified,
divergence, records, symmetry under zero/constant init, predictions, settings."""
import dataclasses

import numpy as np
import pytest

from engine import data, losses, optimizers, schedules, training
from engine.mlp import MLP, MLPConfig
from engine.training_state import FlatParams, loss_and_grad
from tests.engine.gradcheck import numerical_grad, relative_error

DS = data.make("moons", n=80, noise=0.2, seed=0)          # 60 training, 20 test points
FD_TOL = 1e-7           # central differences (h = 1e-6) through a few tanh/BN layers agree to about 1e-9
EXACT = 1e-12           # the same arithmetic in another order


def net(widths=(2, 5, 4, 2), **kwargs):
    kwargs = {"activation": "tanh", "last_activation": "linear", "dtype": "float64", **kwargs}
    return MLPConfig(widths, **kwargs)


def run(config=None, **settings):
    return training.train(config or net(), DS, training.TrainSettings(**settings))


# --- settings and checks ---------------------------------------------------------------------------


def test_settings_are_frozen_hashable_and_validated():
    a = training.TrainSettings(hyper={"lr": 0.1, "betas": [0.8, 0.9]})
    b = training.TrainSettings(hyper={"betas": (0.8, 0.9), "lr": 0.1})
    assert a == b and hash(a) == hash(b) and a.lr == 0.1
    assert training.TrainSettings(optimizer="sgd").lr == 1e-3                    # torch's default
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.steps = 5
    bad = [({"optimizer": "lion"}, "valid names: sgd, momentum"), ({"hyper": {"momentum": 0.9}}, "valid ones: lr"),
           ({"schedule": "linear"}, "constant, step"), ({"loss": "hinge"}, "cross_entropy, mse"),
           ({"steps": 0}, "steps"), ({"batch_size": 0}, "batch_size"), ({"clip": 0.0}, "clip"),
           ({"seed": -1}, "seed"), ({"hyper": [1]}, "hyper"), ({"hyper": {1: 2}}, "hyper"),
           ({"optimizer": ["adam"]}, "adam, adamw"), ({"loss": ["mse"]}, "cross_entropy, mse"),
           ({"schedule": None}, "constant, step"), ({"steps": 2.5}, "steps"), ({"batch_size": True}, "batch_size")]
    for kwargs, match in bad:
        with pytest.raises(ValueError, match=match):
            training.TrainSettings(**kwargs)


@pytest.mark.parametrize("config, settings, match", [
    (net(last_activation=None), {}, "last layer must be linear"),
    (net((3, 4, 2)), {}, "start with 2 inputs"),
    (net((2, 4, 3)), {}, "end with\n?.*2 outputs"),
    (net(batch_norm=True), {"batch_size": 1}, "batch of 1"),
    (net(), {"batch_size": 61}, "larger than the 60 training examples"),
])
def test_net_data_and_settings_must_fit(config, settings, match):
    with pytest.raises(ValueError, match=match):
        run(config, **settings)


# --- the step ---------------------------------------------------------------------------------------


def flat_loss(config, X, y, loss="cross_entropy"):
    """(flat params, theta -> batch loss) of a fresh MLP(config)."""
    flat = FlatParams(MLP(config))

    def f(theta):
        flat.theta[:] = theta
        return loss_and_grad(flat, losses.get(loss), X, y)
    return flat, f


@pytest.mark.parametrize("config, loss", [
    (net(), "cross_entropy"),
    (net(batch_norm=True, bias_std=0.3), "cross_entropy"),
    (net((2, 4, 4, 2), residual=True, activation="relu", init="he_normal", bias=0.1), "mse"),
    (net(batch_norm=True, activation="sigmoid"), "mse"),
])
def test_gradient_of_every_trained_array_matches_finite_differences(config, loss):
    X, y = DS.X_train[:7], DS.y_train[:7]
    flat, f = flat_loss(config, X, y, loss)
    theta0 = flat.theta.copy()
    f(theta0)
    grad = flat.grad.copy()
    assert len(grad) == sum(w * v for w, v in zip(config.widths, config.widths[1:])) \
        + (3 if config.batch_norm else 1) * sum(config.widths[1:])       # W, b (and gamma, beta)
    assert relative_error(grad, numerical_grad(f, theta0)) < FD_TOL


def manual_step(config, lr, clip, arrays):
    """Loss after one full-batch SGD step computed array by array: clip_grad_norm over the dict `arrays` picks."""
    model = MLP(config)
    _, dlogits = losses.cross_entropy(model.forward(DS.X_train), DS.y_train)
    model.backward(dlogits)
    layers = range(model.depth)
    params = {f"W{l}": model.weights[l] for l in layers} | {f"b{l}": model.biases[l] for l in layers}
    grads = {f"W{l}": model.grads_W[l] for l in layers} | {f"b{l}": model.grads_b[l] for l in layers}
    for l, bn in enumerate(model.bns):
        params |= {f"g{l}": bn.gamma, f"B{l}": bn.beta}
        grads |= {f"g{l}": bn.dgamma, f"B{l}": bn.dbeta}
    clipped = optimizers.clip_grad_norm({k: grads[k] for k in arrays(grads)}, clip)
    new = {k: params[k] - lr * clipped.get(k, grads[k]) for k in params}
    fresh = MLP(config)
    fresh.weights[:] = [new[f"W{l}"] for l in range(model.depth)]
    fresh.biases[:] = [new[f"b{l}"] for l in range(model.depth)]
    for l, bn in enumerate(fresh.bns):
        bn.gamma, bn.beta = new[f"g{l}"], new[f"B{l}"]
    return losses.cross_entropy(fresh.forward(DS.X_train), DS.y_train)[0]


def test_clipping_takes_one_norm_over_weights_biases_and_bn_gamma_beta():
    config, lr, clip = net((2, 6, 6, 2), batch_norm=True), 0.5, 0.05
    h = run(config, optimizer="sgd", hyper={"lr": lr}, clip=clip, steps=2)
    everything = manual_step(config, lr, clip, lambda g: list(g))
    without_bn = manual_step(config, lr, clip, lambda g: [k for k in g if k[0] in "Wb"])
    assert abs(everything - without_bn) > 1e-6 * everything        # so the test can tell them apart
    assert h.batch_loss[1] == pytest.approx(everything, rel=EXACT)


def test_grad_norm_is_before_clipping_and_update_ratio_is_of_the_weights():
    config, lr = net(), 0.3
    h = run(config, optimizer="sgd", hyper={"lr": lr}, clip=1e-3, steps=1)
    model = MLP(config)
    model.backward(losses.cross_entropy(model.forward(DS.X_train), DS.y_train)[1])
    norms = np.array([np.linalg.norm(g) for g in model.grads_W])
    np.testing.assert_allclose(h.grad_norm[0], norms, rtol=EXACT)
    coef = 1e-3 / (np.sqrt(sum(np.sum(g**2) for g in model.grads_W + model.grads_b)) + 1e-6)
    np.testing.assert_allclose(h.update_ratio[0], lr * coef * norms / [np.linalg.norm(W) for W in model.weights],
                               rtol=1e-10)


@pytest.mark.parametrize("schedule", schedules.SCHEDULES)
def test_lr_follows_the_schedule(schedule):
    h = run(optimizer="momentum", hyper={"lr": 0.2}, schedule=schedule, steps=25)
    np.testing.assert_array_equal(h.lr, [schedules.lr_at(schedule, 0.2, t, 25) for t in range(25)])


# --- batches ----------------------------------------------------------------------------------------


def test_batches_are_epochs_of_one_seeded_permutation_dropping_the_short_batch():
    got = training.batches(10, 4, seed=7)
    rng = np.random.default_rng(7)
    for _ in range(3):                                      # 3 epochs of 10 // 4 = 2 batches
        perm = rng.permutation(10)
        np.testing.assert_array_equal(next(got), perm[0:4])
        np.testing.assert_array_equal(next(got), perm[4:8])  # perm[8:10] is dropped
    full = training.batches(10, None, seed=7)
    assert next(full) is None and next(full) is None


@pytest.mark.parametrize("batch_norm", [False, True])
def test_train_uses_exactly_those_batches(batch_norm):
    config, B, steps = net(batch_norm=batch_norm), 16, 10      # 60 // 16 = 3 batches an epoch
    h = run(config, optimizer="sgd", hyper={"lr": 0.0}, batch_size=B, steps=steps, seed=3)
    model, expected = MLP(config), []
    for _, idx in zip(range(steps), training.batches(60, B, 3)):
        expected.append(losses.cross_entropy(model.forward(DS.X_train[idx]), DS.y_train[idx])[0])
    np.testing.assert_allclose(h.batch_loss, expected, rtol=EXACT)
    assert h.steps_per_epoch == 3 and h.epochs[-1] == pytest.approx(10 / 3)


def test_full_batch_is_the_whole_training_set_every_step():
    h = run(optimizer="sgd", hyper={"lr": 0.0}, steps=3)
    loss = losses.cross_entropy(MLP(net()).forward(DS.X_train), DS.y_train)[0]
    np.testing.assert_allclose(h.batch_loss, [loss] * 3, rtol=EXACT)
    assert h.steps_per_epoch == 1


# --- records, divergence, symmetry ------------------------------------------------------------------


def test_record_steps_include_the_first_and_last():
    steps = training.record_steps(300)
    assert steps[0] == 0 and steps[-1] == 300 and len(steps) == 60 and (np.diff(steps) > 0).all()
    np.testing.assert_array_equal(training.record_steps(10), np.arange(11))
    h = run(steps=40)
    np.testing.assert_array_equal(h.record_steps, np.arange(41))
    assert h.train_loss[0] == pytest.approx(h.batch_loss[0], rel=EXACT)   # no BN: inference = training mode
    k = len(h.record_steps)
    assert h.params.shape[0] == h.test_acc.shape[0] == k and h.act_std.shape == h.dead.shape == (k, 3)


def test_divergence_stops_training_and_never_leaves_inf():
    config = net((2, 16, 16, 2), activation="relu", init="he_normal", dtype="float32")
    h = run(config, optimizer="sgd", hyper={"lr": 1e6}, steps=50)
    t = h.diverged_step
    assert t == 2
    assert np.isfinite(h.batch_loss[:t]).all() and np.isnan(h.batch_loss[t + 1:]).all()
    assert np.isnan(h.grad_norm[t + 1:]).all() and np.isnan(h.update_ratio[t:]).all()
    assert h.record_steps[-1] == t and len(h.train_loss) == len(h.record_steps) == len(h.params)
    for name in ("batch_loss", "grad_norm", "update_ratio", "train_loss", "test_loss", "act_std"):
        assert not np.isinf(getattr(h, name)).any(), name


def test_an_update_that_overflows_is_the_diverged_step_even_with_a_finite_loss():
    config = net(dtype="float32")
    h = run(config, optimizer="sgd", hyper={"lr": 1e300}, steps=10)       # lr * g > 3.4e38: inf weights
    assert h.diverged_step == 0 and np.isfinite(h.batch_loss[0]) and np.isnan(h.batch_loss[1:]).all()
    np.testing.assert_array_equal(h.record_steps, [0])
    assert np.isfinite(h.params).all()                                    # the last finite network is kept


def test_a_healthy_run_does_not_diverge():
    h = run(net(batch_norm=True), optimizer="adam", hyper={"lr": 0.05}, batch_size=20, steps=60)
    assert h.diverged_step is None and h.record_steps[-1] == 60
    assert h.train_loss[-1] < 0.8 * h.train_loss[0] and h.test_acc[-1] > 0.75


@pytest.mark.parametrize("init, params", [("zeros", {}), ("constant", {"value": 0.3})])
@pytest.mark.parametrize("batch_norm", [False, True])
def test_zero_and_constant_init_keep_one_distinct_unit_per_hidden_layer(init, params, batch_norm):
    config = net((2, 8, 8, 8, 2), init=init, init_params=params, batch_norm=batch_norm)
    h = run(config, optimizer="adam", hyper={"lr": 0.05}, batch_size=20, steps=60)
    assert (h.distinct_units[:, :-1] == 1).all()
    assert h.distinct_units[0, -1] == 1


def test_distinct_units_count_a_random_init_in_full():
    assert (run(net(), steps=2).distinct_units == [5, 4, 2]).all()


def test_float32_trains_in_float32_and_float64_in_float64(monkeypatch):
    seen = []

    def spy(flat, loss_fn, X, y):
        seen.append((flat.theta.dtype, X.dtype, flat.model.weights[0].dtype))
        return loss_and_grad(flat, loss_fn, X, y)
    monkeypatch.setattr(training, "loss_and_grad", spy)
    for dtype in ("float32", "float64"):
        seen.clear()
        run(net(dtype=dtype, batch_norm=True), optimizer="adam", steps=3)
        assert set(seen) == {(np.dtype(dtype),) * 3}


# --- history, predictions, progress ------------------------------------------------------------------


def test_history_is_read_only():
    h = run(steps=3)
    for name in ("batch_loss", "grad_norm", "train_acc", "params", "record_steps"):
        with pytest.raises(ValueError):
            getattr(h, name)[0] = 1


def test_predict_is_the_recorded_network():
    config = net(batch_norm=True)
    h = run(config, optimizer="adam", hyper={"lr": 0.05}, batch_size=20, steps=30)
    p = training.predict(h, -1, DS.X_train)
    assert p.shape == (60, 2) and np.allclose(p.sum(axis=1), 1, atol=1e-6)
    assert np.mean(p.argmax(axis=1) == DS.y_train) == pytest.approx(h.train_acc[-1], abs=1 / 60)
    first = losses.softmax(MLP(config).forward(DS.X_test, training=False))     # record 0 is the initial net
    np.testing.assert_allclose(training.predict(h, 0, DS.X_test), first, atol=1e-5)
    every = training.predict_all(h, DS.X_test)
    assert every.shape == (len(h.record_steps), 20, 2)
    np.testing.assert_allclose(every[-1], training.predict(h, -1, DS.X_test), rtol=1e-6)
    with pytest.raises(IndexError):
        training.predict(h, len(h.record_steps), DS.X_test)


def test_predict_grid_covers_the_data():
    h = run(steps=5)
    xs, ys, probs = training.predict_grid(h, DS, resolution=30)
    assert probs.shape == (6, 30, 30, 2) and xs.shape == ys.shape == (30,)
    assert xs[0] < DS.X_train[:, 0].min() and ys[-1] > DS.X_train[:, 1].max()
    point = np.array([[xs[4], ys[7]]])
    np.testing.assert_allclose(probs[-1, 7, 4], training.predict(h, -1, point)[0], rtol=1e-6)
    with pytest.raises(ValueError, match="2-D"):
        training.predict_grid(h, data.make("digits", n=100))


def test_progress_is_reported_up_to_one():
    seen = []
    training.train(net(), DS, training.TrainSettings(steps=200), on_progress=seen.append)
    assert seen[-1] == 1.0 and seen == sorted(seen) and 20 <= len(seen) <= 60


def test_estimate_seconds_grows_with_the_work():
    base = training.TrainSettings(steps=100, batch_size=32)
    small = training.estimate_seconds(net(), DS, base)
    assert 0 < small < training.estimate_seconds(net(), DS, dataclasses.replace(base, steps=1000))
    assert small < training.estimate_seconds(net((2, 64, 64, 2)), DS, base)
