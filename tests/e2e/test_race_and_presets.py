"""The race animation plays in the browser without a rerun; every home preset lands on its page, set up."""
import time

import pytest

from lessons.catalog import LESSONS
from lessons.presets import PRESETS
from tests.e2e.browser import exceptions, open_page, screenshot, settle

URL_PATHS = {page.script: page.url_path for page in LESSONS}        # every lesson's address
ACTIVE_STEP = """() => { const el = document.querySelectorAll('.js-plotly-plot')[0];
    const s = el._fullLayout.sliders; return s && s.length ? s[0].active : null; }"""


def test_play_advances_frames_without_a_rerun(server, tab):
    page = tab.page
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(time.monotonic())))
    open_page(tab, f"{server}/race")
    last = page.evaluate(ACTIVE_STEP)
    assert last > 10, "the chart opens on the finished race"
    time.sleep(1.0)
    before = len(sent)
    page.locator(".js-plotly-plot .updatemenu-button").filter(has_text="Play").first.click()
    page.wait_for_function(f"() => ({ACTIVE_STEP})() < {last // 2}", timeout=15_000)      # replay from the start
    early = page.evaluate(ACTIVE_STEP)
    page.wait_for_function(f"() => ({ACTIVE_STEP})() > {early}", timeout=15_000)          # and it advances
    assert len(sent) == before, "playing the animation must not send anything to the server (no rerun)"
    assert not page.locator("[data-testid='stStatusWidget']").count()
    screenshot(page, "race_playing")
    assert not exceptions(page) and not tab.errors, tab.errors


def widget_shows(page, key: str, value) -> bool:
    """Whether the widget with this key displays `value` (slider text, select text, toggle state, tags)."""
    box = page.locator(f".st-key-{key}").first
    values = value if isinstance(value, list) else [value]
    if value in ("true", "false"):
        return box.locator("input").first.is_checked() == (value == "true")
    slider = box.locator("input[type='range']")
    if slider.count():
        texts = [slider.nth(i).get_attribute("aria-valuetext") for i in range(slider.count())]
        return all(_same(t, v) for t, v in zip(texts, values))
    number = box.locator("input[type='number']")
    if number.count():
        return _same(number.first.input_value(), value)
    combo = box.locator("input[role='combobox']")
    if combo.count() and not isinstance(value, list):
        return combo.first.input_value() == value
    text = box.inner_text()
    return all(v in text for v in values)


def _same(shown: str, wanted: str) -> bool:
    try:
        return float(shown) == float(wanted)
    except ValueError:
        return shown == wanted


@pytest.mark.parametrize("preset", PRESETS, ids=[p.title for p in PRESETS])
def test_preset_link_lands_on_its_page_with_its_settings(server, tab, preset):
    page = tab.page
    open_page(tab, server, ready="[data-testid='stPageLink']")
    page.get_by_role("link", name=preset.title).click()
    page.wait_for_url(f"**/{URL_PATHS[preset.page]}*")
    page.wait_for_selector(".js-plotly-plot")
    settle(page)
    for key, value in preset.params:
        assert widget_shows(page, key, value), (key, value)
    assert not exceptions(page)
    assert not page.locator("[data-testid='stAlert']").filter(has_text="adjusted").count()
