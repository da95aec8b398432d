"""Any client can clear every user's cache: Streamlit handles BackMsg.clear_cache from any session by clearing
the process's st.cache_data and st.cache_resource (the README says so under its limits). The app recovers:
the other sessions keep working and get the same charts, only recomputed (time is all that is lost).
"""
import asyncio

import numpy as np
import pytest

from tests.load.classroom import LESSONS
from tests.load.protocol import Session, page_url, run_in_thread

pytestmark = pytest.mark.load


async def _scenario(url: str) -> tuple:
    lesson = LESSONS[0]
    query = {lesson.key: lesson.value(7, 0), "seed": 7}
    async with Session(page_url(url, lesson.page, query)) as student, \
            Session(page_url(url, "", {})) as prankster:
        before = await student.open()
        await prankster.open()
        await prankster.clear_cache()
        await asyncio.sleep(0.5)                       # handled on the server's event loop, after the send
        after = await student.set(lesson.key, lesson.value(7, 0))          # a rerun that must recompute
        changed = await student.set(lesson.key, lesson.value(7, 1))
    async with Session(page_url(url, lesson.page, query)) as newcomer:
        fresh = await newcomer.open()
    return lesson, before, after, changed, fresh


def test_a_clear_cache_from_one_session_leaves_the_others_working(app_server):
    lesson, before, after, changed, fresh = run_in_thread(_scenario(app_server.url))
    for run in (before, after, changed, fresh):
        assert not run.errors, run.errors
    assert lesson.shows(after, lesson.value(7, 0)) and lesson.shows(changed, lesson.value(7, 1))
    np.testing.assert_array_equal(after.figures()[0]["data"][0]["z"], before.figures()[0]["data"][0]["z"],
                                  err_msg="recomputed after the clear: the same chart")
    assert fresh.charts == before.charts, "a new session gets the same charts"
