"""Mean-field theory of deep networks at initialization: signal propagation, Jacobian spectra, criticality.

Poole et al. 2016; Schoenholz et al. 2017; Pennington, Schoenholz & Ganguli 2017. For z ~ N(0, 1),
sigma_w2 = fan_in Var(w) and sigma_b2 = Var(b) (zero-mean biases). The formulas stand beside the code that
computes them: the length and correlation maps, chi1, chi_c and xi_c, and the degenerate cases in
engine.theory_meanfield; the quadrature (Gauss-Hermite split at 0) in engine.theory_quadrature; Jacobian
moments in engine.theory_jacobian; measurements of actual nets in engine.theory_network. This module checks
arguments, returns floats and renders the formulas with their numbers (MeanField.latex).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from engine import activations, tex
from engine import theory_edge as _edge
from engine import theory_jacobian as _jac
from engine import theory_meanfield as _mf
from engine import theory_network as _net
from engine import theory_quadrature as _quad
from engine.theory_jacobian import WEIGHTS, JacobianMoments, fuss_catalan_edge, fuss_catalan_moment  # noqa: F401
from engine.theory_network import (  # noqa: F401
    CorrelationDepth,
    JacobianSpectrum,
    StreamVariance,
    correlation_through_depth,
    default_q0,
    jacobian_singular_values,
    jacobian_spectrum,
    layer_sigma_w2,
    stream_variance,
    weights_kind,
)

TRAINABLE_DEPTH_PER_XI = 6.0     # Schoenholz et al. 2017: depths up to ~6 xi_c train, deeper ones do not
CRITICAL_TOL = _mf.CRITICAL_TOL  # |chi1 - 1| and |ln chi_c| below this count as 1 (the quadrature's accuracy)


def _phi(activation: str):
    return activations.get(activation)


def _number(name: str, value, positive: bool = False) -> float:
    """A finite float >= 0 (> 0 when positive); ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not math.isfinite(value) or value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be a finite number {'> 0' if positive else '>= 0'}, got {value!r}")
    return float(value)


def _grid(name: str, values) -> np.ndarray:
    """A 1-D array of finite numbers >= 0."""
    a = np.asarray(values, dtype=np.float64)
    if a.ndim != 1 or a.size == 0 or not np.isfinite(a).all() or (a < 0).any():
        raise ValueError(f"{name} must be a non-empty 1-D sequence of finite numbers >= 0")
    return a


def sigma_w2(config) -> float:
    """fan_in Var(w) of the config's initializer, for its hidden layers (engine.theory_network.sigma_w2)."""
    return _net.sigma_w2(config)


def sigma_b2(config) -> float:
    """Var(b) = bias_std^2 of the config (a constant bias is refused: the theory takes zero-mean biases)."""
    return _net.sigma_b2(config)


def q_map(activation: str, sigma_w2: float, sigma_b2: float, q: float) -> float:
    """q' = sigma_w2 E[phi(sqrt(q) z)^2] + sigma_b2."""
    sw, sb, q = _number("sigma_w2", sigma_w2), _number("sigma_b2", sigma_b2), _number("q", q)
    return float(_mf.q_map(_phi(activation), sw, sb, q))


def q_star(activation: str, sigma_w2: float, sigma_b2: float) -> float:
    """The fixed point of q_map reached from q = 1: 0 when the signal dies, inf when it grows without bound,
    nan when every q is a fixed point (linear at sigma_w2 = 1, relu at 2, with sigma_b2 = 0)."""
    return float(_mf.q_star(_phi(activation), _number("sigma_w2", sigma_w2), _number("sigma_b2", sigma_b2)))


def chi1(activation: str, sigma_w2: float, sigma_b2: float) -> float:
    """chi1 = sigma_w2 E[phi'(sqrt(q*) z)^2] (relu: sigma_w2 / 2 at any q; at q* = 0 or inf, the limit)."""
    phi, sw = _phi(activation), _number("sigma_w2", sigma_w2)
    return float(_mf.chi1(phi, sw, _mf.q_star(phi, sw, _number("sigma_b2", sigma_b2))))


