"""Why weights must start different: equal hidden units get equal gradients and stay equal forever.

train_tiny trains a 2-4-1 network (tanh hidden layer, linear output, MSE, plain SGD) on 8 fixed
points and records the first-layer weights W_1 (2, 4) after every step. Column j of W_1 is hidden
unit j's incoming weights; units whose columns agree to 1e-12 are the same unit.

    zeros:    a_1 = tanh(0) = 0 and W_2 = 0, so dL/dW_2 = a_1^T g = 0 and dL/dW_1 = x^T (g W_2^T * phi') = 0:
              W_1 stays exactly 0 (only the output bias learns).
    constant: every column of W_1 and every row of W_2 is equal, so every unit gets the same gradient.

"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.mlp import MLP, MLPConfig
from engine.stats import TIE_TOL, distinct_units  # noqa: F401  (re-exported for the demo's readers)

# 8 fixed points: the XOR corners and 4 inner points; target x1 x2 + 0.3 x1 + 0.2 (XOR-ish, lopsided, mean 0.2)
TOY_X = np.array([[-1, -1], [-1, 1], [1, -1], [1, 1],
                  [-0.5, 0.2], [0.5, -0.2], [0.2, 0.5], [-0.2, -0.5]], dtype=np.float64)   # (8, 2)
TOY_Y = (TOY_X[:, 0] * TOY_X[:, 1] + 0.3 * TOY_X[:, 0] + 0.2)[:, None]                         # (8, 1)
HIDDEN = 4
STEPS, LR = 20, 0.3      # enough for a random init to beat the tied one; small enough that SGD does not oscillate


@dataclass(frozen=True)
class TieRun:
    """What train_tiny recorded, one entry per step 0..steps."""
    init: str
    hidden_weights: np.ndarray   # (steps+1, 2, 4): W_1 after each step; [:, i, j] = weight from input i to unit j
    loss: np.ndarray             # (steps+1,): MSE before step t's update (last: after the final one)
    distinct: np.ndarray         # (steps+1,): number of distinct hidden units


def _mse(net: MLP) -> tuple[float, np.ndarray]:
    """L = mean((y_hat - y)^2) on the toy set and dL/dy_hat = 2 (y_hat - y) / N."""
    err = net.forward(TOY_X) - TOY_Y
    return float(np.mean(err**2)), 2.0 * err / err.shape[0]


def train_tiny(init: str = "zeros", params: dict | None = None, *, steps: int = STEPS, lr: float = LR,
               seed: int = 0) -> TieRun:
    """Plain SGD on the 2-4-1 tanh net: W <- W - lr dL/dW for both layers and both biases."""
    if not (isinstance(steps, int) and 0 <= steps <= 10_000):
        raise ValueError(f"steps must be an int in 0..10000, got {steps!r}")
    if not (math.isfinite(lr) and lr >= 0):
        raise ValueError(f"lr must be a finite number >= 0, got {lr!r}")
    config = MLPConfig((2, HIDDEN, 1), activation="tanh", last_activation="linear", init=init,
                       init_params=params or {}, seed=seed, dtype="float64")
    net = MLP(config)
    history, losses = [net.weights[0].copy()], []
    for _ in range(steps):
        loss, grad_out = _mse(net)
        losses.append(loss)
        net.backward(grad_out)
        for l in range(net.depth):
            net.weights[l] = net.weights[l] - lr * net.grads_W[l]
            net.biases[l] = net.biases[l] - lr * net.grads_b[l]
        history.append(net.weights[0].copy())
    losses.append(_mse(net)[0])
    W = np.stack(history)                                      # (steps+1, 2, 4)
    return TieRun(init, W, np.array(losses), np.array([distinct_units(w) for w in W]))
