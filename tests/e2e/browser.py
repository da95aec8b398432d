"""What the browser tests do to a Streamlit page: load it, wait for it to settle, read its charts and URL."""
from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"            # git-ignored: the server log and this run's screenshots
SCREENSHOTS = ARTIFACTS / "screenshots"

SETTLE_TIMEOUT = 30.0


def settle(page, timeout: float = SETTLE_TIMEOUT) -> None:
    """Wait until the script run is over: the status widget is gone and the charts are drawn."""
    deadline = time.monotonic() + timeout
    page.wait_for_selector("[data-testid='stApp']")
    while time.monotonic() < deadline:
        running = page.locator("[data-testid='stStatusWidget']").count()
        stale = page.locator("[data-stale='true']").count()
        if not running and not stale:
            time.sleep(0.3)
            if not page.locator("[data-testid='stStatusWidget']").count():
                return
        time.sleep(0.1)
    raise AssertionError("the page did not finish running in time")


def open_page(tab, url: str, ready: str = ".js-plotly-plot") -> None:
    """Go to url and wait for the first run to finish and an element matching `ready` to show."""
    tab.page.goto(url)
    tab.page.wait_for_selector(ready)
    settle(tab.page)


def exceptions(page) -> list[str]:
    """Text of every Streamlit exception box on the page."""
    return [e.inner_text() for e in page.locator("[data-testid='stException']").all()]


def chart_traces(page) -> list[int]:
    """Number of data traces in every rendered Plotly chart (0 for an empty one)."""
    page.wait_for_selector(".js-plotly-plot")
    return page.eval_on_selector_all(".js-plotly-plot", "els => els.map(e => (e.data || []).length)")


def chart_fingerprint(page, index: int = 0) -> str:
    """A digest of one chart's trace data (binary arrays included), to tell whether it was redrawn."""
    page.wait_for_function("i => { const el = document.querySelectorAll('.js-plotly-plot')[i]; "
                           "return el && el.data && el.data.length > 0; }", arg=index)
    return page.evaluate(
        """i => { const el = document.querySelectorAll('.js-plotly-plot')[i];
                  const s = JSON.stringify(el.data || []);
                  let h = 0; for (let k = 0; k < s.length; k++) { h = (h * 31 + s.charCodeAt(k)) | 0; }
                  return s.length + ':' + h; }""",
        index)


def query(page) -> dict:
    """The page URL's query parameters ({key: [values]})."""
    return parse_qs(urlparse(page.url).query)


def slider_input(page, key: str):
    """The keyboard-focusable range input of the slider with this widget key."""
    return page.locator(f".st-key-{key} input[type='range']").first


def nudge_slider(page, key: str, press: str = "ArrowRight", times: int = 1) -> None:
    """Move a slider with the keyboard, as a user tabbing through the sidebar would, and wait for the rerun."""
    thumb = slider_input(page, key)
    thumb.focus()
    for _ in range(times):
        thumb.press(press)
    time.sleep(0.5)
    settle(page)


def screenshot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def screenshot_at(browser, url: str, name: str, width: int, height: int) -> None:
    """Open url in a fresh context of this viewport, wait for the charts, check for exceptions, screenshot it."""
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector(".js-plotly-plot")
        settle(page)
        assert not exceptions(page)
        screenshot(page, name)
    finally:
        context.close()