def c_map(activation: str, sigma_w2: float, sigma_b2: float, c: float) -> float:
    """c' = (sigma_w2 E[phi(u1) phi(u2)] + sigma_b2) / q*, (u1, u2) ~ N(0, q* [[1, c], [c, 1]])."""
    if not (isinstance(c, (int, float, np.floating)) and -1 <= c <= 1):
        raise ValueError(f"c must be a number in [-1, 1], got {c!r}")
    phi, sw = _phi(activation), _number("sigma_w2", sigma_w2)
    return float(_mf.c_map(phi, sw, float(c), _mf.q_star(phi, sw, _number("sigma_b2", sigma_b2))))


def c_star(activation: str, sigma_w2: float, sigma_b2: float) -> float:
    """The stable fixed point of c_map: 1 in the ordered phase (chi1 <= 1), below 1 in the chaotic phase (1 where
    the bias has no share of q*: there the c-map's slope at 1 is 1, see depth_scale)."""
    return mean_field(activation, sigma_w2, sigma_b2).c_star


def depth_scale(activation: str, sigma_w2: float, sigma_b2: float) -> float:
    """xi_c = -1 / ln chi_c at c*: inf on the critical line (|ln chi_c| <= CRITICAL_TOL) and without a bias's share
    of q* (q* = 0, inf or every q fixed: the c-map's slope at c = 1 is 1). relu: -1 / ln(sigma_w2 / 2) below 2 with
    sigma_b2 > 0; inf from 2, and inf at every sigma_w2 when sigma_b2 = 0 (the arc-cosine map, approached as a
    power law). See engine.theory_meanfield for the degenerate cases."""
    return mean_field(activation, sigma_w2, sigma_b2).xi_c


def gradient_scale(chi1):
    """1 / |ln chi1|, the depth over which gradients change by e: inf on the critical line (|ln chi1| <= CRITICAL_TOL).
    Scalars or arrays."""
    out = _mf.gradient_scale(chi1)
    return float(out) if out.ndim == 0 else out


def critical_sigma_w2(activation: str, sigma_b2: float) -> float:
    """The sigma_w2 with chi1 = 1 (the edge of chaos) at this sigma_b2; nan where there is none (see chi1_jump)."""
    return float(_edge.phase_boundary(_phi(activation), _number("sigma_b2", sigma_b2)).edge)


def critical_line(activation: str, sigma_b2_grid) -> np.ndarray:
    """critical_sigma_w2 at every sigma_b2 of the grid, in one vectorized solve."""
    return _edge.phase_boundary(_phi(activation), _grid("sigma_b2_grid", sigma_b2_grid)).edge


@dataclass(frozen=True)
class Jump:
    """chi1 jumps over 1 at sigma_w2 (gelu, swish at a small sigma_b2): q* reached from q = 1 jumps from q_below to
    q_above and chi1 from chi1_below to chi1_above, so no sigma_w2 is on the edge of chaos (engine.theory_edge)."""
    sigma_w2: float
    chi1_below: float
    chi1_above: float
    q_below: float
    q_above: float


def chi1_jump(activation: str, sigma_b2: float) -> Jump | None:
    """Where chi1 jumps over 1 at this sigma_b2 instead of passing it; None where it passes 1 (or never reaches it)."""
    b = _edge.phase_boundary(_phi(activation), _number("sigma_b2", sigma_b2))
    if np.isnan(b.jump):
        return None
    return Jump(float(b.jump), float(b.chi1_below), float(b.chi1_above), float(b.q_below), float(b.q_above))


