"""2-D loss surfaces with analytic gradients, and race(): optimizers descending one surface.

    s = make("bowl", condition=50, angle=30)
    s.f(X, Y), s.grad(X, Y)            # vectorized over broadcastable arrays, float64
    race(s, {"SGD": ("sgd", {"lr": 0.1}), "Adam": ("adam", {"lr": 0.1})}, s.start, 200)

f and grad never warn: overflow gives inf/nan. race() never raises on divergence either: a run
whose position leaves |x|, |y| <= 1e6 (or turns non-finite) stops and is padded with NaN.
"""
from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from engine.descent import DIVERGENCE_LIMIT, Trajectory, descend  # noqa: F401  (part of this module's API)


@dataclass(frozen=True, eq=False)
class Surface:
    """A loss surface f(x, y) with its analytic gradient and what a plot/race needs to know about it."""

    name: str
    params: dict
    latex: str
    bounds: tuple  # ((xmin, xmax), (ymin, ymax)): the plotting window
    start: tuple  # a default start point for an instructive race
    minima: list  # global minima [(x, y), ...]; empty when there is none
    min_value: float | None  # f at the minima; None when f is unbounded below
    note: str  # one line on what the surface teaches
    _f: Callable = field(repr=False)
    _grad: Callable = field(repr=False)
    _sample_grad: Callable | None = field(default=None, repr=False)  # (x, y, rng) -> (gx, gy)
    axis_labels: tuple = ("x", "y")
    data: tuple | None = field(default=None, repr=False)  # regression only: (x_i, y_i) read-only

    def f(self, x, y):
        """f(x, y), broadcasting x against y."""
        with np.errstate(all="ignore"):
            return self._f(*_xy(x, y))

    def grad(self, x, y):
        """(df/dx, df/dy), each of the broadcast shape of x and y."""
        with np.errstate(all="ignore"):
            return self._grad(*_xy(x, y))

    def stochastic_grad(self, x, y, rng):
        """The gradient a race step sees: a mini-batch estimate for regression, else grad(x, y)."""
        if self._sample_grad is None:
            return self.grad(x, y)
        with np.errstate(all="ignore"):
            return self._sample_grad(*_xy(x, y), rng)


def _xy(x, y):
    return np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))


def _number(key, value, lo=-math.inf, hi=math.inf):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not lo <= value <= hi:
        raise ValueError(f"{key} must be a real number in [{lo:g}, {hi:g}], got {value!r}")
    return float(value)


def _integer(key, value, lo):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < lo:
        raise ValueError(f"{key} must be an integer >= {lo}, got {value!r}")
    return int(value)


def bowl(*, condition=10.0, angle=0.0):
    """f = (u^2/condition + v^2) / 2 with (u, v) = (x, y) rotated by `angle` degrees.

    Hessian eigenvalues 1/condition (along u) and 1 (along v): the largest curvature is fixed
    at 1, so plain gradient descent is stable for lr < 2 whatever the condition number.
    """
    kappa = _number("condition", condition, 1.0, 1e6)
    theta = _number("angle", angle, -360.0, 360.0)
    c, s = math.cos(math.radians(theta)), math.sin(math.radians(theta))
    lam_u, lam_v = 1.0 / kappa, 1.0

    def f(x, y):
        u, v = c * x + s * y, -s * x + c * y
        return 0.5 * (lam_u * u * u + lam_v * v * v)

    def grad(x, y):
        grad_u, grad_v = lam_u * (c * x + s * y), lam_v * (-s * x + c * y)
        return c * grad_u - s * grad_v, s * grad_u + c * grad_v

    latex = (r"f = \tfrac12\left(\tfrac{u^2}{\kappa} + v^2\right),\quad \binom{u}{v} = R_{-\theta}\binom{x}{y},"
             rf"\quad \kappa = {kappa:g},\ \theta = {theta:g}^\circ")
    return Surface("bowl", {"condition": kappa, "angle": theta}, latex, ((-3.0, 3.0), (-3.0, 3.0)),
                   (-2.5, 1.5), [(0.0, 0.0)], 0.0,
                   "an elongated quadratic bowl: the condition number sets how slow the flat direction is",
                   f, grad)


