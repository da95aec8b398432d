"""The theory page says what its numbers show (a student's and a lecturer's reading of it): the finite width's
direction, ReLU without a bias, exact zeros, infinity on the critical line, the correlations' fate per case, the
clean charts, the bias slider's round steps, and the lecturer's toolkit (classroom link, predict, share, code)."""
import math

import pytest

from engine import theory
from lessons.theory import settings
from tests.app.pagetest import figures, run_page, texts, widget

PAGE = "pages/theory.py"
SMALL = {"depth": "8", "width": "32"}


def page(query=None):
    at = run_page(PAGE, query)
    assert not at.exception, at.exception
    return at


def metric(at, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def verdict(at) -> str:
    return next(b.value for kind in ("success", "warning") for b in getattr(at, kind) if b.value.startswith("**Verd"))


def test_an_excess_spread_is_not_explained_as_a_shortfall():
    """Seed 0 (the default) draws a Gaussian spread 1.5 x the theory's; seed 1 draws 0.37 x."""
    words = texts(page())
    assert "1.5 × the theory's with Gaussian weights" in words and "this draw has a few unusually large λ" in words
    assert "rarely draws" not in words
    words = texts(page({"seed": "1"}))
    assert "Falling short is the usual case" in words and "unusually large" not in words


def test_relu_without_a_bias_has_no_exponential_rate():
    """sigma_b2 = 0: c goes 0.5 -> 0.995 over 50 layers at sigma_w2 = 1 as at 2 (the arc-cosine map)."""
    at = page({"act": "relu", "sw2": "1", "sb2": "0"})
    assert metric(at, "ξ_c") == "∞" and metric(at, "6 / |ln χ₁|") == "8.66"
    assert "within ξ_c" not in verdict(at) and "has no exponential rate (ξ_c = ∞)" in verdict(at)
    assert "only as a power law" in texts(at) and "Without a bias (σ_b² = 0, as here)" in texts(at)
    assert "Below χ₁ = 1 they align within" not in texts(at)
    assert figures(at)[1]["data"][0]["y"][-1] > 0.98


def test_relu_zeros_are_counted_as_exact_zeros_and_the_span_is_over_the_rest():
    at = page({"act": "relu", "sb2": "0"})                                   # sigma_w2 = 2: He
    words = texts(at)
    assert ("**Exact zeros:** 144 of the 256 with orthogonal weights (rank ≤ 112) and 145 of the 256 with Gaussian "
            "weights (rank ≤ 111)") in words and "rank deficiency, not rounding" in words
    assert "22 of the nonzero λ with Gaussian weights are below what float64 resolves" in words
    gaussian = figures(at)[3]
    assert "145 exact zeros,<br> 22 below float64's resolution" in str(gaussian["layout"]["annotations"])


@pytest.mark.parametrize("query", [{"critical": "true", "sb2": "1e-05"}, {"critical": "true"}])
def test_on_the_critical_line_xi_c_is_infinite_not_rounding_noise(query):
    at = page({**SMALL, **query})
    assert metric(at, "ξ_c") == "∞" and metric(at, "6 ξ_c") == "∞"
    assert any(r"\xi_c = \infty" in x.value for x in at.latex)


@pytest.mark.parametrize("query, words", [
    ({}, "end at c* = 0.744 wherever they start"),
    ({"sw2": "0.8"}, "collapse onto each other (c → c* = 1)"),
    ({"critical": "true"}, "approach c* = 1 only as a power law (1 − c ∝ 1/l): on the edge of chaos"),
    ({"sw2": "0.5", "sb2": "0"}, "keep roughly the correlation they start with: the signal dies (q* = 0)"),
    ({"act": "linear", "sw2": "1", "sb2": "0"}, "keep their correlation: with no bias in q a linear net")])
def test_the_correlations_fate_is_said_per_case(query, words):
    at = page({**SMALL, **query})
    assert words in texts(at)
    if query.get("critical"):
        assert "wherever they start" not in texts(at) and "the rate χ_c = 1" not in texts(at)


def test_the_chaotic_preset_is_at_the_edge_of_what_trains_and_a_deep_net_will_not():
    assert "it is at the edge of what trains" in verdict(page({**SMALL, "sw2": "4", "depth": "45"}))
    assert "it will not train" in verdict(page({**SMALL, "sw2": "4", "depth": "60"}))      # 60 > 1.2 x 41.9


def test_the_star_on_an_edge_is_drawn_whole_and_no_label_covers_the_correlations():
    at = page({**SMALL, "sb2": "0", "sw2": "0.1"})
    diagram, correlation = figures(at)[:2]
    (x0, x1), (y0, y1) = diagram["layout"]["xaxis"]["range"], diagram["layout"]["yaxis"]["range"]
    assert (x0, x1, y0, y1) == pytest.approx((0.1, 5.0, 0.0, 0.5))                 # the grid, no white strip
    star = diagram["data"][-1]
    assert star["name"] == "your network" and star["cliponaxis"] is False         # drawn whole over the axis
    assert not correlation["layout"].get("annotations")
    assert any(t["name"].startswith("fixed point c* = ") for t in correlation["data"])


def test_the_bias_slider_steps_through_round_values_and_a_click_lands_on_one():
    at = page(SMALL)
    sb2 = widget(at, "sb2")
    assert sb2.type == "select_slider" or "select" in type(sb2).__name__.lower()
    options = [float(o) for o in sb2.options]
    assert options[:5] == [0.0, 1e-5, 1e-4, 1e-3, 0.01] and 0.05 in options and options[-1] == 0.5
    assert all(settings.SB2.check(v) == v for v in settings.grid()[1])
    sb2.set_value(0.06).run()
    assert at.query_params["sb2"] == "0.06" and metric(at, "χ₁") == f"{theory.chi1('tanh', 2.0, 0.06):.3g}"


def test_a_classroom_link_hides_asks_and_predicts_the_phase():
    at = page({**SMALL, "hide": ["sw2", "critical"], "prompt": "Ordered or chaotic?", "predict": "true",
               "sw2": "0.8"})
    with pytest.raises(KeyError):
        widget(at, "sw2")
    assert any(i.value == "**Question for you:** Ordered or chaotic?" for i in at.info)
    assert not figures(at) and not any(b.value.startswith("**Verdict") for b in at.warning)
    radio = next(r for r in at.radio if r.key.startswith("_predict_"))
    assert list(radio.options) == ["ordered", "critical", "chaotic"]
    radio.set_value("chaotic").run()
    assert "the numbers say **ordered**" in texts(at) and figures(at)


def test_the_share_panel_and_the_network_as_code():
    at = page({**SMALL, "seed": "7"})
    assert any("seed=7" in c.value for c in at.code if "?" in c.value)
    script = next(c.value for c in at.code if c.value.startswith('"""Training Dynamics Lab, theory'))
    assert "SIGMA_W2, SIGMA_B2 = 2.0, 0.05" in script and "WIDTH, DEPTH, PAIRS = 32, 8, 32" in script
    assert f"C0, Q0 = 0.5, {theory.q_star('tanh', 2.0, 0.05)!r}" in script and "nn.Tanh()" in script
    compile(script, "script.py", "exec")
    assert "Download the PyTorch script" in [b.label for b in at.download_button]
    assert math.isfinite(theory.q_star("tanh", 2.0, 0.05))


def test_a_hidden_edge_of_chaos_toggle_is_set_up_as_a_number_not_as_the_answer():
    """Predicting "ordered, critical or chaotic?", a student must not read "edge of chaos = on" in the set-up line:
    it gives sigma_w2 instead, which the student can place on the diagram."""
    at = page({**SMALL, "hide": ["critical"], "predict": "true", "critical": "true", "sb2": "0.05"})
    line = next(c.value for c in at.caption if c.value.startswith("Set up for you"))
    assert f"σ_w² = n · Var(w) = {theory.critical_sigma_w2('tanh', 0.05):.4g}" in line
    assert "edge of chaos" not in line and "the edge of chaos for" not in texts(at)
