"""The optimizer race page (AppTest): defaults, URL keys, hostile links, table == engine, animation, size, EMA panel."""
import time

import numpy as np
import pandas as pd
import pytest

from engine import ema, race_defaults, surfaces, tuning
from lessons.race import settings as rc
from tests.app.pagetest import figures, run_page, spec_sizes, texts

PAGE = "pages/optimizer_race.py"
REACHED = "stays at f − f* < 0.001 from step"


def paths(at):
    return figures(at)[0]


def path_traces(fig):
    """{optimizer: (x, y)} of the path lines drawn on the map."""
    return {t["name"]: (np.asarray(t["x"], float), np.asarray(t["y"], float))
            for t in fig["data"] if t.get("mode") == "lines+markers"}


def loss_traces(fig):
    return {t["name"]: np.asarray(t["y"], float) for t in fig["data"] if t.get("mode") == "lines"}


def engine_race(surface, runs, start, steps, noise=0.0, clip=None, seed=0):
    return surfaces.race(surface, runs, start, steps, rng=seed, grad_noise=noise, clip=clip)


def test_defaults_run_and_draw_three_charts_and_a_table():
    at = run_page(PAGE)
    assert not at.exception
    assert len(at.get("plotly_chart")) == 3                        # paths, loss, EMA
    assert not any("adjusted" in w.value for w in at.warning)
    table = at.dataframe[0].value
    assert list(table["optimizer"]) == list(rc.OPT.default)
    assert set(path_traces(paths(at))) == set(rc.OPT.default)


