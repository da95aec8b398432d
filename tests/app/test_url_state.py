"""The URL is the state: after a run the address holds the effective settings, and opening it again shows the same.

Also: keys shared by several lessons share their bounds, and moving between lessons never hands a widget a value
outside its bounds (a seed of 3780 on the init explorer, then the gradients page).
"""
from dataclasses import fields

import pytest

from lessons.activations import settings as activations
from lessons.gradients import settings as gradients
from lessons.init_explorer import settings as init_explorer
from lessons.presets import PRESETS
from lessons.race import settings as race
from lessons.theory import settings as theory
from lessons.training import settings as training
from tests.app.pagetest import figures, run_page, same_data, widget

PAGES = {"activations": "pages/activations.py", "gradients": "pages/gradients.py", "init": "pages/init_explorer.py",
         "race": "pages/optimizer_race.py", "theory": "pages/theory.py", "training": "pages/training.py"}


def _round_trip(page: str, query: dict):
    first = run_page(page, query)
    assert not first.exception
    again = run_page(page, dict(first.query_params))
    assert not again.exception
    assert dict(again.query_params) == dict(first.query_params), "the link must be stable"
    assert not any("adjusted" in w.value for w in again.warning), "the written link needs no fixing"
    for a, b in zip(figures(first), figures(again), strict=True):
        assert same_data(a, b)
    return first


@pytest.mark.parametrize("preset", PRESETS, ids=[p.title for p in PRESETS])
def test_every_preset_link_round_trips(preset):
    """Open the preset, take the address the page settles on, open that: the same charts (the widgets' values
    for the preset are checked in test_home)."""
    _round_trip(preset.page, preset.query)


def test_tanh_unit_normal_keeps_its_std_in_the_link():
    at = run_page(PAGES["activations"], {"act": "tanh", "init": "normal", "std": "1.0"})
    assert at.query_params == {"init": "normal", "std": "1"}        # tanh is the default; std=1 stays
    assert widget(at, "std").value == 1.0


@pytest.mark.parametrize("page, query, written", [
    ("activations", {"depth": "1e9", "width": "-5", "act": "nope"}, {"depth": "100", "width": "8"}),
    ("activations", {"depth": "100", "width": "1024", "batch": "2048"}, {"depth": "38", "width": "1024",
                                                                        "batch": "800"}),
    ("init", {"fan_in": "99999", "gain": "1.234"}, {"fan_in": "4096", "gain": "1.23"}),
    ("race", {"steps": "1e9", "lr_sgd": "0.31", "surface": "rosenbrock"}, {"steps": "1000", "lr_sgd": "0.3",
                                                                           "surface": "rosenbrock"}),
    ("theory", {"sw2": "9", "sb2": "0.123456", "width": "20"}, {"sw2": "5", "sb2": "0.12", "width": "24"}),
    ("training", {"steps": "1e9", "lr": "0.031", "depth": "2", "width": "13", "batch_size": "0"},
     {"steps": "1000", "lr": "0.03", "depth": "2", "width": "16", "batch_size": "2"}),
])
def test_a_clamped_link_is_written_back_as_used(page, query, written):
    at = run_page(PAGES[page], query)
    shown = dict(at.query_params)
    for key, value in written.items():
        if key == "batch":
            assert int(shown[key]) < 2048                       # cut to the work budget, and said so in the link
        else:
            assert shown[key] == value, key
    _round_trip(PAGES[page], shown)


def test_an_unknown_key_is_dropped_from_the_link():
    at = run_page(PAGES["gradients"], {"evil": "1", "depth": "5"})
    assert dict(at.query_params) == {"depth": "5"}
    assert any("evil" in w.value for w in at.warning)


def _all_controls():
    lessons = {"activations": activations.CONTROLS, "gradients": gradients.CONTROLS,
               "init": init_explorer.CONTROLS, "race": race.controls(race.SURFACE.default), "theory": theory.CONTROLS,
               "training": training.CONTROLS}
    return [(lesson, c) for lesson, controls in lessons.items() for c in controls]


def _bounds(c):
    """A control's bounds and options, without its label, help and default."""
    return (type(c).__name__, *(getattr(c, f.name) for f in fields(c) if f.name in ("lo", "hi", "step", "options")))


def test_keys_shared_by_lessons_share_their_bounds():
    by_key = {}
    for lesson, c in _all_controls():
        by_key.setdefault(c.key, {})[lesson] = _bounds(c)
    shared = {k: v for k, v in by_key.items() if len(v) > 1}
    assert {"seed", "init", "act", "gain", "std"} <= set(shared)
    for key, per_lesson in shared.items():
        assert len(set(per_lesson.values())) == 1, (key, per_lesson)


def test_moving_between_lessons_with_a_large_seed_does_not_crash():
    from streamlit.testing.v1 import AppTest

    from tests.app.pagetest import ROOT
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/init_explorer.py").run()
    at.slider(key="seed").set_value(3780).run()
    for page in ("pages/gradients.py", "pages/activations.py", "pages/optimizer_race.py", "pages/init_explorer.py",
                 "pages/theory.py", "pages/training.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)


def test_a_quick_second_move_wins_over_the_address_the_browser_has_not_caught_up_with():
    """Two quick moves: the second reaches the server with the address from before the first one's (the browser had
    not applied it yet). That lagging address is not a new link: the move stands, and the address follows it."""
    at = run_page(PAGES["activations"], {"width": "32"})
    before = dict(at.query_params)
    widget(at, "depth").set_value(12).run()
    assert at.query_params["depth"] == "12"
    at.query_params.clear()
    at.query_params.update(before)                      # the browser still shows the address before the first move
    widget(at, "depth").set_value(11).run()
    assert widget(at, "depth").value == 11 and at.query_params["depth"] == "11"


def test_the_back_button_still_restores_the_previous_settings():
    """No widget moved and the address changed (back, forward): the address wins."""
    at = run_page(PAGES["activations"], {"width": "32"})
    widget(at, "depth").set_value(12).run()
    widget(at, "depth").set_value(11).run()
    at.query_params["depth"] = "12"                     # back
    at.run()
    assert widget(at, "depth").value == 12 and at.query_params["depth"] == "12"
