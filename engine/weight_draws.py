"""A network's initial weights, drawn once and shared: MLP(config) takes copies from here.

Layer l's W is the l-th draw from default_rng(seed) (the biases are drawn after the last W). So two networks with
the same initializer, parameters, seed and dtype share the draws of their common first layers: a deeper network
continues the stream from where the shallower one stopped, and one that differs only in activation, batch norm,
biases or data has the same weights. Sampling is a large share of a probe's work (a 256 x 256 Gaussian draw
costs more than a 256 x 256 x 256 matrix product here), and dragging the depth, activation or scale slider redraws
the same weights. The result is exactly what drawing afresh gives (tests/engine/test_weight_draws.py).

The store keeps the draws of the most recently used keys, at most MAX_BYTES in all (least recently used out
first); draws larger than that are not kept. Drawing happens outside the lock (sessions run in threads).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from engine import initializers

MAX_BYTES = 32 * 2**20       # per process: the draws of ~125 default networks (256 wide, 10 deep, float32)
ENTRY_BYTES = 4096           # what an entry costs besides its weights (its generator states, key, dict slot)


@dataclass(frozen=True)
class Draws:
    """The first k layers' weights of one key, and the generator's state before each draw (states[k]: after)."""
    widths: tuple            # (n_0, ..., n_k)
    weights: tuple           # k read-only arrays
    states: tuple            # k + 1 bit-generator states

    @property
    def nbytes(self) -> int:
        return sum(w.nbytes for w in self.weights)


_store: OrderedDict = OrderedDict()
_lock = threading.Lock()


def _key(config) -> tuple:
    return config.init, config.init_params, config.seed, config.dtype


def _shared_layers(draws: Draws | None, widths: tuple) -> int:
    """How many first layers `draws` holds with the shapes `widths` asks for."""
    if draws is None:
        return 0
    m = 0
    while m < len(draws.weights) and m + 1 < len(widths) and draws.widths[m:m + 2] == widths[m:m + 2]:
        m += 1
    return m


def draw(config) -> tuple[list[np.ndarray], np.random.Generator]:
    """(writable weight matrices W_1 .. W_L of the config, owned by the caller; the generator right after W_L)."""
    key = _key(config) if config.seed is not None else None     # no seed: a fresh draw every time, not kept
    with _lock:
        known = _store.get(key)
        if known is not None:
            _store.move_to_end(key)
    widths = tuple(config.widths)
    m = _shared_layers(known, widths)
    rng = np.random.default_rng(config.seed)
    if m:
        rng.bit_generator.state = known.states[m]
    weights = list(known.weights[:m]) if m else []
    states = list(known.states[:m + 1]) if m else [rng.bit_generator.state]
    for n_in, n_out in zip(widths[m:-1], widths[m + 1:]):
        weights.append(initializers.initialize(config.init, (n_in, n_out), rng, dtype=config.dtype,
                                               **config.init_params))
        states.append(rng.bit_generator.state)
    kept = key is not None and len(weights) > m and _keep(key, Draws(widths, tuple(weights), tuple(states)))
    # the store's arrays are copied (and made read-only); fresh ones the store did not keep are handed over
    out = [W.copy() if (l < m or kept) else W for l, W in enumerate(weights[:len(widths) - 1])]
    for W in weights[m:] if kept else ():
        W.setflags(write=False)
    return out, rng


def _cost(draws: Draws) -> int:
    return draws.nbytes + ENTRY_BYTES


def _keep(key, draws: Draws) -> bool:
    """Store the draws under key (replacing what was there), oldest keys out past MAX_BYTES; whether kept."""
    with _lock:
        _store.pop(key, None)
        if _cost(draws) > MAX_BYTES:
            return False
        _store[key] = draws
        total = sum(_cost(d) for d in _store.values())
        while total > MAX_BYTES:
            total -= _cost(_store.popitem(last=False)[1])
        return True


def stored_bytes() -> int:
    """Bytes the store counts now (weights plus ENTRY_BYTES an entry)."""
    with _lock:
        return sum(_cost(d) for d in _store.values())


def clear() -> None:
    with _lock:
        _store.clear()
