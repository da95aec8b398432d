"""Verdicts: the words the pages print for the classic cases."""
import pytest

from engine.mlp import MLPConfig
from engine.probe import probe
from engine.verdict import Kind, activation_verdict, gradient_ratio, gradient_verdict


def run(**kw):
    return probe(MLPConfig((128,) * 11, **kw), batch=256).stats


def test_small_normal_tanh_vanishes_forward_and_backward():
    stats = run(activation="tanh", init="normal", init_params={"std": 0.01})
    assert activation_verdict(stats).kind is Kind.VANISHING
    assert "by layer 4" in activation_verdict(stats).text          # 0.11 per layer: below 1% at layer 4
    assert gradient_verdict(stats).kind is Kind.VANISHING
    assert gradient_ratio(stats, "grad_W_norm") == pytest.approx(1, abs=0.3)   # dW looks flat, yet tiny


def test_unit_normal_tanh_saturates():
    assert activation_verdict(run(activation="tanh", init="normal", init_params={"std": 1.0})).kind is Kind.SATURATED


@pytest.mark.parametrize("act,init", [("tanh", "xavier_normal"), ("relu", "he_normal")])
def test_healthy(act, init):
    stats = run(activation=act, init=init)
    assert activation_verdict(stats).ok and gradient_verdict(stats).ok


def test_batch_norm_rescues_a_bad_init():
    assert activation_verdict(run(activation="tanh", init="normal", init_params={"std": 0.01},
                                  batch_norm=True)).ok


def test_relu_large_weights_explode():
    assert activation_verdict(run(activation="relu", init="normal", init_params={"std": 0.5})).kind is Kind.EXPLODING


def test_zero_init_collapses():
    stats = run(activation="tanh", init="zeros")
    assert activation_verdict(stats).kind is Kind.ZERO
    assert gradient_verdict(stats).kind is Kind.ZERO


def test_tiny_but_level_weight_gradients_are_named():
    from engine.verdict import tiny_weight_gradients
    small = run(activation="tanh", init="normal", init_params={"std": 0.01})
    assert "barely learns" in tiny_weight_gradients(small).text
    assert tiny_weight_gradients(run(activation="tanh", init="xavier_normal")) is None
