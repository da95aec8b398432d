"""The training lesson's presets (engine/training_presets.py: their settings and the page's words), each claim
checked on the History numbers.

Each claim is a function of {run label: History} that asserts what the page says (the claim) and what it invites
the student to try (the why, on a preset's third run). Every claim is checked at the preset's own seed and at 3
others (data, weights and batch order all move with the seed).

    .venv/bin/python tests/engine/test_training_claims.py      # prints every claim's numbers per seed
"""
from __future__ import annotations

import numpy as np
import pytest

from engine import data, training
from engine.mlp import MLPConfig
from engine.training_presets import PRESETS, run_settings  # written once, there

SEEDS = (0, 1, 2, 3)


def run(name: str, seed: int = 0) -> dict:
    """{run label: History} of preset `name`, with every seed (data, weights, batch order) moved by `seed`."""
    out, ds = {}, None
    for label in PRESETS[name]["runs"]:
        data_kw, net, train = run_settings(name, label, seed)
        ds = ds or data.make(**data_kw)                      # every run of a preset: the same data
        out[label] = training.train(MLPConfig(**net), ds, training.TrainSettings(**train))
    return out


def loss_ratio(h) -> float:
    """Final over initial loss on the training set (inference mode)."""
    return float(h.train_loss[-1] / h.train_loss[0])


def failed(h) -> bool:
    """Diverged (a loss or weight overflowed), or died: every output 50/50, chance accuracy (dead ReLUs)."""
    return h.diverged_step is not None or h.test_acc[-1] < AT_CHANCE


def chance(h_or_ds) -> float:
    return float(np.bincount(h_or_ds.y_test).max() / len(h_or_ds.y_test))


# --- the claims ------------------------------------------------------------------------------------

ONE_STRAIGHT_CUT = 0.70   # one unit per layer is a monotone function of one direction: a straight boundary,
#                           which keeps at most ~2/3 of a ring-and-disc (it cuts a cap off the ring)
LEARNS = 0.90             # test accuracy of a network that has clearly learnt these 2-D sets
TRAINS = 0.2              # or: its training loss fell below a fifth of its start
STALLED = 0.01            # loss within 1% of its start: nothing learnt
AT_CHANCE = 0.55          # a net that says 50/50 everywhere is right on about half of balanced classes


def claim_symmetry(h):
    """Zero init: nothing moves (chance accuracy); constant init: 1 distinct unit per hidden layer, so
    the net can only draw one straight boundary; the same net from Xavier init learns the rings."""
    for label in ("zeros", "constant"):
        assert (h[label].distinct_units[:, :-1] == 1).all(), label
    assert h["zeros"].test_acc.max() <= 0.5 + 1e-9                    # circles are exactly balanced
    assert h["constant"].test_acc.max() < ONE_STRAIGHT_CUT
    assert h["xavier"].test_acc[-1] > LEARNS and (h["xavier"].distinct_units[-1, :-1] == 16).all()


def claim_small_init(h):
    """N(0, 0.01): the loss stays within 1% of its start, at chance; Xavier, same data and optimizer, learns."""
    assert abs(loss_ratio(h["small"]) - 1) < STALLED and h["small"].test_acc[-1] < AT_CHANCE
    assert h["xavier"].test_acc[-1] > LEARNS


def claim_batch_norm_lr(h):
    """lr 0.1 trains without BN; lr 1.0 diverges (or kills every ReLU) without BN and trains with it."""
    assert h["plain"].diverged_step is None and loss_ratio(h["plain"]) < TRAINS
    assert failed(h["plain_10x"])
    assert h["bn_10x"].diverged_step is None and h["bn_10x"].test_acc[-1] > LEARNS


def claim_clipping(h):
    """Without clipping the run blows up in its first steps (it overflows, or one huge step kills every
    ReLU); clipped at norm 1 the same run learns."""
    assert failed(h["no_clip"])
    assert h["clip"].diverged_step is None and h["clip"].test_acc[-1] > LEARNS


HE_LEARNS = 0.6           # He: the loss falls by 40% or more in 300 steps (to ~1/20 in most seeds)
XAVIER_STALLS = 0.95      # Xavier: the loss keeps more than 95% of its start (its first layers barely move)
GRADIENT_GAP = 100        # the first layer's gradient at init: (1/sqrt 2)^19 ~ 1/700 of He's in theory


