"""Server CPU per script run, per lesson, measured on a real server (as `make serve` starts a replica).

AppTest leaves out what a server adds: Streamlit's full gc.collect() after every run (off in this app's
.streamlit/config.toml), hashing and serializing every ForwardMsg, the websocket. Here one protocol client
(tests/load/protocol.py) reruns each lesson and the server process's CPU time (/proc) is divided by the runs:
"cached" alternates two settings already computed; "new" asks for a setting nobody asked for before.

    .venv/bin/python bench/server_cpu.py [--runs 20]
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.serve import start_replicas  # noqa: E402
from tests.load.classroom import LESSONS  # noqa: E402
from tests.load.conftest import free_ports, warm  # noqa: E402
from tests.load.procstat import cpu_seconds  # noqa: E402
from tests.load.protocol import Session, page_url  # noqa: E402

# Measured the same way on the code before issue 11 (commit b602dd5: Streamlit's post-run gc.collect() on,
# every figure rebuilt and re-encoded each rerun): server CPU ms per run.
BEFORE = {"activations": (110, 205), "gradients": (118, 118), "race": (180, 226), "init": (131, 145)}


async def _per_run(url: str, pid: int, lesson, runs: int) -> tuple[float, float]:
    """(CPU ms per cached rerun, CPU ms per rerun with a new setting) of one lesson."""
    async with Session(page_url(url, lesson.page, {})) as s:
        await s.open()
        a, b = lesson.value(0, 1), lesson.value(0, 2)
        await s.set(lesson.key, a)
        await s.set(lesson.key, b)
        start = cpu_seconds(pid)
        for k in range(runs):
            await s.set(lesson.key, a if k % 2 else b)
        cached = (cpu_seconds(pid) - start) / runs
        start = cpu_seconds(pid)
        for k in range(runs):
            await s.navigate({lesson.key: lesson.value(5000 + k, 3), "seed": 7000 + k, **dict(lesson.extra)})
        return 1000 * cached, 1000 * (cpu_seconds(pid) - start) / runs


def measure(runs: int) -> dict:
    """{lesson page: (cached ms, new-setting ms)} on a fresh server."""
    with tempfile.TemporaryDirectory(prefix="lab-bench-") as logs, \
            start_replicas(free_ports(1), Path(logs)) as (urls, procs):
        warm(urls[0])
        return {lesson.page: asyncio.run(_per_run(urls[0], procs[0].pid, lesson, runs)) for lesson in LESSONS}


def report(results: dict) -> None:
    print(f"{'server CPU ms per run':<24}{'cached':>8}{'before':>8}{'new setting':>13}{'before':>8}")
    for page, (cached, new) in results.items():
        was_cached, was_new = BEFORE[page]
        print(f"{page:<24}{cached:>8.0f}{was_cached:>8}{new:>13.0f}{was_new:>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    report(measure(parser.parse_args().runs))


if __name__ == "__main__":
    main()
