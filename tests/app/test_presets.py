"""Every preset's claim, checked on the numbers the page shows when its link is opened."""
import numpy as np
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
    ratio = float(text.split("layer 1 is ")[1].split(" times")[0])
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


def test_theory_edge_of_chaos_depth_is_no_limit_for_the_signal_but_the_jacobian_spreads():
    shown, numbers, (kind, text) = _theory("theory_edge_of_chaos")
    assert shown["χ₁"] == "1" and shown["ξ_c"] == "∞" and numbers.loc["ξ_c", "theory"] == np.inf   # not 2.9e9
    assert numbers.loc["mean λ, gaussian", "theory"] == pytest.approx(1, abs=1e-4)      # neither dies nor explodes
    assert kind == "success" and "depth does not stop it from training" in text
    assert min(numbers.loc[f"decades of λ, {w}", "measured"] for w in ("gaussian", "orthogonal")) > 20   # no isometry


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
    assert kind == "warning" and "it is at the edge of what trains" in text              # 50 is within 20% of 42
    assert figures(open_preset("theory_chaotic"))[1]["data"][0]["y"][0] > 0.98           # nearby: c0 = 0.99


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


# --- training: the claims on the page's own numbers (the summary table and the charts' data) -----------------------

LEARNS, AT_CHANCE = 0.90, 0.55          # the words' "over 90%" and chance on two balanced classes


def _training(key):
    """(the summary table by run, {chart title: figure}, the verdicts) of a training preset's page."""
    at = open_preset(key)
    charts = {f["layout"]["title"]["text"]: f for f in figures(at)}
    table = at.dataframe[0].value.set_index("run")
    return table, charts, {b.value.split(":**")[0][len("**Verdict, "):]: b.value
                           for kind in ("success", "warning", "error") for b in getattr(at, kind)
                           if b.value.startswith("**Verdict")}


def _series(charts, title_start, name):
    chart = next(f for title, f in charts.items() if title.startswith(title_start))
    t = next(t for t in chart["data"] if t.get("name") == name)
    return np.asarray(t["x"], float), np.asarray(t["y"], float)


def _failed(table, run):
    """Diverged (its loss or a weight overflowed), or dead at chance."""
    return not pd.isna(table.loc[run, "diverged at step"]) or table.loc[run, "test accuracy"] < AT_CHANCE


def test_training_constant_init_keeps_one_unit_and_one_straight_boundary():
    table, charts, _ = _training("training_symmetry")
    _, most = _series(charts, "Distinct units", "A: most")
    _, learned = _series(charts, "Distinct units", "B: fewest")
    _, accuracy = _series(charts, "Accuracy", "A: test")
    assert (most == 1).all() and accuracy.max() < 0.70 * 100                   # every record: 1 unit of 16
    assert learned[-1] == 16 and table.loc["B (xavier_normal)", "test accuracy"] > LEARNS


def test_training_tiny_weights_stall_at_chance():
    table, _, verdicts = _training("training_small_init")
    a, b = table.loc["A (normal)"], table.loc["B (xavier_normal)"]
    assert abs(a["training loss at end"] / a["training loss at start"] - 1) < 0.01 and a["test accuracy"] < AT_CHANCE
    assert b["test accuracy"] > LEARNS and "stalled" in verdicts["A (normal)"]


@pytest.mark.parametrize("key, fails, fixed", [("training_batch_norm_lr", "A (no BN)", "B (BN)"),
                                               ("training_clipping", "A (no clipping)", "B (clip at 1)")])
def test_training_a_blown_up_run_is_rescued(key, fails, fixed):
    table, _, verdicts = _training(key)
    assert _failed(table, fails) and "diverged at step" in verdicts[fails]
    assert pd.isna(table.loc[fixed, "diverged at step"])
    assert table.loc[fixed, "test accuracy"] > LEARNS


def test_training_he_trains_a_20_layer_relu_net_xavier_stalls():
    table, charts, _ = _training("training_he_vs_xavier")
    he, xavier = table.loc["A (he_normal)"], table.loc["B (xavier_normal)"]
    assert he["training loss at end"] / he["training loss at start"] < 0.6
    assert xavier["training loss at end"] / xavier["training loss at start"] > 0.95
    first = {name: next(f for t, f in charts.items() if t.startswith(f"{name}: ‖∂L/∂W‖"))["data"][0]["z"][0][0]
             for name in ("A (he_normal)", "B (xavier_normal)")}                   # log10 ||dL/dW_1|| at step 0
    assert first["A (he_normal)"] - first["B (xavier_normal)"] > 2                 # over 100x


def test_training_adam_ends_far_below_sgd():
    table, _, _ = _training("training_optimizers")
    assert table.loc["A (sgd)", "training loss at end"] > 5 * table.loc["B (adam)", "training loss at end"]


def test_training_mini_batches_go_further_than_full_batch_in_10_epochs():
    table, charts, _ = _training("training_batch_size")
    _, full = _series(charts, "Loss", "A: batch")
    _, mini = _series(charts, "Loss", "B: batch")
    assert len(full) == 10 and len(mini) == 100 and (table["epochs"] == 10).all()          # 10 epochs each
    assert (np.diff(full) <= 0).all() and np.mean(np.diff(mini) > 0) > 0.3
    assert table.loc["B (mini-batches of 15)", "training loss at end"] < table.loc["A (full batch)",
                                                                                   "training loss at end"]


def test_training_batch_norm_reaches_90_percent_5x_sooner():
    _, charts, _ = _training("training_ioffe_szegedy")
    first = {}
    for name in ("A (no BN)", "B (BN)"):
        x, y = _series(charts, "Accuracy", f"{name[0]}: test")
        first[name] = x[np.argmax(y >= 90)] if (y >= 90).any() else np.inf
    assert first["B (BN)"] <= 50 and first["A (no BN)"] >= 5 * first["B (BN)"]


def test_every_preset_has_a_test_here():
    import inspect
    import sys
    source = inspect.getsource(sys.modules[__name__])
    assert all(f'"{p.key}"' in source for p in PRESETS)
