"""A fair race: each optimizer's best learning rate (and momentum beta) for one surface and start.

    best = tune(surfaces.make("bowl", condition=50), "momentum", (-2.5, 1.5), 300, 1e-3)
    best.lr, best.momentum, best.steps_to_goal, best.hyper(), best.sweep   # sweep: every grid point tried

"Reached" has one definition, steps_to_goal(): the first step from which f - f* stays below tol to
the end of the run. tune() sweeps a log grid of learning rates (and, for "momentum" and "nesterov",
a grid of beta), refines once around the best, and ranks by steps_to_goal. The grid runs at once:
descend_grid() is race() for K runs in one (K, 2) array, through the optimizers' own update code.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from engine import optimizers, surfaces

ESCAPE = -1.0   # the saddle has no minimum: its goal is f < ESCAPE (the race page's "escaped")
ARENA = 3.0     # tune() ranks last a run that leaves the plotting window scaled 3x about its centre: the page
# could not show its path, and such a win is luck (RMSprop's first step is lr/sqrt(1 - alpha) = 10 lr per
# coordinate: at lr 10 it jumps 100 off the axis-aligned bowl, lands back and converges in 3 steps)
MOMENTUM_OPTIMIZERS = ("momentum", "nesterov")   # the registry entries whose beta tune() sweeps too
MANTISSAS = (1.0, 1.1, 1.2, 1.3, 1.5, 1.7, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0)  # the race page's
# learning-rate slider: round numbers, 15 per decade, so a tuned rate is always one of its options


def critical_momentum(kappa: float) -> float:
    """beta* = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^2: heavy-ball momentum's fastest rate on a quadratic of
    condition number kappa (Polyak), with lr* = 4 / (sqrt(L) + sqrt(mu))^2; torch's SGD momentum is this rule."""
    if not kappa >= 1:
        raise ValueError(f"kappa must be a number >= 1, got {kappa!r}")
    root = math.sqrt(kappa)
    return ((root - 1) / (root + 1)) ** 2


def round_lrs(mantissas, lo_exp: int, hi_exp: int) -> tuple[float, ...]:
    """m * 10^e for e in [lo_exp, hi_exp) and m in mantissas, then 10^hi_exp, rounded to 6 digits."""
    values = [float(f"{m * 10.0**e:.6g}") for e in range(lo_exp, hi_exp) for m in mantissas]
    return tuple(values + [float(10.0**hi_exp)])


@dataclass(frozen=True)
class Grid:
    """The sweep: coarse learning rates c * 10^e, c in `coarse` (about log-even, 4 per decade), from
    10^lo_exp to 10^hi_exp; then once more every `fine` rate strictly between the best coarse rate's
    neighbours. Beta (momentum optimizers only): `momenta`, then every `momentum_step` strictly
    between the best one's neighbours (the grid's top ends the range)."""

    lo_exp: int = -4            # 1e-4: below it nothing moves in a few hundred steps
    hi_exp: int = 1             # 10: Adam-type steps move ~lr per step; beyond this they jump off the window
    coarse: tuple = (1.0, 1.7, 3.0, 5.0)
    fine: tuple = MANTISSAS
    momenta: tuple = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)   # spans ((sqrt k-1)/(sqrt k+1))^2, k 10..1e4
    momentum_step: float = 0.01

    def lrs(self) -> tuple[float, ...]:
        return round_lrs(self.coarse, self.lo_exp, self.hi_exp)

    def refine_lrs(self, best: float) -> tuple[float, ...]:
        return _between(self.lrs(), round_lrs(self.fine, self.lo_exp, self.hi_exp), best)

    def refine_momenta(self, best: float, optimizer: str) -> tuple[float, ...]:
        top = self.momenta[-1]
        fine = tuple(round(k * self.momentum_step, 10) for k in range(int(round(top / self.momentum_step)) + 1))
        return _between(self.valid_momenta(optimizer), fine, best)

    def valid_momenta(self, optimizer: str) -> tuple[float, ...]:
        """Nesterov needs beta > 0 (beta = 0 would be plain SGD, which torch refuses)."""
        return tuple(b for b in self.momenta if b > 0) if optimizer == "nesterov" else self.momenta


