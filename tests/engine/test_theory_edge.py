"""Where chi1 jumps over 1 instead of passing it (gelu and swish at a small sigma_b2): no edge of chaos there, and the
boundary between order and chaos is where q* (reached from q = 1) jumps. Checked against the length map iterated with
scipy's quad (not the engine's solver), a closed form at sigma_b2 = 0, and a wide net measured layer by layer."""
import math

import numpy as np
import pytest

from engine import theory
from engine.mlp import MLP
from tests.engine.test_theory import gauss, mlp, scalar

OFF = 0.03             # 3% either side of the jump: far from it in chi1 (gaps of 0.06-0.6), near it in sigma_w2
NET_OFF = 0.1          # a 512-wide net's q wanders near the unstable fixed point: 10% keeps it clear
RUNAWAY = 1e6          # q past this keeps growing: relu-like, with sigma_w2 / 2 > 1


def iterated_q(name, sw, sb, steps=300) -> float:
    """q_l after `steps` layers of q' = sw E[phi(sqrt(q) z)^2] + sb from q = 1, by quad (RUNAWAY when it runs off)."""
    phi, _ = scalar(name)
    q = 1.0
    for _ in range(steps):
        q = sw * gauss(lambda z, q=q: phi(math.sqrt(q) * z) ** 2) + sb
        if q > RUNAWAY:
            return RUNAWAY
    return q


def chi1_at(name, sw, q) -> float:
    _, dphi = scalar(name)
    return sw * gauss(lambda z: dphi(math.sqrt(q) * z) ** 2)


@pytest.mark.parametrize("name, sb", [("gelu", 0.0), ("gelu", 0.05), ("gelu", 0.1), ("swish", 0.1), ("swish", 0.3)])
def test_chi1_jumps_over_one_where_q_star_jumps(name, sb):
    j = theory.chi1_jump(name, sb)
    assert j is not None and math.isnan(theory.critical_sigma_w2(name, sb))
    assert j.chi1_below < 1 < j.chi1_above and j.q_above > 10 * j.q_below
    low, high = iterated_q(name, j.sigma_w2 * (1 - OFF), sb), iterated_q(name, j.sigma_w2 * (1 + OFF), sb)
    assert low < 2 and high == RUNAWAY
    assert chi1_at(name, j.sigma_w2 * (1 - OFF), low) < 1 < chi1_at(name, j.sigma_w2 * (1 + OFF), high)


@pytest.mark.parametrize("name", ["gelu", "swish"])
def test_without_a_bias_the_jump_is_where_q_equals_one_is_the_fixed_point(name):
    """sigma_b2 = 0: q = 1 is itself the unstable fixed point at sigma_w2 = 1 / E[phi(z)^2]; below it q_l -> 0
    (chi1 -> sigma_w2 / 4), above it q_l -> inf (chi1 -> sigma_w2 / 2): the jump, to the bisection's accuracy."""
    phi, _ = scalar(name)
    sw = 1 / gauss(lambda z: phi(z) ** 2)
    j = theory.chi1_jump(name, 0.0)
    assert j.sigma_w2 == pytest.approx(sw, rel=1e-9)
    assert j.chi1_below == pytest.approx(sw / 4, rel=1e-6) and j.chi1_above == pytest.approx(sw / 2, rel=1e-6)


@pytest.mark.parametrize("name", ["gelu", "swish", "tanh", "elu", "softplus"])
def test_every_sigma_b2_has_an_edge_where_chi1_is_one_or_a_jump(name):
    sb = np.round(np.arange(0, 2.01, 0.05), 10)
    line = theory.critical_line(name, sb)
    for b, sw in zip(sb, line):
        if math.isfinite(sw):
            assert abs(theory.chi1(name, sw, b) - 1) < 1e-9, (b, sw)     # at the q* reached from q = 1
            assert theory.chi1_jump(name, b) is None
        else:
            assert theory.chi1_jump(name, b) is not None, b
    jumps = [theory.chi1_jump(name, b) is not None for b in sb]
    assert any(jumps) == (name in ("gelu", "swish"))
    assert jumps == sorted(jumps, reverse=True)                          # small sigma_b2 only


def test_the_phase_diagram_draws_the_jump_where_there_is_no_edge():
    sw, sb = np.linspace(1.0, 4.0, 61), np.array([0.0, 0.05, 0.1, 0.5, 1.0])
    d = theory.phase_diagram("gelu", sw, sb)
    assert np.isnan(d.critical[:3]).all() and np.isfinite(d.jump[:3]).all()
    assert np.isfinite(d.critical[3:]).all() and np.isnan(d.jump[3:]).all()
    for i in range(3):                                                  # ordered left of the jump, chaotic right
        assert (d.chi1[i][sw < d.jump[i]] < 0.95).all() and (d.chi1[i][sw > d.jump[i]] > 1.02).all()


def test_a_wide_gelu_net_goes_quiet_below_the_jump_and_grows_above_it():
    """512 wide, 40 layers, sigma_b2 = 0.05, the input scaled so that Var(z_1) = 1 (the diagram's q = 1; from Var(x)
    = 1 the first layer would start at sigma_w2 + sigma_b2 = 2.2, above the unstable fixed point, and run off). 10%
    below the jump Var(z) settles at q* (the last 5 layers over 4 seeds: 0.11-0.125 against 0.126); 10% above it
    grows layer after layer (by about sigma_w2 / 2 = 1.16 a layer)."""
    sb, j = 0.05, theory.chi1_jump("gelu", 0.05)
    var = {}
    for side in (-1, 1):
        sw = j.sigma_w2 * (1 + side * NET_OFF)
        x = np.random.default_rng(0).standard_normal((128, 512)) * math.sqrt((1 - sb) / sw)
        net = MLP(mlp("gelu", sw, sb, (512,) * 41))
        net.forward(x)
        var[side] = np.array([t.z.var() for t in net.trace])
    assert var[-1][0] == pytest.approx(1, rel=0.05) == var[1][0]
    below = theory.q_star("gelu", j.sigma_w2 * (1 - NET_OFF), sb)
    assert var[-1][-5:].mean() == pytest.approx(below, rel=0.2) and below < 0.2
    assert var[1][-1] > 100 * var[1][10]
