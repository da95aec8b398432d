"""Servers for the protocol-level load tests, started as `make serve` starts them (deploy/serve.py).

`app_server`: one replica, for the class, memory and clear-cache tests. `front`: FRONT_REPLICAS replicas behind
nginx, as `make serve` starts them on a 2-core machine (two per core).
Both are warmed first: the home page once (Streamlit learns an st.navigation app's pages on its first run,
streamlit issue 9624) and every lesson once (its modules load on its first run): what the teacher's own first
visit does before the class arrives. Logs go to test-artifacts/.
"""
from __future__ import annotations

import socket
from dataclasses import dataclass

import pytest

from deploy.serve import ROOT, start_nginx, start_replicas
from tests.load.classroom import LESSONS
from tests.load.protocol import Session, page_url, run_in_thread

ARTIFACTS = ROOT / "test-artifacts"          # git-ignored: the servers' and nginx's logs
FRONT_REPLICAS = 4                           # two per core on the 2-core machine the class test is sized for


def free_ports(n: int) -> list[int]:
    """n distinct free ports (held open together while they are picked)."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


@dataclass(frozen=True)
class Server:
    url: str
    pids: tuple            # the Streamlit processes (to read their memory and CPU in /proc)


async def _warm(url: str) -> None:
    for page in ["", *(lesson.page for lesson in LESSONS)]:
        async with Session(page_url(url, page, {})) as s:
            await s.open()


def warm(url: str) -> None:
    """Open the home page and every lesson once, as the teacher does before the class."""
    run_in_thread(_warm(url))


@pytest.fixture(scope="session")
def app_server():
    ARTIFACTS.mkdir(exist_ok=True)
    with start_replicas(free_ports(1), ARTIFACTS) as (urls, procs):
        warm(urls[0])
        yield Server(urls[0], tuple(p.pid for p in procs))


@pytest.fixture(scope="session")
def front():
    """FRONT_REPLICAS replicas behind nginx; yields the front's Server (pids of the replicas)."""
    ARTIFACTS.mkdir(exist_ok=True)
    *ports, port = free_ports(FRONT_REPLICAS + 1)
    with start_replicas(ports, ARTIFACTS) as (urls, procs), \
            start_nginx([u.removeprefix("http://") for u in urls], port, ARTIFACTS) as (url, _):
        for replica in urls:
            warm(replica)
        yield Server(url, tuple(p.pid for p in procs))
