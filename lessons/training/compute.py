"""The training lesson's engine calls: the data set, and each run trained once, with its decision boundary's frames
and its final predictions computed while its weights are still at hand.

Runs on generated data are cached for every session (ui.cache), keyed by (data, run, grid). A cold run trains
outside the cache so the page can show its progress, and is stored after (`_stored` raises on a miss; exceptions
are never cached). Runs on an uploaded file are kept in the student's own session only, never in a shared cache.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import streamlit as st

from engine import data, training
from engine.training import History
from lessons.training import upload
from lessons.training.settings import DataSettings, RunSettings, Settings
from ui.cache import cached

RUN_CACHE = "64MB"         # a stored run pickles to ~0.5 MB (measured: the default 0.47 MB, 1310 steps of 20 layers
#                            0.58 MB; per-step arrays, 60 records, 48x48 frames): MAX_ENTRIES (64) binds first
SESSION_RUNS = 4           # runs on an uploaded file kept in the session (the last few settings tried)
SESSION_KEY = "_training_upload_runs"


@dataclass(frozen=True)
class Grid:
    """The trained network's class probabilities over the 2-D data's box at every record."""
    xs: np.ndarray            # (G,)
    ys: np.ndarray            # (G,)
    winner: np.ndarray        # (records, G, G) uint8: the class it picks at (xs[c], ys[r])
    confidence: np.ndarray    # (records, G, G) float16: that class's probability


@dataclass(frozen=True)
class Trained:
    history: History          # without its weight snapshots (params and running are empty): everything else
    grid: Grid | None         # None unless the data is 2-D
    predicted: np.ndarray     # (n_test,) the class the trained network picks for each test point


@cached
def generated(d: DataSettings) -> data.Dataset:
    return data.make(d.name, n=d.n, noise=d.noise, seed=d.seed)


@cached
def digit_pixels(d: DataSettings) -> np.ndarray:
    """The digits' test images as drawn, pixels in [0, 1] (before standardizing), in X_test's order: make()'s draw
    and split again (tests/app/test_training.py checks they standardize to X_test)."""
    gen = np.random.default_rng(np.random.SeedSequence(d.seed).spawn(1)[0])
    X, y = data.DATASETS["digits"].make(d.n, d.noise, gen, d.seed)
    _, test = data.stratified_split(np.asarray(y), 0.25, np.random.default_rng(d.seed))
    return np.clip(X[test], 0.0, 1.0).astype(np.float32)


def dataset(d: DataSettings) -> data.Dataset:
    """The generated set, or the uploaded one (from the session)."""
    return upload.dataset(d.upload, d.seed) if d.uploaded else generated(d)


def _grid(history: History, ds, resolution: int) -> Grid:
    xs, ys, probs = training.predict_grid(history, ds, resolution=resolution)
    winner = probs.argmax(axis=-1)
    return Grid(xs, ys, winner.astype(np.uint8), np.take_along_axis(probs, winner[..., None], -1)[..., 0]
                .astype(np.float16))


def slim(history: History) -> History:
    """The History without its float32 weight snapshots (records x parameters: up to 150 MB)."""
    return replace(history, params=np.empty((0, 0), np.float32), running=np.empty((0, 0), np.float32))


def train(ds, run: RunSettings, grid: int, on_progress=None) -> Trained:
    """Train the run on ds; the boundary's frames (2-D data) and the test predictions, then drop the snapshots."""
    history = training.train(run.config(ds.n_features, ds.n_classes), ds, run.train_settings(len(ds.y_train)),
                             on_progress=on_progress)
    frames = _grid(history, ds, grid) if grid else None
    predicted = training.predict(history, -1, ds.X_test).argmax(axis=1)
    return Trained(slim(history), frames, predicted)


class _NotStored(Exception):
    """A cache miss of _stored: nothing is cached, the caller trains and stores."""


@cached(max_size=RUN_CACHE)
def _stored(d: DataSettings, run: RunSettings, grid: int, _trained: Trained | None = None) -> Trained:
    if _trained is None:
        raise _NotStored
    return _trained


def _in_session(d: DataSettings, run: RunSettings, grid: int, make) -> Trained:
    runs = st.session_state.setdefault(SESSION_KEY, {})
    key = (d, run, grid)
    if key not in runs:
        runs[key] = make()
        while len(runs) > SESSION_RUNS:
            runs.pop(next(iter(runs)))
    return runs[key]


def trained(d: DataSettings, run: RunSettings, grid: int, on_progress=None) -> Trained:
    """One run, trained once: from the shared cache, the session (uploads), or now (on_progress(fraction))."""
    make = lambda: train(dataset(d), run, grid, on_progress)  # noqa: E731
    if d.uploaded:
        return _in_session(d, run, grid, make)
    try:
        return _stored(d, run, grid)
    except _NotStored:
        return _stored(d, run, grid, make())


def runs(s: Settings, on_progress=None) -> tuple[Trained, ...]:
    """Every run of the settings; on_progress(fraction, which) while a run trains (never when it was stored)."""
    report = (lambda i: None) if on_progress is None else (lambda i: lambda f: on_progress(f, i))
    return tuple(trained(s.data, run, s.grid, report(i)) for i, run in enumerate(s.runs))