def test_default_race_is_the_engines_with_the_tuned_defaults():
    """The default race is fair: every optimizer races with its tuned learning rate (and beta)."""
    at = run_page(PAGE)
    s = surfaces.make("bowl")
    runs = {"sgd": ("sgd", race_defaults.default_hyper("bowl", "sgd")),
            "momentum": ("momentum", race_defaults.default_hyper("bowl", "momentum")),
            "adam": ("adam", {**race_defaults.default_hyper("bowl", "adam"), "betas": (0.9, 0.999),
                              "bias_correction": True})}
    steps = race_defaults.TUNED_FOR["bowl"]
    expected = engine_race(s, runs, s.start, steps)
    drawn = path_traces(paths(at))
    table = at.dataframe[0].value.set_index("optimizer")
    for name, traj in expected.items():
        x, y = drawn[name]
        assert len(x) == steps + 1                                # 200 steps: every step is drawn
        assert table.loc[name, REACHED] == race_defaults.DEFAULTS["bowl"][name].steps_to_goal
        np.testing.assert_allclose(x, traj.xy[:, 0], rtol=1e-6, atol=1e-6)   # float32 on the wire
        np.testing.assert_allclose(y, traj.xy[:, 1], rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(loss_traces(figures(at)[1])[name], traj.loss - s.min_value, rtol=1e-12)


@pytest.mark.parametrize("kind, key, value", [
    ("selectbox", "surface", "himmelblau"),
    ("select_slider", "lr_adam", 0.01),
    ("slider", "steps", 50),
    ("slider", "x0", 0.5),
    ("toggle", "bias_correction", False),
])
def test_changing_a_key_widget_changes_the_charts_data(kind, key, value):
    at = run_page(PAGE)
    before = figures(at)
    getattr(at, kind)(key=key).set_value(value).run()
    assert not at.exception
    after = figures(at)
    assert path_traces(after[0]).keys() == path_traces(before[0]).keys()
    changed = [not np.array_equal(np.nan_to_num(a[0]), np.nan_to_num(b[0])) or a[0].shape != b[0].shape
               for a, b in zip(path_traces(after[0]).values(), path_traces(before[0]).values())]
    assert any(changed), f"{key}={value} did not change the paths"
    assert [len(v) for v in loss_traces(after[1]).values()] != [len(v) for v in loss_traces(before[1]).values()] \
        or any(not np.array_equal(np.nan_to_num(a), np.nan_to_num(b))
               for a, b in zip(loss_traces(after[1]).values(), loss_traces(before[1]).values()))


@pytest.mark.parametrize("surface", list(surfaces.SURFACES))
def test_switching_surface_resets_lr_and_start_to_its_defaults(surface):
    at = run_page(PAGE)
    at.select_slider(key="lr_sgd").set_value(0.5).run()          # a user choice on the bowl...
    at.selectbox(key="surface").set_value(surface).run()
    assert not at.exception
    s = surfaces.SURFACES[surface]
    expected_lr = race_defaults.DEFAULTS[surface]["sgd"].lr
    if surface != "bowl":                                        # ...is replaced by the new surface's default
        assert at.select_slider(key="lr_sgd").value == pytest.approx(expected_lr)
        assert at.slider(key="x0").value == pytest.approx(s.start[0])
        assert at.slider(key="y0").value == pytest.approx(s.start[1])
    (x0, x1), (y0, y1) = s.bounds
    assert x0 <= at.slider(key="x0").value <= x1 and y0 <= at.slider(key="y0").value <= y1
    assert not any("adjusted" in w.value for w in at.warning)
    at.selectbox(key="surface").set_value("bowl").run()         # and back again
    assert not at.exception


def test_tune_gives_each_run_the_sweeps_best_rate_and_says_so():
    at = run_page(PAGE, {"condition": "50", "opt": ["sgd", "rmsprop"], "tune": "true"})
    assert not at.exception
    s = surfaces.make("bowl", condition=50.0)
    table = at.dataframe[0].value.set_index("optimizer")
    for name in ("sgd", "rmsprop"):
        best = tuning.tune(s, name, s.start, 200, 1e-3)
        assert table.loc[name, "learning rate"] == best.lr
        assert table.loc[name, REACHED] == best.steps_to_goal
        assert f"**{name}**: lr = {best.lr:g}" in texts(at)
    assert "lr_sgd" not in [w.key for w in at.select_slider]      # tuned: no slider to contradict it


def test_hostile_url_is_clamped_with_a_visible_notice():
    at = run_page(PAGE, {"steps": "1e9", "lr_sgd": "-1", "surface": "<script>alert(1)</script>", "opt": "nope",
                         "x0": "nan", "y0": "1e308", "beta2_adam": "2", "unknown_key": "1"})
    assert not at.exception
    shown = texts(at)
    assert "adjusted" in shown
    for key in ("steps", "lr_sgd", "surface", "opt", "x0", "y0", "beta2_adam", "unknown_key"):
        assert f"`{key}" in shown, key
    assert "<script>" not in shown
    assert at.slider(key="steps").value == 1000
    assert at.select_slider(key="lr_sgd").value == pytest.approx(race_defaults.DEFAULTS["bowl"]["sgd"].lr)
    assert at.selectbox(key="surface").value == rc.SURFACE.default
    assert at.multiselect(key="opt").value == list(rc.OPT.default)
    assert at.slider(key="x0").value == pytest.approx(surfaces.SURFACES["bowl"].start[0])
    assert at.slider(key="y0").value == pytest.approx(3.0)       # clamped to the top of the bowl's window
    assert len(at.get("plotly_chart")) == 3


def test_table_numbers_equal_the_engines_race():
    query = {"surface": "bowl", "opt": ["sgd", "momentum", "adam"], "lr_sgd": "0.5", "lr_momentum": "0.1",
             "lr_adam": "0.05", "mom_momentum": "0.8", "beta1_adam": "0.85", "steps": "60", "x0": "2", "y0": "-1"}
    at = run_page(PAGE, query)
    assert not at.exception
    table = at.dataframe[0].value
    s = surfaces.make("bowl", condition=10.0, angle=0.0)
    runs = {"sgd": ("sgd", {"lr": 0.5}), "momentum": ("momentum", {"lr": 0.1, "momentum": 0.8}),
            "adam": ("adam", {"lr": 0.05, "betas": (0.85, 0.999), "bias_correction": True})}
    expected = engine_race(s, runs, (2.0, -1.0), 60)
    for _, row in table.iterrows():
        traj = expected[row["optimizer"]]
        assert row["final f"] == pytest.approx(traj.loss[-1], rel=1e-12, abs=1e-300)
        assert row["final f − f*"] == pytest.approx(max(traj.loss[-1], 0.0), rel=1e-12, abs=1e-300)
        assert row["distance to the nearest minimum"] == pytest.approx(np.hypot(*traj.xy[-1]), rel=1e-12)
        settled = tuning.steps_to_goal(traj.loss, 0.0, 1e-3)
        assert (None if row[REACHED] is pd.NA else row[REACHED]) == settled
        assert row["status"] == ("reached" if settled is not None else "not reached")
    assert list(table["learning rate"]) == [0.5, 0.1, 0.05]
    assert table.set_index("optimizer").loc["momentum", "momentum β"] == 0.8
    first = sorted((tuning.steps_to_goal(t.loss, 0.0, 1e-3), n) for n, t in expected.items()
                   if tuning.steps_to_goal(t.loss, 0.0, 1e-3) is not None)
    assert f"First to settle at f − f* < 0.001: **{first[0][1]}** (step {first[0][0]})" in texts(at)


def test_touching_the_goal_once_does_not_count():
    """Momentum overshoots: its loss dips below the tolerance and leaves it again before it settles."""
    at = run_page(PAGE, {"condition": "50", "opt": ["momentum"], "lr_momentum": "0.5", "mom_momentum": "0.9"})
    s = surfaces.make("bowl", condition=50.0)
    traj = engine_race(s, {"m": ("momentum", {"lr": 0.5, "momentum": 0.9})}, s.start, 200)["m"]
    first_touch = int(np.flatnonzero(traj.loss < 1e-3)[0])
    settled = tuning.steps_to_goal(traj.loss, 0.0, 1e-3)
    assert first_touch < settled
    assert at.dataframe[0].value.loc[0, REACHED] == settled


def test_a_diverging_run_is_told_in_words_and_not_drawn_past_its_last_finite_step():
    at = run_page(PAGE, {"surface": "rosenbrock", "opt": ["sgd", "adam"], "lr_sgd": "0.01", "steps": "100"})
    assert not at.exception
    s = surfaces.make("rosenbrock")
    traj = engine_race(s, {"sgd": ("sgd", {"lr": 0.01})}, s.start, 100)["sgd"]
    assert traj.diverged
    assert f"sgd** diverged at step {traj.diverged_step}" in texts(at)
    x, y = path_traces(paths(at))["sgd"]
    assert np.all(np.isfinite(x)) and np.all(np.isfinite(y)) and len(x) == traj.diverged_step   # steps 0..t-1
    loss = loss_traces(figures(at)[1])["sgd"]
    assert np.all(np.isnan(loss[traj.diverged_step:])) and np.all(np.isfinite(loss[:traj.diverged_step]))
    row = at.dataframe[0].value.set_index("optimizer").loc["sgd"]
    assert row["status"] == f"diverged at step {traj.diverged_step}"
    assert np.isnan(row["final f"])


def test_figure_json_stays_under_1_mb_and_reruns_fast_at_the_heaviest_settings():
    query = {"surface": "regression", "minibatch": "1", "steps": "1000", "opt": list(rc.OPTIMIZER_NAMES),
             "noise": "2", "clip_on": "true", "clip": "1000"}
    at = run_page(PAGE, query)
    assert not at.exception
    assert at.slider(key="minibatch").value == 1 and at.slider(key="steps").value == 1000
    assert len(path_traces(paths(at))) == 7
    assert max(spec_sizes(at)) < 1_000_000, spec_sizes(at)
    at.select_slider(key="lr_sgd").set_value(0.01)               # a new, uncached race
    start = time.perf_counter()
    at.run()
    assert time.perf_counter() - start < 2.0
    assert not at.exception


def test_animation_has_frames_a_play_button_and_a_step_slider():
    at = run_page(PAGE, {"steps": "1000"})
    fig = paths(at)
    frames = fig["frames"]
    assert 2 <= len(frames) <= 60
    buttons = fig["layout"]["updatemenus"][0]["buttons"]
    assert buttons[0]["method"] == "animate" and "Play" in buttons[0]["label"]
    assert "Pause" in buttons[1]["label"]
    slider = fig["layout"]["sliders"][0]
    assert [s["args"][0][0] for s in slider["steps"]] == [f["name"] for f in frames]
    assert frames[0]["name"] == "0" and frames[-1]["name"] == "1000"
    drawn = path_traces(fig)
    traces = frames[-1]["traces"]
    for i, trace_index in enumerate(traces[:-1]):                # the last frame is the full path...
        name = fig["data"][trace_index]["name"]
        np.testing.assert_array_equal(frames[-1]["data"][i]["x"], drawn[name][0])
        assert len(frames[0]["data"][i]["x"]) == 1                # ...and the first one only the start
    sizes = [len(f["data"][0]["x"]) for f in frames]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]        # paths grow frame by frame
    assert fig["layout"]["xaxis"]["range"] == list(surfaces.SURFACES["bowl"].bounds[0])
    assert fig["layout"]["images"][0]["source"].startswith("data:image/png;base64,")