def _between(coarse, fine, best):
    """The fine values strictly between best's neighbours in coarse, best excluded."""
    i = coarse.index(best)
    lo, hi = coarse[max(i - 1, 0)], coarse[min(i + 1, len(coarse) - 1)]
    return tuple(v for v in fine if lo < v < hi and v != best)


GRID = Grid()


class Trial(NamedTuple):
    """One grid point: its hyperparameters and how its run went."""

    lr: float
    momentum: float | None      # None: not swept (not a momentum optimizer, or given in `fixed`)
    steps_to_goal: int | None
    final: float                # final f - f* (the saddle: final f); inf when the run diverged
    left_arena: bool = False    # the path left the window scaled ARENA times (never on the saddle)


@dataclass(frozen=True)
class Tuned:
    """tune()'s answer: the best Trial's settings, the run it gave, and every Trial of the sweep."""

    optimizer: str
    lr: float
    momentum: float | None
    steps_to_goal: int | None
    final: float
    fixed: tuple = ()                                 # (name, value) pairs held fixed during the sweep
    sweep: tuple = field(default=(), repr=False)      # every Trial, coarse then refined

    def hyper(self) -> dict:
        """The hyperparameters to race with: fixed ones, the tuned lr and (if swept) the tuned momentum."""
        return {**dict(self.fixed), **_swept(self.lr, self.momentum)}


def steps_to_goal(loss, f_star, tol) -> int | None:
    """The first step s with f_t - f* < tol for every t >= s to the end of the run; None if there is none.

    loss: f at steps 0 .. T of one run, NaN from a divergence on (as race() pads). A run that diverged
    never reaches. f_star None (the saddle, f unbounded below): the goal is f_t < ESCAPE instead, and a
    run that leaves the window while f < ESCAPE has escaped (f -> -inf), so its last finite f stands for
    the rest of the run.
    """
    return _settled(np.asarray(loss, dtype=np.float64)[:, None], f_star, tol)[0]


def _settled(loss, f_star, tol) -> list[int | None]:
    """steps_to_goal of every column of loss (T+1, K): T+1 - (the count of trailing steps within the goal)."""
    with np.errstate(invalid="ignore"):
        within = _forward_filled(loss) < ESCAPE if f_star is None else loss - f_star < tol
    trailing = np.cumprod(within[::-1], axis=0).sum(axis=0)
    return [None if c == 0 else int(len(loss) - c) for c in trailing]


def _forward_filled(loss):
    """Each column's NaN padding replaced by its last finite value (race() pads from the divergence on)."""
    last = np.isfinite(loss).sum(axis=0) - 1
    return np.where(np.isnan(loss), loss[last, np.arange(loss.shape[1])], loss)


def _final(loss, f_star):
    """The last f - f* of each column (inf if it diverged); the saddle: its last finite f."""
    if f_star is None:
        return _forward_filled(loss)[-1]
    return np.where(np.isnan(loss[-1]), math.inf, loss[-1] - f_star)


class Paths(NamedTuple):
    """K runs side by side: xy (steps+1, K, 2) and loss (steps+1, K), NaN from a run's divergence on."""

    xy: np.ndarray
    loss: np.ndarray


class _Column(np.ndarray):
    """A per-run hyperparameter column (K, 1). Its truth value is "some run has it nonzero": SGD's
    `if momentum:` then takes the buffer path for every run, and a run with beta 0 there computes
    buf = 0*buf + g = g and p - lr*buf: exactly plain SGD, as torch does with momentum 0."""

    def __bool__(self):
        return bool(np.any(self.view(np.ndarray)))


