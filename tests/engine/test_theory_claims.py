"""The theory lesson's presets: each states a claim, and these tests check it on the numbers the page shows
(mean-field values, and the Jacobian spectrum and correlations of an actual net: width 256, depth 50)."""
import math

import numpy as np
import pytest

from engine import theory
from engine.theory_presets import DEPTH, PRESETS, WIDTH  # the claims are written once, there
from tests.engine.test_theory import mlp

CRITICAL_TOL = 1e-6              # |chi1 - 1| of a preset placed on the critical line
UNLIMITED_DEPTH = 1e4            # "depth no longer limits": 6 xi_c beyond any depth the app offers
VANISHED = 1e-6                  # mean lambda = chi1^L below this: the gradient signal is gone
EXPLODED = 1e4                   # mean lambda above this: gradients explode
ISOMETRY_SPREAD = 0.5            # std of lambda below this: every singular value near 1
SPREAD = 5.0                     # std of lambda above this: far from isometry
ISOMETRY_DECADES = 3             # lambda_max / lambda_min of an isometric net below 10^3 (Gaussian: above 10^15)
NOT_ISOMETRIC_DECADES = 20       # the edge of chaos at q* = 0.57: resolved lambda span 26-28 decades, both weights
COLLAPSED = 0.999                # ordered: two inputs at c0 = 0.5 correlate above this by layer 20
DECORRELATED = 0.35              # chaotic: two inputs at c0 = 0.99 correlate below this by layer 40


def setting(name):
    p = PRESETS[name]
    sw = theory.critical_sigma_w2(p["activation"], p["sigma_b2"]) if p["sigma_w2"] == "critical" else p["sigma_w2"]
    return p["activation"], sw, p["sigma_b2"]


def spectrum(name, init):
    """Squared singular values of the preset's 50-layer, 256-wide net (normal or orthogonal weights)."""
    act, sw, sb = setting(name)
    return theory.jacobian_singular_values(mlp(act, sw, sb, (WIDTH,) * (DEPTH + 1), init=init)) ** 2


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_states_a_claim(name):
    assert len(PRESETS[name]["claim"]) > 40
    act, sw, sb = setting(name)
    assert theory.mean_field(act, sw, sb).latex()


def test_edge_of_chaos():
    mf = theory.mean_field(*setting("edge_of_chaos"))
    assert abs(mf.chi1 - 1) < CRITICAL_TOL and mf.phase == "critical"
    assert mf.trainable_depth > UNLIMITED_DEPTH
    assert mf.q_star == pytest.approx(0.570, abs=1e-3)
    assert theory.jacobian_moments(*setting("edge_of_chaos"), DEPTH).mean == pytest.approx(1.0, abs=1e-4)
    assert mf.xi_c == math.inf                                                   # not rounding noise of 10^9
    for init in ("normal", "orthogonal"):                                        # that is not isometry
        lam = spectrum("edge_of_chaos", init)
        assert math.log10(lam.max() / lam[lam > lam.max() * 1e-28].min()) > NOT_ISOMETRIC_DECADES


def test_ordered_phase():
    act, sw, sb = setting("ordered")
    mf = theory.mean_field(act, sw, sb)
    assert mf.phase == "ordered" and mf.c_star == 1.0
    assert mf.xi_c == pytest.approx(2.295, abs=1e-3) and mf.trainable_depth < DEPTH
    assert spectrum("ordered", "normal").mean() < VANISHED
    c = theory.correlation_through_depth(mlp(act, sw, sb, (512,) * 21), c0=0.5).measured
    assert c[-1] > COLLAPSED


def test_chaotic_phase():
    act, sw, sb = setting("chaotic")
    mf = theory.mean_field(act, sw, sb)
    assert mf.phase == "chaotic" and mf.c_star == pytest.approx(0.165, abs=1e-3)
    assert mf.xi_c == pytest.approx(6.98, abs=1e-2) and mf.trainable_depth < DEPTH
    assert spectrum("chaotic", "normal").mean() > EXPLODED
    c = theory.correlation_through_depth(mlp(act, sw, sb, (512,) * 41), c0=0.99).measured
    assert c[-1] < DECORRELATED


def test_orthogonal_vs_gaussian_at_criticality():
    act, sw, sb = setting("orthogonal_vs_gaussian")
    assert abs(theory.chi1(act, sw, sb) - 1) < CRITICAL_TOL and theory.q_star(act, sw, sb) < 0.03
    ortho, gauss = spectrum("orthogonal_vs_gaussian", "orthogonal"), spectrum("orthogonal_vs_gaussian", "normal")
    assert ortho.std() < ISOMETRY_SPREAD < SPREAD < gauss.std()
    assert theory.jacobian_moments(act, sw, sb, DEPTH, "orthogonal").std < ISOMETRY_SPREAD
    assert math.log10(gauss.max() / gauss.min()) > 15 > ISOMETRY_DECADES > math.log10(ortho.max() / ortho.min())


def test_relu_at_he_is_never_isometric():
    act, sw, sb = setting("relu_he")
    assert theory.chi1(act, sw, sb) == 1.0 and math.isnan(theory.q_star(act, sw, sb))
    for init, weights in [("orthogonal", "orthogonal"), ("normal", "gaussian")]:
        th = theory.jacobian_moments(act, sw, sb, DEPTH, weights)
        assert th.mean == 1.0 and th.std >= math.sqrt(DEPTH) > SPREAD
        assert spectrum("relu_he", init).std() > SPREAD
    assert np.isinf(theory.depth_scale(act, sw, sb))       # correlations still converge, but polynomially