def rosenbrock():
    """f = (1 - x)^2 + 100 (y - x^2)^2: a curved, narrow valley; minimum 0 at (1, 1)."""
    def f(x, y):
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2

    def grad(x, y):
        return -2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)

    return Surface("rosenbrock", {}, r"f = (1 - x)^2 + 100\,(y - x^2)^2", ((-2.0, 2.0), (-1.0, 3.0)),
                   (-1.5, 2.0), [(1.0, 1.0)], 0.0,
                   "reaching the curved valley is fast; following it to (1, 1) is slow", f, grad)


def beale():
    """f = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2; minimum 0 at (3, 0.5)."""
    def terms(x, y):
        return 1.5 - x + x * y, 2.25 - x + x * y * y, 2.625 - x + x * y**3

    def f(x, y):
        a, b, c = terms(x, y)
        return a * a + b * b + c * c

    def grad(x, y):
        a, b, c = terms(x, y)
        gx = 2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y**3 - 1)
        gy = 2 * a * x + 4 * b * x * y + 6 * c * x * y * y
        return gx, gy

    latex = r"f = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2"
    return Surface("beale", {}, latex, ((-4.5, 4.5), (-4.5, 4.5)), (1.0, 1.5), [(3.0, 0.5)], 0.0,
                   "flat plateaus next to walls with gradients of 1e5: step sizes that fit one don't fit the other",
                   f, grad)


HIMMELBLAU_MINIMA = [(3.0, 2.0), (-2.805118086952745, 3.131312518250573),
                     (-3.779310253377747, -3.283185991286170), (3.584428340330492, -1.848126526964404)]


def himmelblau():
    """f = (x^2 + y - 11)^2 + (x + y^2 - 7)^2: four global minima, all with f = 0."""
    def f(x, y):
        return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2

    def grad(x, y):
        a, b = x * x + y - 11, x + y * y - 7
        return 4 * x * a + 2 * b, 2 * a + 4 * y * b

    return Surface("himmelblau", {}, r"f = (x^2 + y - 11)^2 + (x + y^2 - 7)^2", ((-5.0, 5.0), (-5.0, 5.0)),
                   (0.0, -1.0), list(HIMMELBLAU_MINIMA), 0.0,
                   "four equally good minima: which one an optimizer ends in depends on its path", f, grad)


def saddle():
    """f = x^2 - y^2: a saddle point at (0, 0), no minimum (f is unbounded below along y)."""
    return Surface("saddle", {}, r"f = x^2 - y^2", ((-2.0, 2.0), (-2.0, 2.0)), (-1.8, 1e-3), [], None,
                   "no minimum: (0, 0) is a saddle; starting near y = 0, plain SGD escapes it only slowly",
                   lambda x, y: x * x - y * y, lambda x, y: (2 * x, -2 * y))


def rastrigin():
    """f = 20 + x^2 - 10 cos(2 pi x) + y^2 - 10 cos(2 pi y): a grid of local minima; global minimum 0 at (0, 0)."""
    def f(x, y):
        return 20 + x * x - 10 * np.cos(2 * np.pi * x) + y * y - 10 * np.cos(2 * np.pi * y)

    def grad(x, y):
        return 2 * x + 20 * np.pi * np.sin(2 * np.pi * x), 2 * y + 20 * np.pi * np.sin(2 * np.pi * y)

    latex = r"f = 20 + x^2 - 10\cos(2\pi x) + y^2 - 10\cos(2\pi y)"
    return Surface("rastrigin", {}, latex, ((-5.12, 5.12), (-5.12, 5.12)), (3.3, -2.7), [(0.0, 0.0)], 0.0,
                   "a local minimum near every integer point: gradient descent stops at the nearest one", f, grad)


