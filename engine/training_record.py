"""What a training run records: the History dataclass, the recorder behind it, and predictions from it.

At each record step the network is measured on the full splits in inference mode (BN running statistics)
and its parameters are kept in float32, so `predict` can redraw the network as it was at any record.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from engine import losses, stats
from engine.mlp import MLP, MLPConfig
from engine.training_state import FlatParams

if TYPE_CHECKING:
    from engine.training import TrainSettings

RECORDS = 60                  # about this many record steps: a smooth curve, an affordable snapshot stack
CHUNK = 1024                  # rows per inference pass: its activations stay in cache (3x faster on a grid)


def record_steps(steps: int, count: int = RECORDS) -> np.ndarray:
    """About `count` evenly spaced update counts in 0 .. steps, the first (0: at init) and last (steps) included."""
    return np.unique(np.linspace(0, steps, min(count, steps + 1)).round().astype(np.int64))


def distinct_units(M: np.ndarray) -> int:
    """engine.stats.distinct_units(M), answered at once when the sorted column sums are all more than
    fan_in * TIE_TOL apart (then no two columns are compared there, and every column is distinct)."""
    gaps = np.diff(np.sort(M.sum(axis=0, dtype=np.float64)))
    if (gaps > M.shape[0] * stats.TIE_TOL).all():
        return M.shape[1]
    return stats.distinct_units(M)


@dataclass(frozen=True, eq=False)
class History:
    """A training run, as arrays (read-only). L = number of layers, k = number of records.

    Per step t = 0 .. steps-1 (NaN from diverged_step on, and wherever a value is not finite):
      batch_loss (steps,)     loss of step t's batch, before its update
      lr (steps,)             the learning rate of step t (the schedule)
      grad_norm (steps, L)    ||dL/dW_l||_F before clipping
      update_ratio (steps, L) ||W_l' - W_l||_F / ||W_l||_F, W_l before the update (NaN where ||W_l|| = 0)
    Per record i (record_steps[i] = updates done: 0 is the initial network, steps the trained one), on the
    full splits in inference mode; after a divergence the records end at diverged_step (truncated, never
    padded), the last one the network at that step, non-finite values NaN:
      train_loss test_loss train_acc test_acc (k,)
      act_std saturated dead distinct_units (k, L)   on the training set: std of a_l, share of saturated
          entries (tanh/sigmoid, else NaN), share of dead units (ReLU-like, else NaN), and distinct units
          (columns of [W_l; b_l] that differ, engine.stats.distinct_units)
    params (k, P), running (k, R): float32 theta (engine.training_state layout) and BN running statistics.
    """
    net: MLPConfig
    settings: TrainSettings
    steps_per_epoch: int          # n_train // batch_size (1 for full batch): steps / this = epochs
    batch_loss: np.ndarray
    lr: np.ndarray
    grad_norm: np.ndarray
    update_ratio: np.ndarray
    record_steps: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    train_acc: np.ndarray
    test_acc: np.ndarray
    act_std: np.ndarray
    saturated: np.ndarray
    dead: np.ndarray
    distinct_units: np.ndarray
    params: np.ndarray
    running: np.ndarray
    diverged_step: int | None = None

    def __post_init__(self):
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                value.setflags(write=False)

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays (mostly params: records x parameters x 4 bytes)."""
        return sum(getattr(self, f.name).nbytes for f in dataclasses.fields(self)
                   if isinstance(getattr(self, f.name), np.ndarray))

    @property
    def epochs(self) -> np.ndarray:
        """Epochs done at each record (record_steps / steps_per_epoch): the x axis that compares batch sizes."""
        return self.record_steps / self.steps_per_epoch


def finite_or_nan(a) -> np.ndarray:
    """a as float64 with every inf or NaN set to NaN (a gap on a chart, never a spike)."""
    a = np.array(a, dtype=np.float64)
    a[~np.isfinite(a)] = np.nan
    return a


