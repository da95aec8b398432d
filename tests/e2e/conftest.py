"""Real-browser fixtures: one `streamlit run app.py` per session, and Debian's Chromium driven by Playwright.

The server's output goes to test-artifacts/streamlit.log; screenshots to test-artifacts/screenshots/.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.e2e.browser import ARTIFACTS, ROOT, SCREENSHOTS

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 900}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Poll /_stcore/health until the server answers ok (or fail with the log's path)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}; see {ARTIFACTS / 'streamlit.log'}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"streamlit did not become healthy in {timeout}s; see {ARTIFACTS / 'streamlit.log'}")


@pytest.fixture(scope="session")
def server():
    """Start the app headless on a free port; yield its base URL; stop it at the end."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium package")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = open(ARTIFACTS / "streamlit.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


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
