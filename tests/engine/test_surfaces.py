"""Surfaces: gradients vs finite differences, minima, bowl geometry, mini-batches, race()."""
import math
import warnings

import numpy as np
import pytest

from engine import surfaces

NAMES = ["bowl", "rosenbrock", "beale", "himmelblau", "saddle", "rastrigin", "regression"]
VARIANTS = [surfaces.SURFACES[n] for n in NAMES] + [
    surfaces.make("bowl", condition=50, angle=30),
    surfaces.make("regression", batch_size=10, x_mean=1.5, noise=1.0, true_w=-1.0, seed=3),
]
IDS = [s.name for s in VARIANTS[:-2]] + ["bowl-50-30", "regression-shifted"]


def points(surface, count=8, seed=0):
    rng = np.random.default_rng(seed)
    (x0, x1), (y0, y1) = surface.bounds
    return rng.uniform(x0, x1, count), rng.uniform(y0, y1, count)


@pytest.mark.parametrize("surface", VARIANTS, ids=IDS)
def test_grad_matches_central_differences(surface):
    h = 1e-6
    for x, y in zip(*points(surface)):
        gx, gy = surface.grad(x, y)
        fd_x = (surface.f(x + h, y) - surface.f(x - h, y)) / (2 * h)
        fd_y = (surface.f(x, y + h) - surface.f(x, y - h)) / (2 * h)
        atol = 1e-8 * (1 + abs(surface.f(x, y)))  # rounding of f(x +- h) / 2h
        np.testing.assert_allclose([gx, gy], [fd_x, fd_y], rtol=1e-6, atol=atol, err_msg=f"at {(x, y)}")


@pytest.mark.parametrize("surface", VARIANTS, ids=IDS)
def test_vectorized_over_grids_and_scalars(surface):
    xs, ys = points(surface, 12, seed=1)
    X, Y = xs.reshape(3, 4), ys.reshape(3, 4)
    F, (GX, GY) = surface.f(X, Y), surface.grad(X, Y)
    assert F.shape == GX.shape == GY.shape == (3, 4)
    for i, j in np.ndindex(3, 4):
        assert F[i, j] == surface.f(float(X[i, j]), float(Y[i, j]))
        assert (GX[i, j], GY[i, j]) == tuple(surface.grad(float(X[i, j]), float(Y[i, j])))
    assert np.shape(surface.f(1.0, 2.0)) == () and np.shape(surface.grad(1.0, 2.0)[1]) == ()
    broadcast = surface.grad(xs[:5, None], 0.5)  # (5, 1) against a scalar
    assert broadcast[0].shape == broadcast[1].shape == (5, 1)


@pytest.mark.parametrize("surface", VARIANTS, ids=IDS)
def test_minima_have_min_value_and_zero_gradient(surface):
    for x, y in surface.minima:
        assert abs(surface.f(x, y) - surface.min_value) < 1e-10
        assert math.hypot(*surface.grad(x, y)) < 1e-6
        (x0, x1), (y0, y1) = surface.bounds
        assert x0 < x < x1 and y0 < y < y1
    (x0, x1), (y0, y1) = surface.bounds
    assert x0 < surface.start[0] < x1 and y0 < surface.start[1] < y1
    assert surface.latex and surface.note and surface.name in NAMES


def test_himmelblau_minima_are_exact_to_1e9():
    s = surfaces.SURFACES["himmelblau"]
    assert len(s.minima) == 4
    for x, y in s.minima:
        p = np.array([x, y])
        for _ in range(6):  # Newton with the analytic Hessian
            a, b = p[0] ** 2 + p[1] - 11, p[0] + p[1] ** 2 - 7
            hess = [[12 * p[0] ** 2 + 4 * p[1] - 42, 4 * p[0] + 4 * p[1]],
                    [4 * p[0] + 4 * p[1], 4 * p[0] + 12 * p[1] ** 2 - 26]]
            p = p - np.linalg.solve(hess, [4 * p[0] * a + 2 * b, 2 * a + 4 * p[1] * b])
        np.testing.assert_allclose(p, [x, y], rtol=0, atol=1e-9)


