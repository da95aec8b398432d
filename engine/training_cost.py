"""How long train() takes: a linear cost model over counts of work, fitted to measured runs.

The lesson caps heavy settings with it (a setting is allowed when its estimate fits the page's budget).
"""
from __future__ import annotations

import numpy as np

from engine.training_record import record_steps

# Seconds per unit of each feature, in the order of features(). Fitted by `bench/training_bench.py --fit`
# (non-negative least squares in relative error) then scaled up by SAFETY.
COEFFICIENTS = (0.0, 1.013e-04, 1.942e-05, 7.501e-05, 3.451e-11, 3.745e-10, 4.997e-09, 1.649e-08, 5.992e-09,
                7.576e-05, 6.138e-11, 4.416e-09, 0.0)
SAFETY = 1.5        # measured / fitted reached 2.5 on a busy machine, with a median of 1.07


def features(net, dataset, settings) -> np.ndarray:
    """Counts of work of a run. Per step (S steps of L layers, batch B; F = sum n_in n_out multiply-adds and
    U = sum n_out units per example; bn, f64 = 1 with batch norm, in float64): S, S L, S L bn, S B F,
    S B F f64, S B U, S B U bn, S F (the optimizer). Per record (R records on all N points): R L, R N F,
    R N U, R U (distinct units). And 1 (the run's fixed cost)."""
    widths, L, S = net.widths, net.depth, settings.steps
    F = sum(a * b for a, b in zip(widths, widths[1:]))
    U = sum(widths[1:])
    n_train = len(dataset.y_train)
    B, N = settings.batch_size or n_train, n_train + len(dataset.y_test)
    R = len(record_steps(S))
    bn, f64 = float(net.batch_norm), float(net.dtype == "float64")
    return np.array([1.0, S, S * L, S * L * bn, S * B * F, S * B * F * f64, S * B * U, S * B * U * bn, S * F,
                     R * L, R * N * F, R * N * U, R * U], dtype=np.float64)


def estimate_seconds(net, dataset, settings) -> float:
    """Estimated wall time of train(net, dataset, settings) on one BLAS thread of the server (cold: no cache).

    seconds = SAFETY * sum_i c_i f_i, f = features(...), c = COEFFICIENTS fitted on this 2-core machine
    (OPENBLAS_NUM_THREADS=1) to 120 random settings (the fastest of 3 runs each): 1-12 hidden layers of
    4-256 units, batch 1-128 or full, 20-1000 steps, tanh/relu/sigmoid/gelu, BN on or off, float32/float64,
    spiral (400 points) or digits (1000). Other work shared the machine, so it errs high: on 40 fresh
    settings measured/estimated had median 0.65 and max 1.01, and settings estimated at 2 s ran cold
    (a fresh process) in 1.2-1.8 s. Re-fit with `bench/training_bench.py --fit` on other hardware.
    """
    return SAFETY * float(np.dot(COEFFICIENTS, features(net, dataset, settings)))
