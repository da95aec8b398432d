"""Where chi1 passes 1 as sigma_w2 grows at a fixed sigma_b2: the edge of chaos, or a jump over it.

chi1 is taken at the q* the length map reaches from q = 1 (engine.theory_meanfield), as everywhere in the lesson.
Usually it passes 1 continuously, at the sigma_w2 that solves theory_meanfield.critical_sigma_w2's two conditions.
But gelu and swish are linear with slope 1/2 near 0 and relu-like far out, so at a small sigma_b2 their length map
has a stable small fixed point with an unstable one above it; as sigma_w2 grows, the two meet or the unstable one
passes q = 1, q* (from q = 1) jumps from a small value to inf, and chi1 jumps over 1 (gelu at sigma_b2 = 0: from
0.59 to 1.18 at sigma_w2 = 2.35). The two conditions' solution is then a fixed point that q = 1 never reaches
(chi1 there is not 1): such a sigma_b2 has no edge of chaos, and the phase boundary is the jump, found here by
bisection on chi1 >= 1.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import theory_meanfield as mf

WIDTH_TOL = 1e-12     # the bisection stops when its bracket is this narrow (relative, in sigma_w2)
JUMP_TOL = 1e-6       # chi1 changing by more than this across that bracket is a jump: a continuous chi1 moves ~1e-12
BRACKET_STEPS = 30    # halvings or doublings of sigma_w2 to bracket chi1 = 1 (2^30: none within the sliders' reach)


@dataclass(frozen=True)
class Boundary:
    """Per sigma_b2: edge, sigma_w2 with chi1 = 1 (nan where there is none); jump, sigma_w2 where chi1 jumps over 1
    instead (nan elsewhere), with chi1 and q* just below and just above it (nan elsewhere)."""
    edge: np.ndarray
    jump: np.ndarray
    chi1_below: np.ndarray
    chi1_above: np.ndarray
    q_below: np.ndarray
    q_above: np.ndarray


def reached_chi1(phi, sw, sb) -> np.ndarray:
    """chi1 at the q* reached from q = 1."""
    return mf.chi1(phi, sw, mf.q_star(phi, sw, sb))


def phase_boundary(phi, sb) -> Boundary:
    """The edge of chaos, or the jump over chi1 = 1, at every sigma_b2 of sb (see the module's text)."""
    sb = np.asarray(sb, dtype=np.float64)
    edge = mf.critical_sigma_w2(phi, sb).ravel()
    out = [np.full(edge.shape, np.nan) for _ in range(5)]
    if phi.name not in mf.HOMOGENEOUS:
        _fix_unreached(phi, edge, sb.ravel(), out)
    return Boundary(edge.reshape(sb.shape), *(a.reshape(sb.shape) for a in out))


def _fix_unreached(phi, edge, sb, out) -> None:
    """Where chi1 at the two conditions' sigma_w2 is not 1, bisect on chi1 >= 1: a continuous crossing becomes the
    edge; a jump sets edge to nan and fills out = [jump, chi1_below, chi1_above, q_below, q_above]."""
    finite = np.isfinite(edge)
    chi = np.full(edge.shape, np.nan)
    chi[finite] = reached_chi1(phi, edge[finite], sb[finite])
    idx = np.flatnonzero(finite & (np.abs(chi - 1) > mf.CRITICAL_TOL))
    if idx.size == 0:
        return
    lo, hi = _bracket(phi, edge[idx], sb[idx], chi[idx] >= 1)
    lo, hi = _bisect(phi, lo, hi, sb[idx])
    ok = np.isfinite(lo) & np.isfinite(hi)
    chi_lo, chi_hi = np.full(idx.shape, np.nan), np.full(idx.shape, np.nan)
    chi_lo[ok], chi_hi[ok] = reached_chi1(phi, lo[ok], sb[idx][ok]), reached_chi1(phi, hi[ok], sb[idx][ok])
    jumps = ok & (chi_hi - chi_lo > JUMP_TOL)
    edge[idx] = np.where(~ok | jumps, np.nan, np.where(np.abs(chi_hi - 1) < np.abs(chi_lo - 1), hi, lo))
    j = idx[jumps]
    out[0][j], out[1][j], out[2][j] = np.sqrt(lo[jumps] * hi[jumps]), chi_lo[jumps], chi_hi[jumps]
    out[3][j], out[4][j] = mf.q_star(phi, lo[jumps], sb[j]), mf.q_star(phi, hi[jumps], sb[j])


def _bracket(phi, start, sb, above) -> tuple[np.ndarray, np.ndarray]:
    """(lo, hi) with chi1(lo) < 1 <= chi1(hi), by halving or doubling from start; nan where none is found."""
    lo, hi = np.where(above, start / 2, start), np.where(above, start, start * 2)
    for _ in range(BRACKET_STEPS):
        low_too_high = reached_chi1(phi, lo, sb) >= 1
        high_too_low = reached_chi1(phi, hi, sb) < 1
        if not (low_too_high | high_too_low).any():
            return lo, hi
        hi = np.where(low_too_high, lo, np.where(high_too_low, hi * 2, hi))
        lo = np.where(low_too_high, lo / 2, np.where(high_too_low, hi / 2, lo))
    bad = (reached_chi1(phi, lo, sb) >= 1) | (reached_chi1(phi, hi, sb) < 1)
    return np.where(bad, np.nan, lo), np.where(bad, np.nan, hi)


def _bisect(phi, lo, hi, sb) -> tuple[np.ndarray, np.ndarray]:
    """Narrow (lo, hi) to WIDTH_TOL keeping chi1(lo) < 1 <= chi1(hi); nan brackets stay nan."""
    active = np.flatnonzero(np.isfinite(lo) & np.isfinite(hi))
    while active.size:
        mid = np.sqrt(lo[active] * hi[active])
        up = reached_chi1(phi, mid, sb[active]) >= 1
        hi[active[up]], lo[active[~up]] = mid[up], mid[~up]
        active = active[hi[active] - lo[active] > WIDTH_TOL * hi[active]]
    return lo, hi
