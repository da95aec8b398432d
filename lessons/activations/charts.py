"""The activations lesson's charts, cached as the JSON the browser gets and keyed by the frozen Settings.

A rerun with settings someone already tried sends the stored charts: no figure is rebuilt or re-encoded.
"""
from __future__ import annotations

from engine import activations
from lessons.activations import compute, figures
from lessons.activations.settings import Settings
from lessons.network import theory as mean_field
from ui.cache import cached_charts


@cached_charts
def histograms(s: Settings):
    """figures.histograms of this setting's probe: (every layer's heatmap, first/middle/last layer)."""
    return figures.histograms(compute.run(s), s.view)


@cached_charts
def spread(s: Settings):
    """figures.spread of this setting's probe: (std per layer with the mean field's, saturated and dead shares)."""
    lines = mean_field.lines(s.probe.net)
    return figures.spread(compute.run(s), s.view, lines.std() if lines else None)


@cached_charts
def activation_curve(s: Settings):
    """phi and phi' over z, with where the layers' z fall."""
    return figures.activation_curve(compute.run(s), activations.get(s.probe.net.activation))


def batch_norm_histograms(s: Settings):
    """Layer 1's h before batch norm and x_hat after it (cached by what layer 1 depends on)."""
    return _batch_norm_histograms(compute.layer_one(s))


@cached_charts
def _batch_norm_histograms(s: Settings):
    return figures.batch_norm_histograms(compute.batch_norm_steps(s))
