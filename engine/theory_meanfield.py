"""Mean-field signal propagation (Poole et al. 2016; Schoenholz et al. 2017), vectorized over (sigma_w2, sigma_b2).

For z ~ N(0, 1), sigma_w2 = fan_in Var(w) and sigma_b2 = Var(b), a wide layer maps the variance q of its
pre-activations and the correlation c of two inputs' pre-activations as

    q' = sigma_w2 E[phi(sqrt(q) z)^2] + sigma_b2                                     (the length map)
    c' = (sigma_w2 E[phi(u1) phi(u2)] + sigma_b2) / q*,  (u1, u2) ~ N(0, q* [[1, c], [c, 1]])   (the c-map)

q* is the fixed point the length map reaches from q = 1 (it is increasing, so it moves monotonically to the
nearest fixed point). At q*, c = 1 is always a fixed point and, since q* = q'(q*),
c' = 1 - sigma_w2 E[(phi(u1) - phi(u2))^2] / (2 q*), the form used here (exact at c = 1). By Mehler's
formula E[phi(u1) phi(u2)] = sum_k a_k^2 c^k with a_k^2 >= 0, so c' is increasing and convex on [0, 1]:
c* = 1 attracts when chi1 = sigma_w2 E[phi'(sqrt(q*) z)^2] <= 1 (ordered), otherwise a unique c* < 1 does
(chaotic). chi_c = dc'/dc = sigma_w2 E[phi'(u1) phi'(u2)] at c*, and xi_c = -1 / ln chi_c.

Degenerate cases, in the limits they stand for (never a warning):
    q* = 0    (sigma_b2 = 0, phi(0) = 0, the map contracts): chi1 is the q* -> 0+ limit, evaluated at
              q = Q_TINY. Without a bias the c-map is c' = E[phi(u1) phi(u2)] / E[phi(u1)^2] at every q
              (sigma_w2 cancels), whose slope at c = 1 is 1: for ReLU it is the arc-cosine map at any q, for a
              smooth phi it tends to the identity as q -> 0 (a vanishing signal passes almost linearly). So
              chi_c = 1 and xi_c = inf: the correlations do not converge exponentially (ReLU's reach c* = 1
              polynomially, a smooth unit's barely move), while gradients still shrink by chi1 per layer.
              (Any sigma_b2 > 0 sets the rate chi_c = chi1 < 1 instead: for ReLU the bias's share of q* is
              1 - sigma_w2 / 2 whatever its size, so sigma_b2 -> 0+ is not sigma_b2 = 0.)
    q* = inf  (q_l grows without bound: relu-like with sigma_w2 E[phi(z)^2] >= 1 asymptotically): the bias's
              share sigma_b2 / q_l vanishes, so c' -> E[phi(u1) phi(u2)] / E[phi(u1)^2] at q -> inf, the map
              of a positively homogeneous unit, whose slope at c* = 1 is exactly 1: chi_c = 1, xi_c = inf
              (correlations still converge to 1, but polynomially: 1 - c_l ~ 9 pi^2 / (2 l^2) for ReLU).
    q* = nan  (every q is a fixed point: linear with sigma_w2 = 1, relu with sigma_w2 = 2, sigma_b2 = 0):
              the same bias-free map, chi_c = 1, c* = 1, xi_c = inf; chi1 does not depend on q there.
    chi1 = 1  (the critical line, within CRITICAL_TOL): c* = 1 is a double root of c' = c, chi_c = 1, xi_c = inf.
For ReLU (and leaky_relu, linear) c* = 1 always. With sigma_b2 > 0, xi_c = -1 / ln(sigma_w2 / 2) below
sigma_w2 = 2 and inf at and above it, where gradients explode by chi1 = sigma_w2 / 2 per layer while correlations
stay ordered; with sigma_b2 = 0, xi_c = inf at every sigma_w2 (the arc-cosine map does not depend on it).
"""
from __future__ import annotations

import numpy as np

from engine import theory_quadrature as quad
from engine.theory_solve import bracket_and_solve

