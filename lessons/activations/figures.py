"""The activations lesson's charts from a ProbeResult: histograms of every layer, the spread, saturated/dead units."""
from __future__ import annotations

from lessons.network import figures as layers

LABELS = {"a": "activation a = φ(z)", "z": "pre-activation z"}


def broken_layer(stats) -> int | None:
    """The first layer whose values overflowed: it and the layers after it are not drawn as data."""
    return next((r["layer"] for r in stats if r["nonfinite"]), None)


def histograms(result, view: str):
    """(every layer's histogram as a heatmap, the first/middle/last layers as lines)."""
    hist = result.hist_a if view == "a" else result.hist_z
    label, stats = LABELS[view], result.stats
    broken = broken_layer(stats)
    L = len(stats)
    picks = sorted({1, max(1, (L + 1) // 2), L} - (set(range(broken, L + 1)) if broken else set()))
    return (layers.histogram_heatmap(hist, f"Histogram of {label}, every layer", f"{label} value", broken),
            layers.histogram_lines(hist, picks, "First, middle and last layer", f"{label} value"))


def spread(result, view: str):
    """(std per layer, saturated and dead shares per layer)."""
    return layers.std_by_layer(result.stats, view), layers.fractions_by_layer(result.stats)
