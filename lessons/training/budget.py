"""How much work one rerun of the training lesson may ask: both runs, with their decision-boundary frames, within
SECONDS of engine time by engine.training.estimate_seconds (a cost model fitted to measured runs on this server).

A setting over the budget gives way in this order, and the page says so: the boundary's grid gets coarser (it is
only a picture), then the run gets shorter (down to MIN_STEPS steps or 1 epoch), then the hidden layers narrower,
then fewer. Memory is capped too: a run keeps every weight at every record while it trains (float32).
"""
from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from engine.training import estimate_seconds, record_steps

SECONDS = 1.7              # the cost model errs high (measured / estimated: median 0.65, at most 1.01), so the
#                            heaviest allowed setting trains in 1.1-1.7 s and its page is drawn under 2 s cold
SNAPSHOT_BYTES = 150e6     # parameters kept over the ~60 records of one run: 150 MB, a 8 x 256 net
GRIDS = (48, 40, 32, 24, 20)   # points per side of the decision boundary's grid, finest first (48: ~210 KB of frames)
MIN_STEPS, MIN_EPOCHS = 100, 1
WIDTH_STEP = 8             # the width slider's step


class Counts(NamedTuple):
    """What estimate_seconds reads of a Dataset (its sizes): the grid's points count as test points."""
    y_train: range
    y_test: range


def run_seconds(run, ds, grid: int) -> float:
    """Estimated seconds of one run and of its boundary at every record (a grid x grid inference per record)."""
    config, settings = run.config(ds.n_features, ds.n_classes), run.train_settings(len(ds.y_train))
    sizes = Counts(range(len(ds.y_train)), range(len(ds.y_test) + grid * grid))
    return estimate_seconds(config, sizes, settings)


def seconds(s, ds) -> float:
    return sum(run_seconds(r, ds, s.grid) for r in s.runs)


def snapshot_bytes(run, ds) -> float:
    """float32 parameters of the run's net times its records (weights, biases, BN gamma and beta)."""
    widths = run.config(ds.n_features, ds.n_classes).widths
    params = sum(a * b + b for a, b in zip(widths, widths[1:])) + 2 * sum(widths[1:]) * run.net.batch_norm
    return 4.0 * params * len(record_steps(run.steps(len(ds.y_train))))


def _largest(lo: int, hi: int, fits) -> int:
    """The largest n in lo .. hi with fits(n) (fits is monotone: true up to some n); lo when none fits."""
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid - 1)
    return lo


def _batch(s, n_train: int) -> tuple:
    if all(r.batch(n_train) in (None, 1) or r.batch_size <= n_train for r in s.runs):
        return s, []
    return s.each(batch_size=n_train), [f"Mini-batches of {s.run.batch_size} are more than the {n_train} training "
                                         f"points: using B = {n_train} (one batch an epoch)."]


def _memory(s, ds) -> tuple:
    fits = lambda w: all(snapshot_bytes(r, ds) <= SNAPSHOT_BYTES for r in s.each_net(width=w).runs)  # noqa: E731
    width = s.run.net.width
    if fits(width):
        return s, []
    used = _largest(1, width // WIDTH_STEP, lambda k: fits(k * WIDTH_STEP)) * WIDTH_STEP
    return s.each_net(width=used), [f"A {s.run.net.depth}-layer, {width}-wide net keeps too many weights at its ~60 "
                                    f"records (over {SNAPSHOT_BYTES / 1e6:.0f} MB): training it {used} wide."]


def _grid(s, ds):
    if ds.n_features != 2:
        return replace(s, grid=0)
    return replace(s, grid=next((g for g in GRIDS if seconds(replace(s, grid=g), ds) <= SECONDS), GRIDS[-1]))


def _length(s, ds) -> tuple:
    asked, unit = s.run.length, s.run.unit
    floor = min(asked, MIN_STEPS if unit == "steps" else MIN_EPOCHS)
    used = _largest(floor, asked, lambda n: seconds(s.each(length=n), ds) <= SECONDS)
    if unit == "steps":
        used -= used % 10 if used > 10 else 0                        # the steps slider's grid
    if used == asked:
        return s, []
    runs = "both runs" if s.compare else "this run"
    return s.each(length=used), [f"Training {used} {unit} instead of {asked}, so {runs} finish in about "
                                 f"{SECONDS:g} s on this server (engine.training.estimate_seconds)."]


def _narrower(s, ds, field: str, step: int) -> tuple:
    """The net's `field` (width in steps of 8, or depth) cut to fit the budget, and a note (none if it fit)."""
    value = getattr(s.run.net, field)
    if seconds(s, ds) <= SECONDS:
        return s, []

    def fits(k: int) -> bool:
        return seconds(s.each_net(**{field: k * step}), ds) <= SECONDS
    used = _largest(1, value // step, fits) * step
    what = "units per hidden layer" if field == "width" else "hidden layers"
    return s.each_net(**{field: used}), [f"Still too much work for one rerun: {used} {what} instead of {value}."]


def fit(s, ds) -> tuple:
    """The settings this rerun can afford (with the boundary's grid set) and the notes that say what gave way."""
    notes = []
    for step in (lambda s: _batch(s, len(ds.y_train)), lambda s: _memory(s, ds), lambda s: (_grid(s, ds), []),
                 lambda s: _length(s, ds), lambda s: _narrower(s, ds, "width", WIDTH_STEP),
                 lambda s: _narrower(s, ds, "depth", 1)):
        s, more = step(s)
        notes += more
    return s, notes