def predicted_q(activation: str, sigma_w2: float, sigma_b2: float, q0: float, depth: int) -> np.ndarray:
    """Var(z_l) for l = 1..depth from an input of variance q0: q_1 = sigma_w2 q0 + sigma_b2, q_{l+1} = q_map(q_l)."""
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError(f"depth must be an int >= 0, got {depth!r}")
    sw, sb, q0 = _number("sigma_w2", sigma_w2), _number("sigma_b2", sigma_b2), _number("q0", q0)
    return _mf.predicted_q(_phi(activation), sw, sb, q0, int(depth))


@dataclass(frozen=True)
class MeanField:
    """The stationary state of one (activation, sigma_w2, sigma_b2) and the numbers behind it."""
    activation: str
    sigma_w2: float
    sigma_b2: float
    q_star: float
    phi2: float          # E[phi(sqrt(q*) z)^2] (at q* = 0 / inf / nan: at the q the limits are taken)
    dphi2: float         # E[phi'(sqrt(q*) z)^2]
    chi1: float
    c_star: float
    chi_c: float
    xi_c: float

    @property
    def phase(self) -> str:
        """'ordered' (chi1 < 1), 'critical' (within 1e-3 of 1) or 'chaotic'."""
        return "critical" if abs(self.chi1 - 1) <= 1e-3 else ("ordered" if self.chi1 < 1 else "chaotic")

    @property
    def trainable_depth(self) -> float:
        return TRAINABLE_DEPTH_PER_XI * self.xi_c

    @property
    def gradient_scale(self) -> float:
        """1 / |ln chi1|: the depth over which gradients shrink (chi1 < 1) or grow (chi1 > 1) by e (inf on the
        critical line, |ln chi1| <= CRITICAL_TOL)."""
        return float(_mf.gradient_scale(self.chi1))

    def latex(self) -> tuple[str, ...]:
        """The formulas with this setting's numbers plugged in."""
        n, sw, sb = tex.num, tex.num(self.sigma_w2), tex.num(self.sigma_b2)
        if self._q_case == "finite":
            q = (rf"q^* = \sigma_w^2\,\mathbb{{E}}[\phi(\sqrt{{q^*}} z)^2] + \sigma_b^2 = {sw} \cdot {n(self.phi2)}"
                 rf" + {sb} = {n(self.q_star)}")
        else:
            q = _DEGENERATE_Q[self._q_case]
        xi = (rf"\xi_c = -1/\ln \chi_c = -1/\ln {n(self.chi_c)} = {n(self.xi_c)}" if math.isfinite(self.xi_c)
              else r"\xi_c = \infty\quad(\chi_c = 1:\ \text{no exponential approach to } c^*)")
        return (q,
                rf"\chi_1 = \sigma_w^2\,\mathbb{{E}}[\phi'(\sqrt{{q^*}} z)^2] = {sw} \cdot {n(self.dphi2)}"
                rf" = {n(self.chi1)}",
                (rf"c^* = {n(self.c_star)},\quad \chi_c = \sigma_w^2\,\mathbb{{E}}[\phi'(u_1)\phi'(u_2)]"
                 rf" = {n(self.chi_c)}") if self._q_case == "finite" else
                r"c^* = 1,\quad \chi_c = 1\ \text{(no bias in } q^*\text{: } c' = \mathbb{E}[\phi(u_1)\phi(u_2)]"
                r" / \mathbb{E}[\phi(u_1)^2] \text{ has slope 1 at } c = 1)",
                xi)

    @property
    def bias_free(self) -> bool:
        """Whether the bias has no share of q* (q* = 0, inf, or every q fixed): then c' = E[phi phi] / E[phi^2]."""
        return self._q_case != "finite"

    @property
    def _q_case(self) -> str:
        """'finite', 'zero', 'inf' or 'nan' (every q a fixed point)."""
        if math.isnan(self.q_star):
            return "nan"
        return "zero" if self.q_star == 0 else ("inf" if math.isinf(self.q_star) else "finite")


_DEGENERATE_Q = MappingProxyType({
    "zero": r"q^* = 0\ \text{(the signal dies out; the rest are limits as } q \to 0^+ \text{)}",
    "inf": r"q^* = \infty\ \text{(the signal grows without bound; the rest are limits as } q \to \infty \text{)}",
    "nan": r"q' = q \text{ for every } q \text{ (no single } q^* \text{; the rest hold at any } q \text{)}"})