def test_saddle_has_no_minimum():
    s = surfaces.SURFACES["saddle"]
    assert s.minima == [] and s.min_value is None and "saddle" in s.note
    assert s.grad(0.0, 0.0) == (0.0, 0.0) and s.f(0.0, 1.0) < 0 < s.f(1.0, 0.0)


def hessian(surface, h=1e-3):
    cols = [np.subtract(surface.grad(*(np.array(e) * h)), surface.grad(*(-np.array(e) * h))) / (2 * h)
            for e in ([1.0, 0.0], [0.0, 1.0])]
    return np.column_stack(cols)


@pytest.mark.parametrize("condition, angle", [(10, 0), (50, 30), (1, 0), (1000, -75)])
def test_bowl_condition_number_and_orientation(condition, angle):
    s = surfaces.make("bowl", condition=condition, angle=angle)
    eigvals, eigvecs = np.linalg.eigh(hessian(s))
    np.testing.assert_allclose(eigvals, [1.0 / condition, 1.0], rtol=1e-9)
    np.testing.assert_allclose(eigvals[1] / eigvals[0], condition, rtol=1e-9)
    flat = eigvecs[:, 0] * np.sign(eigvecs[0, 0] or eigvecs[1, 0])  # the flat direction is (cos, sin)(angle)
    if condition > 1:
        np.testing.assert_allclose(abs(flat @ [math.cos(math.radians(angle)), math.sin(math.radians(angle))]), 1.0,
                                   rtol=1e-9)


def test_bowl_rotation_by_90_swaps_the_axes():
    flat_x, flat_y = surfaces.make("bowl", condition=20), surfaces.make("bowl", condition=20, angle=90)
    x, y = points(flat_x, 20, seed=2)
    np.testing.assert_allclose(flat_y.f(x, y), flat_x.f(y, x), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(flat_x.f(2.0, 0.0), 0.5 * 4 / 20, rtol=1e-15)
    np.testing.assert_allclose(flat_x.f(0.0, 2.0), 0.5 * 4, rtol=1e-15)


def test_regression_surface_is_the_mse_of_its_data_and_minimum_is_least_squares():
    s = surfaces.make("regression", n=50, seed=4, x_mean=1.0)
    x, y = s.data
    w, b = points(s, 10)
    direct = np.mean((w[:, None] * x + b[:, None] - y) ** 2, axis=1)
    np.testing.assert_allclose(s.f(w, b), direct, rtol=1e-10)
    (w_star, b_star), = s.minima
    coef, *_ = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)
    np.testing.assert_allclose([w_star, b_star], coef, rtol=1e-10)
    np.testing.assert_allclose(s.min_value, np.mean((w_star * x + b_star - y) ** 2), rtol=1e-12)
    assert 0.1 < s.min_value < 0.5 and s.axis_labels == ("w", "b")  # about noise^2 = 0.25


def test_regression_full_batch_stochastic_grad_is_grad():
    for s in (surfaces.make("regression"), surfaces.make("regression", batch_size=200)):
        rng = np.random.default_rng(0)
        assert s.stochastic_grad(0.5, 1.0, rng) == s.grad(0.5, 1.0)


def test_regression_minibatch_grad_is_unbiased():
    s, rng, draws = surfaces.make("regression", batch_size=20, x_mean=0.5), np.random.default_rng(1), 20000
    samples = np.array([s.stochastic_grad(0.5, 1.0, rng) for _ in range(draws)])
    full = np.array(s.grad(0.5, 1.0))
    stderr = samples.std(axis=0) / math.sqrt(draws)
    assert np.all(4 * stderr < 0.03 * np.abs(full))  # the check below catches a 3% bias
    assert np.all(np.abs(samples.mean(axis=0) - full) < 4 * stderr)


