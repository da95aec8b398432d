"""Theory benchmark, one BLAS thread as the server runs: the tanh phase diagram on a 60 x 60 grid of
(sigma_w2 in [0.5, 5], sigma_b2 in [0, 0.5]) cold, i.e. the first call in a fresh process (target 0.5 s),
and the Jacobian spectrum of a 256-wide, 50-layer critical tanh net, Gaussian and orthogonal (target 1 s,
network construction included).

    .venv/bin/python bench/theory_bench.py [--repeats 5]
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")       # before NumPy loads its BLAS

import argparse  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PHASE_TARGET, JACOBIAN_TARGET = 0.5, 1.0
GRID = 60
WIDTH, DEPTH = 256, 50


def seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    from engine import theory
    from engine.mlp import MLPConfig
    print(f"import engine.theory: {time.perf_counter() - start:.3f} s (OPENBLAS_NUM_THREADS="
          f"{os.environ['OPENBLAS_NUM_THREADS']})")

    sw, sb = np.linspace(0.5, 5.0, GRID), np.linspace(0.0, 0.5, GRID)
    cold = seconds(lambda: theory.phase_diagram("tanh", sw, sb))
    warm = min(seconds(lambda: theory.phase_diagram("tanh", sw, sb)) for _ in range(args.repeats))
    chaotic = int((theory.phase_diagram("tanh", sw, sb).chi1 > 1).sum())
    print(f"phase diagram {GRID}x{GRID} tanh ({chaotic} chaotic points): cold {cold:.3f} s, warm {warm:.3f} s "
          f"(target {PHASE_TARGET} s cold) {'OK' if cold <= PHASE_TARGET else 'SLOW'}")

    sigma_b2 = 0.05
    sigma_w2 = theory.critical_sigma_w2("tanh", sigma_b2)
    inits = [("normal", {"std": math.sqrt(sigma_w2 / WIDTH)}), ("orthogonal", {"gain": math.sqrt(sigma_w2)})]
    for init, params in inits:
        config = MLPConfig((WIDTH,) * (DEPTH + 1), activation="tanh", init=init, init_params=params,
                           bias_std=math.sqrt(sigma_b2), dtype="float64")
        times = [seconds(lambda config=config: theory.jacobian_singular_values(config)) for _ in range(args.repeats)]
        print(f"Jacobian spectrum width {WIDTH} depth {DEPTH} {init}: first {times[0]:.3f} s, "
              f"median {np.median(times):.3f} s (target {JACOBIAN_TARGET} s) "
              f"{'OK' if max(times) <= JACOBIAN_TARGET else 'SLOW'}")


if __name__ == "__main__":
    main()