def descend_grid(surface, optimizer: str, start, steps: int, lr, *, momentum=None, fixed=None, seed: int = 0,
                 grad_noise: float = 0.0, clip: float | None = None) -> Paths:
    """race() of K runs at once: run k is `optimizer` with lr[k] (and momentum[k] if given) and `fixed`.

    Equal to race(surface, {k: (optimizer, {**fixed, "lr": lr[k], ...})}, start, steps, rng=seed,
    grad_noise=grad_noise, clip=clip) run by run: the same update code (the optimizer's hyperparameters
    are (K, 1) columns), the same noise (one generator seeded as race() seeds each run; every run
    draws the same sequence), the clip per run, the same divergence test.

    Every rule broadcasts a column lr (SGD's p - lr*g, Adagrad's lr / (1 + ...), Adam's lr / bc1 and
    AdamW's p*(1 - lr*wd)). SGD's `if momentum:` needs one truth value: momentum is a _Column. Adam's
    betas and RMSprop's alpha and momentum are not swept (RMSprop's `momentum > 0` could not be).
    """
    surface = surfaces.make(surface) if isinstance(surface, str) else surface
    surfaces.race(surface, {}, start, steps, grad_noise=grad_noise, clip=clip)   # race()'s own validation
    opt = _grid_optimizer(optimizer, lr, momentum, fixed or {})
    runs = len(opt.hyper["lr"])
    p = np.tile(np.asarray(start, dtype=np.float64), (runs, 1))
    xy = np.empty((steps + 1, runs, 2))
    xy[0] = p
    rng = _run_rng(seed)
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            g = np.stack(surface.stochastic_grad(p[:, 0], p[:, 1], rng), axis=1)
            if grad_noise:
                g = g + grad_noise * rng.standard_normal(2)
            if clip is not None:
                g = _clip_rows(g, clip)
            xy[t] = p = opt.step(p, g)
        loss = surface.f(xy[..., 0], xy[..., 1])          # f is elementwise: once, over every step
        ok = np.all(np.isfinite(xy), axis=2) & (np.max(np.abs(xy), axis=2) <= surfaces.DIVERGENCE_LIMIT) \
            & np.isfinite(loss)
    gone = np.logical_or.accumulate(~ok, axis=0)          # from the first bad step on, as race() stops
    xy[gone], loss[gone] = np.nan, np.nan
    return Paths(xy, loss)


def _grid_optimizer(optimizer, lr, momentum, fixed):
    """One optimizer whose lr (and momentum) are (K, 1) columns; each run's settings validated by create()."""
    lr = np.asarray(lr, dtype=np.float64).reshape(-1)
    beta = None if momentum is None else np.asarray(momentum, dtype=np.float64).reshape(-1)
    if lr.size == 0 or (beta is not None and beta.shape != lr.shape):
        raise ValueError(f"lr must hold K >= 1 rates and momentum, if given, as many; got {lr.size} and "
                         f"{None if beta is None else beta.size}")
    betas = [None] * lr.size if beta is None else beta.tolist()
    for rate, b in set(zip(lr.tolist(), betas)):
        opt = optimizers.create(optimizer, **fixed, **_swept(rate, b))
    opt.hyper["lr"] = lr[:, None]
    if beta is not None:
        opt.hyper["momentum"] = beta[:, None].view(_Column)
    return opt


def _swept(lr, momentum):
    return {"lr": lr} if momentum is None else {"lr": lr, "momentum": momentum}


def _run_rng(seed: int) -> np.random.Generator:
    """The generator race(rng=seed) gives each run: seeded with one draw from default_rng(seed)."""
    return np.random.default_rng(int(np.random.default_rng(seed).integers(2**63)))


def _clip_rows(g, max_norm):
    """optimizers.clip_grad_norm applied to each row of g (K, 2) on its own: g * min(1, max / (||g|| + 1e-6))."""
    norm = np.sqrt(np.vecdot(g, g))      # vecdot: the same dot product as np.linalg.norm's, bit for bit
    return g * np.minimum(max_norm / (norm + 1e-6), 1.0)[:, None]


