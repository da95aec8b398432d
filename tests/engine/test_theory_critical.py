"""Where xi_c = -1 / ln chi_c is infinite: on the critical line (chi_c = 1 within the quadrature's accuracy, not a
depth scale of 10^10 layers), and without a bias's share of q*, where the c-map's slope at c = 1 is 1 whatever
sigma_w2 is (ReLU's arc-cosine map; a smooth unit's vanishing signal passes almost linearly). Checked on wide nets."""
import math

import numpy as np
import pytest

from engine import theory
from engine.theory_meanfield import CRITICAL_TOL
from tests.engine.test_theory import mlp

DEPTH, WIDTH, C0 = 50, 256, 0.5
SAME_CURVE = 0.03        # two 256-wide nets' c_l (32 pairs each) agree to ~0.01; 0.03 leaves room
FROZEN = 0.05            # tanh with a dying signal: the mean field's c_l stays within this of c0 over 50 layers
KINK_TOL = 1e-3          # the 2-D tensor rule across ReLU's oblique kink (~3e-5 a step), over 50 steps


def arc_cosine(c: float) -> float:
    """ReLU's bias-free c-map (Cho & Saul 2009): (sqrt(1 - c^2) + (pi - arccos c) c) / pi."""
    return (math.sqrt(max(0.0, 1 - c * c)) + (math.pi - math.acos(min(c, 1.0))) * c) / math.pi


def measured_c(activation, sw, sb, c0=C0):
    return theory.correlation_through_depth(mlp(activation, sw, sb, (WIDTH,) * (DEPTH + 1)), c0=c0)


def test_relu_without_a_bias_aligns_as_a_power_law_at_every_sigma_w2():
    """sigma_b2 = 0: the correlations follow the arc-cosine map at sigma_w2 = 1 as at 2; at 1 a rate of
    chi_1 = 0.5 per layer would leave 1 - c_50 = 0.5^51, not the measured 5e-3."""
    low, he = measured_c("relu", 1.0, 0.0), measured_c("relu", 2.0, 0.0)
    c, arc = C0, []
    for _ in range(DEPTH):
        arc.append(c)
        c = arc_cosine(c)
    np.testing.assert_allclose(low.predicted, arc, atol=KINK_TOL)   # the mean field is the arc-cosine map
    assert np.abs(low.measured - he.measured).max() < SAME_CURVE
    assert 1e-3 < 1 - low.measured[-1] < 2e-2                       # ~ 9 pi^2 / (2 l^2): polynomial
    assert theory.depth_scale("relu", 1.0, 0.0) == math.inf == theory.depth_scale("relu", 2.0, 0.0)
    assert theory.depth_scale("relu", 1.0, 0.01) == pytest.approx(1 / math.log(2))   # any bias sets the rate


def test_tanh_with_a_dying_signal_keeps_its_correlation():
    """sigma_w2 = 0.5, sigma_b2 = 0: q_l -> 0 and tanh is linear there, so the mean field's c_l barely moves and
    nothing pulls the measured one anywhere: it wanders by the finite width's noise (0.5 -> 0.38 here), far from 1."""
    r = measured_c("tanh", 0.5, 0.0)
    assert np.abs(r.predicted - C0).max() < FROZEN and r.measured.max() < 0.6
    mf = theory.mean_field("tanh", 0.5, 0.0)
    assert mf.xi_c == math.inf and mf.chi1 == pytest.approx(0.5)    # gradients still shrink by chi_1


@pytest.mark.parametrize("activation, sigma_b2", [("tanh", 0.0), ("tanh", 1e-5), ("tanh", 0.05), ("tanh", 0.3),
                                                  ("sigmoid", 0.05), ("elu", 0.1), ("selu", 0.05)])
def test_on_the_critical_line_xi_c_is_infinite(activation, sigma_b2):
    sw = theory.critical_sigma_w2(activation, sigma_b2)
    mf = theory.mean_field(activation, sw, sigma_b2)
    assert abs(mf.chi1 - 1) < CRITICAL_TOL / 100          # the 1-D rule places the line far inside the tolerance
    assert mf.xi_c == math.inf and mf.c_star == 1.0 and mf.chi_c == 1.0
    assert "infty" in mf.latex()[-1]


@pytest.mark.parametrize("side", [-1, 1])
def test_just_off_the_line_xi_c_is_finite_and_large(side):
    sw = theory.critical_sigma_w2("tanh", 0.05) + side * 1e-6
    assert 1e5 < theory.depth_scale("tanh", sw, 0.05) < 1e8
