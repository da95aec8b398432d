"""The race's charts, cached as the JSON the browser gets: the race's two by its Settings, the EMA's by beta.

A rerun with a race someone already ran sends the stored charts (the ~0.7 MB animation with its loss map
included): no figure is rebuilt or re-encoded.
"""
from __future__ import annotations

from engine import surfaces
from lessons.race import compute, contour, figures
from lessons.race.settings import Settings
from ui.cache import cached, cached_charts


@cached
def loss_picture(surface: str, params: tuple) -> contour.Picture:
    """The surface's loss map (image, colour range, hover grid): one per surface, whatever the race on it."""
    return contour.picture(surfaces.make(surface, **dict(params)))


@cached_charts
def race(s: Settings):
    """(the paths over the loss map, animated; the loss per step)."""
    surface, runs = s.make_surface(), compute.run(s)
    picture = loss_picture(s.surface, s.surface_params)
    return figures.paths_figure(surface, runs, picture=picture), figures.loss_figure(surface, runs, s.tol)


@cached_charts
def ema(beta: float):
    """A noisy series with its EMA, raw and bias-corrected, for this beta."""
    return figures.ema_figure(*compute.ema_panel(beta), beta)
