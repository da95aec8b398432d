"""The theory lesson's pieces without a page: the width budget, the trainable depth, the links' rounding, the words'
numbers, and the mean-field lines the activations and gradients lessons draw."""
import math
from dataclasses import replace

import numpy as np
import pytest

from engine import theory
from lessons.network import theory as mean_field
from lessons.network.settings import NetworkSettings
from lessons.theory import budget, compute, links, settings, text


@pytest.mark.parametrize("depth", [1, 50, 100])
@pytest.mark.parametrize("width", [8, 256, 1024])
@pytest.mark.parametrize("weights", ["gaussian", "orthogonal"])
def test_the_measured_width_fits_the_budget(depth, width, weights):
    used = budget.measured_width(depth, width, weights)
    assert used <= width and used % budget.WIDTH_STEP == 0
    assert budget.seconds(depth, used, weights) <= budget.SECONDS or used == budget.WIDTH_STEP


def test_the_presets_nets_are_measured_at_full_width():
    assert budget.measured_width(50, 256, "gaussian") == 256 == budget.measured_width(50, 256, "orthogonal")


def test_the_trainable_depth_is_six_xi_c_or_six_gradient_scales_where_xi_c_is_infinite():
    mf = theory.mean_field("tanh", 4.0, 0.05)
    assert compute.depth_limit(mf.chi1, mf.xi_c) == pytest.approx(6 * mf.xi_c)
    relu = theory.mean_field("relu", 3.0, 0.1)
    assert math.isinf(relu.xi_c) and compute.depth_limit(relu.chi1, relu.xi_c) == pytest.approx(6 / math.log(1.5))
    he = theory.mean_field("relu", 2.0, 0.0)
    assert math.isinf(compute.depth_limit(he.chi1, he.xi_c))
    grid = compute.depth_limit(np.array([[0.5, 1.5]]), np.array([[2.0, np.inf]]))
    np.testing.assert_allclose(grid, [[12.0, 6 / math.log(1.5)]])


def test_the_links_round_to_the_other_lessons_controls():
    """LeCun (sigma_w2 = g^2) or He (2 g^2) normal, whichever is nearer, with the gain slider's 0.01; sigma_b to 0.1."""
    s = settings.Settings(sigma_w2=1.5, sigma_b2=0.05, width=256)
    r = links.rounded(s)
    assert (r.init, r.gain, r.bias_std) == ("lecun_normal", 1.22, 0.2)         # 1.4884 (He: 2 x 0.87^2 = 1.5138)
    assert r.sigma_w2 == pytest.approx(1.4884) and r.sigma_b2 == pytest.approx(0.04)
    assert links.rounded(replace(s, sigma_w2=2.0)) == links.Rounded(2.0, "he_normal", 1.0, 0.2, 2.0, r.sigma_b2)
    ortho = links.rounded(replace(s, weights="orthogonal", sigma_w2=2.0))
    assert (ortho.init, ortho.gain) == ("orthogonal", 1.41) and ortho.sigma_w2 == pytest.approx(1.41**2)


@pytest.mark.parametrize("sigma_w2", np.round(np.arange(0.1, 5.0, 0.01), 2))
def test_the_links_reproduce_sigma_w2_to_the_gain_steps_rounding(sigma_w2):
    """|Delta sigma_w2| / sigma_w2 <= 2 x 0.005 / g (+ rounding): 1% at g = 1, 3.2% at the smallest sigma_w2."""
    r = links.rounded(settings.Settings(sigma_w2=float(sigma_w2)))
    k = 2.0 if r.init == "he_normal" else 1.0
    assert abs(r.sigma_w2 - sigma_w2) / sigma_w2 <= 0.01 / math.sqrt(sigma_w2 / k) + 1e-12


def test_a_critical_link_aims_at_the_edge_at_the_rounded_bias():
    s = settings.Settings(sigma_w2=theory.critical_sigma_w2("tanh", 1e-5), sigma_b2=1e-5, critical=True)
    r = links.rounded(s)
    assert r.sigma_b2 == 0 and r.target == pytest.approx(1.0) and r.sigma_w2 == 1.0     # the edge at sigma_b2 = 0


def test_numbers_read_as_the_page_writes_them():
    assert text.number(6.376e8) == "6.38 × 10⁸" and text.number(3.47e-10) == "3.47 × 10⁻¹⁰"
    assert text.number(25.21) == "25.2" and text.number(math.inf) == "∞" and text.number(0.0) == "0"


def test_the_grid_holds_slider_values():
    sw, sb = settings.grid()
    assert sw[0] == settings.SW2.lo and sw[-1] == settings.SW2.hi and sb[0] == settings.SB2.lo
    assert all(settings.SW2.check(v) == v for v in sw) and all(settings.SB2.check(v) == v for v in sb)


def test_mean_field_lines_for_relu_at_he_are_level():
    net = NetworkSettings(depth=6, activation="relu", init="he_normal", init_params=(("gain", 1.0),))
    lines = mean_field.lines(net)
    np.testing.assert_allclose(lines.z_std, math.sqrt(2), rtol=1e-12)               # q_l = 2 for unit inputs
    np.testing.assert_allclose(lines.a_std, math.sqrt(2 * (0.5 - 1 / (2 * math.pi))), rtol=1e-9)
    np.testing.assert_allclose(lines.grad_norms(3.0), 3.0, rtol=1e-12)              # chi = 1 every layer


def test_mean_field_lines_follow_the_weight_scale_and_the_bias_spread():
    net = NetworkSettings(depth=4, init="normal", init_params=(("std", 0.1),), weight_scale=2.0, bias_std=0.3)
    lines = mean_field.lines(net)
    sw2 = 256 * (0.1 * 2.0) ** 2
    np.testing.assert_allclose(lines.z_std ** 2, theory.predicted_q("tanh", sw2, 0.09, 1.0, 4), rtol=1e-12)


@pytest.mark.parametrize("change, words", [
    (dict(batch_norm=True), "batch norm"), (dict(init="zeros", init_params=()), "same number"),
    (dict(init="lsuv", init_params=()), "LSUV"), (dict(bias=0.3), "zero-mean biases")])
def test_the_mean_field_is_not_drawn_where_it_does_not_hold(change, words):
    net = replace(NetworkSettings(), **change)
    assert mean_field.lines(net) is None and words in mean_field.why_not(net)


def test_a_gap_is_measured_only_where_both_values_are_resolved():
    assert mean_field.largest_gap([1.0, 2.0, 0.0], [1.0, 1.0, 1.0]) == (2.0, 2)
    assert mean_field.largest_gap([1e-20, 1.0], [1.0, 1.0]) == (1.0, 2)         # below FLOOR: not compared
    assert mean_field.largest_gap([math.inf], [1.0]) is None
