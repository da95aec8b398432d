"""Training an MLP classifier on a Dataset, recording what the lessons draw.

    settings = TrainSettings(optimizer="adam", hyper={"lr": 0.01}, steps=300, batch_size=64)
    history = train(MLPConfig((2, 32, 32, 2), last_activation="linear", dtype="float64"), ds, settings)
    probs = predict(history, -1, ds.X_test)     # the trained network's class probabilities

Step t = 0 .. steps-1: take the batch; forward in training mode; loss; backward; clip the global norm
over every trained array (weights, biases, BN gamma and beta) when clip is set; lr = schedules.lr_at(...);
one optimizer step on every trained array (one Optimizer; see engine.training_state).
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

from engine import losses, optimizers, schedules
from engine.data import Dataset
from engine.mlp import MLP, FrozenParams, MLPConfig
from engine.training_cost import estimate_seconds
from engine.training_record import History, Recorder, finite_or_nan, predict, predict_all, predict_grid, record_steps
from engine.training_state import FlatParams, loss_and_grad

__all__ = ["TrainSettings", "History", "train", "predict", "predict_all", "predict_grid", "estimate_seconds",
           "batches", "record_steps", "check"]

MAX_STEPS = 100_000           # far beyond any lesson; the page's work budget caps much lower
PROGRESS_CALLS = 50           # on_progress is called about this often in a run


def _frozen_hyper(hyper) -> FrozenParams:
    if not isinstance(hyper, Mapping) or not all(isinstance(k, str) for k in hyper):
        raise ValueError(f"hyper must be a dict of optimizer hyperparameters by name, got {hyper!r}")
    return FrozenParams({k: tuple(v) if isinstance(v, (list, np.ndarray)) else v for k, v in hyper.items()})


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


@dataclass(frozen=True)
class TrainSettings:
    """How to train; frozen and hashable so it can key a cache. Valid choices are checked here, once."""
    optimizer: str = "adam"               # the usual first choice (engine.optimizers.OPTIMIZERS)
    hyper: Mapping = field(default_factory=FrozenParams)   # e.g. {"lr": 0.01}; torch's defaults otherwise
    steps: int = 300                      # enough for a toy 2-D problem
    batch_size: int | None = None         # None: the whole training set every step (full-batch GD)
    clip: float | None = None             # max global gradient norm (None: no clipping)
    schedule: str = "constant"            # engine.schedules.SCHEDULES
    loss: str = "cross_entropy"           # or "mse" onto the one-hot labels (engine.losses.LOSSES)
    seed: int = 0                         # the mini-batch order (the weights come from MLPConfig.seed)

    def __post_init__(self):
        object.__setattr__(self, "hyper", _frozen_hyper(self.hyper))
        if not isinstance(self.optimizer, str):
            raise ValueError(f"optimizer must be a name, one of {', '.join(optimizers.OPTIMIZERS)}")
        optimizers.create(self.optimizer, **self.hyper)        # ValueError names valid optimizers / hyper
        schedules.get(self.schedule)
        losses.get(self.loss)
        if not _is_int(self.steps) or not 1 <= self.steps <= MAX_STEPS:
            raise ValueError(f"steps must be an int in 1 .. {MAX_STEPS}, got {self.steps!r}")
        if self.batch_size is not None and (not _is_int(self.batch_size) or self.batch_size < 1):
            raise ValueError(f"batch_size must be None (full batch) or an int >= 1, got {self.batch_size!r}")
        if self.clip is not None and (isinstance(self.clip, bool) or not isinstance(self.clip, numbers.Real)
                                      or not (math.isfinite(self.clip) and self.clip > 0)):
            raise ValueError(f"clip must be None (no clipping) or a finite number > 0, got {self.clip!r}")
        if not _is_int(self.seed) or self.seed < 0:
            raise ValueError(f"seed must be an int >= 0, got {self.seed!r}")

    @property
    def lr(self) -> float:
        """The base learning rate: hyper["lr"], or the optimizer's default."""
        return optimizers.create(self.optimizer, **self.hyper).hyper["lr"]


