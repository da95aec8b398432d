"""Every page in a real browser: loads clean, charts hold data, a keyboard slider move redraws, the URL round-trips."""
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
)

# (url path, the key of a slider to move (also its URL key), minimum number of charts)
PAGES = [
    ("init", "seed", 3),
    ("activations", "depth", 4),
    ("gradients", "depth", 4),
    ("race", "steps", 3),
]


def test_home_loads_clean(server, tab):
    open_page(tab, server, ready="[data-testid='stPageLink']")
    page = tab.page
    assert page.get_by_role("heading", name="Training Dynamics Lab").is_visible()
    assert not exceptions(page)
    assert page.locator("[data-testid='stPageLink']").count() >= 12
    screenshot(page, "home")
    assert not tab.errors, tab.errors


@pytest.mark.parametrize("path,key,n_charts", PAGES, ids=[p[0] for p in PAGES])
def test_page_loads_draws_and_round_trips(server, tab, path, key, n_charts):
    page = tab.page
    open_page(tab, f"{server}/{path}")
    assert not exceptions(page)
    traces = chart_traces(page)
    assert len(traces) >= n_charts and all(n > 0 for n in traces), traces
    screenshot(page, path)

    before = chart_fingerprint(page)
    nudge_slider(page, key)
    assert chart_fingerprint(page) != before, "moving the slider must redraw the chart with new data"
    assert key in query(page), f"the URL must carry {key}: {page.url}"
    value = query(page)[key]

    restored = tab.page.context.new_page()
    tab.watch(restored)
    restored.goto(page.url)
    restored.wait_for_selector(".js-plotly-plot")
    settle(restored)
    assert query(restored)[key] == value
    assert chart_fingerprint(restored) == chart_fingerprint(page), "the same URL must draw the same chart"
    assert not exceptions(restored)
    assert not tab.errors, tab.errors


def test_clamped_url_shows_a_notice_and_the_user_can_move_on(server, tab):
    """?depth=500 is clamped to 100 with a notice; then the slider still answers the keyboard."""
    page = tab.page
    open_page(tab, f"{server}/activations?depth=500&scale=1.0&width=64&nonsense=%3Cscript%3E")
    notice = page.locator("[data-testid='stAlert']").filter(has_text="adjusted").first
    assert "outside 1–100; using 100" in notice.inner_text()
    assert "ignored unknown setting" in notice.inner_text()
    depth = page.locator(".st-key-depth input[type='range']").first
    assert depth.get_attribute("aria-valuetext") == "100"
    nudge_slider(page, "depth", press="ArrowLeft", times=3)
    assert depth.get_attribute("aria-valuetext") == "97"
    assert query(page).get("depth") == ["97"]
    nudge_slider(page, "scale", press="ArrowRight")
    assert query(page).get("scale") == ["1.1"]
    assert depth.get_attribute("aria-valuetext") == "97", "an earlier URL value must not come back"
    assert not exceptions(page)
