"""Learning-rate schedules: the rate of step t = 0 .. steps-1 from the base rate lr.

    lr_t = lr_at("cosine", 0.1, t, steps)

Each equals a torch.optim.lr_scheduler stepped once per training step (named beside it).
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType


def _constant(lr: float, t: int, steps: int) -> float:
    """lr_t = lr"""
    return lr


def _step(lr: float, t: int, steps: int) -> float:
    """lr_t = lr * 0.1^floor(t / s), s = max(1, floor(steps / 3))  (StepLR(step_size=s, gamma=0.1))"""
    return lr * 0.1 ** (t // max(1, steps // 3))


def _cosine(lr: float, t: int, steps: int) -> float:
    """lr_t = lr (1 + cos(pi t / steps)) / 2  (CosineAnnealingLR(T_max=steps, eta_min=0))"""
    return lr * (1 + math.cos(math.pi * t / steps)) / 2


def _warmup_cosine(lr: float, t: int, steps: int) -> float:
    """w = max(1, floor(steps / 10)); lr_t = lr (t + 1) / w for t < w, else lr (1 + cos(pi (t - w) / (steps - w))) / 2

    A linear warm-up to lr over the first w steps, then the cosine decay over the remaining steps - w
    (LambdaLR with this factor). t >= w only happens when steps > w, so steps - w >= 1.
    """
    w = max(1, steps // 10)
    if t < w:
        return lr * (t + 1) / w
    return lr * (1 + math.cos(math.pi * (t - w) / (steps - w))) / 2


@dataclass(frozen=True)
class Schedule:
    """A registry entry: rate(lr, t, steps) and the formula as LaTeX for the page."""
    name: str
    rate: Callable
    latex: str


_ALL = (
    Schedule("constant", _constant, r"\eta_t = \eta"),
    Schedule("step", _step, r"\eta_t = \eta \cdot 0.1^{\lfloor t / s \rfloor},\quad s = \max(1, \lfloor T/3 \rfloor)"),
    Schedule("cosine", _cosine, r"\eta_t = \eta\,\frac{1 + \cos(\pi t / T)}{2}"),
    Schedule("warmup_cosine", _warmup_cosine,
             r"w = \max(1, \lfloor T/10 \rfloor),\quad \eta_t = \eta\,\frac{t+1}{w}\ (t < w),\quad"
             r"\eta\,\frac{1 + \cos(\pi (t-w)/(T-w))}{2}\ (t \ge w)"),
)
REGISTRY: Mapping[str, Schedule] = MappingProxyType({s.name: s for s in _ALL})
SCHEDULES: tuple[str, ...] = tuple(REGISTRY)


def get(name: str) -> Schedule:
    """The schedule `name`; ValueError names the valid ones."""
    if not isinstance(name, str) or name not in REGISTRY:
        raise ValueError(f"unknown schedule {name!r}; valid: {', '.join(SCHEDULES)}")
    return REGISTRY[name]


def _int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an int, got {value!r}")
    return int(value)


def lr_at(name: str, lr: float, t: int, steps: int) -> float:
    """The learning rate of step t (0 .. steps-1) of a run of `steps` steps with base rate lr."""
    schedule = get(name)
    t, steps = _int("t", t), _int("steps", steps)
    if steps < 1 or not 0 <= t < steps:
        raise ValueError(f"need steps >= 1 and 0 <= t < steps, got t={t}, steps={steps}")
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not (math.isfinite(lr) and lr >= 0):
        raise ValueError(f"lr must be a finite number >= 0, got {lr!r}")
    return float(schedule.rate(float(lr), t, steps))