def batches(n_train: int, batch_size: int | None, seed: int) -> Iterator[np.ndarray | None]:
    """The batch of every step: None (the whole set) for full batch; else, with one rng = default_rng(seed)
    for the run, each epoch perm = rng.permutation(n_train) gives batches perm[i B:(i+1) B] for
    i = 0 .. n_train // B - 1 (a short last batch is dropped)."""
    if batch_size is None:
        while True:
            yield None
    rng = np.random.default_rng(seed)
    while True:
        perm = rng.permutation(n_train)
        for i in range(n_train // batch_size):
            yield perm[i * batch_size:(i + 1) * batch_size]


def check(net: MLPConfig, dataset: Dataset, settings: TrainSettings) -> None:
    """ValueError unless net, dataset and settings fit together."""
    if net.last_activation != "linear":
        raise ValueError(f"the last layer must be linear (it gives the logits): use MLPConfig(..., "
                         f"last_activation='linear'), got last_activation={net.last_activation!r}")
    if net.widths[0] != dataset.n_features or net.widths[-1] != dataset.n_classes:
        raise ValueError(f"widths must start with {dataset.n_features} inputs (the features) and end with "
                         f"{dataset.n_classes} outputs (the classes), got {net.widths}")
    n_train, B = len(dataset.y_train), settings.batch_size
    if B is not None and B > n_train:
        raise ValueError(f"batch_size {B} is larger than the {n_train} training examples")
    if B == 1 and net.batch_norm:
        raise ValueError("batch norm cannot train on a batch of 1 (its variance is 0): use batch_size >= 2 "
                         "or turn batch norm off")


def _progress(on_progress: Callable | None, steps: int) -> Callable[[int], None]:
    every = max(1, steps // PROGRESS_CALLS)

    def report(t: int) -> None:
        if on_progress is not None and (t % every == 0 or t == steps):
            on_progress(t / steps)
    return report


class _StepLog:
    """The per-step arrays, NaN until written."""

    def __init__(self, steps: int, L: int):
        self.batch_loss, self.lr = np.full(steps, np.nan), np.full(steps, np.nan)
        self.grad_norm, self.update_ratio = np.full((steps, L), np.nan), np.full((steps, L), np.nan)

    def arrays(self) -> dict:
        return {name: finite_or_nan(getattr(self, name)) for name in ("batch_loss", "lr", "grad_norm", "update_ratio")}


def _run(flat, opt, data, settings, log, recorder, report) -> int | None:
    """The loop; returns the diverged step, or None after recording the trained network.

    for t = 0 .. steps-1:
        record the network when t is a record step (t updates done)
        L_t, g = loss and dL/dtheta on step t's batch, training mode       -> batch_loss[t], grad_norm[t]
        stop (diverged at t) if L_t is not finite
        g = optimizers.clip_grad_norm(g, clip) when clip is set             (one norm over all of theta)
        lr_t = schedules.lr_at(schedule, lr, t, steps); theta' = the optimizer's step from theta with g
        stop (diverged at t) if theta' is not finite
        update_ratio[t] = ||W_l' - W_l|| / ||W_l|| for every layer l; theta = theta'
    """
    X, y = data
    loss_fn, due = losses.get(settings.loss), set(record_steps(settings.steps).tolist())
    steps, clip, name, lr = settings.steps, settings.clip, settings.schedule, opt.hyper["lr"]
    for t, idx in zip(range(steps), batches(len(y), settings.batch_size, settings.seed)):
        if t in due:
            recorder.record(t)
        loss = loss_and_grad(flat, loss_fn, X, y) if idx is None else loss_and_grad(flat, loss_fn, X[idx], y[idx])
        log.batch_loss[t], log.grad_norm[t] = loss, flat.layer_norms(flat.grad)
        if not math.isfinite(loss):
            return t
        grad = optimizers.clip_grad_norm(flat.grad, clip) if clip is not None else flat.grad
        log.lr[t] = opt.hyper["lr"] = schedules.lr_at(name, lr, t, steps)
        theta = opt.step(flat.theta, grad)
        if not np.isfinite(theta).all():
            return t
        log.update_ratio[t] = flat.layer_norms(theta - flat.theta) / flat.layer_norms(flat.theta)
        flat.theta[:] = theta
        report(t + 1)
    recorder.record(steps)
    return None


def train(net: MLPConfig, dataset: Dataset, settings: TrainSettings, *, on_progress=None) -> History:
    """Train a fresh MLP(net) on dataset with settings; on_progress(fraction in [0, 1]) is called now and then.

    float64 nets train in float64, float32 nets in float32. When a loss or a parameter stops being finite,
    training stops: diverged_step is that step and the arrays say what happened up to it (see History).
    """
    check(net, dataset, settings)
    flat = FlatParams(MLP(net))
    dtype = flat.theta.dtype
    opt = optimizers.create(settings.optimizer, **settings.hyper)
    log = _StepLog(settings.steps, net.depth)
    recorder = Recorder(flat, dataset.X_train, dataset.y_train, dataset.X_test, dataset.y_test,
                        losses.get(settings.loss))
    with np.errstate(all="ignore"):
        diverged = _run(flat, opt, (dataset.X_train.astype(dtype), dataset.y_train), settings, log, recorder,
                        _progress(on_progress, settings.steps))
        if diverged is not None and recorder.steps[-1] != diverged:
            recorder.record(diverged)           # the network at the diverged step: its last finite parameters
    if on_progress is not None and diverged is not None:
        on_progress(1.0)                        # the loop reported up to the diverged step only
    n_train, B = len(dataset.y_train), settings.batch_size
    return History(net=net, settings=settings, steps_per_epoch=1 if B is None else n_train // B,
                   **log.arrays(), **recorder.arrays(), diverged_step=diverged)
