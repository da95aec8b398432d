"""The theory lesson's cached engine calls: the phase diagram, the mean field at the chosen point, and actual nets
measured against it (the Jacobian's spectrum with Gaussian and orthogonal weights, two inputs' correlation, the
residual stream's variance)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from engine import theory
from engine.mlp import MLPConfig
from engine.theory import TRAINABLE_DEPTH_PER_XI
from lessons.theory import budget
from lessons.theory.settings import Settings, grid
from ui.cache import cached

RESOLVED = 1e-28     # lambda below this times the largest is float64 rounding: the SVD resolves sigma to ~1e-14
# the residual stream's three architectures: MLPConfig overrides
STREAMS = MappingProxyType({"plain": MappingProxyType({}),
                            "residual": MappingProxyType({"residual": True}),
                            "residual + BN": MappingProxyType({"residual": True, "batch_norm": True})})


@cached
def critical_sigma_w2(activation: str, sigma_b2: float) -> float:
    return theory.critical_sigma_w2(activation, sigma_b2)


@cached
def chi1_jump(activation: str, sigma_b2: float) -> theory.Jump | None:
    return theory.chi1_jump(activation, sigma_b2)


@cached
def diagram(activation: str) -> theory.PhaseDiagram:
    """chi1, xi_c, q*, c* and the critical line over the sliders' grid."""
    return theory.phase_diagram(activation, *grid())


@cached
def mean_field(activation: str, sigma_w2: float, sigma_b2: float) -> theory.MeanField:
    return theory.mean_field(activation, sigma_w2, sigma_b2)


def point(s: Settings) -> theory.MeanField:
    return mean_field(s.activation, s.sigma_w2, s.sigma_b2)


def depth_limit(chi1, xi_c):
    """About the deepest net that trains: 6 xi_c (Schoenholz et al. 2017). Where xi_c is infinite but chi1 is not 1
    (ReLU-like units above the edge of chaos: correlations stay ordered while gradients grow by chi1 a layer), the
    gradients' own depth scale 1 / |ln chi1| takes xi_c's place. Scalars or arrays."""
    chi1, xi_c = np.asarray(chi1, dtype=np.float64), np.asarray(xi_c, dtype=np.float64)
    limit = TRAINABLE_DEPTH_PER_XI * np.where(np.isinf(xi_c), theory.gradient_scale(chi1), xi_c)
    return float(limit) if limit.ndim == 0 else limit


@dataclass(frozen=True)
class Net:
    """An actual net at the chosen point (the cache key of its measurements): fan_in Var(w) = sigma_w2 exactly."""
    activation: str
    sigma_w2: float
    sigma_b2: float
    depth: int
    width: int
    weights: str
    seed: int

    def config(self, **override) -> MLPConfig:
        """Square float64 layers: N(0, sigma_w2 / n) entries, or orthogonal with gain sigma_w; biases N(0, sigma_b2)."""
        init = budget.weights_init(self.weights)
        params = {"std": math.sqrt(self.sigma_w2 / self.width)} if init == "normal" else \
            {"gain": math.sqrt(self.sigma_w2)}
        return MLPConfig((self.width,) * (self.depth + 1), activation=self.activation, init=init, init_params=params,
                         bias_std=math.sqrt(self.sigma_b2), dtype="float64", seed=self.seed, **override)


def net(s: Settings, weights: str | None = None) -> Net:
    return Net(s.activation, s.sigma_w2, s.sigma_b2, s.depth, s.width, weights or s.weights, s.seed)


@dataclass(frozen=True)
class Spectrum:
    """The squared singular values lambda of one net's input-output Jacobian, and what free probability predicts."""
    weights: str
    lam: np.ndarray                   # largest first; NaN everywhere if the net overflowed
    theory: theory.JacobianMoments
    rank: int                         # rank(J) <= the fewest active units of any layer (engine.theory_network)

    @property
    def finite(self) -> bool:
        return bool(np.isfinite(self.lam).all())

    @property
    def mean(self) -> float:
        return float(np.mean(self.lam))

    @property
    def std(self) -> float:
        """Over every lambda, the exact zeros included (as in the theory's)."""
        return float(np.std(self.lam))

    @property
    def zeros(self) -> int:
        """How many lambda are exactly 0: the rank deficiency units that are off force (a ReLU's zeros)."""
        return self.lam.size - self.rank

    @property
    def floor(self) -> float:
        """The smallest lambda float64 resolves here: RESOLVED times the largest."""
        return float(np.max(self.lam)) * RESOLVED

    @property
    def nonzero(self) -> np.ndarray:
        """The rank largest lambda: every one that is not exactly 0."""
        return self.lam[:self.rank]

    @property
    def unresolved(self) -> int:
        """How many nonzero lambda are below the floor: too small for float64 to tell from 0."""
        return int(np.sum(self.nonzero < self.floor)) if self.finite else 0

    @property
    def decades(self) -> float:
        """log10(lambda_max / lambda_min) over the resolved nonzero values (at most -log10 RESOLVED = 28)."""
        resolved = self.nonzero[self.nonzero >= self.floor]
        return float(np.log10(resolved.max() / resolved.min())) if resolved.size and self.finite else math.nan


@cached
def spectrum(n: Net) -> Spectrum:
    """Squared singular values of d a_L / d a_0 at one input at q* (the engine's default), with their theory."""
    js = theory.jacobian_spectrum(n.config(), seed=n.seed)
    moments = theory.jacobian_moments(n.activation, n.sigma_w2, n.sigma_b2, n.depth, n.weights)
    return Spectrum(n.weights, js.singular_values ** 2, moments, js.rank_bound)


def spectra(s: Settings) -> tuple[Spectrum, Spectrum]:
    """(orthogonal, Gaussian): the same point, depth and width, side by side."""
    return spectrum(net(s, "orthogonal")), spectrum(net(s, "gaussian"))


@cached
def correlation(n: Net, c0: float) -> theory.CorrelationDepth:
    """Two inputs of cosine c0 through the net: measured c_l against the mean-field (q, c) recursion."""
    return theory.correlation_through_depth(n.config(), c0, seed=n.seed)


@cached
def stream(n: Net, architecture: str) -> theory.StreamVariance:
    """Var(a_l) of the plain, residual or residual + BN version of the net, measured and predicted."""
    return theory.stream_variance(n.config(**STREAMS[architecture]), seed=n.seed, batch=budget.STREAM_BATCH)


def streams(s: Settings) -> dict[str, theory.StreamVariance]:
    gaussian = net(s, "gaussian")
    return {name: stream(gaussian, name) for name in STREAMS}
