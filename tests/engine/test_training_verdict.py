"""The training verdict: each outcome from a small run that shows it, with the numbers in its words."""
import numpy as np
import pytest

from engine import data, training
from engine.mlp import MLPConfig
from engine.training_verdict import Outcome, learned_at, symmetric, verdict

MOONS = data.make("moons", n=200, noise=0.15)


def run(steps=150, widths=(2, 16, 16, 2), optimizer="adam", lr=0.01, batch_size=None, **net):
    config = MLPConfig(widths, last_activation="linear", **{"activation": "tanh", **net})
    return training.train(config, MOONS, training.TrainSettings(optimizer=optimizer, hyper={"lr": lr}, steps=steps,
                                                                batch_size=batch_size))


def test_learned_says_the_accuracy_and_when():
    h = run()
    v = verdict(h)
    assert v.outcome is Outcome.LEARNED and v.prediction == "learn"
    acc, step = h.test_acc[-1], learned_at(h)
    assert v.text.startswith(f"learned: test accuracy {100 * acc:.0f}% by step {step}; the training loss is ")
    held = h.test_acc[list(h.record_steps).index(step):]
    assert (abs(held - acc) <= 0.05).all() and step > 0


def test_mini_batches_name_the_epoch():
    h = run(batch_size=15)
    assert f"(epoch {learned_at(h) / 10:.3g})" in verdict(h).text


def test_tiny_weights_stall():
    h = run(steps=100, widths=(2,) + (16,) * 6 + (2,), optimizer="sgd", lr=0.3, init="normal",
            init_params={"std": 0.01})
    v = verdict(h)
    assert v.outcome is Outcome.STALLED and v.prediction == "stall"
    assert v.text.startswith("stalled: the loss is within 1% of its start after 100 steps")


def test_a_huge_rate_diverges():
    h = run(steps=50, widths=(2,) + (32,) * 6 + (2,), optimizer="sgd", lr=10.0, activation="relu", init="he_normal")
    v = verdict(h)
    assert v.outcome is Outcome.DIVERGED and v.prediction == "diverge"
    assert v.text.startswith(f"diverged at step {h.diverged_step}: ")


@pytest.mark.parametrize("init, params", [("constant", {"value": 0.5}), ("zeros", {})])
def test_constant_and_zero_init_are_symmetric(init, params):
    h = run(steps=60, init=init, init_params=params)
    assert symmetric(h) and not symmetric(run(steps=5))
    v = verdict(h)
    assert v.outcome is Outcome.SYMMETRIC and v.prediction == ("learn" if v.learned else "stall")
    assert "every hidden layer still has 1 distinct unit (of 16) after 60 steps" in v.text


def test_still_learning_and_worse():
    h = run(steps=20, optimizer="sgd", lr=0.05)
    v = verdict(h)
    ratio = h.train_loss[-1] / h.train_loss[0]
    assert v.outcome is Outcome.LEARNING and f"down to {100 * ratio:.0f}%" in v.text and v.prediction == "learn"
    thrown = run(steps=30, widths=(2, 64, 64, 2), optimizer="sgd", lr=5.0, activation="relu", init="he_normal")
    worse = verdict(thrown)                                  # one huge step: every ReLU dies, the loss sits at ln 2
    assert np.isfinite(thrown.train_loss).all() and thrown.train_loss[-1] > 1.05 * thrown.train_loss[0]
    assert worse.outcome is Outcome.WORSE and worse.prediction == "diverge" and "x its start" in worse.text
