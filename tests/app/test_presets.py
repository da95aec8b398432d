"""Every preset's claim, checked on the numbers the page shows when its link is opened."""
import pandas as pd
import pytest

from lessons.presets import PRESETS
from tests.app.pagetest import figures, run_page, texts

BY_KEY = {p.key: p for p in PRESETS}


def open_preset(key):
    at = run_page(BY_KEY[key].page, BY_KEY[key].query)
    assert not at.exception, at.exception
    assert any(BY_KEY[key].title in i.value for i in at.info), "the page names the preset and its claim"
    return at


def verdict(at):
    boxes = [(kind, b.value) for kind in ("success", "warning", "error") for b in getattr(at, kind)
             if b.value.startswith("**Verdict:**")]
    assert len(boxes) == 1
    return boxes[0]


def test_zero_init_keeps_one_distinct_unit():
    at = open_preset("zero_init")
    assert "4 units, 1 distinct" in str(figures(at)[2]["layout"]["annotations"])


def test_lecture_layer_bound():
    at = open_preset("lecture_fans")
    table = at.dataframe[0].value
    assert table.loc["max", "theory"] == "1.095" and float(table.loc["max", "measured"]) <= 1.0954


@pytest.mark.parametrize("key, box, words", [
    ("tanh_small", "warning", ["below 1% of layer 1's by layer 4"]),
    ("tanh_unit", "warning", ["over half the units sit at the flat ends"]),
    ("tanh_xavier", "warning", ["slowly shrinks", "×0.89 per layer"]),
    ("tanh_xavier_gain", "success", ["healthy"]),
    ("relu_xavier", "warning", ["×0.71 per layer"]),
    ("relu_he", "success", ["healthy"]),
    ("relu_he_deep", "warning", ["from layer 13", "dead"]),
    ("bn_forward", "success", ["healthy"]),
])
def test_activation_presets_verdicts(key, box, words):
    kind, text = verdict(open_preset(key))
    assert kind == box, text
    assert all(w in text for w in words), text


def test_tanh_small_shrinks_by_the_factor_it_claims():
    at = open_preset("tanh_small")
    std = at.dataframe[0].value["a_std"]
    assert std[3] / std[2] == pytest.approx(0.16, rel=0.1)


def test_saturated_yet_gradients_explode():
    at = open_preset("tanh_unit_gradients")
    kind, text = verdict(at)
    assert kind == "warning" and "explode" in text
    note = next(i.value for i in at.info if "Saturated units and the gradients" in i.value)
    assert "gradients grow" in note and "= **3" in note


def test_saturated_and_vanishing():
    at = open_preset("tanh_saturated_vanishing")
    kind, text = verdict(at)
    assert "vanish" in text
    note = next(i.value for i in at.info if "Saturated units and the gradients" in i.value)
    assert "make gradients vanish" in note


def test_batch_norm_gradients_explode_and_the_page_says_why():
    at = open_preset("bn_gradients")
    kind, text = verdict(at)
    ratio = float(text.split("layer 1 is ")[1].split("x")[0])
    assert "explode" in text and 100 < ratio < 400
    assert any("Yang et al." in i.value and "level" in i.value for i in at.info)


REACHED = "stays at"


def _steps(at):
    table = at.dataframe[0].value.set_index("optimizer")
    column = next(c for c in table.columns if c.startswith(REACHED))
    return {k: (None if v is pd.NA or v != v else int(v)) for k, v in table[column].items()}


def test_ravine_along_an_axis_rmsprop_first_adam_after_nesterov():
    s = _steps(open_preset("ravine_axis"))
    assert s["rmsprop"] < s["nesterov"] < s["adam"] and s["rmsprop"] * 3 <= s["nesterov"]


def test_rotated_ravine_nesterov_first_rescaling_after_sgd():
    s = _steps(open_preset("ravine_rotated"))
    assert s["nesterov"] < s["sgd"] < s["rmsprop"] and s["sgd"] < s["adam"]


def test_momentum_0_9_takes_several_times_the_steps_of_0_57():
    s = _steps(open_preset("momentum_beta"))
    assert s["momentum"] > 3 * s["momentum (β 0.57)"]


def test_rosenbrock_momentum_and_adam_reach_sgd_does_not():
    s = _steps(open_preset("rosenbrock_valley"))
    assert s["sgd"] is None and s["momentum"] is not None and s["adam"] is not None


