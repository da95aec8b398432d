"""The init explorer page, run headless with AppTest: defaults, widgets -> charts, URL -> widgets, hostile links,
and the numbers it prints against the engine's."""
import json
import math
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from engine import initializers, symmetry, theory
from lessons.init_explorer import compute
from tests.app.pagetest import run_page

# AppTest resolves a relative path against the calling file, so give it the page's absolute path
PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "init_explorer.py")


def run(**query) -> AppTest:
    at = run_page("pages/init_explorer.py", query)
    assert not at.exception, [e.value for e in at.exception]
    return at


def specs(at) -> list[str]:
    return [chart.proto.spec for chart in at.get("plotly_chart")]


def widgets(at) -> dict:
    return {w.key: w.value for kind in (at.slider, at.selectbox, at.select_slider, at.number_input) for w in kind}


def measured(at, row: str) -> float:
    return float(at.dataframe[0].value.loc[row, "measured"])


def test_defaults_run_and_draw_four_charts():
    at = run()
    assert widgets(at) == {"init": "he_normal", "gain": 1.0, "fan_in": 256, "fan_out": 128, "act": "relu", "seed": 0}
    assert len(at.get("plotly_chart")) == 4                 # histogram, sweep, tied net, random net
    assert not at.warning
    assert any("\\sqrt{2/256}" in latex.value for latex in at.latex)
    # He + ReLU keeps the variance: n_in sigma^2 E[relu^2] = 256 * (2/256) * 1/2 = 1
    assert any(latex.value.strip("$\n").endswith("= 1") for latex in at.latex if "Var" in latex.value)


def test_every_chart_is_small_and_titled():
    at = run(init="orthogonal", fan_in="4096", fan_out="4096")      # the biggest sample the page draws
    for spec in specs(at):
        assert len(spec) < 1_000_000
        layout = json.loads(spec)["layout"]
        assert layout["xaxis"]["title"]["text"] and layout["yaxis"]["title"]["text"]
    sweep = json.loads(specs(at)[1])["layout"]
    assert sweep["xaxis"]["type"] == "log" and sweep["yaxis"]["type"] == "log"


@pytest.mark.parametrize("key, value", [("init", "xavier_uniform"), ("fan_in", 1024), ("seed", 42)])
def test_changing_a_widget_changes_the_histogram(key, value):
    at = run()
    before = specs(at)[0]
    widget = at.selectbox(key=key) if key == "init" else at.get_by_key(key)
    widget.set_value(value).run()
    assert not at.exception
    assert specs(at)[0] != before


def test_fan_out_moves_the_sweep_but_not_he_normal_std():
    at = run()
    before_sweep = specs(at)[1]
    at.number_input(key="fan_out").set_value(2048).run()
    assert specs(at)[1] != before_sweep                     # xavier and orthogonal curves depend on fan_out
    assert measured(at, "std") == pytest.approx(math.sqrt(2 / 256), rel=0.01)   # he_normal uses fan_in only


def test_query_string_sets_the_widgets_and_survives_the_run():
    query = {"init": "xavier_uniform", "gain": "2.5", "fan_in": "4", "fan_out": "2", "act": "tanh", "seed": "7"}
    at = run(**query)
    assert widgets(at) == {"init": "xavier_uniform", "gain": 2.5, "fan_in": 4, "fan_out": 2, "act": "tanh",
                           "seed": 7}
    assert at.query_params == query                          # nothing dropped or rewritten
    again = run(**at.query_params)
    assert widgets(again) == widgets(at) and specs(again) == specs(at)


def test_query_string_sets_the_log_sliders():
    at = run(init="normal", std="0.003")
    assert at.select_slider(key="std").value == 0.003
    at = run(init="uniform", limit="0.4")
    assert at.select_slider(key="limit").value == 0.4
    assert measured(at, "max") <= 0.4 and measured(at, "max") > 0.39
    assert not at.warning


def test_off_grid_log_value_snaps_to_the_nearest_option():
    at = run(init="uniform", limit="0.31")
    assert at.select_slider(key="limit").value == 0.3


def test_hostile_link_is_clamped_or_ignored_with_a_notice():
    at = run(fan_in="99999", init="<script>alert(1)</script>", seed="nan", gain="1e308", evil="1")
    values = widgets(at)
    assert values["fan_in"] == 4096 and values["init"] == "he_normal" and values["seed"] == 0
    assert values["gain"] == 5.0
    notice = at.warning[0].value
    assert "fan_in=99999" in notice and "4096" in notice
    assert "init=" in notice and "<" not in notice           # echoed back without markup
    assert "seed=nan" in notice and "evil" in notice


@pytest.mark.parametrize("query", [{"fan_in": "-5"}, {"fan_out": "abc"}, {"std": "-1", "init": "normal"},
                                   {"limit": "inf", "init": "uniform"}, {"value": "1e9", "init": "constant"},
                                   {"act": "relu6"}, {"fan_in": "1", "fan_out": "1", "init": "orthogonal"}])
def test_other_bad_or_edge_links_do_not_crash(query):
    at = run(**query)
    assert len(at.get("plotly_chart")) == 4


