"""Gradients page: verdicts for the classic cases, overlays, and metrics equal to the engine's."""
import pytest

from engine.mlp import MLPConfig
from engine.probe import probe
from engine.verdict import gradient_ratio
from tests.app.pagetest import figures, run_page, same_data, texts, widget

PAGE = "pages/gradients.py"


def test_runs_at_defaults():
    at = run_page(PAGE)
    assert not at.exception
    assert len(figures(at)) == 5                        # dW, da, histogram, factors, clipping
    assert "every layer gets a signal" in at.success[0].value and "per layer going back" in at.success[0].value
    assert not any(w in texts(at) for w in ("left chart", "right chart", "(left)", "(right)"))


def test_small_weights_vanish():
    at = run_page(PAGE, {"init": "normal", "std": "0.01"})
    assert "vanish" in at.warning[0].value


def test_overlays_add_one_line_per_run():
    at = run_page(PAGE, {"compare": ["he_normal", "normal"], "compare_bn": "true"})
    assert not at.exception
    names = [trace["name"] for trace in figures(at)[0]["data"]]
    assert names == ["xavier_normal (current)", "he_normal", "normal", "xavier_normal + BN"]
    assert widget(at, "compare").value == ["he_normal", "normal"]


def test_loss_choice_changes_the_gradients():
    at = run_page(PAGE)
    before = figures(at)[0]
    at.radio(key="loss").set_value("projection").run()
    assert not same_data(before, figures(at)[0])


def test_metric_equals_the_engine():
    at = run_page(PAGE, {"depth": "6", "width": "48", "batch": "32", "act": "relu", "init": "he_normal", "seed": "5"})
    config = MLPConfig((48,) * 7, activation="relu", init="he_normal", seed=5)
    stats = probe(config, batch=32, seed=5).stats
    shown = float(at.metric[0].value)
    assert shown == pytest.approx(gradient_ratio(stats), rel=1e-2)       # shown to 3 significant digits
    assert float(at.metric[2].value) == pytest.approx(stats[0]["grad_W_norm"], rel=1e-2)


def test_zero_init_says_nothing_can_learn():
    at = run_page(PAGE, {"init": "zeros"})
    assert not at.exception
    assert "exactly 0" in (at.warning[0].value if at.warning else at.error[0].value)


def test_an_overlay_with_exactly_zero_gradients_says_so():
    at = run_page(PAGE, {"compare": ["zeros"]})
    names = [t["name"] for t in figures(at)[0]["data"]]
    assert any(n.startswith("zeros: exactly 0 at every layer") for n in names)


def test_many_decades_get_a_readable_tick_step():
    at = run_page(PAGE, {"init": "normal", "std": "0.01", "depth": "100", "width": "64"})
    axis = figures(at)[1]["layout"]["yaxis"]
    decades = axis["range"][1] - axis["range"][0]
    assert decades > 20 and decades / axis["dtick"] <= 12


def test_clipping_keeps_the_direction_and_scales_every_layer_alike():
    import numpy as np
    at = run_page(PAGE, {"depth": "6", "width": "48", "max_norm": "0.1"})
    fig = next(f for f in figures(at) if f["layout"]["title"]["text"].startswith("Clipping"))
    y = {t["name"]: np.asarray(t["y"], float) for t in fig["data"]}
    before, clipped = y["before clipping"], y["global clip (torch's clip_grad_norm_)"]
    total = float(np.sqrt((before ** 2).sum()))
    np.testing.assert_allclose(clipped, before * 0.1 / (total + 1e-6), rtol=1e-9)
    assert np.sqrt((clipped ** 2).sum()) == pytest.approx(0.1, rel=1e-5)
    text = texts(at)
    assert "cosine with the unclipped gradient: 1.000000" in text
    per_layer = y["each layer clipped on its own"]
    assert np.ptp(np.log(per_layer / before)) > 0.1          # per-layer clipping changes the relative sizes


def test_per_layer_numbers_download_as_csv():
    at = run_page(PAGE)
    assert "Download CSV" in [b.label for b in at.download_button]
    assert list(at.dataframe[0].value["layer"]) == list(range(1, 11))