def test_regression_minibatch_is_drawn_without_replacement():
    s, rng = surfaces.make("regression", n=30, batch_size=29, seed=5), np.random.default_rng(2)
    x, y = s.data
    residual = 0.5 * x + 1.0 - y
    per_point = 2 * np.column_stack([residual * x, residual])  # (n, 2)
    leave_one_out = (per_point.sum(axis=0) - per_point) / 29  # the only possible batches of 29 distinct points
    for _ in range(50):
        g = np.array(s.stochastic_grad(0.5, 1.0, rng))
        assert np.min(np.max(np.abs(leave_one_out - g), axis=1)) < 1e-12
    single = surfaces.make("regression", batch_size=1).stochastic_grad(0.5, 1.0, rng)
    assert not np.allclose(single, s.grad(0.5, 1.0), rtol=1e-3)


@pytest.mark.parametrize("batch_size", [0, 201, 2.5, True])
def test_regression_batch_size_out_of_range(batch_size):
    with pytest.raises(ValueError, match="batch_size"):
        surfaces.make("regression", batch_size=batch_size)


def test_make_errors_list_the_valid_names():
    assert list(surfaces.SURFACES) == NAMES
    with pytest.raises(ValueError, match="bowl, rosenbrock, beale, himmelblau, saddle, rastrigin, regression"):
        surfaces.make("ackley")
    with pytest.raises(ValueError, match="valid ones: condition, angle"):
        surfaces.make("bowl", kappa=3)
    with pytest.raises(ValueError, match="valid ones: none"):
        surfaces.make("rosenbrock", a=1)
    with pytest.raises(ValueError):
        surfaces.make("bowl", condition=0.5)


@pytest.mark.parametrize("name", NAMES)
def test_huge_inputs_do_not_warn(name):
    s = surfaces.SURFACES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s.f(np.array([1e200, -1e300, np.inf]), 1e250)
        s.grad(np.array([1e200, -1e300, np.inf]), 1e250)


def test_race_shapes_start_and_loss_along_the_path():
    s = surfaces.SURFACES["rosenbrock"]
    runs = {"SGD": ("sgd", {"lr": 1e-3}), "Adam": ("adam", {"lr": 0.02}), "RMS": ("rmsprop", None)}
    out = surfaces.race(s, runs, s.start, 50)
    assert list(out) == ["SGD", "Adam", "RMS"]
    for label, traj in out.items():
        assert traj.xy.shape == (51, 2) and traj.loss.shape == (51,) and not traj.diverged
        np.testing.assert_array_equal(traj.xy[0], s.start)
        np.testing.assert_array_equal(traj.loss, s.f(traj.xy[:, 0], traj.xy[:, 1]))
        assert traj.label == label and traj.optimizer == runs[label][0]
    first = out["SGD"].xy[0] - 1e-3 * np.array(s.grad(*s.start))
    np.testing.assert_allclose(out["SGD"].xy[1], first, rtol=1e-15)


def test_race_sgd_converges_on_the_bowl():
    s = surfaces.make("bowl", condition=10, angle=20)
    traj = surfaces.race(s, {"gd": ("sgd", {"lr": 1.0})}, s.start, 400)["gd"]
    assert np.linalg.norm(traj.xy[-1]) < 1e-12 and traj.loss[-1] < 1e-24
    assert np.all(np.diff(traj.loss) <= 0)


