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
    """tanh with Xavier (gain 1): 0.626 -> 0.229 over 10 layers is a trend, and the verdict names it."""
    at = default_page
    assert not at.exception
    assert len(figures(at)) == 5                       # heatmap, lines, spread, shares, the activation (BN: when open)
    assert "slowly shrinks" in at.warning[0].value and "×0.89 per layer" in at.warning[0].value
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
    assert "Download CSV" in [b.label for b in at.download_button]


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


def test_the_activation_itself_is_drawn_with_its_zones():
    from engine import activations
    at = run_page(PAGE, {"act": "sigmoid"})
    fig = next(f for f in figures(at) if f["layout"]["title"]["text"].startswith("The activation"))
    traces = {t["name"]: t for t in fig["data"]}
    z = np.asarray(traces["φ(z)"]["x"], float)
    np.testing.assert_allclose(traces["φ(z)"]["y"], activations.get("sigmoid").forward(z), rtol=1e-12)
    np.testing.assert_allclose(traces["φ′(z)"]["y"], activations.get("sigmoid").derivative(z), rtol=1e-12)
    words = str(fig["layout"].get("annotations")) + str(fig["layout"].get("shapes"))
    assert "max φ′ = 0.25" in words and "saturated, |z| > 4.6" in words
    relu = next(f for f in figures(run_page(PAGE, {"act": "relu", "init": "he_normal"}))
                if f["layout"]["title"]["text"].startswith("The activation"))
    assert "dead zone" in str(relu["layout"]["annotations"])


def test_batch_norm_step_by_step_prints_the_batch_statistics():
    at = run_page(PAGE, {"width": "32", "batch": "64", "seed": "4"})
    assert "After 50 batches" not in texts(at)              # computed only once the student opens it
    at.session_state["bn_walk"] = True
    at.run()
    from engine.mlp import MLP
    from engine.probe import make_inputs
    config = MLPConfig((32, 32), activation="tanh", init="xavier_normal", seed=4)
    W = MLP(config).weights[0].astype(np.float64)
    x = make_inputs(np.random.default_rng(4), 64, 32, "normal", np.float64)
    h = x @ W
    shown = " ".join(latex.value for latex in at.latex)
    assert "\\mu_B" in shown and f"{h[:, 0].mean():.4g}"[:6] in shown
    modes = texts(at)
    assert "After 50 batches" in modes and "std 1" in modes


def test_notice_speaks_of_the_chosen_activation():
    at = run_page(PAGE, {"act": "selu", "init": "lecun_normal"})
    notice = next(m.value for m in at.markdown if m.value.startswith("Going forward"))
    assert "selu" in notice and "tanh" not in notice and "ρ = E[a²]/Var(z)" in notice


def test_activations_page_does_not_report_gradients():
    at = run_page(PAGE, {"act": "relu", "init": "normal", "std": "10", "depth": "60", "width": "64"})
    assert not any("gradients overflow" in c.value or "weight gradients are exactly" in c.value for c in at.caption)


def test_after_an_overflow_the_shares_chart_has_gaps_not_zeros():
    at = run_page(PAGE, {"act": "relu", "init": "normal", "std": "10", "depth": "60", "width": "64"})
    broken = int(next(r for _, r in at.dataframe[0].value.iterrows() if r["nonfinite"])["layer"])
    shares = next(f for f in figures(at) if f["layout"]["title"]["text"] == "Saturated and dead units")
    for trace in shares["data"]:
        y = np.asarray(trace["y"], float)
        assert np.isnan(y[broken - 1:]).all() and np.isfinite(y[:broken - 1]).all()


def test_saturated_tanh_reconciles_with_the_gradients():
    at = run_page(PAGE, {"init": "normal", "std": "1"})
    note = next(i.value for i in at.info if "Saturated units and the gradients" in i.value)
    assert "√(n · Var(w) · E[φ′²])" in note and "gradients grow" in note
