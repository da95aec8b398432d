"""Theory page: loads, every control changes the data, the URL round-trips, the numbers are the engine's, a click on
the phase diagram sets the point, the links open the same network elsewhere, the width budget says so."""
import math
from urllib.parse import parse_qs

import numpy as np
import pytest

from engine import theory
from lessons.theory import settings
from lessons.theory.compute import Net
from tests.app.pagetest import figures, run_page, same_data, texts, widget

PAGE = "pages/theory.py"
SMALL = {"depth": "8", "width": "32"}          # quick nets for tests about the controls


def metric(at, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def numbers(at):
    return at.dataframe[0].value.set_index("quantity")


@pytest.fixture(scope="module")
def default_page():
    return run_page(PAGE)


def test_runs_at_defaults_with_the_engine_numbers(default_page):
    """tanh at sigma_w2 = 2, sigma_b2 = 0.05, 50 layers: xi_c = 25.2 (the issue's reference value), trains."""
    at = default_page
    assert not at.exception
    assert len(figures(at)) == 5                     # diagram, correlation, two spectra, the stream
    mf = theory.mean_field("tanh", 2.0, 0.05)
    assert metric(at, "χ₁") == f"{mf.chi1:.3g}" and metric(at, "ξ_c") == "25.2" and metric(at, "6 ξ_c") == "151"
    assert numbers(at).loc["ξ_c", "theory"] == mf.xi_c and numbers(at).loc["q*", "theory"] == mf.q_star
    assert "within 6 ξ_c = 151" in at.success[0].value
    shown = [x.value.strip("$\n") for x in at.latex]
    assert all(line in shown for line in mf.latex())
    assert all(line in shown for line in theory.jacobian_moments("tanh", 2.0, 0.05, 50, "orthogonal").latex())


def test_the_measured_numbers_are_the_engines():
    at = run_page(PAGE, {**SMALL, "act": "relu", "sw2": "1.8", "sb2": "0.1", "seed": "3", "c0": "0.3"})
    net = Net("relu", 1.8, 0.1, 8, 32, "gaussian", 3)
    lam = theory.jacobian_singular_values(net.config(), seed=3) ** 2
    assert numbers(at).loc["std λ, gaussian", "measured"] == pytest.approx(lam.std(), rel=1e-12)
    cd = theory.correlation_through_depth(net.config(), 0.3, seed=3)
    correlation = next(f for f in figures(at) if f["layout"]["title"]["text"].startswith("Correlation of two"))
    np.testing.assert_allclose(correlation["data"][0]["y"], cd.measured, rtol=1e-12)
    np.testing.assert_allclose(correlation["data"][1]["y"], cd.predicted, rtol=1e-12)


@pytest.mark.parametrize("key, value", [("act", "relu"), ("sw2", 1.2), ("sb2", 0.2), ("critical", True),
                                        ("depth", 12), ("width", 48), ("weights", "orthogonal"), ("c0", 0.9),
                                        ("seed", 7)])
def test_every_control_changes_the_data(key, value):
    at = run_page(PAGE, SMALL)
    before = figures(at)
    widget(at, key).set_value(value).run()
    assert not at.exception
    assert at.query_params.get(key) is not None, f"{key} is written to the link"
    assert any(not same_data(a, b) for a, b in zip(before, figures(at), strict=True)), key


def test_the_link_round_trips():
    query = {"act": "elu", "sw2": "1.37", "sb2": "0.12", "depth": "9", "width": "40", "weights": "orthogonal",
             "c0": "0.8", "seed": "11"}
    first = run_page(PAGE, query)
    assert not first.exception and dict(first.query_params) == query
    assert {k: widget(first, k).value for k in ("act", "sw2", "depth", "weights")} == \
        {"act": "elu", "sw2": 1.37, "depth": 9, "weights": "orthogonal"}
    again = run_page(PAGE, dict(first.query_params))
    assert dict(again.query_params) == query and not any("adjusted" in w.value for w in again.warning)
    assert all(same_data(a, b) for a, b in zip(figures(first), figures(again), strict=True))


def test_on_the_edge_of_chaos_sigma_w2_is_the_critical_value():
    at = run_page(PAGE, {**SMALL, "critical": "true", "sb2": "0.1"})
    assert dict(at.query_params) == {**SMALL, "critical": "true", "sb2": "0.1"}      # no sw2: it is not a setting
    with pytest.raises(KeyError):
        widget(at, "sw2")                                                       # the slider gives way to the value
    assert f"σ_w² = {theory.critical_sigma_w2('tanh', 0.1):.4g}: the edge of chaos" in texts(at)
    assert metric(at, "χ₁") == "1"


def test_clicked_point_reads_a_selection():
    assert settings.clicked_point(None) is None
    assert settings.clicked_point({"selection": {"points": []}}) is None
    assert settings.clicked_point({"selection": {"points": [{"x": "a", "y": 1}, {"x": 4.0, "y": 0.3}]}}) == (4.0, 0.3)


def test_a_click_on_the_diagram_sets_the_point():
    """AppTest cannot click a chart: do what the chart's on_select callback does, then rerun as the click would."""
    at = run_page(PAGE, {**SMALL, "critical": "true"})
    chart = at.get("plotly_chart")[0].proto
    assert settings.DIAGRAM_KEY in chart.id and list(chart.selection_mode), "the diagram is a clickable widget"
    assert settings.apply_selection(at.session_state, {"selection": {"points": [{"x": 4.0, "y": 0.3}]}})
    at.run()
    assert not at.exception
    assert widget(at, "sw2").value == 4.0 and widget(at, "sb2").value == 0.3 and widget(at, "critical").value is False
    assert at.query_params["sw2"] == "4" and at.query_params["sb2"] == "0.3"
    assert metric(at, "χ₁") == f"{theory.chi1('tanh', 4.0, 0.3):.3g}"
    star = figures(at)[0]["data"][-1]
    assert star["name"] == "your network" and list(star["x"]) == [4.0] and list(star["y"]) == [0.3]


def test_the_links_open_this_network_in_the_other_lessons():
    """LeCun normal with gain g = sqrt(sigma_w2) to the gain slider's 0.01: sigma_w2 = g^2 = 2.1025 for 2.1 (the old
    link's std option gave 64 x 0.17^2 = 1.85, another point of the diagram); sigma_b = 0.2 for 0.05."""
    at = run_page(PAGE, {"act": "relu", "sw2": "2.1", "sb2": "0.05", "depth": "12", "width": "64", "seed": "4"})
    links = {link.proto.page: parse_qs(link.proto.query_string) for link in at.get("page_link")
             if link.proto.label.startswith("Open in")}
    assert {"activations", "gradients"} <= set(links)
    assert links["activations"] == links["gradients"] == {
        "act": ["relu"], "depth": ["12"], "width": ["64"], "init": ["lecun_normal"], "gain": ["1.45"],
        "bias_std": ["0.2"], "seed": ["4"]}
    assert "σ_w² = g² = **2.1025**" in texts(at) and "σ_b² = **0.04**" in texts(at)
    assert "There χ₁ = **1.051** and χ₁^L = 1.82 (here 1.05 and 1.8): chaotic, as here" in texts(at)
    other = run_page("pages/activations.py", {k: v[0] for k, v in links["activations"].items()})
    assert not other.exception and not any("adjusted" in w.value for w in other.warning)
    assert other.dataframe[0].value["n_var_w"].iloc[1] == pytest.approx(1.45 ** 2, rel=0.1)


@pytest.mark.parametrize("query, gain, sigma_w2", [
    ({"sw2": "1.04", "sb2": "0"}, "1.02", "g² = **1.0404**"),
    ({"critical": "true", "sb2": "1e-05"}, "1",
     "g² = **1** (here 1.04) (the edge of chaos at their σ_b² is σ_w² = 1)")])
def test_a_link_keeps_the_phase_a_critical_net_is_not_sent_as_ordered(query, gain, sigma_w2):
    """Critical here (chi1 = 1.0005, and the isometry preset's edge at sigma_b2 = 1e-5): the link's gain keeps it
    critical there (the old std option 0.06 gave 256 x 0.06^2 = 0.92, chi1 = 0.92: ordered, 0.92^50 = 0.016)."""
    at = run_page(PAGE, {**SMALL, **query})
    link = next(link.proto for link in at.get("page_link") if link.proto.label.startswith("Open in"))
    assert parse_qs(link.query_string)["gain"] == [gain] and parse_qs(link.query_string)["init"] == ["lecun_normal"]
    assert sigma_w2 in texts(at) and "critical, as here" in texts(at)


def test_relu_at_he_links_he_normal_exactly():
    at = run_page(PAGE, {**SMALL, "act": "relu", "sw2": "2", "sb2": "0"})
    link = next(link.proto for link in at.get("page_link") if link.proto.label.startswith("Open in"))
    assert parse_qs(link.query_string)["init"] == ["he_normal"] and parse_qs(link.query_string)["gain"] == ["1"]
    assert "σ_w² = 2g² = **2**" in texts(at)


def test_orthogonal_weights_link_with_a_gain():
    at = run_page(PAGE, {**SMALL, "sw2": "1.7", "weights": "orthogonal"})
    link = next(link.proto for link in at.get("page_link") if link.proto.label.startswith("Open in"))
    assert parse_qs(link.query_string)["init"] == ["orthogonal"]
    assert parse_qs(link.query_string)["gain"] == [f"{round(math.sqrt(1.7), 2):g}"]


def test_a_heavy_net_is_measured_narrower_and_the_page_says_so():
    at = run_page(PAGE, {"depth": "100", "width": "1024"})
    assert not at.exception
    width = int(at.query_params["width"])
    assert width < 1024 and f"the measured nets here are {width} wide" in texts(at)


def test_relu_surprises_are_explained():
    at = run_page(PAGE, {**SMALL, "act": "relu", "sw2": "4", "depth": "30"})
    assert "A surprise of relu" in texts(at) and metric(at, "ξ_c") == "∞"
    assert "beyond 6 / |ln χ₁| = 8.66: it will not train" in at.warning[0].value


def _trace(fig, name_start):
    return next((t for t in fig["data"] if t["name"].startswith(name_start)), None)


def test_activations_draw_the_mean_field_std_over_the_measured():
    """tanh with Xavier (sigma_w2 = 1, no bias): sqrt(q_l) from the engine, and a = tanh(z)'s std at q_l."""
    at = run_page("pages/activations.py", {"depth": "12"})
    spread = next(f for f in figures(at) if f["layout"]["title"]["text"] == "Spread per layer")
    q = theory.predicted_q("tanh", 1.0, 0.0, 1.0, 12)
    np.testing.assert_allclose(_trace(spread, "mean field: std of z")["y"], np.sqrt(q), rtol=1e-12)
    measured = at.dataframe[0].value["a_std"].to_numpy()
    assert np.allclose(_trace(spread, "mean field: std of a")["y"], measured, rtol=0.1)     # width 256: within 10%


def test_gradients_draw_the_mean_field_norm_from_the_last_layer():
    at = run_page("pages/gradients.py", {"depth": "12"})
    a_norms = figures(at)[1]
    measured, line = _trace(a_norms, "xavier_normal (current)")["y"], _trace(a_norms, "mean field")["y"]
    assert line[-1] == pytest.approx(measured[-1], rel=1e-12)
    assert np.allclose(line, measured, rtol=0.25)


def test_the_mean_field_is_not_drawn_where_it_does_not_hold_and_the_page_says_why():
    at = run_page("pages/gradients.py", {"depth": "12", "bn": "true"})
    assert _trace(figures(at)[1], "mean field") is None
    assert "mean-field prediction is not drawn: batch norm" in texts(at)


def test_a_finite_width_gap_is_said_in_words():
    at = run_page("pages/activations.py", {"act": "relu", "init": "he_normal", "depth": "30", "width": "16"})
    note = next(c.value for c in at.caption if "mean-field line" in c.value)
    assert "× the prediction" in note and "16-wide layer" in note


def test_gelu_without_a_bias_has_no_edge_and_the_page_says_where_chi1_jumps():
    """The edge-of-chaos toggle falls back to the slider with the jump's numbers; the diagram draws the jump dashed
    and the note explains it (engine.theory_edge)."""
    at = run_page(PAGE, {**SMALL, "act": "gelu", "critical": "true", "sb2": "0"})
    assert not at.exception
    j = theory.chi1_jump("gelu", 0.0)
    said = texts(at)
    assert f"gelu has no edge of chaos at σ_b² = 0: at σ_w² ≈ {j.sigma_w2:.3g}" in said
    assert "χ₁ jumps over 1, from 0.588 to 1.18" in said and "a cliff, not an edge" in said
    assert "critical" not in at.query_params                           # the URL says what is used
    dashed = next(t for t in figures(at)[0]["data"] if t.get("name") == "χ₁ jumps over 1 (no edge)")
    rows = [y for x, y in zip(dashed["x"], dashed["y"]) if x is not None and math.isfinite(x)]
    assert rows and rows[0] == 0 and max(rows) < 0.2                   # the small sigma_b2 only
    tanh = run_page(PAGE, SMALL)
    assert all(t.get("name") != "χ₁ jumps over 1 (no edge)" for t in figures(tanh)[0]["data"])
    assert "a cliff, not an edge" not in texts(tanh)


def test_swish_jumps_over_the_whole_diagram_and_the_note_says_so():
    at = run_page(PAGE, {**SMALL, "act": "swish", "sb2": "0.1"})
    d = figures(at)[0]
    dashed = next(t for t in d["data"] if t.get("name") == "χ₁ jumps over 1 (no edge)")
    assert all(x is not None and math.isfinite(x) for x in dashed["x"])       # no sigma_b2 up to 0.5 has an edge
    assert "At every σ_b² shown (the dashed line) χ₁ never equals 1. The swish unit is linear" in texts(at)