def test_no_optimizer_selected_stops_with_a_warning():
    at = run_page(PAGE)
    at.multiselect(key="opt").set_value([]).run()
    assert not at.exception
    assert any("at least one optimizer" in w.value for w in at.warning)
    assert len(at.get("plotly_chart")) == 0


def test_saddle_has_no_minimum_so_the_table_and_loss_axis_say_so():
    at = run_page(PAGE, {"surface": "saddle", "opt": ["sgd", "rmsprop"], "steps": "300"})
    assert not at.exception
    table = at.dataframe[0].value
    assert "distance to the saddle point" in table.columns and "final f − f*" not in table.columns
    loss_fig = figures(at)[1]
    assert loss_fig["layout"]["yaxis"].get("type") != "log"
    assert "escaped" in " ".join(table.columns)


def test_noise_and_batch_show_the_seed_and_change_the_paths():
    at = run_page(PAGE, {"surface": "regression", "opt": "sgd"})
    assert "seed" not in [w.key for w in at.slider]               # full batch, no noise: nothing random
    full = path_traces(paths(at))["sgd"][0]
    at.slider(key="minibatch").set_value(4).run()
    assert not at.exception
    assert at.slider(key="seed").value == 0                       # shown now that steps are random
    mini = path_traces(paths(at))["sgd"][0]
    assert not np.array_equal(full, mini)
    at.slider(key="seed").set_value(7).run()
    assert not np.array_equal(mini, path_traces(paths(at))["sgd"][0])