HOMOGENEOUS = ("linear", "relu", "leaky_relu")   # phi(lambda z) = lambda phi(z) for lambda > 0
Q_TINY, Q_HUGE = 1e-16, 1e16                     # where q* -> 0 and q* -> inf are evaluated
CRITICAL_TOL = 1e-10        # |chi1 - 1| and |ln chi_c| below this are 1: the 1-D rule gives chi1 (and the ordered
                            # chi_c = chi1) to ~1e-12, and at chi1 = 1 c* = 1 is a double root that the 2-D rule's
                            # error (~1e-8 near c = 1) would move by its square root: on the line xi_c is inf
NEWTON_STEPS = 60                                # Newton for c* from c = 0 converges monotonically; ~6-12 steps
POLISH_STEPS = 60                                # on the fine rule from the coarse root: 2-3 (more near chi1 = 1)
C_TOL = 1e-9                                     # a Newton step this small leaves an error ~ its square
COARSE_TOL = 1e-6                                # the coarse rule's root is only a start
CHUNK = 2048                                     # chaotic points solved together: (CHUNK, 32, 32) arrays, 16 MB


def homogeneous_constants(phi) -> tuple[float, float, float]:
    """E[phi(z)^2] = (phi(1)^2 + phi(-1)^2) / 2, E[phi'(z)^2] and E[phi'(z)^4] likewise: exact for a homogeneous
    phi (z and -z are equally likely, and phi is linear on each side)."""
    a, d = phi.forward(np.array([1.0, -1.0])), phi.derivative(np.array([1.0, -1.0]))
    return float(a @ a) / 2, float(d @ d) / 2, float(np.sum(d**4)) / 2


def q_map(phi, sw, sb, q) -> np.ndarray:
    """q' = sigma_w2 E[phi(sqrt(q) z)^2] + sigma_b2 (q = inf stays inf)."""
    q = np.asarray(q, dtype=np.float64)
    finite = np.where(np.isfinite(q), q, 1.0)
    with np.errstate(over="ignore", invalid="ignore"):
        out = sw * quad.single_moments(phi, finite)["phi2"] + sb
    return np.where(np.isfinite(q), out, np.inf)


def q_star(phi, sw, sb) -> np.ndarray:
    """The fixed point q' = q reached from q = 1; 0, inf or nan (every q fixed) in the degenerate cases."""
    sw, sb = np.broadcast_arrays(np.asarray(sw, dtype=np.float64), np.asarray(sb, dtype=np.float64))
    if phi.name in HOMOGENEOUS:
        return _q_star_homogeneous(phi, sw, sb)

    def gap(s, idx):
        """G(s) = q'(s^2) - s^2 and dG/ds = 2 sigma_w2 E[phi(s z) phi'(s z) z] - 2 s."""
        m = quad.single_moments(phi, s * s)
        return sw.ravel()[idx] * m["phi2"] + sb.ravel()[idx] - s * s, 2 * sw.ravel()[idx] * m["slope"] - 2 * s

    s = bracket_and_solve(gap, sw.size, s_min=np.sqrt(Q_TINY), s_max=np.sqrt(Q_HUGE))
    return (s * s).reshape(sw.shape)


def _q_star_homogeneous(phi, sw, sb) -> np.ndarray:
    """q' = sigma_w2 kappa q + sigma_b2: q* = sigma_b2 / (1 - sigma_w2 kappa) below slope 1, inf above it,
    nan at slope 1 with sigma_b2 = 0 (every q fixed), inf at slope 1 with a bias."""
    kappa = homogeneous_constants(phi)[0]
    slope = sw * kappa
    with np.errstate(divide="ignore", invalid="ignore"):
        finite = sb / (1 - slope)
    at_one = np.abs(slope - 1) <= 1e-12
    return np.where(at_one, np.where(sb > 0, np.inf, np.nan), np.where(slope < 1, finite, np.inf))


