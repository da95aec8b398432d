"""What the training lesson says: each run's name and verdict, notes that explain a surprising result with this
run's numbers, the summary table and the per-step numbers as CSV."""
from __future__ import annotations

import numpy as np
import pandas as pd

from engine.training_verdict import Outcome
from lessons.training.layers import RATIO_GUIDE

INTRO = ("A network trains on a small data set and the lab records every step. **Watch whether it learns, stalls "
         "or diverges**, and which layer is to blame. *Compare with a second run* (in the sidebar) trains a copy "
         "with one thing changed — batch norm, the initializer, the optimizer, the learning rate, clipping, the "
         "batches — on the same data from the same seed.")
PREDICT = "Will this network learn, stall, or diverge?"
PREDICT_OPTIONS = ("learn", "stall", "diverge")
BATCHES = {"full": "full batch", "stochastic": "one point a step"}


def _batching(run) -> str:
    return BATCHES.get(run.batching, f"mini-batches of {run.batch_size}")


def differences(a, b) -> list[tuple[str, str]]:
    """(how the first run reads, how the second reads) for each setting the comparison changes."""
    pairs = [(a.net.label.replace(" + BN", ""), b.net.label.replace(" + BN", "")),
             ("no BN" if not a.net.batch_norm else "BN", "no BN" if not b.net.batch_norm else "BN"),
             (a.optimizer, b.optimizer), (f"lr {a.lr:g}", f"lr {b.lr:g}"), (_batching(a), _batching(b)),
             ("no clipping" if a.clip is None else f"clip at {a.clip:g}",
              "no clipping" if b.clip is None else f"clip at {b.clip:g}")]
    return [(x, y) for x, y in pairs if x != y]


def labels(s) -> tuple[str, ...]:
    """The runs' names on the page: 'A (xavier_normal)' and 'B (he_normal)', or 'this run' alone."""
    if s.compare is None:
        return ("this run",)
    diff = differences(s.run, s.compare) or [("", "")]
    return (f"A ({', '.join(x for x, _ in diff)})", f"B ({', '.join(y for _, y in diff)})")


BOX = {Outcome.LEARNED: "success", Outcome.DIVERGED: "error", Outcome.WORSE: "error"}
ICONS = {Outcome.LEARNED: ":material/check_circle:", Outcome.DIVERGED: ":material/error:",
         Outcome.WORSE: ":material/error:", Outcome.STALLED: ":material/pause_circle:",
         Outcome.SYMMETRIC: ":material/content_copy:", Outcome.LEARNING: ":material/trending_down:"}


def verdict_box(v, label: str) -> tuple[str, str, str]:
    """(st box name, markdown, icon) of a run's verdict."""
    return BOX.get(v.outcome, "warning"), f"**Verdict, {label}:** {v.text}.", ICONS[v.outcome]


def chance(y_test) -> float:
    return float(np.bincount(y_test).max() / len(y_test))


def notes(v, history, ds, label: str) -> list[str]:
    """Why a run came out as it did, with its numbers (nothing for a plain success)."""
    out = []
    acc, base = float(history.test_acc[-1]), chance(ds.y_test)
    if v.outcome is Outcome.SYMMETRIC:
        out.append(f"**{label}: why one unit.** Every hidden unit started with the same weights, so each computes the "
                   "same output and gets the same gradient: no update can tell them apart (see *distinct units* "
                   "below). A layer of copies is one unit, and a net of one unit per layer bends its boundary only "
                   "along one direction.")
    if v.outcome is Outcome.STALLED and acc > base + 0.05:
        out.append(f"**{label}: the loss stalled, yet the test accuracy is {100 * acc:.0f}%** (always guessing one "
                   f"class gets {100 * base:.0f}%). Its outputs all sit near the same probabilities and their tiny "
                   "differences decide the class: the accuracy wanders while nothing is learned.")
    if v.outcome in (Outcome.DIVERGED, Outcome.WORSE):
        out.append(f"**{label}: too large a step.** One update moved the weights so far that the loss overflowed or "
                   "the units died. Try a smaller learning rate, gradient clipping, or batch norm.")
    gap = _gap(history)
    if gap is not None:
        out.append(f"**{label}: the training loss ({gap[0]:.2g}) is {gap[1] / gap[0]:.0f}× below the test loss "
                   f"({gap[1]:.2g}).** The net fits its training points ever more confidently, while a few test points "
                   "it gets wrong, or right with less confidence, keep the test loss up: the gap between the two is "
                   "what it has learned of these points that does not carry over to new ones (overfitting). The test "
                   f"accuracy ({100 * acc:.0f}%) is what tells how well it does on new points.")
    return out


