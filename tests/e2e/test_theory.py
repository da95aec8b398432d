"""The theory page in a real browser: loads clean, a slider redraws the diagram, a click on the diagram sets the
point (sliders and URL follow), and it reads at a laptop's and a phone's size (screenshots for review)."""
import time

import pytest

from tests.e2e.browser import (
    chart_fingerprint,
    chart_traces,
    exceptions,
    nudge_slider,
    open_page,
    query,
    screenshot,
    settle,
    slider_input,
)

SIZES = [("theory", 1400, 900), ("theory_1280x720", 1280, 720), ("theory_phone", 390, 844)]


def _data_point(page, x: float, y: float) -> tuple[float, float]:
    """Where the diagram (the first chart) draws the data point (x, y), in page pixels."""
    return tuple(page.evaluate(
        """([x, y]) => { const el = document.querySelectorAll('.js-plotly-plot')[0];
                         const fl = el._fullLayout, box = el.getBoundingClientRect();
                         return [box.left + fl.xaxis._offset + fl.xaxis.d2p(x),
                                 box.top + fl.yaxis._offset + fl.yaxis.d2p(y)]; }""", [x, y]))


def test_theory_loads_clean_and_the_depth_slider_redraws_the_band(server, tab):
    page = tab.page
    open_page(tab, f"{server}/theory")
    assert not exceptions(page)
    traces = chart_traces(page)
    assert len(traces) >= 5 and all(n > 0 for n in traces), traces
    before = chart_fingerprint(page, 0)
    nudge_slider(page, "depth", press="ArrowLeft")
    assert query(page).get("depth") == ["49"]
    assert chart_fingerprint(page, 0) != before, "the trainable band is drawn for the new depth"
    assert not exceptions(page) and not tab.errors, tab.errors


def test_clicking_the_diagram_sets_the_point(server, tab):
    page = tab.page
    open_page(tab, f"{server}/theory?critical=true")
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    x, y = _data_point(page, 4.0, 0.3)
    page.mouse.move(x, y)
    time.sleep(0.3)
    page.mouse.click(x, y)
    page.wait_for_function("() => new URLSearchParams(location.search).get('sw2') === '4'", timeout=30_000)
    settle(page)
    assert query(page) == {"sw2": ["4"], "sb2": ["0.3"]}, "the click leaves the edge of chaos for the point"
    assert slider_input(page, "sw2").get_attribute("aria-valuetext") == "4.00"
    assert slider_input(page, "sb2").get_attribute("aria-valuetext") == "0.3"
    star = page.evaluate("() => { const d = document.querySelectorAll('.js-plotly-plot')[0].data; "
                         "const s = d[d.length - 1]; return [s.name, s.x[0], s.y[0]]; }")
    assert star == ["your network", 4, 0.3]
    assert not exceptions(page) and not tab.errors, tab.errors


def test_a_keyboard_arrow_moves_the_bias_one_round_value(server, tab):
    """sigma_b^2 is a select slider of round values: one ArrowRight takes 0.05 to 0.06 (the old 1e-5 step: 0.05001)."""
    page = tab.page
    open_page(tab, f"{server}/theory?depth=8&width=32")
    nudge_slider(page, "sb2")
    assert query(page).get("sb2") == ["0.06"]
    nudge_slider(page, "sb2", press="ArrowLeft")
    assert query(page).get("sb2") is None and slider_input(page, "sb2").get_attribute("aria-valuetext") == "0.05"
    assert not exceptions(page) and not tab.errors, tab.errors


def test_a_classroom_link_asks_for_the_phase_first_then_shows_the_page(server, tab):
    page = tab.page
    open_page(tab, f"{server}/theory?depth=8&width=32&sw2=0.8&predict=true&hide=sw2&prompt=Which%20phase%3F",
              ready="[data-testid='stRadio']")
    assert page.locator(".js-plotly-plot").count() == 0 and page.get_by_text("Question for you").count() == 1
    options = page.locator("[data-testid='stMainBlockContainer'] [data-testid='stRadioOption']")
    options.filter(has_text="ordered").click()
    page.wait_for_selector(".js-plotly-plot")
    settle(page)
    assert page.get_by_text("and the numbers agree").count() == 1
    assert page.locator(".st-key-sw2").count() == 0
    assert not exceptions(page) and not tab.errors, tab.errors


@pytest.mark.parametrize("name, width, height", SIZES, ids=[s[0] for s in SIZES])
def test_theory_screenshots(server, browser, name, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(f"{server}/theory")
        page.wait_for_selector(".js-plotly-plot")
        settle(page)
        assert not exceptions(page)
        screenshot(page, name)
    finally:
        context.close()