def claim_he_vs_xavier(h):
    """He keeps the signal's variance through 20 ReLU layers and trains; Xavier's shrinks and it stalls.
    (Xavier's test accuracy can still wander above chance: its outputs are all near 50/50 and only their
    tiny differences decide the class.)"""
    he, xavier = h["he"], h["xavier"]
    assert loss_ratio(he) < HE_LEARNS
    assert loss_ratio(xavier) > XAVIER_STALLS and he.test_acc[-1] > xavier.test_acc[-1]
    assert he.grad_norm[0, 0] > GRADIENT_GAP * xavier.grad_norm[0, 0]


ORDER_FACTOR = 1.5        # each optimizer ends with a loss at least 1.5x lower than the one before
ADAM_OVER_SGD = 5         # the page's words: Adam's loss over 5x lower than SGD's (8-12x at these seeds)


def claim_optimizers(h):
    """Same lr: momentum (steps accumulate ~1/(1 - 0.9) = 10x along a steady slope) beats SGD, and Adam
    (every weight steps ~lr whatever its gradient's scale) beats momentum."""
    sgd, mom, adam = (h[k].train_loss[-1] for k in ("sgd", "momentum", "adam"))
    assert mom * ORDER_FACTOR < sgd and adam * ORDER_FACTOR < mom
    assert adam * ADAM_OVER_SGD < sgd


def rising_share(h) -> float:
    """The share of steps whose batch loss is above the step before's: 0 for a smooth descent."""
    return float(np.mean(np.diff(h.batch_loss) > 0))


def spread(h) -> float:
    """Std over mean of the batch losses of the last epoch: how much one batch differs from the next."""
    last = h.batch_loss[-h.steps_per_epoch:]
    return float(np.std(last) / np.mean(last))


NOISY = 0.3               # a sampled batch's loss rises on about half the steps; a full batch's never
PER_EPOCH = 0.9           # more steps per epoch: a lower loss after the same 10 epochs
MUCH_NOISIER = 2.0        # one example's loss spreads far more than the mean over 15


def claim_batch_size(h):
    """Per epoch: full batch descends smoothly but least (1 step); mini-batches are noisy and go further
    (10 steps); one example per step is the noisiest and goes furthest (150 steps: the most compute)."""
    full, mini, sgd1 = h["full"], h["mini"], h["stochastic"]
    assert rising_share(full) == 0 and rising_share(mini) > NOISY and rising_share(sgd1) > NOISY
    assert spread(sgd1) > MUCH_NOISIER * spread(mini)
    assert mini.train_loss[-1] < PER_EPOCH * full.train_loss[-1]
    assert sgd1.train_loss[-1] < PER_EPOCH * mini.train_loss[-1]
    assert full.epochs[-1] == mini.epochs[-1] == sgd1.epochs[-1] == 10


BN_REACHES_BY = 50        # BN passes 90% test accuracy within 50 steps (it does at ~20)
BN_SPEEDUP = 5            # and at least 5x sooner than without BN (about 12x here)


def first_step_at(h, accuracy: float) -> float:
    hits = np.flatnonzero(h.test_acc >= accuracy)
    return float(h.record_steps[hits[0]]) if len(hits) else np.inf


def claim_ioffe_szegedy(h):
    """With BN the digits net reaches 90% test accuracy in a few dozen steps; without, it takes 5x as long."""
    bn, plain = first_step_at(h["bn"], 0.9), first_step_at(h["plain"], 0.9)
    assert bn <= BN_REACHES_BY and plain >= BN_SPEEDUP * bn


CLAIMS = {"symmetry": claim_symmetry, "small_init": claim_small_init, "batch_norm_lr": claim_batch_norm_lr,
          "clipping": claim_clipping, "he_vs_xavier": claim_he_vs_xavier, "optimizers": claim_optimizers,
          "batch_size": claim_batch_size, "ioffe_szegedy": claim_ioffe_szegedy}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_claim_holds(name, seed):
    CLAIMS[name](run(name, seed))


def test_every_preset_has_a_claim():
    assert set(CLAIMS) == set(PRESETS)
    for p in PRESETS.values():
        assert p["title"] and len(p["claim"]) > 40 and p["why"] and len(p["runs"]) >= 2


def _numbers(h) -> str:
    return (f"loss {h.train_loss[0]:.3f} -> {h.train_loss[-1]:.3f}, test acc {h.test_acc[0]:.2f} -> "
            f"{h.test_acc[-1]:.2f} (max {h.test_acc.max():.2f}), diverged {h.diverged_step}, "
            f"90% at step {first_step_at(h, 0.9):g}, distinct {h.distinct_units[-1].tolist()}")


if __name__ == "__main__":
    for name in PRESETS:
        for seed in SEEDS:
            histories = run(name, seed)
            for label, h in histories.items():
                print(f"{name:14} seed {seed} {label:11} {_numbers(h)}")
