"""How much work one rerun of the training lesson may ask: both runs, with their decision-boundary frames, within
SECONDS of engine time: training by engine.training.estimate_seconds (a cost model fitted to measured runs on this
server), the frames (predict_grid: inference only, about a third of a record's cost per point) by grid_seconds.

A setting over the budget gives way in this order, and the page says so: the boundary's grid gets coarser (it is
only a picture), then the run gets shorter (down to MIN_STEPS steps or 1 epoch), then the hidden layers narrower,
then fewer. Memory is capped too: a run keeps every weight at every record while it trains (float32).
"""
from __future__ import annotations

from dataclasses import replace

from engine.training import estimate_seconds, record_steps

SECONDS = 1.6              # the cost model errs high (measured / estimated: median 0.65, at most 1.01), so the
#                            heaviest allowed setting trains in 1.0-1.6 s and its page (0.3 s more) under 2 s cold
# predict_grid per record: GRID_SAFETY (points (GRID_F F + GRID_U U) + GRID_RECORD), F = sum n_in n_out, U = sum n_out;
# fitted (non-negative least squares) to 14 timings (2-20 layers of 16-512, 20x20 and 48x48 grids) on this server
GRID_F, GRID_U, GRID_RECORD, GRID_SAFETY = 2.1e-11, 1.3e-9, 2.7e-4, 1.5
SNAPSHOT_BYTES = 150e6     # parameters kept over the ~60 records of one run: 150 MB, a 8 x 256 net
GRIDS = (48, 40, 32, 24, 20)   # points per side of the decision boundary's grid, finest first (48: ~210 KB of frames)
MIN_STEPS, MIN_EPOCHS = 100, 1
WIDTH_STEP = 8             # the width slider's step


def grid_seconds(widths: tuple, records: int, grid: int) -> float:
    """Estimated seconds of predict_grid: a grid x grid inference at every record."""
    F, U = sum(a * b for a, b in zip(widths, widths[1:])), sum(widths[1:])
    return GRID_SAFETY * records * (grid * grid * (GRID_F * F + GRID_U * U) + GRID_RECORD) if grid else 0.0


def run_seconds(run, ds, grid: int) -> float:
    """Estimated seconds of one run and of its boundary at every record."""
    config, settings = run.config(ds.n_features, ds.n_classes), run.train_settings(len(ds.y_train))
    return estimate_seconds(config, ds, settings) + grid_seconds(config.widths, len(record_steps(settings.steps)), grid)


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


def _grid(s, ds) -> tuple:
    if ds.n_features != 2:
        return replace(s, grid=0), []
    grid = next((g for g in GRIDS if seconds(replace(s, grid=g), ds) <= SECONDS), GRIDS[-1])
    coarser = [f"The decision boundary is drawn on a {grid} × {grid} grid instead of {GRIDS[0]} × {GRIDS[0]}, so "
               "its frames fit the work budget."] if grid < GRIDS[0] else []
    return replace(s, grid=grid), coarser


def _length(s, ds) -> tuple:
    asked, unit = s.run.length, s.run.unit
    floor = min(asked, MIN_STEPS if unit == "steps" else MIN_EPOCHS)
    used = _largest(floor, asked, lambda n: seconds(s.each(length=n), ds) <= SECONDS)
    if unit == "steps":
        used -= used % 10 if used > 10 else 0                        # the steps slider's grid
    if used == asked:
        return s, []
    runs = "both runs finish" if s.compare else "the run finishes"
    return s.each(length=used), [f"Training {used} {unit} instead of {asked}, so {runs} in about "
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
    for step in (lambda s: _batch(s, len(ds.y_train)), lambda s: _memory(s, ds), lambda s: _grid(s, ds),
                 lambda s: _length(s, ds), lambda s: _narrower(s, ds, "width", WIDTH_STEP),
                 lambda s: _narrower(s, ds, "depth", 1)):
        s, more = step(s)
        notes += more
    return s, notes
