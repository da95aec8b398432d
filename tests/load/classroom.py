"""A class at once, at the protocol level: each student opens a lesson with their own setting, then changes a
setting five times, 1-3 s apart, and checks every chart it gets back shows its own setting.

Students take the four lessons in turn. What each changes, and how its chart proves the setting:
activations and gradients: depth (the heatmap / the gradient-norm line has one point per layer); race: steps
(the loss curve has steps + 1 points); init explorer: fan_in (the sweep chart marks "fan_in = n").
"""
from __future__ import annotations

import asyncio
import random
import statistics
import time
from dataclasses import dataclass, field

from tests.load.protocol import Run, Session, page_url

CHANGES = 5
PAUSE_S = (1.0, 3.0)          # a student's pause between two changes
ARRIVAL_S = 3.0               # students open the link within this many seconds ("open the link now")
TARGET = {"median": 1.0, "p90": 2.0}   # setting-change seconds a class of students must get


def _rows(fig: dict) -> int:
    """Points along the first trace: layers of a heatmap (its y), steps of a line (its x)."""
    trace = fig["data"][0]
    return len(trace["y"] if trace.get("type") == "heatmap" else trace["x"])


@dataclass(frozen=True)
class Lesson:
    """A lesson as a student uses it: the widget it moves, the values it tries, and which chart shows it."""
    page: str
    key: str
    chart: int                     # which chart on the page shows the setting
    extra: tuple = ()              # more (key, value) pairs for the link: the race's noise makes its seed count

    def value(self, student: int, k: int) -> int:
        """The student's k-th setting (k = 0 is the one in the link): spread over the range, own per student."""
        if self.key == "depth":
            return 3 + (7 * student + 11 * k) % 40
        if self.key == "steps":
            return 10 * (5 + (3 * student + 7 * k) % 60)
        return 16 + (37 * student + 53 * k) % 1000               # fan_in

    def shows(self, run: Run, value: int) -> bool:
        """Whether the run's chart is the chart of this setting."""
        figs = run.figures()
        if len(figs) <= self.chart:
            return False
        fig = figs[self.chart]
        if self.key == "fan_in":
            return any(str(t.get("name", "")).startswith(f"fan_in = {value}:") for t in fig["data"])
        return _rows(fig) == value + (self.key == "steps")


LESSONS = (Lesson("activations", "depth", 0), Lesson("gradients", "depth", 0),
           Lesson("race", "steps", 1, (("noise", 0.05),)), Lesson("init", "fan_in", 1))


@dataclass
class Result:
    """What one student saw: seconds of the first load and of each change; failures and wrong charts in words."""
    student: int
    first: float | None = None
    changes: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    upstreams: set = field(default_factory=set)


def _check(result: Result, lesson: Lesson, run: Run, value: int, what: str) -> None:
    if run.errors:
        result.failures.append(f"student {result.student} {what}: {run.errors[0]}")
    elif not lesson.shows(run, value):
        result.wrong.append(f"student {result.student} {what}: chart does not show {lesson.key}={value}")


async def student(base: str, i: int, *, seed: int = 0, changes: int = CHANGES, route: str | None = None) -> Result:
    """One student's visit: open the lesson with its own setting, then change it `changes` times."""
    lesson, rng, result = LESSONS[i % len(LESSONS)], random.Random(seed * 1000 + i), Result(i)
    sid = (i + 101 * seed) % 10_000                  # another class (seed) tries other settings: nothing cached
    await asyncio.sleep(rng.uniform(0, ARRIVAL_S))
    value = lesson.value(sid, 0)
    try:
        start = time.perf_counter()
        query = {lesson.key: value, "seed": sid, **dict(lesson.extra)}
        async with Session(page_url(base, lesson.page, query), route=route) as s:
            run = await s.open()
            result.first = time.perf_counter() - start
            result.upstreams.add(s.upstream)
            _check(result, lesson, run, value, "first load")
            for k in range(1, changes + 1):
                await asyncio.sleep(rng.uniform(*PAUSE_S))
                value = lesson.value(sid, k)
                run = await s.set(lesson.key, value)
                result.changes.append(run.seconds)
                _check(result, lesson, run, value, f"change {k}")
    except Exception as exc:                         # a dropped socket, a timeout: the student saw an error
        result.failures.append(f"student {i}: {type(exc).__name__}: {exc}")
    return result


async def classroom(base: str, n: int, *, seed: int = 0, changes: int = CHANGES, routes: bool = False) -> list:
    """n students at once; routes=True gives each its own sticky-session cookie (what a browser gets from nginx)."""
    return await asyncio.gather(*(student(base, i, seed=seed, changes=changes,
                                          route=f"student-{seed}-{i}" if routes else None) for i in range(n)))


def quantile(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank above), NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(-(-q * len(ordered) // 1)) - 1))]


@dataclass(frozen=True)
class Summary:
    """A class's figures: median / p90 / max of first loads and of setting changes, failures, wrong charts."""
    students: int
    first: tuple
    change: tuple
    failures: tuple
    wrong: tuple

    @classmethod
    def of(cls, results: list[Result]) -> Summary:
        def spread(values):
            return (statistics.median(values), quantile(values, 0.9), max(values)) if values else (float("nan"),) * 3
        firsts = [r.first for r in results if r.first is not None]
        changes = [c for r in results for c in r.changes]
        return cls(len(results), spread(firsts), spread(changes), tuple(f for r in results for f in r.failures),
                   tuple(w for r in results for w in r.wrong))

    @property
    def meets_target(self) -> bool:
        return (not self.failures and not self.wrong and self.change[0] < TARGET["median"]
                and self.change[1] < TARGET["p90"])

    def lines(self) -> list[str]:
        fmt = "median {:.2f} s, p90 {:.2f} s, max {:.2f} s"
        return [f"{self.students} students: first load {fmt.format(*self.first)}",
                f"  setting change: {fmt.format(*self.change)} (target: median < {TARGET['median']:g} s, "
                f"p90 < {TARGET['p90']:g} s)",
                f"  failures {len(self.failures)}, wrong charts {len(self.wrong)}"
                + "".join(f"\n    {m}" for m in (self.failures + self.wrong)[:5])]
