"""The theory lesson's charts, cached as the JSON the browser gets and keyed by what each one depends on.

The phase diagram is clickable: the page shows it with on_select (ui.show passes selections through).
"""
from __future__ import annotations

from dataclasses import replace

from lessons.theory import compute, figures
from lessons.theory.settings import C0, WEIGHTS, Settings
from ui.cache import cached_charts


@cached_charts
def _phase_diagram(activation: str, sigma_w2: float, sigma_b2: float, depth: int):
    pd = compute.diagram(activation)
    return figures.phase_diagram(pd, compute.mean_field(activation, sigma_w2, sigma_b2), depth,
                                 compute.depth_limit(pd.chi1, pd.xi_c))


def phase_diagram(s: Settings):
    """The clickable diagram for this activation, point and depth."""
    return _phase_diagram(s.activation, s.sigma_w2, s.sigma_b2, s.depth)


@cached_charts
def correlation(s: Settings):
    return figures.correlation(compute.correlation(compute.net(s), s.c0), compute.point(s).c_star)


def _shared(s: Settings) -> Settings:
    """The settings without the chosen weights and c0: what the spectra and the stream do not depend on."""
    return replace(s, weights=WEIGHTS.default, c0=C0.default)


@cached_charts
def _spectra(s: Settings):
    spectra = compute.spectra(s)
    reach = figures.spectrum_reach(spectra)
    return tuple(figures.spectrum(sp, reach) for sp in spectra)


def spectra(s: Settings):
    """(orthogonal, Gaussian) spectra side by side, on one log10 lambda range."""
    return _spectra(_shared(s))


@cached_charts
def _stream(s: Settings):
    return figures.stream(compute.streams(s))


def stream(s: Settings):
    """Var(a_l) against depth: plain, residual and residual + BN (Gaussian weights)."""
    return _stream(_shared(s))
