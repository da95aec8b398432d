"""The URL is the state, in a real browser: for every preset and for a clamped link, the address the page settles on,
opened in a fresh browser context, draws the same charts."""
from urllib.parse import urlencode

import pytest

from lessons.catalog import LESSONS
from lessons.presets import PRESETS
from tests.e2e.browser import chart_fingerprint, exceptions, open_page, query

URL_PATHS = {page.script: page.url_path for page in LESSONS}        # every lesson's address
CLAMPED = [("activations", {"depth": "500", "width": "9", "std": "1.0", "init": "normal"}),
           ("race", {"steps": "5000", "lr_sgd": "0.31", "surface": "bowl", "opt": ["sgd", "nope"]})]


def _fingerprints(page) -> list[str]:
    n = page.locator(".js-plotly-plot").count()
    return [chart_fingerprint(page, i) for i in range(n)]


def _settled_url_reproduces_the_charts(server, browser, tab, url):
    page = tab.page
    open_page(tab, url)
    assert not exceptions(page)
    settled, charts = page.url, _fingerprints(page)
    fresh = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        other = fresh.new_page()
        tab.watch(other)
        open_page(type(tab)(other), settled)
        assert other.url == settled, "the settled link must not change again"
        assert _fingerprints(other) == charts
        assert not other.locator("[data-testid='stAlert']").filter(has_text="adjusted").count()
    finally:
        fresh.close()
    assert not tab.errors, tab.errors
    return settled


@pytest.mark.parametrize("preset", PRESETS, ids=[p.title for p in PRESETS])
def test_preset_link_round_trips_in_a_fresh_browser(server, browser, tab, preset):
    url = f"{server}/{URL_PATHS[preset.page]}?{urlencode(preset.params, doseq=True)}"
    _settled_url_reproduces_the_charts(server, browser, tab, url)


@pytest.mark.parametrize("path, params", CLAMPED, ids=[c[0] for c in CLAMPED])
def test_clamped_link_is_written_back_and_round_trips(server, browser, tab, path, params):
    settled = _settled_url_reproduces_the_charts(server, browser, tab,
                                                 f"{server}/{path}?{urlencode(params, doseq=True)}")
    assert "500" not in settled and "5000" not in settled
    assert query(tab.page).get("depth", query(tab.page).get("steps")) in (["100"], ["1000"])
