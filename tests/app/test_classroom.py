"""The lecturer's toolkit on every lesson: the classroom link (hidden controls, a prompt), the share panel with the
effective link, predict-then-reveal, and the network as code."""
import pytest

from tests.app.pagetest import figures, run_page, texts

LESSONS = ["pages/init_explorer.py", "pages/activations.py", "pages/gradients.py", "pages/optimizer_race.py",
           "pages/training.py"]


@pytest.mark.parametrize("page", LESSONS)
def test_a_classroom_link_hides_its_controls_and_asks_its_question(page):
    at = run_page(page, {"hide": ["seed", "steps", "depth"], "prompt": "Will it *vanish*? <b>x</b>"})
    assert not at.exception
    keys = {w.key for kind in ("slider", "select_slider", "selectbox", "number_input") for w in at.get(kind)}
    assert not keys & {"seed", "steps", "depth"}
    question = next(i.value for i in at.info if i.value.startswith("**Question for you:**"))
    assert "\\*vanish\\*" in question and "<b>" not in question          # shown as plain text
    assert at.query_params["hide"] == ["seed", "steps", "depth"] and "prompt" in at.query_params
    assert not any("adjusted" in w.value for w in at.warning)


def test_a_hidden_control_still_takes_the_links_value():
    at = run_page("pages/activations.py", {"hide": "depth", "depth": "4"})
    assert len(at.dataframe[0].value) == 4


def test_hide_all_hides_the_sidebar():
    at = run_page("pages/gradients.py", {"hide": "all"})
    assert not at.sidebar.get("slider") and any("stSidebar" in m.value for m in at.markdown)


@pytest.mark.parametrize("page", LESSONS)
def test_the_share_panel_shows_the_effective_link(page):
    at = run_page(page, {"seed": "7"} if "race" not in page else {"steps": "50"})
    links = [c.value for c in at.code if "?" in c.value]
    assert links and ("seed=7" in links[0] or "steps=50" in links[0])


def test_predict_hides_the_verdict_and_the_charts_until_answered():
    at = run_page("pages/activations.py", {"predict": "true", "init": "normal", "std": "0.01"})
    assert not figures(at) and not any(s.value.startswith("**Verdict") for s in at.warning)
    radio = next(r for r in at.radio if r.key.startswith("_predict_"))
    radio.set_value("explode").run()
    assert "the numbers say **vanish**" in texts(at) and figures(at)
    radio = next(r for r in at.radio if r.key.startswith("_predict_"))
    radio.set_value("vanish").run()
    assert "the numbers agree" in texts(at)


def test_the_race_asks_who_settles_first():
    at = run_page("pages/optimizer_race.py", {"predict": "true"})
    radio = next(r for r in at.radio if r.key.startswith("_predict_"))
    assert list(radio.options) == ["sgd", "momentum", "adam", "none of them"]
    radio.set_value("momentum").run()
    assert "the numbers agree" in texts(at)                 # the default race: momentum settles first (step 8)


@pytest.mark.parametrize("page", ["pages/activations.py", "pages/gradients.py"])
def test_the_network_as_a_pytorch_script(page):
    at = run_page(page, {"act": "relu", "init": "he_normal", "depth": "5", "bn": "true"})
    script = next(c.value for c in at.code if c.value.startswith('"""Training Dynamics Lab'))
    assert 'nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")' in script
    assert "nn.BatchNorm1d(WIDTH)" in script and "WIDTH, DEPTH = 256, 5" in script and "nn.ReLU()" in script
    compile(script, "script.py", "exec")
    assert "Download the PyTorch script" in [b.label for b in at.download_button]


def test_a_classroom_link_says_what_it_hides_and_gives_nothing_away():
    at = run_page("pages/activations.py", {"hide": "all", "predict": "true", "init": "normal", "std": "1"})
    setup = next(c.value for c in at.caption if c.value.startswith("Set up for you:"))
    assert "initializer = normal" in setup and "std σ = 1" in setup and "depth L (layers) = 10" in setup
    assert not any("Classic set-ups" in e.label for e in at.expander)          # presets state the answers
    assert not any("Share this set-up" in str(p.proto) for p in at.get("popover"))
    assert not any(i.value.startswith("**tanh with N(0, 1)") for i in at.info)


def test_the_classroom_builder_offers_the_controls_on_screen_by_name():
    at = run_page("pages/activations.py")
    chooser = at.multiselect(key="_share_hide")                               # options shown by their labels
    assert "std σ" not in chooser.options and "the whole sidebar" in chooser.options   # xavier has no std
    assert "gain g" in chooser.options and "depth L (layers)" in chooser.options