GAP = 10.0          # the test loss this many times the training loss at the end: the gap is worth a word


def _gap(history) -> tuple[float, float] | None:
    """(final training loss, final test loss) when the test loss is GAP times the training loss or more."""
    train, test = float(history.train_loss[-1]), float(history.test_loss[-1])
    if not (np.isfinite(train) and np.isfinite(test)) or train <= 0 or test < GAP * train:
        return None
    return train, test


def ratio_note(history, label: str) -> str | None:
    """The median update:weight ratio of the first and last layers against the usual 1e-3."""
    ends = history.update_ratio[:, [0, -1]]
    if not np.isfinite(ends).any(axis=0).all():                 # a layer never updated (or diverged at once)
        return None
    ratio = [float(np.median(column[np.isfinite(column)])) for column in ends.T]
    return (f"{label}: the median step changes layer 1's weights by {ratio[0]:.1e} of their size and the output "
            f"layer's by {ratio[-1]:.1e} (the usual guide: about {RATIO_GUIDE:g}; far below, a layer barely learns, "
            "far above, its steps are too large).")


def summary(histories, verdicts, labels) -> pd.DataFrame:
    """One row per run: the numbers the verdict is made of."""
    rows = []
    for h, v, label in zip(histories, verdicts, labels):
        rows.append({"run": label, "steps": len(h.batch_loss), "epochs": len(h.batch_loss) / h.steps_per_epoch,
                     "training loss at start": h.train_loss[0], "training loss at end": h.train_loss[-1],
                     "test loss at end": h.test_loss[-1], "training accuracy": h.train_acc[-1],
                     "test accuracy": h.test_acc[-1], "diverged at step": h.diverged_step,
                     "fewest distinct units in a hidden layer": int(h.distinct_units[-1, :-1].min())
                     if h.distinct_units.shape[1] > 1 else None, "verdict": v.outcome.value})
    table = pd.DataFrame(rows)
    table["diverged at step"] = table["diverged at step"].astype("Int64")        # empty where it did not
    return table


def steps_csv(histories, labels) -> str:
    """Every step of every run: batch loss, learning rate, per-layer ||dL/dW|| and update ratio, and the recorded
    losses and accuracies at their record steps (empty elsewhere)."""
    longest = max(len(h.batch_loss) for h in histories) + 1

    def column(values, at=None):
        out = np.full(longest, np.nan)
        out[np.arange(len(values)) if at is None else at] = values
        return out
    columns = {"step": np.arange(longest)}
    for h, label in zip(histories, labels):
        columns[f"{label}: batch loss"], columns[f"{label}: learning rate"] = column(h.batch_loss), column(h.lr)
        for l in range(h.grad_norm.shape[1]):
            columns[f"{label}: layer {l + 1} grad norm"] = column(h.grad_norm[:, l])
            columns[f"{label}: layer {l + 1} update ratio"] = column(h.update_ratio[:, l])
        for name in ("train_loss", "test_loss", "train_acc", "test_acc"):
            columns[f"{label}: {name.replace('_', ' ')}"] = column(getattr(h, name), h.record_steps)
    return pd.DataFrame(columns).to_csv(index=False)
