"""Page benchmark with Streamlit's AppTest: rerun time at defaults, the heaviest settings, figure sizes.

Targets: a rerun at default settings under 150 ms (median, cached engine call); any allowed setting
under 2 s (cold cache); no figure over 1 MB of JSON. Also prints the CPU of a cached rerun (AppTest, and on a
real server per lesson, cached and with a new setting: bench/server_cpu.py) next to what it was before issue 11.

    .venv/bin/python bench/page_bench.py [--repeats 10]
"""
from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
logging.disable(logging.WARNING)                       # AppTest's "missing ScriptRunContext" chatter

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from bench import server_cpu  # noqa: E402

DEFAULT_TARGET_MS, HEAVY_TARGET_S, FIGURE_TARGET_B = 150, 2.0, 1_000_000
# CPU ms of a cached rerun in AppTest before issue 11 (commit b602dd5: every figure rebuilt and re-encoded)
CPU_BEFORE = {"app.py": 10, "pages/init_explorer.py": 57, "pages/activations.py": 38, "pages/gradients.py": 42,
              "pages/optimizer_race.py": 108}

# page -> settings that make it work hardest (within the widgets' bounds)
HEAVY = {
    "app.py": {},
    "pages/init_explorer.py": {"init": "orthogonal", "fan_in": "4096", "fan_out": "4096"},
    "pages/activations.py": {"depth": "100", "width": "1024", "batch": "2048", "act": "gelu", "bn": "true"},
    "pages/gradients.py": {"depth": "100", "width": "1024", "batch": "2048", "compare": ["he_normal", "normal"],
                           "compare_bn": "true"},
    "pages/gradients.py (overlays)": {"depth": "30", "width": "512", "batch": "2048", "compare_bn": "true",
                                      "compare": ["he_normal", "normal", "lecun_normal", "orthogonal"]},
    "pages/optimizer_race.py": {"surface": "regression", "batch": "1", "steps": "1000",
                                "opt": ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"]},
    "pages/theory.py": {"act": "softplus", "depth": "100", "width": "1024", "weights": "orthogonal"},
    "pages/training.py": {"depth": "8", "width": "256", "steps": "1000", "batch_size": "256", "bn": "true",
                          "cmp_init": "he_normal", "cmp_opt": "sgd"},
    "pages/training.py (digits)": {"data": "digits", "data_noise": "0", "points": "2000", "depth": "3", "width": "96",
                                   "act": "sigmoid", "init": "normal", "std": "0.1", "optimizer": "sgd", "lr": "1",
                                   "batch_size": "60", "cmp_bn": "on"},
}


def run(path: str, query: dict) -> tuple[AppTest, float]:
    at = AppTest.from_file(str(ROOT / path.split(" ")[0]), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    start = time.perf_counter()
    at.run()
    return at, time.perf_counter() - start


def figure_bytes(at: AppTest) -> int:
    return max((len(c.proto.spec) for c in at.get("plotly_chart")), default=0)


def rerun_ms(at: AppTest, repeats: int) -> tuple[float, float]:
    """(median wall ms, median CPU ms of the whole process) of a rerun at the same settings (engine cached)."""
    times, cpus = [], []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        at.run()
        times.append((time.perf_counter() - start) * 1e3)
        cpus.append((time.process_time() - cpu) * 1e3)
    return statistics.median(times), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--no-server", action="store_true", help="skip the server CPU table (bench/server_cpu.py)")
    args = parser.parse_args()
    run("app.py", {})                                   # imports, once
    print(f"{'page':<32}{'rerun ms':>10}{'cpu ms':>8}{'before':>8}{'heavy s':>9}{'max fig KB':>12}  verdict")
    failures = 0
    for page, heavy in HEAVY.items():
        at, _ = run(page, {})
        default_ms, cpu_ms = rerun_ms(at, args.repeats)
        st.cache_data.clear()
        heavy_at, heavy_s = run(page, heavy)
        errors = list(at.exception) + list(heavy_at.exception)
        size = max(figure_bytes(at), figure_bytes(heavy_at))
        ok = (default_ms < DEFAULT_TARGET_MS or "(" in page) and heavy_s < HEAVY_TARGET_S \
            and size < FIGURE_TARGET_B and not errors
        failures += not ok
        before = CPU_BEFORE.get(page)
        print(f"{page:<32}{default_ms:>10.0f}{cpu_ms:>8.0f}{before if before else '-':>8}{heavy_s:>9.2f}"
              f"{size / 1e3:>12.0f}  {'ok' if ok else 'MISSES'}"
              + (f" ({errors[0].message})" if errors else ""))
    print(f"targets: rerun < {DEFAULT_TARGET_MS} ms at defaults, heaviest setting < {HEAVY_TARGET_S} s cold, "
          f"figures < {FIGURE_TARGET_B / 1e6:.0f} MB; {failures} page(s) miss")
    print("cpu ms: CPU of a cached rerun in AppTest; before: the same before issue 11 (commit b602dd5)\n")
    if not args.no_server:
        server_cpu.report(server_cpu.measure(args.repeats))


if __name__ == "__main__":
    main()