def test_saddle_adam_and_rmsprop_escape_first():
    s = _steps(open_preset("saddle_escape"))
    assert max(s["adam"], s["rmsprop"]) * 3 <= s["sgd"]


def test_minibatch_noise_nobody_settles():
    assert all(v is None for v in _steps(open_preset("minibatch_noise")).values())


def test_adam_without_bias_correction_never_settles():
    s = _steps(open_preset("adam_bias_correction"))
    assert s["adam"] is not None and s["adam (bias correction off)"] is None
    assert "3.16 times the corrected one" in texts(open_preset("adam_bias_correction"))


THEORY_SPREAD, THEORY_ISOMETRY = 5.0, 0.5    # std of lambda: far from isometry above 5, isometric below 0.5


def _theory(key):
    """The theory page's metrics ({label start: value}), its numbers table and its verdict for a preset."""
    at = open_preset(key)
    shown = {m.label.split(" ")[0]: m.value for m in at.metric}
    return shown, at.dataframe[0].value.set_index("quantity"), verdict(at)


def test_theory_edge_of_chaos_depth_is_no_limit():
    shown, numbers, (kind, text) = _theory("theory_edge_of_chaos")
    assert shown["χ₁"] == "1" and numbers.loc["ξ_c", "theory"] > 1e4                  # the depth scale diverges
    assert numbers.loc["mean λ, gaussian", "theory"] == pytest.approx(1, abs=1e-4)      # neither dies nor explodes
    assert kind == "success" and "depth does not stop it from training" in text


def test_theory_ordered_phase_collapses_and_vanishes():
    shown, numbers, (kind, text) = _theory("theory_ordered")
    assert shown["χ₁"] == "0.647" and shown["ξ_c"] == "2.3" and round(numbers.loc["trainable depth (6 ξ_c)",
                                                                                   "theory"]) == 14
    assert numbers.loc["c at layer 50", "measured"] > 0.999                              # inputs collapse onto one
    assert numbers.loc["mean λ, gaussian", "measured"] < 1e-9 and numbers.loc["mean λ, orthogonal", "measured"] < 1e-9
    assert kind == "warning" and "it will not train" in text


def test_theory_chaotic_phase_decorrelates_and_explodes():
    shown, numbers, (kind, text) = _theory("theory_chaotic")
    assert shown["χ₁"] == "1.34" and round(numbers.loc["ξ_c", "theory"]) == 7
    assert round(numbers.loc["c*", "theory"], 2) == 0.17 and numbers.loc["c at layer 50", "measured"] < 0.35
    assert numbers.loc["mean λ, gaussian", "measured"] > 1e4                             # gradients explode
    assert round(numbers.loc["trainable depth (6 ξ_c)", "theory"]) == 42
    assert kind == "warning" and "it will not train" in text


def test_theory_orthogonal_weights_are_isometric_gaussian_are_not():
    shown, numbers, _ = _theory("theory_orthogonal_vs_gaussian")
    assert shown["χ₁"] == "1" and numbers.loc["q*", "theory"] < 0.03
    assert round(numbers.loc["std λ, orthogonal", "measured"], 2) == 0.37 < THEORY_ISOMETRY
    assert round(numbers.loc["std λ, gaussian", "theory"]) == 7 and numbers.loc["std λ, gaussian", "measured"] > 5
    assert numbers.loc["decades of λ, gaussian", "measured"] > 17 > 3 > numbers.loc["decades of λ, orthogonal",
                                                                                        "measured"]


def test_theory_relu_at_he_is_never_isometric():
    shown, numbers, _ = _theory("theory_relu_he")
    assert shown["χ₁"] == "1"
    for weights in ("orthogonal", "gaussian"):
        assert numbers.loc[f"mean λ, {weights}", "theory"] == 1.0                        # chi1^L = 1
        assert numbers.loc[f"std λ, {weights}", "theory"] ** 2 >= 50                     # variance at least L
        assert numbers.loc[f"std λ, {weights}", "measured"] > THEORY_SPREAD


def test_every_preset_has_a_test_here():
    import inspect
    import sys
    source = inspect.getsource(sys.modules[__name__])
    assert all(f'"{p.key}"' in source for p in PRESETS)
