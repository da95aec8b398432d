"""Memory levels off however many settings a class tries (issue 11: 184 -> 613 MB over 1,500 settings, still
growing). Every cache is bounded by entries and by bytes (ui/cache.py) and the server runs with glibc's malloc
told to hand freed memory back (deploy/serve.py SERVER_ENV); the other half of the story is shown here.

One session per lesson walks through SETTINGS different settings each (links with a new depth, width, seed...),
as fast as the server answers. After every ROUND of settings the walks wait for each other, the server's freed
memory is handed back (ui/heap.py trims every TRIM_S seconds) and its RSS is read from /proc and printed: what the
process holds, not what a computation in flight holds for a moment. Once the caches are full (64 entries a
function) memory must stop growing: the second half of the walk may add at most PLATEAU_MB over the RSS at its
midpoint.
"""
import asyncio
import random

import pytest

from tests.load.classroom import LESSONS
from tests.load.procstat import rss_mb
from tests.load.protocol import Session, page_url, run_in_thread
from ui.heap import TRIM_S

pytestmark = pytest.mark.load

SETTINGS = 160            # per lesson: well past the 64 entries every cached function keeps
ROUND = 32                # settings per lesson between two readings of the RSS
PLATEAU_MB = 60           # growth allowed over the second half (allocator noise, a late full cache)


def _query(lesson, rng: random.Random) -> dict:
    """A random setting of the lesson, cheap enough to try hundreds (what a student might click through)."""
    if lesson.page == "race":
        return {"steps": rng.randrange(50, 600, 10), "noise": 0.05, "seed": rng.randrange(10_000),
                "surface": rng.choice(["rosenbrock", "bowl", "beale", "himmelblau"])}
    if lesson.page == "init":
        return {"fan_in": rng.randrange(1, 2048), "fan_out": rng.randrange(1, 512), "seed": rng.randrange(10_000),
                "init": rng.choice(["he_normal", "xavier_uniform", "lecun_normal", "normal"])}
    return {"depth": rng.randrange(2, 30), "width": 8 * rng.randrange(4, 40), "batch": 16 * rng.randrange(2, 20),
            "act": rng.choice(["tanh", "relu", "gelu", "sigmoid"]), "seed": rng.randrange(10_000)}


async def _walk(url: str, lesson, rounds: asyncio.Barrier, errors: list) -> None:
    rng = random.Random(lesson.page)
    try:
        async with Session(page_url(url, lesson.page, {})) as s:
            await s.open()
            for k in range(SETTINGS):
                run = await s.navigate(_query(lesson, rng))
                errors += run.errors
                if (k + 1) % ROUND == 0:
                    await rounds.wait()          # every lesson has done this round: the RSS is read
                    await rounds.wait()          # ... and the walks go on
    except Exception:
        await rounds.abort()                     # the others stop waiting for this walk; its error is raised
        raise


async def _curve(url: str, pid: int) -> tuple[list, list]:
    rounds, errors, curve = asyncio.Barrier(len(LESSONS) + 1), [], [rss_mb(pid)]
    walks = asyncio.gather(*(_walk(url, lesson, rounds, errors) for lesson in LESSONS), return_exceptions=True)
    try:
        for _ in range(SETTINGS // ROUND):
            await rounds.wait()
            await asyncio.sleep(TRIM_S + 0.5)    # nothing in flight; one trim later
            curve.append(rss_mb(pid))
            await rounds.wait()
    except asyncio.BrokenBarrierError:
        pass                                     # a walk failed: its error is in `walks`
    failed = [repr(e) for e in await walks if isinstance(e, BaseException)
              and not isinstance(e, asyncio.BrokenBarrierError)]      # the failed walk's own error, not the others'
    return curve, errors + failed


def test_memory_levels_off_over_many_settings(app_server, capsys):
    (pid,) = app_server.pids
    curve, errors = run_in_thread(_curve(app_server.url, pid))
    with capsys.disabled():
        steps = [k * ROUND * len(LESSONS) for k in range(len(curve))]
        print(f"\nserver RSS over {SETTINGS * len(LESSONS)} different settings: "
              + ", ".join(f"{n}: {mb:.0f} MB" for n, mb in zip(steps, curve)))
    assert not errors, errors[:3]
    middle = curve[len(curve) // 2]
    assert max(curve[len(curve) // 2:]) - middle < PLATEAU_MB, f"still growing: {curve}"
