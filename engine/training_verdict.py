"""What a training run did, in words, from its History: diverged, symmetric, stalled, learned or still learning.

    v = verdict(history)      # v.outcome, v.text ("learned: test accuracy 97% by step 140"), v.prediction

Checked in this order (the first that holds): the loss or a weight overflowed (diverged) or the loss ended well above
its start (worse); every hidden layer has 1 distinct unit (symmetric); the loss is within STALLS of its start
(stalled); the net learned (test accuracy LEARNS, or the training loss below TRAINS of its start); else it is still
learning. The loss is the full training set's, in inference mode, at the first and the last record.
"""
from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import numpy as np

LEARNS = 0.90      # test accuracy of a network that has clearly learnt (the 2-D sets, the digits)
TRAINS = 0.2       # or: its training loss fell below a fifth of its start (a noisy set caps the test accuracy)
STALLS = 0.05      # the loss moved less than 5% from its start: nothing learnt (a 20-layer Xavier ReLU net keeps 99%)
HOLDS = 0.05       # "by step N": from there on the test accuracy stays within 5 points of its final value


class Outcome(enum.Enum):
    DIVERGED = "diverged"
    WORSE = "worse"            # finite, but the loss ended above its start by more than STALLS
    SYMMETRIC = "symmetric"
    STALLED = "stalled"
    LEARNED = "learned"
    LEARNING = "learning"      # the loss fell, short of LEARNS and TRAINS


# the answer to "will this network learn, stall, or diverge?" that each outcome bears out
PREDICTION = {Outcome.DIVERGED: "diverge", Outcome.WORSE: "diverge", Outcome.STALLED: "stall",
              Outcome.LEARNED: "learn", Outcome.LEARNING: "learn"}


@dataclass(frozen=True)
class TrainingVerdict:
    outcome: Outcome
    text: str
    learned: bool              # test accuracy LEARNS or training loss below TRAINS of its start

    @property
    def prediction(self) -> str:
        """learn, stall or diverge (a symmetric net: learn only if one unit per layer was enough here)."""
        if self.outcome is Outcome.SYMMETRIC:
            return "learn" if self.learned else "stall"
        return PREDICTION[self.outcome]


def percent(x: float) -> str:
    """97%, or 0.05% below 1% (never "0%" for a loss that fell 2000-fold)."""
    return f"{100 * x:.2g}%" if 0 < x < 0.01 else f"{100 * x:.0f}%"


def _when(history, step: int) -> str:
    """'step 140', with the epoch when a step is not an epoch."""
    if history.steps_per_epoch == 1:
        return f"step {step}"
    return f"step {step} (epoch {step / history.steps_per_epoch:.3g})"


def symmetric(history) -> bool:
    """Every hidden layer (all but the output layer) of more than one unit has 1 distinct unit at the last record."""
    widths = history.net.widths[1:-1]
    last = history.distinct_units[-1, :-1]
    return len(widths) > 0 and max(widths) > 1 and bool(np.all(last == 1))


def learned_at(history) -> int:
    """The record step from which the test accuracy stays within HOLDS of its final value."""
    acc = history.test_acc
    off = np.flatnonzero(~(np.abs(acc - acc[-1]) <= HOLDS))
    return int(history.record_steps[off[-1] + 1 if len(off) else 0])


def verdict(history) -> TrainingVerdict:
    """The run's outcome and a sentence with its numbers (see the module's docstring for the order)."""
    steps = history.settings.steps
    start, end = float(history.train_loss[0]), float(history.train_loss[-1])
    ratio = end / start if start > 0 else math.nan
    acc = float(history.test_acc[-1])
    learned = (math.isfinite(acc) and acc >= LEARNS) or ratio < TRAINS
    if history.diverged_step is not None or not math.isfinite(ratio):
        step = history.diverged_step
        return TrainingVerdict(Outcome.DIVERGED, f"diverged at {_when(history, step)}: the loss or a weight "
                               "overflowed (inf or NaN) and training stopped", False)
    if ratio > 1 + STALLS:
        return TrainingVerdict(Outcome.WORSE, f"worse: the loss ended at {ratio:.3g}x its start after {steps} steps "
                               f"(test accuracy {percent(acc)}): the steps threw the weights off", False)
    if symmetric(history):
        width = max(history.net.widths[1:-1])
        return TrainingVerdict(Outcome.SYMMETRIC, f"symmetric: every hidden layer still has 1 distinct unit (of "
                               f"{width}) after {steps} steps, so the net computes like one unit per layer (test "
                               f"accuracy {percent(acc)})", learned)
    if abs(ratio - 1) < STALLS:
        within = max(1, math.ceil(100 * abs(ratio - 1)))
        return TrainingVerdict(Outcome.STALLED, f"stalled: the loss is within {within}% of its start after {steps} "
                               f"steps (test accuracy {percent(acc)})", False)
    if learned:
        return TrainingVerdict(Outcome.LEARNED, f"learned: test accuracy {percent(acc)} by "
                               f"{_when(history, learned_at(history))}; the training loss is {percent(ratio)} of its "
                               "start", True)
    return TrainingVerdict(Outcome.LEARNING, f"still learning: the loss is down to {percent(ratio)} of its start and "
                           f"the test accuracy at {percent(acc)} after {steps} steps", False)
