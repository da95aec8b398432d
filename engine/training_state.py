"""The trained arrays of an MLP as views into one flat vector, so one optimizer step updates them all at once.

Every optimizer in engine.optimizers is elementwise (Adam's step count t is shared by all arrays), so a
step on the flat vector theta is the same arithmetic as a step on each array: the same as torch.optim
over the model's parameter list, at one NumPy call per operation instead of one per array and operation.
"""
from __future__ import annotations

import numpy as np

from engine.mlp import MLP


class FlatParams:
    """theta = (W_1 .. W_L, b_1 .. b_L, gamma_1 .. gamma_L, beta_1 .. beta_L) flattened; grad the same layout.

    The model's weights, biases and BN gamma/beta become views into theta: writing theta[:] updates the
    model. BN gamma/beta are present only with batch norm. `running` holds the BN running statistics.
    """

    def __init__(self, model: MLP):
        self.model = model
        L = model.depth
        arrays = model.weights + model.biases + [bn.gamma for bn in model.bns] + [bn.beta for bn in model.bns]
        sizes = [a.size for a in arrays]
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.theta = np.concatenate([a.ravel() for a in arrays]).astype(model.dtype, copy=False)
        self.grad = np.empty_like(self.theta)
        views = [self.theta[o:o + a.size].reshape(a.shape) for o, a in zip(self.offsets, arrays)]
        model.weights[:], model.biases[:] = views[:L], views[L:2 * L]
        for bn, gamma, beta in zip(model.bns, views[2 * L:3 * L], views[3 * L:]):
            bn.gamma, bn.beta = gamma, beta
        self.w_starts, self.n_w = self.offsets[:L], int(self.offsets[L])

    def gather_grads(self) -> np.ndarray:
        """Copy dL/dW, dL/db, dL/dgamma, dL/dbeta (after model.backward) into self.grad, in theta's layout."""
        m = self.model
        parts = m.grads_W + m.grads_b + [bn.dgamma for bn in m.bns] + [bn.dbeta for bn in m.bns]
        np.concatenate([g.ravel() for g in parts], out=self.grad)
        return self.grad

    def layer_norms(self, v: np.ndarray) -> np.ndarray:
        """||v_{W_l}||_F for l = 1 .. L: the norms of v's weight segments, accumulated in float64."""
        return np.sqrt(np.add.reduceat(np.square(v[:self.n_w], dtype=np.float64), self.w_starts))

    def running(self) -> np.ndarray:
        """(running_mean_1 .. running_mean_L, running_var_1 .. running_var_L) of the BN layers (empty without BN)."""
        bns = self.model.bns
        return np.concatenate([bn.running_mean for bn in bns] + [bn.running_var for bn in bns]) if bns \
            else np.empty(0, self.theta.dtype)

    def load(self, theta: np.ndarray, running: np.ndarray) -> None:
        """Set every trained array and the BN running statistics from flat vectors (as `theta` and `running()`)."""
        self.theta[:] = theta
        split = np.cumsum([bn.num_features for bn in self.model.bns])[:-1]
        half = len(running) // 2
        for bn, mean, var in zip(self.model.bns, np.split(running[:half], split), np.split(running[half:], split)):
            bn.running_mean, bn.running_var = mean.astype(self.theta.dtype), var.astype(self.theta.dtype)


def loss_and_grad(flat: FlatParams, loss_fn, X: np.ndarray, y: np.ndarray) -> float:
    """Forward in training mode, loss, backward: returns the loss and fills flat.grad with dL/dtheta."""
    model = flat.model
    loss, dlogits = loss_fn(model.forward(X, training=True), y)
    model.backward(dlogits)
    flat.gather_grads()
    return loss
