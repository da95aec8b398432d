"""Gaussian expectations E[f(z)], z ~ N(0, 1), by Gauss-Hermite quadrature split at 0.

ReLU-like activations have a kink at z = 0, where plain Gauss-Hermite converges slowly (elu, selu: errors of
1e-4 to 1e-2 with 50-200 nodes) and saturated tanh(sqrt(q) z) with large q needs many nodes too. So each
half-line gets its own Gaussian rule: the half-range Gauss-Hermite rule, whose nodes t_j > 0 and weights w_j
integrate int_0^inf f(t) phi(t) dt exactly for every polynomial f of degree < 2m (phi the N(0, 1) density).
Mirrored, the two halves give E[f(z)] = sum_j w_j (f(t_j) + f(-t_j)), exact for f piecewise polynomial with its
pieces joined at 0 (relu, leaky_relu, linear to rounding) and fast for every f smooth on each half.

The rules are built once at import (Golub-Welsch on recurrence coefficients found by the Stieltjes procedure
on a fine Gauss-Legendre discretization of [0, 16]) and kept as read-only arrays.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

DISCRETE_NODES = 100          # Gauss-Legendre points on [0, 16], exact to 1e-15 (numpy's weights lose digits past 100)
DISCRETE_END = 16.0           # phi(16) ~ 1e-56: beyond it no moment up to degree 100 has mass left
HALF_1D = 32                  # nodes per half-line for E[f(sqrt(q) z)]: 1e-12 for tanh up to q ~ 30
HALF_2D = 16                  # per half-line and axis for the correlated pair: 1e-8 for tanh at q ~ 3
HALF_COARSE = 8               # a cheap rule for the start of Newton's method (polished with HALF_2D)


class Rule(NamedTuple):
    """Nodes z and weights w with E[f(z)] ~ sum_j w_j f(z_j) (read-only, symmetric about 0, no node at 0)."""
    z: np.ndarray
    w: np.ndarray


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a, dtype=np.float64)
    a.setflags(write=False)
    return a


def _half_normal_discretization() -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre points x on [0, 16] with weights phi(x) dx: a discrete stand-in for phi on [0, inf)."""
    x, w = np.polynomial.legendre.leggauss(DISCRETE_NODES)
    x = (x + 1) * (DISCRETE_END / 2)
    return x, w * (DISCRETE_END / 2) * np.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def half_range_rule(m: int) -> Rule:
    """The m-point Gauss rule for phi on [0, inf): int_0^inf f(t) phi(t) dt ~ sum_j w_j f(t_j).

    Stieltjes: with p_0 = 1/||1||, alpha_k = <t p_k, p_k>, r = (t - alpha_k) p_k - beta_k p_{k-1},
    beta_{k+1} = ||r||, p_{k+1} = r / beta_{k+1} (inner products under the discretized phi). Golub-Welsch: the
    nodes are the eigenvalues of the Jacobi matrix (alpha on the diagonal, beta beside it), the weights
    mu_0 v_{0j}^2 with mu_0 = 1/2 the mass of the half-line and v_j the unit eigenvectors.
    """
    x, w = _half_normal_discretization()
    mass = float(w.sum())
    p_prev, p = np.zeros_like(x), np.full_like(x, 1 / math.sqrt(mass))
    alpha, beta = np.zeros(m), np.zeros(m)
    for k in range(m):
        alpha[k] = np.sum(w * x * p * p)
        r = (x - alpha[k]) * p - beta[k] * p_prev
        if k + 1 < m:
            beta[k + 1] = math.sqrt(np.sum(w * r * r))
            p_prev, p = p, r / beta[k + 1]
    jacobi = np.diag(alpha) + np.diag(beta[1:], 1) + np.diag(beta[1:], -1)
    nodes, vectors = np.linalg.eigh(jacobi)
    return Rule(_frozen(nodes), _frozen(mass * vectors[0] ** 2))