def tune(surface, optimizer: str, start, steps: int, tol: float, *, grid: Grid = GRID, fixed=None, seed: int = 0,
         grad_noise: float = 0.0, clip: float | None = None) -> Tuned:
    """The best learning rate (and beta, for "momentum" and "nesterov" unless `fixed` sets it) of `optimizer`.

    Sweeps grid.lrs() (x grid.momenta), then refines once around the best point (grid.refine_lrs x
    grid.refine_momenta). Ranking: fewest steps_to_goal first; ties, and runs that never reach, by
    the final f - f* (the saddle: final f), lower first; then the smaller lr. A run whose path left
    the window scaled ARENA times ranks after every run that did not.
    """
    surface = surfaces.make(surface) if isinstance(surface, str) else surface
    fixed = dict(fixed or {})
    if "lr" in fixed:
        raise ValueError("tune() picks lr: pass only the hyperparameters to hold fixed (e.g. momentum, betas)")
    swept = optimizer in MOMENTUM_OPTIMIZERS and "momentum" not in fixed
    run = dict(surface=surface, optimizer=optimizer, start=start, steps=steps, tol=tol, fixed=fixed, seed=seed,
               grad_noise=grad_noise, clip=clip)
    trials = _trials(grid.lrs(), grid.valid_momenta(optimizer) if swept else None, **run)
    best = _best(trials)
    fine_lrs = (best.lr, *grid.refine_lrs(best.lr))
    fine_momenta = (best.momentum, *grid.refine_momenta(best.momentum, optimizer)) if swept else None
    tried = {(t.lr, t.momentum) for t in trials}
    trials += [t for t in _trials(fine_lrs, fine_momenta, **run) if (t.lr, t.momentum) not in tried]
    best = _best(trials)
    return Tuned(optimizer, best.lr, best.momentum, best.steps_to_goal, best.final, tuple(sorted(fixed.items())),
                 tuple(trials))


def _trials(lrs, momenta, *, surface, optimizer, start, steps, tol, fixed, seed, grad_noise, clip) -> list[Trial]:
    """One descend_grid over the product lrs x momenta (momenta None: lrs only)."""
    lr = np.repeat(lrs, 1 if momenta is None else len(momenta))
    beta = None if momenta is None else np.tile(momenta, len(lrs))
    paths = descend_grid(surface, optimizer, start, steps, lr, momentum=beta, fixed=fixed, seed=seed,
                         grad_noise=grad_noise, clip=clip)
    reached = _settled(paths.loss, surface.min_value, tol)
    final = _final(paths.loss, surface.min_value)
    left = _left_arena(surface, paths.xy)
    return [Trial(float(lr[k]), None if beta is None else float(beta[k]), reached[k], float(final[k]), bool(left[k]))
            for k in range(len(lr))]


def _left_arena(surface, xy):
    """Per run: did its path leave the plotting window scaled ARENA times about its centre? (Never on the
    saddle, whose goal, escaping, lies off the window.)"""
    if surface.min_value is None:
        return np.zeros(xy.shape[1], dtype=bool)
    bounds = np.array(surface.bounds, dtype=np.float64)        # ((x0, x1), (y0, y1))
    centre, half = bounds.mean(axis=1), ARENA * (bounds[:, 1] - bounds[:, 0]) / 2
    with np.errstate(invalid="ignore"):
        return np.any(np.abs(xy - centre) > half, axis=(0, 2))


def _best(trials) -> Trial:
    """Within the arena first; then fewest steps to the goal; then the lowest final f - f*; then the smaller lr."""
    return min(trials, key=lambda t: (t.left_arena, math.inf if t.steps_to_goal is None else t.steps_to_goal,
                                      math.inf if math.isnan(t.final) else t.final, t.lr))


def tune_all(surface, names, start, steps: int, tol: float, **options) -> dict[str, Tuned]:
    """tune() of each optimizer in `names` on the same race; options as tune()'s keywords."""
    return {name: tune(surface, name, start, steps, tol, **options) for name in names}
