"""The training lesson's charts as the JSON the browser gets. On generated data they are cached by the Settings
(every session shares them); on an uploaded file they are drawn on each rerun and kept nowhere (they hold its
points)."""
from __future__ import annotations

import functools

from lessons.training import boundary, compute, digits, figures, layers, text
from lessons.training.settings import Settings
from ui.cache import cached_charts
from ui.chartspec import to_chart


def _charts(build):
    """build(s) -> figure(s), cached for generated data and drawn afresh for an upload."""
    shared = cached_charts(build)

    @functools.wraps(build)
    def charts(s: Settings, *args):
        if not s.data.uploaded:
            return shared(s, *args)
        out = build(s, *args)
        return tuple(to_chart(f) for f in out) if isinstance(out, tuple) else to_chart(out)
    return charts


def _runs(s: Settings):
    trained = compute.runs(s)
    return trained, [t.history for t in trained], text.labels(s), s.run.unit == "epochs"


@_charts
def curves(s: Settings):
    """(loss, accuracy) of every run."""
    _, histories, labels, epochs = _runs(s)
    return figures.loss(histories, labels, epochs), figures.accuracy(histories, labels, epochs)


@_charts
def distinct_units(s: Settings):
    _, histories, labels, epochs = _runs(s)
    return figures.distinct_units(histories, labels, epochs)


@_charts
def layer_maps(s: Settings, key: str):
    """One heatmap per run of layers.QUANTITIES[key]."""
    _, histories, labels, epochs = _runs(s)
    return layers.heatmaps(histories, labels, key, epochs)


@_charts
def boundaries(s: Settings):
    """The animated decision boundary of every run (2-D data)."""
    trained, _, labels, _ = _runs(s)
    ds = compute.dataset(s.data)
    return tuple(boundary.animated(t, ds, label) for t, label in zip(trained, labels))


@_charts
def confusions(s: Settings):
    """The confusion matrix of every run (data that is not 2-D)."""
    trained, _, labels, _ = _runs(s)
    ds = compute.dataset(s.data)
    return tuple(digits.confusion_figure(t, ds, label) for t, label in zip(trained, labels))


@_charts
def mistakes(s: Settings):
    """Misclassified test images of every run that has any (the digits only)."""
    if s.data.name != "digits":
        return ()
    trained, _, labels, _ = _runs(s)
    ds, pixels = compute.dataset(s.data), compute.digit_pixels(s.data)
    return tuple(f for f in (digits.mistakes_figure(t, ds, label, pixels) for t, label in zip(trained, labels)) if f)
