"""Find the largest class that meets the target: ramp the number of students until a class misses it.

    .venv/bin/python -m tests.load                              # 2 replicas per core behind nginx; ramp 10, 15, ...
    .venv/bin/python -m tests.load --replicas 1                     # one replica (behind nginx)
    .venv/bin/python -m tests.load --url http://host:8501 --sizes 20,30,40    # any running server or front

Each class tries settings no earlier class tried (nothing is cached for it). Prints each class's figures and
the largest size that met the target (median setting change < 1 s, p90 < 2 s, no failure, no wrong chart).
"""
from __future__ import annotations

import argparse
import contextlib
import tempfile
from pathlib import Path

from deploy.serve import default_replicas, serve
from tests.load.classroom import Summary, classroom
from tests.load.conftest import free_ports, warm
from tests.load.protocol import run_in_thread


def ramp(url: str, sizes: list[int], routes: bool) -> int:
    """Run a class of each size in turn (until one misses the target); returns the largest that met it."""
    best = 0
    for seed, size in enumerate(sizes, start=10):
        summary = Summary.of(run_in_thread(classroom(url, size, seed=seed, routes=routes)))
        print("\n".join(summary.lines()), flush=True)
        if not summary.meets_target:
            break
        best = size
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server or nginx front (default: start one here)")
    parser.add_argument("--replicas", type=int, default=default_replicas(),
                        help="replicas to start behind nginx (without --url; default: two per core)")
    parser.add_argument("--sizes", default="10,15,20,25,30,35,40,50,60")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    with contextlib.ExitStack() as stack:
        url = args.url
        if url is None:
            logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lab-load-")))
            url, replicas, _ = stack.enter_context(serve(args.replicas, free_ports(1)[0], logs))
            for replica in replicas:
                warm(replica)
        print(f"ramping classes against {url}", flush=True)
        best = ramp(url, sizes, routes=True)
    print(f"largest class meeting the target: {best or 'none of ' + args.sizes} students")


if __name__ == "__main__":
    main()