def test_race_divergence_is_flagged_without_warnings():
    s = surfaces.SURFACES["rosenbrock"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = surfaces.race(s, {"boom": ("sgd", {"lr": 10.0}), "ok": ("adam", {"lr": 0.01})}, s.start, 100)
    boom, ok = out["boom"], out["ok"]
    assert boom.diverged and not ok.diverged and ok.diverged_step is None
    k = boom.diverged_step
    assert 1 <= k <= 100 and np.all(np.isfinite(boom.xy[:k])) and np.all(np.isfinite(boom.loss[:k]))
    assert np.all(np.isnan(boom.xy[k:])) and np.all(np.isnan(boom.loss[k:]))
    assert boom.xy.shape == (101, 2)


def test_race_stops_beyond_the_divergence_limit_and_overflow_is_silent():
    s = surfaces.SURFACES["saddle"]  # SGD with lr 0.5: x -> 0 at once, y_t = 1e-3 * 2^t passes 1e6 at t = 30
    traj = surfaces.race(s, {"gd": ("sgd", {"lr": 0.5})}, s.start, 40)["gd"]
    assert traj.diverged and traj.diverged_step == 30 and traj.xy[29, 1] == 1e-3 * 2.0**29
    runs = {n: (n, {"lr": 0.1}) for n in ("sgd", "momentum", "adagrad", "rmsprop", "adam", "adamw")}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in ("bowl", "beale", "regression"):
            surfaces.race(name, runs, (1.0, 1.0), 5, rng=0, grad_noise=1e200)
            surfaces.race(name, runs, (1.0, 1.0), 5, rng=0, grad_noise=1e200, clip=1.0)


def test_race_clip_bounds_each_sgd_step():
    s = surfaces.SURFACES["rosenbrock"]
    lr, clip = 0.01, 0.5
    traj = surfaces.race(s, {"c": ("sgd", {"lr": lr})}, s.start, 200, clip=clip)["c"]
    steps = np.linalg.norm(np.diff(traj.xy, axis=0), axis=1)
    assert np.all(steps <= lr * clip * (1 + 1e-12)) and steps.max() > 0.99 * lr * clip
    unclipped = surfaces.race(s, {"c": ("sgd", {"lr": lr})}, s.start, 5)["c"]
    assert np.linalg.norm(unclipped.xy[1] - unclipped.xy[0]) > 10 * lr * clip


def test_race_grad_noise_is_reproducible_and_shared_between_runs():
    s = surfaces.SURFACES["bowl"]
    runs = {"a": ("sgd", {"lr": 0.1}), "b": ("sgd", {"lr": 0.1}), "m": ("momentum", {"lr": 0.05})}
    one = surfaces.race(s, runs, s.start, 30, rng=np.random.default_rng(7), grad_noise=0.5)
    two = surfaces.race(s, runs, s.start, 30, rng=np.random.default_rng(7), grad_noise=0.5)
    other = surfaces.race(s, runs, s.start, 30, rng=np.random.default_rng(8), grad_noise=0.5)
    quiet = surfaces.race(s, runs, s.start, 30, rng=np.random.default_rng(7))
    for label in runs:
        np.testing.assert_array_equal(one[label].xy, two[label].xy)
    np.testing.assert_array_equal(one["a"].xy, one["b"].xy)  # same noise for every run
    assert not np.allclose(one["a"].xy, other["a"].xy) and not np.allclose(one["a"].xy, quiet["a"].xy)
    assert np.array_equal(surfaces.race(s, runs, s.start, 30, rng=7, grad_noise=0.5)["m"].xy, one["m"].xy)


def test_race_minibatch_regression_is_noisy_but_reproducible():
    s = surfaces.make("regression", batch_size=5)
    runs = {"sgd": ("sgd", {"lr": 0.05})}
    one = surfaces.race(s, runs, s.start, 300, rng=3)["sgd"]
    assert np.array_equal(one.xy, surfaces.race(s, runs, s.start, 300, rng=3)["sgd"].xy)
    full = surfaces.race(surfaces.make("regression"), runs, s.start, 300, rng=3)["sgd"]
    assert not np.allclose(one.xy, full.xy)
    np.testing.assert_allclose(one.xy[-1], s.minima[0], atol=0.3)
    np.testing.assert_allclose(full.xy[-1], s.minima[0], atol=1e-6)


def test_race_saddle_escape_is_slow_for_sgd():
    s = surfaces.SURFACES["saddle"]
    traj = surfaces.race(s, {"gd": ("sgd", {"lr": 0.01})}, s.start, 200)["gd"]
    np.testing.assert_allclose(traj.xy[:, 1], 1e-3 * 1.02 ** np.arange(201), rtol=1e-12)
    assert abs(traj.xy[-1, 0]) < 0.05 and abs(traj.xy[-1, 1]) < 0.1


@pytest.mark.parametrize("kwargs", [{"steps": -1}, {"start": (0.0, np.nan)}, {"start": (1.0,)},
                                    {"grad_noise": -1.0}, {"clip": -0.5}])
def test_race_rejects_bad_arguments(kwargs):
    args = {"surface": "bowl", "runs": {"gd": ("sgd", {})}, "start": (1.0, 1.0), "steps": 5, **kwargs}
    with pytest.raises(ValueError):
        surfaces.race(**args)
