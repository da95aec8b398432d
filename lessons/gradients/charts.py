"""The gradients lesson's charts, cached as the JSON the browser gets and keyed by the frozen Settings.

A rerun with settings someone already tried sends the stored charts: no figure is rebuilt or re-encoded.
"""
from __future__ import annotations

from lessons.gradients import compute, figures
from lessons.gradients.settings import Settings
from lessons.network import probe
from lessons.network import theory as mean_field
from ui.cache import cached_charts


@cached_charts
def norms(s: Settings):
    """(||dL/dW|| per layer, ||dL/da|| per layer), one line for the current run and one per overlay; on the second
    the mean field's ||dL/da|| for the current run, anchored at its last layer."""
    lines, stats = mean_field.lines(s.probe.net), compute.run(s).stats
    return figures.norms(compute.overlays(s), lines.grad_norms(stats[-1]["grad_a_norm"]) if lines else None)


@cached_charts
def histogram(p: probe.ProbeSettings):
    """Every layer's histogram of log10 |dL/da|."""
    return figures.histogram(probe.run(p))


@cached_charts
def factors(p: probe.ProbeSettings):
    """The gradient multiplier per layer, measured against predicted."""
    return figures.factors(probe.run(p), p.net.batch_norm)


@cached_charts
def clipping(s: Settings):
    """Per-layer ||dL/dW|| before and after clipping to s.max_norm, globally and layer by layer."""
    return figures.clipping(compute.clipped(compute.run(s).stats, s.max_norm))
