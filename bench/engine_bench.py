"""Engine benchmark: forward + backward of a 20-layer, 512-wide ReLU MLP, batch 1000, float32.

Prints milliseconds, GFLOP/s and the ratio to the bare-GEMM floor: the same three matmuls per
layer (x @ W, a^T @ g, g @ W^T) in plain NumPy, timed in the same run. Target: <= 1.25x without BN.

    .venv/bin/python bench/engine_bench.py [--repeats 15]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from engine.mlp import MLP, MLPConfig  # noqa: E402

DEPTH, WIDTH, BATCH = 20, 512, 1000
TARGET = 1.25


def median_ms(fn, repeats: int) -> float:
    """Median wall time of fn() in milliseconds, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return float(np.median(times))


def gemm_floor(weights, x, grad_out):
    """The three matmuls of every layer and nothing else."""
    a = x
    acts = []
    for W in weights:
        acts.append(a)
        a = a @ W
    g = grad_out
    for W, a_prev in zip(reversed(weights), reversed(acts)):
        _ = a_prev.T @ g
        g = g @ W.T


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, WIDTH)).astype(np.float32)
    grad_out = rng.standard_normal((BATCH, WIDTH)).astype(np.float32) / BATCH
    flops = DEPTH * 3 * 2 * BATCH * WIDTH * WIDTH
    widths = (WIDTH,) * (DEPTH + 1)
    nets = {bn: MLP(MLPConfig(widths, activation="relu", init="he_normal", batch_norm=bn)) for bn in (False, True)}

    def step(net):
        def run():
            net.forward(x)
            net.backward(grad_out)
        return run

    floor = median_ms(lambda: gemm_floor(nets[False].weights, x, grad_out), args.repeats)
    print(f"{DEPTH}-layer {WIDTH}-wide ReLU MLP, batch {BATCH}, float32, "
          f"{flops / 1e9:.1f} GFLOP per forward+backward, median of {args.repeats}")
    print(f"{'case':<22}{'ms':>9}{'GFLOP/s':>10}{'x floor':>9}")
    print(f"{'bare GEMM floor':<22}{floor:>9.1f}{flops / floor / 1e6:>10.1f}{1.0:>9.2f}")
    for bn, label in [(False, "engine, no BN"), (True, "engine, with BN")]:
        ms = median_ms(step(nets[bn]), args.repeats)
        print(f"{label:<22}{ms:>9.1f}{flops / ms / 1e6:>10.1f}{ms / floor:>9.2f}")
        if not bn:
            verdict = "meets" if ms / floor <= TARGET else "MISSES"
            print(f"  -> {verdict} the target of {TARGET}x the floor without BN")


if __name__ == "__main__":
    main()
