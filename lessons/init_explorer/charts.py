"""The init explorer's charts, cached as the JSON the browser gets and keyed by the frozen Settings.

A rerun with settings someone already tried sends the stored charts: no figure is rebuilt or re-encoded.
"""
from __future__ import annotations

from lessons.init_explorer import compute, figures, text
from lessons.init_explorer.settings import Settings
from ui.cache import cached_charts


@cached_charts
def histogram(s: Settings):
    """The sampled weights against the density the formula promises."""
    r = compute.run(s)
    return figures.histogram(r.summary, r.description, f"{s.init}: {r.summary['n']:,} sampled weights")


@cached_charts
def sweep(s: Settings):
    """std of w against fan_in for every variance-scaling preset, with this setting marked."""
    r = compute.run(s)
    return figures.sweep_figure(r.sweep, s.init, s.fan_in, s.fan_out, r.description.std)


def ties(s: Settings):
    """(the tied start, the random start) of the symmetry demo: each unit's weights against the SGD step. Drawn
    once per initializer, parameters and seed (compute.demo_key): a new fan_in or activation reuses them."""
    return _ties(*compute.demo_key(s))


@cached_charts
def _ties(init: str, params: tuple, seed: int, spike: bool):
    return tuple(figures.tie_figure(run.hidden_weights, int(run.distinct[-1]),
                                    text.tie_label(name, run_params, seed=seed if k else None))
                 for k, (run, (name, run_params)) in enumerate(compute.symmetry_demo(init, params, seed, spike)))