def regression(*, batch_size=None, n=200, seed=0, noise=0.5, true_w=2.0, true_b=-1.0, x_mean=0.0):
    """f(w, b) = mean_i (w x_i + b - y_i)^2 over n points y_i = true_w x_i + true_b + noise * N(0, 1).

    x_i ~ N(x_mean, 1) (x_mean != 0 tilts and stretches the bowl). A race step sees the gradient
    of a mini-batch of `batch_size` points drawn without replacement (None: the full batch).
    """
    n = _integer("n", n, 2)
    batch_size = n if batch_size is None else batch_size
    if isinstance(batch_size, (bool, np.bool_)) or not isinstance(batch_size, numbers.Integral) \
            or not 1 <= batch_size <= n:
        raise ValueError(f"batch_size must be an integer in [1, n={n}] or None, got {batch_size!r}")
    seed, noise = _integer("seed", seed, 0), _number("noise", noise, 0.0)
    true_w, true_b, x_mean = (_number(k, v, -1e3, 1e3) for k, v in
                              (("true_w", true_w), ("true_b", true_b), ("x_mean", x_mean)))
    gen = np.random.default_rng(seed)
    xs = x_mean + gen.standard_normal(n)
    ys = true_w * xs + true_b + noise * gen.standard_normal(n)
    xs.setflags(write=False)
    ys.setflags(write=False)
    sxx, sx, sxy, sy, syy = (float(np.mean(v)) for v in (xs * xs, xs, xs * ys, ys, ys * ys))
    w_star, b_star = np.linalg.solve([[sxx, sx], [sx, 1.0]], [sxy, sy])  # normal equations
    min_value = float(np.mean((w_star * xs + b_star - ys) ** 2))

    def f(w, b):  # the mean squared residual expanded with the sufficient statistics
        return w * w * sxx + 2 * w * b * sx + b * b - 2 * w * sxy - 2 * b * sy + syy

    def grad(w, b):
        return 2 * (w * sxx + b * sx - sxy), 2 * (w * sx + b - sy)

    def sample_grad(w, b, rng):
        if batch_size == n:
            return grad(w, b)
        idx = rng.choice(n, size=batch_size, replace=False)
        x_b, y_b = xs[idx], ys[idx]
        residual = w[..., None] * x_b + b[..., None] - y_b  # (..., batch_size)
        return 2 * np.mean(residual * x_b, axis=-1), 2 * np.mean(residual, axis=-1)

    params = {"batch_size": batch_size, "n": n, "seed": seed, "noise": noise,
              "true_w": true_w, "true_b": true_b, "x_mean": x_mean}
    latex = (r"f(w, b) = \frac1n \sum_{i=1}^{n} (w x_i + b - y_i)^2,\quad "
             rf"y_i = {true_w:g}\,x_i {true_b:+g} + \varepsilon_i,\ n = {n},\ \text{{batch}} = {batch_size}")
    return Surface("regression", params, latex, ((true_w - 4, true_w + 4), (true_b - 4, true_b + 4)),
                   (true_w - 3, true_b + 3), [(float(w_star), float(b_star))], min_value,
                   "least squares in (w, b): mini-batches make the path noisy, the minimum is the residual MSE",
                   f, grad, sample_grad, ("w", "b"), (xs, ys))


_FACTORIES = {"bowl": bowl, "rosenbrock": rosenbrock, "beale": beale, "himmelblau": himmelblau,
              "saddle": saddle, "rastrigin": rastrigin, "regression": regression}


def make(name: str, **params) -> Surface:
    """A surface `name` (a key of SURFACES) with `params` overriding its defaults."""
    if name not in _FACTORIES:
        raise ValueError(f"unknown surface {name!r}; valid names: {', '.join(_FACTORIES)}")
    valid = list(inspect.signature(_FACTORIES[name]).parameters)
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise ValueError(f"unknown parameter(s) {', '.join(unknown)} for surface {name!r}; "
                         f"valid ones: {', '.join(valid) or 'none'}")
    return _FACTORIES[name](**params)


SURFACES: dict[str, Surface] = {name: factory() for name, factory in _FACTORIES.items()}


def race(surface, runs, start, steps, rng=None, grad_noise=0.0, clip=None) -> dict[str, Trajectory]:
    """Run each optimizer from `start` for `steps` steps on `surface`; {label: Trajectory}.

    runs: {label: (optimizer_name, hyper_dict)}. Each step: g = stochastic_grad (+ grad_noise *
    N(0, I)), clipped to norm `clip` if given, then optimizer.step. rng (Generator, int seed or
    None = seed 0) yields one seed; every run draws its noise from a fresh Generator with that
    seed, so all runs see the same noise sequence.
    """
    surface = make(surface) if isinstance(surface, str) else surface
    steps = _integer("steps", steps, 0)
    grad_noise = _number("grad_noise", grad_noise, 0.0)
    clip = None if clip is None else _number("clip", clip, 0.0)
    start = np.array(start, dtype=np.float64)
    if start.shape != (2,) or not np.all(np.isfinite(start)):
        raise ValueError(f"start must be two finite numbers, got {start!r}")
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(0 if rng is None else rng)
    seed = int(rng.integers(2**63))
    out = {}
    for label, (name, hyper) in runs.items():
        run_rng = np.random.default_rng(seed)
        out[label] = descend(surface, label, name, dict(hyper or {}), start, steps, run_rng, grad_noise, clip)
    return out