class Recorder:
    """Measures the network at record steps and keeps its parameters; `arrays()` gives History's record fields."""

    def __init__(self, flat: FlatParams, X_train, y_train, X_test, y_test, loss_fn):
        self.flat, self.loss_fn = flat, loss_fn
        self.X = np.concatenate([X_train, X_test]).astype(flat.theta.dtype)   # one inference pass for both
        self.y_train, self.y_test = y_train, y_test
        self.rows: list[tuple] = []
        self.steps: list[int] = []
        self.params: list[np.ndarray] = []
        self.running: list[np.ndarray] = []

    def _split_metrics(self, logits, y):
        """(loss, accuracy) of one split; the accuracy is NaN when a logit is not finite (no class is chosen)."""
        loss, _ = self.loss_fn(logits, y)
        accuracy = float(np.mean(logits.argmax(axis=1) == y)) if np.isfinite(logits).all() else np.nan
        return loss, accuracy

    def record(self, step: int) -> None:
        """Measure the network after `step` updates on both splits (inference mode) and keep its parameters."""
        model, n = self.flat.model, len(self.y_train)
        logits = model.forward(self.X, training=False)
        train = self._split_metrics(logits[:n], self.y_train)
        test = self._split_metrics(logits[n:], self.y_test)
        layers = []
        for W, b, phi, t in zip(model.weights, model.biases, model.phis, model.trace):
            layers.append((stats.moments(t.a[:n])[1], stats.saturated_fraction(t.f[:n], phi),
                           stats.dead_fraction(t.f[:n], phi)[1], distinct_units(np.vstack([W, b]))))
        self.rows.append((train[0], test[0], train[1], test[1], *zip(*layers)))
        self.steps.append(step)
        self.params.append(self.flat.theta.astype(np.float32))
        self.running.append(self.flat.running().astype(np.float32))

    def arrays(self) -> dict:
        names = ("train_loss", "test_loss", "train_acc", "test_acc", "act_std", "saturated", "dead", "distinct_units")
        columns = {name: finite_or_nan(col) for name, col in zip(names, zip(*self.rows))}
        columns["distinct_units"] = columns["distinct_units"].astype(np.int64)
        return {"record_steps": np.array(self.steps, np.int64), **columns,
                "params": np.stack(self.params), "running": np.stack(self.running)}


def _inference_net(history: History) -> FlatParams:
    return FlatParams(MLP(dataclasses.replace(history.net, dtype="float32")))


def _probabilities(flat: FlatParams, history: History, i: int, X: np.ndarray) -> np.ndarray:
    flat.load(history.params[i], history.running[i])
    with np.errstate(all="ignore"):
        logits = [flat.model.forward(X[j:j + CHUNK], training=False) for j in range(0, max(len(X), 1), CHUNK)]
        return losses.softmax(np.concatenate(logits))


def predict(history: History, k: int, X) -> np.ndarray:
    """Class probabilities softmax(logits) (n, classes) of the network as recorded at record k (float32 weights).

    The softmax of the outputs whatever the loss (an MSE-trained net's outputs regress onto one-hot codes).
    """
    k = range(len(history.record_steps))[k]      # negative k counts from the end; IndexError when out of range
    return _probabilities(_inference_net(history), history, k, np.asarray(X, np.float32))


def predict_all(history: History, X) -> np.ndarray:
    """predict at every record: (k, n, classes) float32, one network reloaded k times."""
    flat, X = _inference_net(history), np.asarray(X, np.float32)
    return np.stack([_probabilities(flat, history, i, X) for i in range(len(history.record_steps))])


def predict_grid(history: History, dataset, resolution: int = 80, margin: float = 0.5):
    """(xs, ys, probs): a resolution x resolution grid over the 2-D data's range plus `margin` (in standardized
    units) and the class probabilities there at every record, probs (k, resolution, resolution, classes)
    with probs[i, r, c] at the point (xs[c], ys[r])."""
    if dataset.n_features != 2:
        raise ValueError(f"a grid needs 2-D data, this data set has {dataset.n_features} features")
    X = np.concatenate([dataset.X_train, dataset.X_test])
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    xs, ys = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    points = np.column_stack([np.tile(xs, resolution), np.repeat(ys, resolution)])
    probs = predict_all(history, points)
    return xs, ys, probs.reshape(len(probs), resolution, resolution, -1)
