"""Classes at the protocol level (tests/load/classroom.py): one server, and two replicas behind nginx.

Each student opens a lesson with its own setting, then changes it five times 1-3 s apart, and checks that
every chart it gets shows its own setting. Target (issue 11): a setting change's median under 1 s and p90
under 2 s, no failure, no wrong chart. One Streamlit process computes on about one core (Python's GIL), so a
2-core machine serves a class of 30 with two replicas (`make serve REPLICAS=2`); one process alone holds
ONE_SERVER students. The figures are printed in every run; `python -m tests.load` ramps the class size.
"""
import urllib.request

import pytest

from deploy.nginx import COOKIE
from tests.load.classroom import TARGET, Summary, classroom
from tests.load.procstat import cpu_seconds, rss_mb
from tests.load.protocol import run_in_thread

pytestmark = pytest.mark.load

ONE_SERVER = 15           # students one process serves within the target (measured: up to 20 on 2 cores)
CLASS = 30                # students two replicas on one 2-core machine serve within the target


def _run(server, students: int, seed: int, routes: bool) -> tuple[Summary, list]:
    cpu = sum(cpu_seconds(pid) for pid in server.pids)
    results = run_in_thread(classroom(server.url, students, seed=seed, routes=routes))
    summary = Summary.of(results)
    cpu = sum(cpu_seconds(pid) for pid in server.pids) - cpu
    memory = ", ".join(f"{rss_mb(pid):.0f}" for pid in server.pids)
    print("\n".join(summary.lines()))
    print(f"  servers: {1000 * cpu / (students * 6):.0f} ms CPU per script run on average; RSS {memory} MB")
    return summary, results


def _meets_target(summary: Summary) -> None:
    assert not summary.failures, summary.failures[:3]
    assert not summary.wrong, summary.wrong[:3]
    assert summary.change[0] < TARGET["median"], "median setting change"
    assert summary.change[1] < TARGET["p90"], "p90 setting change"


def test_one_server_holds_a_small_class(app_server, capsys):
    with capsys.disabled():
        print(f"\nprotocol load test: one Streamlit process, {ONE_SERVER} students")
        summary, _ = _run(app_server, ONE_SERVER, seed=1, routes=False)
    _meets_target(summary)


def _upstream(url: str, route: str) -> str:
    request = urllib.request.Request(f"{url}/_stcore/health", headers={"Cookie": f"{COOKIE}={route}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers["X-Upstream"]


def test_two_replicas_behind_nginx_serve_a_class_of_30(front, capsys):
    """Every student gets its own charts, on one replica, both replicas used, within the class's target.

    Measured on a quiet 2-core machine: median 0.30-0.34 s, p90 0.8-1.1 s, about half the target (median < 1 s,
    p90 < 2 s), though one run in several reaches p90 1.6 s; 40 students miss it (p90 about 2.1 s). A time miss
    is measured once more with a fresh class (a shared CI machine's neighbour can take a core for a while); two
    misses fail, and so does any failure or wrong chart. See the README's class section.
    """
    with capsys.disabled():
        print(f"\nprotocol load test: {CLASS} students through nginx, two replicas on one machine")
        summary, results = _run(front, CLASS, seed=2, routes=True)
    assert not summary.failures, summary.failures[:3]
    assert not summary.wrong, summary.wrong[:3]
    upstreams = [r.upstreams for r in results]
    assert all(len(u) == 1 for u in upstreams), "one replica per session"
    spread = {next(iter(u)) for u in upstreams}
    assert len(spread) == 2, f"sessions spread over both replicas: {spread}"
    for r in results[:8]:                        # the same cookie keeps every later request on that replica
        assert {_upstream(front.url, f"student-2-{r.student}") for _ in range(3)} == r.upstreams
    if not summary.meets_target and not summary.failures and not summary.wrong:
        with capsys.disabled():
            print("  missed the time target: the class once more")
            summary, _ = _run(front, CLASS, seed=3, routes=True)
    _meets_target(summary)
