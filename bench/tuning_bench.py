"""Tuning benchmark: the cold time of tune() for all 7 optimizers on each surface's default race.

The race page calls this (cached) when "tune" is on, so a cold call is what a student waits for.
One BLAS thread, as the server runs. Target: every surface well under 2 s (TARGET_S), at the
default steps and at 1000 steps (the race page's longest). Prints wall and CPU seconds: on a busy
machine the wall time includes waiting for a core, the CPU time does not; the target is on CPU time.

    .venv/bin/python bench/tuning_bench.py
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from engine import optimizers, surfaces, tuning  # noqa: E402
from engine.race_defaults import TOL, TUNED_FOR  # noqa: E402

TARGET_S = 2.0
LONGEST = 1000     # the race page's steps slider ends here


def cold_seconds(name: str, steps: int) -> tuple[float, float]:
    """(wall, CPU) seconds of one tune_all over every optimizer (nothing is cached between calls)."""
    s = surfaces.SURFACES[name]
    wall, cpu = time.perf_counter(), time.process_time()
    tuning.tune_all(s, tuple(optimizers.OPTIMIZERS), s.start, steps, TOL)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    worst = 0.0
    print(f"{'surface':12s} {'steps':>5s} {'wall':>6s} {'cpu':>6s}   {'steps':>5s} {'wall':>6s} {'cpu':>6s}")
    for name, steps in TUNED_FOR.items():
        (wall, cpu), (wall_long, cpu_long) = cold_seconds(name, steps), cold_seconds(name, LONGEST)
        worst = max(worst, cpu, cpu_long)
        print(f"{name:12s} {steps:5d} {wall:6.2f} {cpu:6.2f}   {LONGEST:5d} {wall_long:6.2f} {cpu_long:6.2f}")
    print(f"slowest {worst:.2f} s CPU (target < {TARGET_S:g} s): {'ok' if worst < TARGET_S else 'TOO SLOW'}")
    return 0 if worst < TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
