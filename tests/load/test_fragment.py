"""The race's EMA panel is an st.fragment: its beta slider reruns the panel alone (not the race and its ~0.3-0.7
MB animation), and the address still gets the value (ui.widgets.keep_in_url), which a later full run keeps."""

import pytest

from tests.load.protocol import FINISHED, Session, page_url, run_in_thread

pytestmark = pytest.mark.load


async def _scenario(url: str) -> tuple:
    async with Session(page_url(url, "race", {})) as s:
        first = await s.open()
        panel = await s.set("ema_beta", 0.95, fragment=True)
        full = await s.set("steps", 300)
    return first, panel, full


def test_the_ema_slider_reruns_only_its_panel_and_keeps_the_url(app_server):
    first, panel, full = run_in_thread(_scenario(app_server.url))
    assert not (first.errors or panel.errors or full.errors)
    assert panel.status == FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
    assert len(panel.charts) == 1 and "0.95" in panel.charts[0], "only the EMA chart, drawn for beta 0.95"
    assert panel.bytes < first.bytes / 10
    assert panel.query == "ema_beta=0.95"
    assert full.query == "steps=300&ema_beta=0.95", "a full run writes the panel's value back too"
    assert len(full.charts) == 3