def test_ema_panel_draws_the_engines_ema_with_and_without_correction():
    at = run_page(PAGE)
    at.slider(key="ema_beta").set_value(0.95).run()
    assert not at.exception
    fig = figures(at)[2]
    g = ema.noisy_series(120, seed=0)
    lines = {t["name"]: np.asarray(t["y"], float) for t in fig["data"]}
    raw = next(v for k, v in lines.items() if k.startswith("EMA"))
    corrected = next(v for k, v in lines.items() if k.startswith("bias-corrected"))
    np.testing.assert_allclose(raw, ema.ema(g, 0.95), rtol=1e-12)
    np.testing.assert_allclose(corrected, ema.ema(g, 0.95, bias_correction=True), rtol=1e-12)
    assert raw[0] == pytest.approx(0.05 * g[0]) and corrected[0] == pytest.approx(g[0])
    assert "lr = α(1 − β)" in texts(at)
    assert "3.16 times the corrected one" in texts(at)           # Adam's uncorrected first step, default betas


def test_each_optimizer_keeps_one_colour_on_both_charts():
    from lessons.race.figures import COLORS
    assert len(set(COLORS.values())) == len(COLORS) == 7
    at = run_page(PAGE, {"opt": ["adam", "sgd", "rmsprop"]})
    path_fig, loss_fig = figures(at)[:2]
    for fig, mode in ((path_fig, "lines+markers"), (loss_fig, "lines")):
        colors = {t["name"]: t["line"]["color"] for t in fig["data"] if t.get("mode") == mode}
        assert colors == {name: COLORS[name] for name in ("adam", "sgd", "rmsprop")}