@pytest.mark.parametrize("init, query", [("he_normal", {"fan_in": "300", "fan_out": "50", "seed": "3"}),
                                         ("xavier_uniform", {"fan_in": "4", "fan_out": "2", "seed": "1"}),
                                         ("orthogonal", {"fan_in": "64", "fan_out": "200", "gain": "1.3"}),
                                         ("normal", {"std": "0.05"}), ("torch_default", {"fan_in": "1000"})])
def test_table_shows_the_engines_numbers(init, query):
    at = run(init=init, **query)
    fan_in, fan_out, seed = int(query.get("fan_in", 256)), int(query.get("fan_out", 128)), int(query.get("seed", 0))
    params = {k: float(v) for k, v in query.items() if k in initializers.INITIALIZERS[init].defaults}
    w = initializers.initialize(init, (fan_in, fan_out), np.random.default_rng(seed), dtype=np.float32, **params)
    assert measured(at, "std") == w.std(dtype=np.float64)    # the same draw, to the last bit
    assert measured(at, "mean") == w.mean(dtype=np.float64)
    assert measured(at, "max") == float(w.max()) and measured(at, "min") == float(w.min())
    expected = initializers.expected_std(init, (fan_in, fan_out), **params)
    assert at.dataframe[0].value.loc["std", "theory"] == f"{expected:.4g}"


def test_plugged_in_xavier_limit_is_the_lecture_example():
    at = run(init="xavier_uniform", fan_in="4", fan_out="2")
    shown = [latex.value for latex in at.latex]
    assert any(r"1\cdot\sqrt{6/(4+2)} = 1" in s for s in shown)          # a = g sqrt(6/(n_in+n_out)) = 1
    assert any(r"1/\sqrt{3} = 0.5774" in s for s in shown)               # std = a / sqrt(3)
    table = at.dataframe[0].value
    assert table.loc["max", "theory"] == "1" and table.loc["min", "theory"] == "-1"
    assert measured(at, "max") <= 1.0 and measured(at, "min") >= -1.0
    assert any("σ/√(5n) = 0.09" in c.value for c in at.caption)         # uniform: kurtosis 9/5, n = 8


def test_orthogonal_big_layer_is_capped_with_a_note_and_the_same_std():
    at = run(init="orthogonal", fan_in="4096", fan_out="2000")
    assert compute.sample_shape("orthogonal", 4096, 2000) == (4096, 512)
    assert any("4096×512" in info.value for info in at.info)
    w = initializers.initialize("orthogonal", (4096, 512), np.random.default_rng(0), dtype=np.float32)
    assert measured(at, "std") == w.std(dtype=np.float64)
    assert initializers.expected_std("orthogonal", (4096, 512)) == initializers.expected_std("orthogonal", (4096, 2000))
    assert compute.sample_shape("orthogonal", 300, 2048) == (300, 2048)          # cheap enough: drawn whole
    assert compute.sample_shape("orthogonal", 1024, 1024) == (1024, 1024)
    assert compute.sample_shape("he_normal", 4096, 4096) == (4096, 4096)


def test_gain_zero_warns_and_draws_a_spike():
    at = run(init="he_normal", gain="0")
    assert any("Gain 0" in w.value for w in at.warning)
    assert measured(at, "std") == 0.0
    assert "share of weights" in specs(at)[0]


def test_zero_init_shows_one_distinct_unit_and_random_shows_four():
    at = run(init="zeros")
    tied, rand = json.loads(specs(at)[2]), json.loads(specs(at)[3])
    assert "4 units, 1 distinct" in json.dumps(tied["layout"]["annotations"])
    assert "4 units, 4 distinct" in json.dumps(rand["layout"]["annotations"])
    assert "xavier_uniform" in rand["layout"]["title"]["text"]          # the fallback random init
    final = symmetry.train_tiny("zeros", seed=0).loss[-1]
    assert any(f"{final:.3f} with equal weights" in c.value for c in at.caption)


def test_gain_button_sets_the_recommended_gain():
    at = run(init="xavier_normal", act="tanh")
    (button,) = [b for b in at.button if b.label.startswith("Set gain")]
    assert button.label == "Set gain to 1.67"
    button.click().run()
    assert at.slider(key="gain").value == 1.67
    at = run(init="he_normal", act="tanh")                   # he_* already hold the factor 2: 5/3 / sqrt(2)
    assert [b.label for b in at.button] == ["Set gain to 1.18"]


def test_activation_without_a_pytorch_gain_says_so():
    at = run(act="gelu")
    text = " ".join(m.value for m in at.markdown)
    assert "PyTorch has no gain for gelu" in text
    assert f"{theory.variance_preserving_gain('gelu'):.4g}" in text


def test_library_spellings_flag_keras_truncation():
    at = run(init="he_normal")
    code = " ".join(c.value for c in at.code)
    assert "nn.init.kaiming_normal_(" in code and 'nonlinearity="relu"' in code
    assert "torch.empty(128, 256)" in code                   # PyTorch's (out, in) layout
    assert 'distribution="untruncated_normal"' in code
    assert "truncated" in " ".join(m.value for m in at.markdown)
