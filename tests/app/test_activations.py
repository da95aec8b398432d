"""Activations page: defaults, widgets that change the data, URL round-trip, numbers equal the engine's."""
import numpy as np
import pytest

from engine.mlp import MLPConfig
from engine.probe import probe
from tests.app.pagetest import figures, run_page, same_data, texts, widget

PAGE = "pages/activations.py"


@pytest.fixture(scope="module")
def default_page():
    return run_page(PAGE)


def test_runs_at_defaults(default_page):
    at = default_page
    assert not at.exception
    assert len(figures(at)) == 4
    assert "healthy" in at.success[0].value
    assert at.latex, "the page shows its formula"


def test_changing_the_initializer_changes_the_chart(default_page):
    at = run_page(PAGE)
    before = figures(at)[0]
    at.selectbox(key="init").set_value("normal").run()
    assert not at.exception
    assert not same_data(before, figures(at)[0])
    assert "vanish" in at.warning[0].value          # tanh with N(0, 0.01^2): the classic


def test_query_string_sets_the_widgets():
    at = run_page(PAGE, {"depth": "7", "width": "64", "act": "relu", "init": "he_uniform", "gain": "1.5",
                         "bn": "true", "view": "z", "input": "uniform", "seed": "3", "scale": "0.8"})
    assert not at.exception
    values = {k: widget(at, k).value for k in ("depth", "width", "act", "init", "gain", "bn", "view",
                                                "input", "seed", "scale")}
    assert values == {"depth": 7, "width": 64, "act": "relu", "init": "he_uniform", "gain": 1.5, "bn": True,
                      "view": "z", "input": "uniform", "seed": 3, "scale": 0.8}
    assert not at.warning or "adjusted" not in at.warning[0].value


def test_table_numbers_equal_the_engine():
    at = run_page(PAGE, {"depth": "5", "width": "32", "batch": "64", "init": "normal", "std": "0.1", "seed": "2"})
    table = at.dataframe[0].value
    config = MLPConfig((32,) * 6, activation="tanh", init="normal", init_params={"std": 0.1}, seed=2)
    expected = probe(config, batch=64, seed=2).stats
    np.testing.assert_allclose(table["a_std"], [r["a_std"] for r in expected], rtol=1e-12)
    np.testing.assert_allclose(table["z_mean"], [r["z_mean"] for r in expected], rtol=1e-12)
    assert at.download_button[0].label == "Download CSV"


def test_heavy_settings_are_capped_with_a_notice():
    at = run_page(PAGE, {"depth": "100", "width": "1024", "batch": "2048"})
    assert not at.exception
    assert "showing its first 38 layers" in texts(at) and "Batch cut from 2048" in texts(at)
    assert len(at.dataframe[0].value) == 38


def test_overflow_is_said_in_words_and_not_plotted():
    at = run_page(PAGE, {"act": "relu", "init": "normal", "std": "10", "depth": "60", "width": "64"})
    assert not at.exception
    assert "overflow (inf/NaN) at layer" in at.error[0].value
    for fig in figures(at):
        for trace in fig["data"]:
            for key in ("y", "z"):
                if key in trace and isinstance(trace[key], np.ndarray) and trace[key].dtype.kind == "f":
                    assert not np.isinf(trace[key]).any()


def test_pre_activation_view_switches_the_histogram():
    at = run_page(PAGE, {"init": "normal", "std": "1.0"})
    a_hist = figures(at)[0]
    at.radio(key="view").set_value("z").run()
    assert not same_data(a_hist, figures(at)[0])
    assert "pre-activation" in figures(at)[0]["layout"]["title"]["text"]
