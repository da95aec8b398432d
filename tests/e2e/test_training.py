"""The training page in a real browser: loads clean, a slider retrains and redraws, Play animates the decision
boundary without a rerun, the comparison run shows, an uploaded CSV trains and a broken one gets its message; and
screenshots at a laptop's and a phone's size for review."""
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.browser import (
    chart_fingerprint,
    chart_traces,
    exceptions,
    nudge_slider,
    open_page,
    query,
    screenshot,
    screenshot_at,
    settle,
)

SMALL = "depth=2&width=16&steps=100"        # quick to train
SIZES = [("training_top", 1400, 900), ("training_1280x720", 1280, 720), ("training_phone", 390, 844)]
GOOD_CSV = "x1,x2,label\n" + "\n".join(f"{i % 7 / 7:.3f},{i % 5 / 5:.3f},{'yes' if i % 7 > 3 else 'no'}"
                                       for i in range(80)) + "\n"
BAD_CSV = "x1,x2,label\n0.1,0.2,a\n0.3,oops,b\n0.5,0.6,a\n"


def chart_index(page, title_start: str) -> int:
    """The index of the first chart whose title starts with (or contains) this text."""
    titles = page.eval_on_selector_all(".js-plotly-plot", "els => els.map(e => (e.layout.title || {}).text || '')")
    return next(i for i, t in enumerate(titles) if title_start in t)


def active_step(page, index: int):
    return page.evaluate("i => { const s = document.querySelectorAll('.js-plotly-plot')[i]._fullLayout.sliders; "
                         "return s && s.length ? s[0].active : null; }", index)


def test_training_loads_clean_and_a_slider_retrains(server, tab):
    page = tab.page
    open_page(tab, f"{server}/training?{SMALL}")
    assert not exceptions(page)
    assert all(n > 0 for n in chart_traces(page))
    assert page.get_by_text("Verdict, this run").count()
    before = chart_fingerprint(page, 0)
    nudge_slider(page, "width")
    assert query(page).get("width") == ["24"]
    assert chart_fingerprint(page, 0) != before, "the loss curve is the new network's"
    assert not exceptions(page) and not tab.errors, tab.errors


def test_play_animates_the_boundary_without_a_rerun(server, tab):
    page = tab.page
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(time.monotonic())))
    open_page(tab, f"{server}/training?{SMALL}")
    index = chart_index(page, "decision boundary")
    last = active_step(page, index)
    assert last > 10, "the boundary opens on the trained network"
    time.sleep(1.0)
    before = len(sent)
    colours = ("i => Array.from(document.querySelectorAll('.js-plotly-plot')[i].querySelector('.scatterlayer .trace')"
               ".querySelectorAll('.point')).map(p => p.style.fill).join('|')")          # the grid's drawn colours
    trained = page.evaluate(colours, index)
    plot = page.locator(".js-plotly-plot").nth(index)
    plot.scroll_into_view_if_needed()
    plot.locator(".updatemenu-button").filter(has_text="Play").first.click()
    page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot')[{index}]._fullLayout.sliders[0]"
                           f".active < {last // 2}", timeout=15_000)
    assert page.evaluate(colours, index) != trained, "an early frame shows the untrained network's boundary"
    early = active_step(page, index)
    page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot')[{index}]._fullLayout.sliders[0]"
                           f".active > {early}", timeout=15_000)
    assert len(sent) == before, "playing the animation must not send anything to the server (no rerun)"
    screenshot(page, "training_playing")
    assert not exceptions(page) and not tab.errors, tab.errors


def test_the_comparison_run_shows(server, tab):
    page = tab.page
    open_page(tab, f"{server}/training?{SMALL}")
    combo = page.locator(".st-key-cmp_bn input[role='combobox']")
    if not combo.is_visible():
        page.locator("[data-testid='stSidebar'] summary").filter(has_text="Compare with a second run").click()
    option = page.get_by_role("option", name="on", exact=True)
    for _ in range(3):                # a click while the expander still opens can leave the list shut: again
        combo.click()
        try:
            option.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            continue
    option.click()
    time.sleep(0.5)
    settle(page)
    assert query(page).get("cmp_bn") == ["on"]
    assert page.get_by_text("Verdict, A (no BN)").count() and page.get_by_text("Verdict, B (BN)").count()
    names = page.evaluate("() => document.querySelectorAll('.js-plotly-plot')[0].data.map(t => t.name)")
    assert {"A: training", "B: training"} <= set(names)
    boundaries = page.eval_on_selector_all(".js-plotly-plot", "els => els.filter(e => (e.layout.title || {}).text"
                                                              ".includes('decision boundary')).length")
    assert boundaries == 2, "the two boundaries side by side"
    assert not exceptions(page) and not tab.errors, tab.errors


def _upload(page, name: str, text: str) -> None:
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}])
    time.sleep(0.8)
    settle(page)


def test_an_uploaded_csv_trains_and_a_broken_one_gets_its_message(server, tab):
    page = tab.page
    open_page(tab, f"{server}/training?data=csv&{SMALL}", ready="[data-testid='stFileUploader']")
    assert page.get_by_text("Waiting for a file").count()
    _upload(page, "mine.csv", GOOD_CSV)
    page.wait_for_selector(".js-plotly-plot")
    assert page.get_by_text("your CSV: 80 rows, 2 features, 2 classes").count()
    assert chart_index(page, "decision boundary") >= 0, "two features: the boundary is drawn"
    assert query(page).get("data") == ["csv"]
    _upload(page, "broken.csv", BAD_CSV)
    alert = page.locator("[data-testid='stAlert']").filter(has_text="cannot be used")
    assert "row 3, column 'x2'" in alert.inner_text() and "'oops' is not a number" in alert.inner_text()
    assert not exceptions(page) and not tab.errors, tab.errors


@pytest.mark.parametrize("name, width, height", SIZES, ids=[s[0] for s in SIZES])
def test_training_screenshots(server, browser, name, width, height):
    screenshot_at(browser, f"{server}/training", name, width, height)


def test_training_readme_screenshots(server, browser):
    """docs/training.png (make screenshots): constant init against Xavier, scrolled to the curves and boundaries."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{server}/training?data=circles&data_noise=0.1&depth=3&width=16&init=constant&batch_size=64"
                  "&cmp_init=xavier_normal")
        page.wait_for_selector(".js-plotly-plot")
        settle(page)
        page.locator("[data-testid='stAlert']").filter(has_text="why one unit").first.evaluate(
            "el => el.scrollIntoView({block: 'start'})")
        time.sleep(0.5)
        assert not exceptions(page)
        screenshot(page, "training")
    finally:
        context.close()