def effective_q(qs) -> np.ndarray:
    """The q at which the stationary quantities are evaluated: q*, or Q_TINY for 0, Q_HUGE for inf, 1 for nan."""
    qs = np.asarray(qs, dtype=np.float64)
    return np.where(np.isnan(qs), 1.0, np.clip(qs, Q_TINY, Q_HUGE))


def bias_free(qs) -> np.ndarray:
    """Where the bias has no share of q_l in the stationary state (q* = inf, every q fixed, or q* = 0, which needs
    sigma_b2 = 0): c' = E[phi(u1) phi(u2)] / E[phi(u1)^2], with slope 1 at c = 1."""
    qs = np.asarray(qs)
    return np.isnan(qs) | np.isinf(qs) | (qs == 0)


def chi1(phi, sw, qs) -> np.ndarray:
    """chi1 = sigma_w2 E[phi'(sqrt(q*) z)^2]: the mean squared singular value of one layer's Jacobian D W.

    For a homogeneous phi E[phi'^2] is the same at every q: (phi'(1)^2 + phi'(-1)^2) / 2 (relu: 1/2).
    """
    if phi.name in HOMOGENEOUS:
        return np.asarray(sw, dtype=np.float64) * homogeneous_constants(phi)[1]
    return sw * quad.single_moments(phi, effective_q(qs))["dphi2"]


def c_map(phi, sw, c, qs, rule=quad.RULE_2D) -> np.ndarray:
    """c' at q*: 1 - sigma_w2 E[(phi(u1) - phi(u2))^2] / (2 q*), or E[phi(u1) phi(u2)] / E[phi(u1)^2] bias-free."""
    q = effective_q(qs)
    m = quad.pair_moments(phi, q, c, rule, derivative=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(m["self"] > 0, m["cross"] / np.where(m["self"] > 0, m["self"], 1.0), 1.0)
    return np.where(bias_free(qs), ratio, 1 - sw * m["gap"] / q)


def correlation_fixed_point(phi, sw, qs, chi) -> tuple[np.ndarray, np.ndarray]:
    """(c*, chi_c): c* = 1 and chi_c = chi1 where chi1 < 1; c* = 1, chi_c = 1 bias-free or on the critical line
    (|chi1 - 1| <= CRITICAL_TOL); else Newton for c* < 1.

    g(c) = c' - c is convex with g(0) >= 0, g(1) = 0 and g'(1) = chi1 - 1 > 0 in the chaotic phase, so Newton
    c <- c - g(c) / g'(c), g' = sigma_w2 E[phi'(u1) phi'(u2)] - 1, climbs monotonically from c = 0 to c*:
    first on the coarse rule, then polished on the fine one (where chi_c is read).
    """
    sw, qs, chi = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (sw, qs, chi)))
    shape, (sw, qs, chi) = sw.shape, (v.ravel() for v in (sw, qs, chi))
    c_star, chi_c = np.ones(sw.shape), np.where(bias_free(qs) | (np.abs(chi - 1) <= CRITICAL_TOL), 1.0, chi)
    chaotic = np.flatnonzero((chi > 1 + CRITICAL_TOL) & ~bias_free(qs))
    for start in range(0, chaotic.size, CHUNK):
        part = chaotic[start:start + CHUNK]
        s, q = sw[part], effective_q(qs[part])
        c, _ = _newton_c(phi, s, q, np.zeros(s.shape), quad.RULE_COARSE, NEWTON_STEPS, COARSE_TOL)
        c_star[part], chi_c[part] = _newton_c(phi, s, q, c, quad.RULE_2D, POLISH_STEPS, C_TOL)
    return c_star.reshape(shape), chi_c.reshape(shape)


