"""Batch normalization over a (batch, features) array, with PyTorch BatchNorm1d semantics."""
from __future__ import annotations

import numpy as np


class BatchNorm:
    """y = gamma * (x - mu_B) / sqrt(var_B + eps) + beta; running = (1 - momentum) running + momentum batch_stat.

    Training normalizes with the biased batch variance and puts the unbiased one, var_B * N/(N-1),
    into running_var. Inference normalizes with running_mean and running_var.
    """

    def __init__(self, num_features: int, momentum: float = 0.1, eps: float = 1e-5, dtype=np.float64):
        if int(num_features) < 1:
            raise ValueError(f"num_features must be a positive int, got {num_features}")
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"momentum must be in [0, 1], got {momentum}")
        if not eps > 0:
            raise ValueError(f"eps must be > 0, got {eps}")
        self.num_features, self.momentum, self.eps = int(num_features), momentum, eps
        self.dtype = np.dtype(dtype)
        self.gamma = np.ones(self.num_features, self.dtype)
        self.beta = np.zeros(self.num_features, self.dtype)
        self.running_mean = np.zeros(self.num_features, self.dtype)
        self.running_var = np.ones(self.num_features, self.dtype)
        self.dgamma = self.dbeta = None
        self._cache = None

    def _check(self, x) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[1] != self.num_features:
            raise ValueError(f"BatchNorm expects shape (batch, {self.num_features}), got {x.shape}")
        return x.astype(self.dtype, copy=False)

    def forward(self, x, training: bool = True) -> np.ndarray:
        """Normalize x (batch, features); training uses batch statistics and updates the running ones."""
        x = self._check(x)
        if training:
            n = x.shape[0]
            if n < 2:
                raise ValueError("BatchNorm in training mode needs a batch of at least 2 "
                                 "(the variance of one sample is 0); use training=False")
            mean, var = x.mean(axis=0), x.var(axis=0)                  # biased variance normalizes
            m = self.momentum
            self.running_mean = (1 - m) * self.running_mean + m * mean
            self.running_var = (1 - m) * self.running_var + m * var * (n / (n - 1))   # unbiased
        else:
            mean, var = self.running_mean, self.running_var
        inv_std = 1 / np.sqrt(var + self.eps)
        x_hat = (x - mean) * inv_std
        self._cache = (x_hat, inv_std, training)
        return x_hat * self.gamma + self.beta

    def backward(self, dy) -> np.ndarray:
        """dx = inv_std/N (N dx_hat - sum dx_hat - x_hat sum(dx_hat x_hat)), dx_hat = dy gamma; sets dgamma, dbeta."""
        if self._cache is None:
            raise ValueError("call forward before backward")
        x_hat, inv_std, training = self._cache
        dy = np.asarray(dy).astype(self.dtype, copy=False)
        self.dgamma = (dy * x_hat).sum(axis=0)
        self.dbeta = dy.sum(axis=0)
        dx_hat = dy * self.gamma
        if not training:
            return dx_hat * inv_std                      # running stats are constants
        n = dy.shape[0]
        return (inv_std / n) * (n * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