def mean_field(activation: str, sigma_w2: float, sigma_b2: float) -> MeanField:
    """q*, chi1, c*, chi_c and xi_c of one setting (with .latex() for the page)."""
    phi, sw, sb = _phi(activation), _number("sigma_w2", sigma_w2), _number("sigma_b2", sigma_b2)
    qs = _mf.q_star(phi, sw, sb)
    m = _quad.single_moments(phi, _mf.effective_q(qs))
    chi = _mf.chi1(phi, sw, qs)
    c, chi_c = _mf.correlation_fixed_point(phi, sw, qs, chi)
    return MeanField(activation, sw, sb, float(qs), float(m["phi2"]), float(chi / sw) if sw else float(m["dphi2"]),
                     float(chi), float(c), float(chi_c), float(_mf.depth_scale(chi_c)))


@dataclass(frozen=True)
class PhaseDiagram:
    """Arrays over the grid, rows sigma_b2 and columns sigma_w2 (shape (len(sigma_b2), len(sigma_w2)))."""
    activation: str
    sigma_w2: np.ndarray
    sigma_b2: np.ndarray
    q_star: np.ndarray
    chi1: np.ndarray
    c_star: np.ndarray
    xi_c: np.ndarray
    critical: np.ndarray      # (len(sigma_b2),): the edge of chaos, sigma_w2 with chi1 = 1 (nan where none)
    jump: np.ndarray          # (len(sigma_b2),): sigma_w2 where chi1 jumps over 1 instead (nan elsewhere)


def phase_diagram(activation: str, sigma_w2_grid, sigma_b2_grid) -> PhaseDiagram:
    """chi1 and xi_c (with q* and c*) at every (sigma_b2, sigma_w2) of the grid, vectorized over the grid."""
    phi = _phi(activation)
    sw, sb = _grid("sigma_w2_grid", sigma_w2_grid), _grid("sigma_b2_grid", sigma_b2_grid)
    W, B = np.meshgrid(sw, sb)
    qs = _mf.q_star(phi, W, B)
    chi = _mf.chi1(phi, W, qs) * np.ones(W.shape)
    c, chi_c = _mf.correlation_fixed_point(phi, W, qs, chi)
    edge = _edge.phase_boundary(phi, sb)
    return PhaseDiagram(activation, sw, sb, qs, chi, c, _mf.depth_scale(chi_c), edge.edge, edge.jump)


def jacobian_moments(activation: str, sigma_w2: float, sigma_b2: float, depth: int,
                     weights: str = "gaussian") -> JacobianMoments:
    """Free-probability mean chi1^L and variance of the squared singular values of J (see JacobianMoments)."""
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 1:
        raise ValueError(f"depth must be an int >= 1, got {depth!r}")
    sw, sb = _number("sigma_w2", sigma_w2), _number("sigma_b2", sigma_b2)
    return _jac.jacobian_moments(_phi(activation), sw, sb, int(depth), weights)


def second_moment(activation: str, var: float = 1.0) -> float:
    """E[phi(z)^2] for z ~ N(0, var): what a layer passes on (the mean is included, as Var(sum w a) needs)."""
    return float(_quad.single_moments(_phi(activation), _number("var", var, positive=True))["phi2"])


def variance_preserving_gain(activation: str, var: float = 1.0) -> float:
    """g = sqrt(var / E[phi(z)^2]), z ~ N(0, var): with Var(w) = g^2 / n_in the next layer's z keeps variance var.

    relu gives sqrt(2) and linear 1 exactly (PyTorch's values); tanh 1.59 (PyTorch uses 5/3), sigmoid 1.85
    (PyTorch: 1), selu 1.0: PyTorch's table is a convention, not this formula.
    """
    return math.sqrt(var / second_moment(activation, var))
