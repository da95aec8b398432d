"""Jacobian spectra (Pennington, Schoenholz & Ganguli 2017): the input-output Jacobian of an actual MLP, and the
free-probability moments of its squared singular values.

With weights stored (fan_in, fan_out) and a_l = phi(a_{l-1} W_l + b_l), a row vector da_0 moves a_L by
da_0 M with M = W_1 D_1 W_2 D_2 ... W_L D_L, D_l = diag(phi'(z_l)) (a skip adds the identity: I + W_l D_l).
M is the transpose of J = D_L W_L^T ... D_1 W_1^T: the same singular values.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from engine import tex
from engine import theory_meanfield as mf
from engine import theory_quadrature as quad
from engine.mlp import MLP

# s_1, the first coefficient of the S-transform of W W^T / sigma_w2: S(z) = 1 + s_1 z + ... (read-only)
WEIGHTS = MappingProxyType({"gaussian": -1.0, "orthogonal": 0.0})


def network_jacobian(net: MLP, x: np.ndarray) -> np.ndarray:
    """M = d a_L / d a_0 at the single input x (1, n_0), in float64: M <- M W_l D_l (+ M on a skip)."""
    if net.bns:
        raise ValueError("the Jacobian of one input needs batch_norm=False (batch statistics couple the inputs)")
    net.forward(x)
    M = np.eye(x.shape[1])
    for l, (W, phi) in enumerate(zip(net.weights, net.phis)):
        z = net.trace[l].z[0].astype(np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            step = (M @ W.astype(np.float64)) * phi.derivative(z)
        M = M + step if net.skips[l] else step
    return M


def singular_values(M: np.ndarray) -> np.ndarray:
    """Singular values of M, largest first (NaN everywhere if M is not finite)."""
    if not np.isfinite(M).all():
        return np.full(min(M.shape), np.nan)
    return np.linalg.svd(M, compute_uv=False)


def fuss_catalan_moment(depth: int, k: int) -> float:
    """E[lambda^k] of the Fuss-Catalan law of order L: binom((L+1) k, k) / (L k + 1) (exact for integers)."""
    return math.comb((depth + 1) * k, k) / (depth * k + 1)


def fuss_catalan_edge(depth: int) -> float:
    """The largest squared singular value of a deep linear Gaussian net (N -> inf): (L+1)^{L+1} / L^L."""
    return (depth + 1) ** (depth + 1) / depth**depth if depth else 1.0


@dataclass(frozen=True)
class JacobianMoments:
    """Mean and variance of lambda = sigma^2 (a squared singular value of J) by free probability.

    Pennington, Schoenholz & Ganguli (2017), eqs. for m_1 and sigma^2_{JJ^T}, every layer at the fixed point q*:
        mean  m_1 = chi1^L,  chi1 = sigma_w2 mu_1
        var   sigma^2 = m_1^2 L (mu_2 / mu_1^2 - 1 - s_1)
    with mu_k = E[phi'(sqrt(q*) z)^{2k}] and s_1 = -1 for Gaussian (any i.i.d.) W, 0 for orthogonal W.
    (Under free multiplication the normalized variance m_2 / m_1^2 - 1 adds over the factors D_l^2 and
    W_l W_l^T: mu_2 / mu_1^2 - 1 and -s_1 each, L times.) Linear Gaussian: mean 1, var L, the Fuss-Catalan law.
    """
    activation: str
    sigma_w2: float
    sigma_b2: float
    depth: int
    weights: str
    q_star: float
    mu1: float
    mu2: float
    s1: float
    mean: float
    var: float

    @property
    def std(self) -> float:
        return math.sqrt(self.var) if self.var >= 0 else math.nan

    def latex(self) -> tuple[str, ...]:
        L, n = self.depth, tex.num

        def squared(x: float) -> str:
            """x^2, with 6.4\times 10^{8} in parentheses (squared bare, it would read as 10^{82})."""
            return rf"\left({n(x)}\right)^2" if "times" in n(x) else f"{n(x)}^2"
        return (rf"\mathbb{{E}}[\lambda] = \chi_1^L = ({n(self.sigma_w2)} \cdot {n(self.mu1)})^{{{L}}}"
                rf" = {n(self.mean)}",
                rf"\operatorname{{Var}}[\lambda] = m_1^2\, L \left(\frac{{\mu_2}}{{\mu_1^2}} - 1 - s_1\right)"
                rf" = {squared(self.mean)} \cdot {L} \left(\frac{{{n(self.mu2)}}}{{{squared(self.mu1)}}} - 1"
                rf" {'+' if self.s1 <= 0 else '-'} {n(abs(self.s1))}\right) = {n(self.var)}")


def jacobian_moments(phi, sw: float, sb: float, depth: int, weights: str) -> JacobianMoments:
    """The free-probability mean and variance of lambda for L layers at q* (see JacobianMoments)."""
    if weights not in WEIGHTS:
        raise ValueError(f"unknown weights {weights!r}; valid: {', '.join(WEIGHTS)}")
    qs = float(mf.q_star(phi, sw, sb))
    m = quad.single_moments(phi, mf.effective_q(qs))
    mu1, mu2 = float(m["dphi2"]), float(m["dphi4"])
    if phi.name in mf.HOMOGENEOUS:
        _, mu1, mu2 = mf.homogeneous_constants(phi)
    s1 = WEIGHTS[weights]
    mean = (sw * mu1) ** depth
    var = max(0.0, mean * mean * depth * (mu2 / mu1**2 - 1 - s1)) if mu1 > 0 else 0.0
    return JacobianMoments(phi.name, sw, sb, depth, weights, qs, mu1, mu2, s1, mean, var)