def mirrored(half: Rule) -> Rule:
    """The rule on the whole line: nodes -t_j and t_j, each with weight w_j."""
    return Rule(_frozen(np.concatenate([-half.z[::-1], half.z])), _frozen(np.concatenate([half.w[::-1], half.w])))


RULE_1D = mirrored(half_range_rule(HALF_1D))
RULE_2D = mirrored(half_range_rule(HALF_2D))
RULE_COARSE = mirrored(half_range_rule(HALF_COARSE))


def _values(phi, u: np.ndarray, derivative: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """phi(u) and, when asked, phi'(u) (from phi(u) itself where that is cheaper: tanh, sigmoid, relu)."""
    with np.errstate(over="ignore", under="ignore"):
        a = phi.forward(u)
        if not derivative:
            return a, None
        if phi.derivative_from_a is not None:
            return a, np.broadcast_to(np.asarray(phi.derivative_from_a(a), dtype=np.float64), a.shape)
        return a, phi.derivative(u)


def single_moments(phi, q, rule: Rule = RULE_1D) -> dict[str, np.ndarray]:
    """For u = sqrt(q) z, z ~ N(0, 1), at every q (any shape): the expectations the q-map and chi1 need.

    phi2 = E[phi(u)^2], dphi2 = E[phi'(u)^2], mean = E[phi(u)], dphi4 = E[phi'(u)^4],
    slope = E[phi(u) phi'(u) z] = (1/2) d E[phi(s z)^2] / ds at s = sqrt(q) (Newton's step for q*).
    """
    s = np.sqrt(np.asarray(q, dtype=np.float64))[..., None]
    a, da = _values(phi, s * rule.z, derivative=True)
    da2 = da * da
    return {"phi2": (a * a) @ rule.w, "dphi2": da2 @ rule.w, "mean": a @ rule.w, "dphi4": (da2 * da2) @ rule.w,
            "slope": (a * da) @ (rule.w * rule.z)}


def expect(f, rule: Rule = RULE_1D) -> float:
    """E[f(z)], z ~ N(0, 1): sum_j w_j f(z_j)."""
    return float(np.asarray(f(rule.z), dtype=np.float64) @ rule.w)


def pair_moments(phi, q, c, rule: Rule = RULE_2D, derivative: bool = True) -> dict[str, np.ndarray]:
    """For (u1, u2) ~ N(0, q [[1, c], [c, 1]]) at every (q, c) (broadcast shapes): the c-map's expectations.

    u1 = sqrt(q) z1, u2 = sqrt(q) (c z1 + sqrt(1 - c^2) z2) on the tensor rule (z1_i, z2_j), weights w_i w_j.
    gap = E[phi(u1)^2] - E[phi(u1) phi(u2)] = E[(phi(u1) - phi(u2))^2] / 2 (0 at c = 1, written so it stays
    accurate there), cross = E[phi(u1) phi(u2)], self = E[phi(u1)^2], dcross = E[phi'(u1) phi'(u2)].
    """
    q, c = np.broadcast_arrays(np.asarray(q, dtype=np.float64), np.asarray(c, dtype=np.float64))
    s = np.sqrt(q)[..., None]
    sine = np.sqrt(np.clip(1 - c * c, 0.0, 1.0))[..., None]
    u1 = s * rule.z                                                        # (..., n)
    u2 = (c[..., None] * u1)[..., None] + (sine * u1)[..., None, :]        # (..., n, n): [i, j] for z1_i, z2_j
    a1, d1 = _values(phi, u1, derivative)
    a2, d2 = _values(phi, u2, derivative)
    diff = a2
    diff -= a1[..., None]                                                  # a2 is ours: reuse it
    diff *= diff
    out = {"gap": (diff @ rule.w) @ rule.w / 2, "self": (a1 * a1) @ rule.w}
    out["cross"] = out["self"] - out["gap"]
    if derivative:
        out["dcross"] = (d1 * (d2 @ rule.w)) @ rule.w
    return out
