"""Real-browser fixtures: one `streamlit run app.py` per session, and Debian's Chromium driven by Playwright.

The server's output goes to test-artifacts/streamlit-<port>.log; screenshots to test-artifacts/screenshots/.
"""
from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest

from deploy.serve import start_replicas
from tests.e2e.browser import ARTIFACTS, SCREENSHOTS

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 900}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server():
    """Start the app headless on a free port; yield its base URL; stop it at the end."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium package")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with start_replicas([port], ARTIFACTS) as (urls, _):       # as `make serve` starts each replica
        yield urls[0]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# Opened at a page's own URL (/activations), Streamlit's frontend first probes /activations/_stcore/health
# and /host-config to find the server's base path, gets 404 and falls back to /. Those two 404s are its
# own discovery, not an error of the app; every other console error fails the test.
BASE_PATH_PROBES = ("/_stcore/health", "/_stcore/host-config")


def _benign(msg) -> bool:
    url = (msg.location or {}).get("url", "")
    return "404" in msg.text and url.endswith(BASE_PATH_PROBES) and urlparse(url).path.count("/") > 2


@pytest.fixture(scope="session", autouse=True)
def warm_server(request):
    """Open the home page once before any test (for tests that use the server).

    Streamlit learns an st.navigation app's pages on its first script run; until then a deep link such as
    /race shows a "Page not found" dialog over the page (streamlit issue 9624). A real server gets its first
    visit from whoever starts it; this does the same for the one the tests start.
    """
    if "server" not in request.fixturenames and not any(
            "server" in item.fixturenames for item in request.session.items):
        return
    base = request.getfixturevalue("server")
    chromium = request.getfixturevalue("browser")
    page = chromium.new_page()
    page.goto(base)
    page.wait_for_selector("[data-testid='stPageLink']", timeout=60_000)
    page.close()


class Watched:
    """A page plus the console errors and page errors it produced."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _console(self, msg) -> None:
        if msg.type == "error" and not _benign(msg):
            self.errors.append(f"{msg.text} ({(msg.location or {}).get('url', '')})")

    def watch(self, page) -> None:
        """Also collect the errors of another page (e.g. one opened in a new tab)."""
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))


@pytest.fixture
def tab(browser):
    """A fresh browser context and page at 1400x900, watched for console errors."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield Watched(page)
    context.close()