def _newton_c(phi, sw, q, c, rule, steps, tol) -> tuple[np.ndarray, np.ndarray]:
    """Newton on g(c) = 1 - sigma_w2 gap(c) / q - c; returns (c, chi_c at the last evaluation).

    Where g' >= 0 the point lies right of g's minimum (near the critical line the coarse rule can put its root
    there, or at 1): start again from c = 0, whence Newton climbs monotonically to c*.
    """
    c, chi_c = c.copy(), np.ones(c.shape)
    active = np.arange(c.size)
    for _ in range(steps):
        m = quad.pair_moments(phi, q[active], c[active], rule)
        g = 1 - sw[active] * m["gap"] / q[active] - c[active]
        chi_c[active] = sw[active] * m["dcross"]
        slope = chi_c[active] - 1
        new = np.where(slope < 0, c[active] - g / np.where(slope < 0, slope, -1.0), 0.0)
        new = np.clip(new, 0.0, 1.0 - 1e-15)
        step, c[active] = new - c[active], new
        active = active[np.abs(step) > tol]
        if active.size == 0:
            break
    return c, chi_c


def depth_scale(chi_c) -> np.ndarray:
    """xi_c = -1 / ln chi_c: inf where ln chi_c >= -CRITICAL_TOL (the critical line, or bias-free: chi_c = 1 within
    the quadrature's accuracy, not a depth scale of 10^10 layers), 0 where chi_c = 0."""
    chi_c = np.asarray(chi_c, dtype=np.float64)
    with np.errstate(divide="ignore"):
        log = np.log(np.clip(chi_c, 0.0, 1.0))
        return np.where(log >= -CRITICAL_TOL, np.inf, -1 / np.where(log < 0, log, -1.0))


def gradient_scale(chi1) -> np.ndarray:
    """1 / |ln chi1|: the depth over which gradients change by e; inf where |ln chi1| <= CRITICAL_TOL, 0 at chi1 = 0."""
    chi1 = np.asarray(chi1, dtype=np.float64)
    with np.errstate(divide="ignore"):
        log = np.abs(np.log(chi1))
        return np.where(log <= CRITICAL_TOL, np.inf, 1 / np.where(log > CRITICAL_TOL, log, 1.0))


def critical_sigma_w2(phi, sb) -> np.ndarray:
    """sigma_w2 with chi1 = 1: 1 / E[phi'(z)^2] for a homogeneous phi; else, from the two conditions
    q = sigma_w2 E[phi(sqrt(q) z)^2] + sigma_b2 and sigma_w2 E[phi'(sqrt(q) z)^2] = 1, the root q_c of
    F(q) = q - E[phi^2] / E[phi'^2] - sigma_b2 (F(0) = -sigma_b2), then sigma_w2 = 1 / E[phi'(sqrt(q_c) z)^2].
    nan where F has no root below Q_HUGE (no edge of chaos). q_c is a fixed point, but not always the one reached
    from q = 1: engine.theory_edge checks that chi1 there is 1 (for gelu and swish at a small sigma_b2 it is not)."""
    sb = np.asarray(sb, dtype=np.float64)
    if phi.name in HOMOGENEOUS:
        return np.full(sb.shape, 1 / homogeneous_constants(phi)[1])

    def excess(s, idx):
        m = quad.single_moments(phi, s * s)
        with np.errstate(divide="ignore", invalid="ignore"):
            return -(s * s - m["phi2"] / m["dphi2"] - sb.ravel()[idx]), None

    s = bracket_and_solve(excess, sb.size, s_min=np.sqrt(Q_TINY), s_max=np.sqrt(Q_HUGE), start=np.sqrt(Q_TINY))
    q_c = (s * s).reshape(sb.shape)
    with np.errstate(divide="ignore"):
        out = 1 / quad.single_moments(phi, effective_q(q_c))["dphi2"]
    return np.where(np.isinf(q_c), np.nan, out)


def predicted_q(phi, sw, sb, q0, depth) -> np.ndarray:
    """q_1 = sigma_w2 q0 + sigma_b2 (the input enters linearly), q_{l+1} = sigma_w2 E[phi(sqrt(q_l) z)^2] + sigma_b2."""
    qs = np.empty(depth)
    q = sw * q0 + sb
    for l in range(depth):
        qs[l] = q
        q = float(q_map(phi, sw, sb, q)) if np.isfinite(q) and q < 1e300 else np.inf
    return qs
