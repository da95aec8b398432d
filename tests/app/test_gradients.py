"""Gradients page: verdicts for the classic cases, overlays, and metrics equal to the engine's."""
import pytest

from engine.mlp import MLPConfig
from engine.probe import probe
from engine.verdict import gradient_ratio
from tests.app.pagetest import figures, run_page, same_data, widget

PAGE = "pages/gradients.py"


def test_runs_at_defaults():
    at = run_page(PAGE)
    assert not at.exception
    assert len(figures(at)) == 4
    assert "every layer gets a signal" in at.success[0].value


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
