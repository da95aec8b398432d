"""Verdicts on the lecture's classic settings (CS231n: 10 layers of 500 units, a batch of random inputs)
and the thresholds' edges. Each threshold is a named constant in engine.verdict with its reason."""
import pytest

from engine import verdict as v
from engine.mlp import MLPConfig
from engine.probe import probe
from engine.verdict import Kind, activation_verdict, gradient_ratio, gradient_verdict


def run(depth=10, width=500, **kw):
    return probe(MLPConfig((width,) * (depth + 1), **kw), batch=256).stats


CLASSIC = {  # name: (network, activation verdict, gradient verdict)
    "tanh N(0, 0.01²)": (dict(activation="tanh", init="normal", init_params={"std": 0.01}),
                         Kind.VANISHING, Kind.VANISHING),
    "tanh N(0, 1)": (dict(activation="tanh", init="normal", init_params={"std": 1.0}), Kind.SATURATED, Kind.EXPLODING),
    "tanh Xavier (1/n_in)": (dict(activation="tanh", init="lecun_normal"), Kind.SHRINKING, Kind.HEALTHY),
    "tanh Xavier, gain 5/3": (dict(activation="tanh", init="xavier_normal", init_params={"gain": 5 / 3}),
                              Kind.HEALTHY, Kind.HEALTHY),
    "ReLU Xavier": (dict(activation="relu", init="xavier_normal"), Kind.SHRINKING, Kind.SHRINKING),
    "ReLU He": (dict(activation="relu", init="he_normal"), Kind.HEALTHY, Kind.HEALTHY),
}


@pytest.mark.parametrize("name", list(CLASSIC))
def test_classic_settings(name):
    net, forward, backward = CLASSIC[name]
    stats = run(**net)
    assert activation_verdict(stats).kind is forward, activation_verdict(stats).text
    assert gradient_verdict(stats).kind is backward, gradient_verdict(stats).text


def test_tanh_xavier_names_its_trend():
    """0.626 -> 0.229 over 10 layers is not 'healthy': it shrinks about x0.89 per layer, and the words say so."""
    stats = run(activation="tanh", init="xavier_normal", width=256)
    text = activation_verdict(stats).text
    assert "×0.89 per layer" in text and "0.626 → 0.229" in text


def test_selu_with_he_grows():
    stats = run(activation="selu", init="he_normal", width=256)
    assert activation_verdict(stats).kind is Kind.GROWING


def test_a_ratio_of_0_14_over_100_layers_is_not_the_same_order():
    stats = run(depth=100, activation="tanh", init="xavier_normal", width=256)
    assert gradient_ratio(stats) == pytest.approx(0.15, abs=0.03)
    assert gradient_verdict(stats).kind is Kind.SHRINKING


def test_relu_he_with_a_third_of_units_dead_is_not_healthy():
    stats = run(depth=30, activation="relu", init="he_normal", width=256)
    assert max(r["dead_units"] for r in stats) > 0.3
    verdict = activation_verdict(stats)
    assert verdict.kind is Kind.DEAD and "dead" in verdict.text


def _rows(stds, **extra):
    base = dict(saturated=0.0, dead_units=0.0, nonfinite=False, collapsed=False)
    return [{"layer": i + 1, "a_std": s, **base, **extra} for i, s in enumerate(stds)]


@pytest.mark.parametrize("last, kind", [(1.0 / v.DRIFT * 1.01, Kind.HEALTHY), (1.0 / v.DRIFT * 0.99, Kind.SHRINKING),
                                        (v.DRIFT * 0.99, Kind.HEALTHY), (v.DRIFT * 1.01, Kind.GROWING),
                                        (v.VANISH * 0.99, Kind.VANISHING), (v.EXPLODE * 1.01, Kind.EXPLODING)])
def test_activation_thresholds_at_their_edges(last, kind):
    assert activation_verdict(_rows([1.0, 1.0, last])).kind is kind


def test_batch_norm_fixes_the_forward_spread_of_a_bad_init():
    stats = run(activation="tanh", init="normal", init_params={"std": 0.01}, batch_norm=True, width=256)
    assert activation_verdict(stats).ok


def test_relu_large_weights_explode():
    assert activation_verdict(run(activation="relu", init="normal", init_params={"std": 0.5},
                                  width=128)).kind is Kind.EXPLODING


def test_zero_init_collapses_and_says_why():
    stats = run(activation="tanh", init="zeros", width=128)
    assert activation_verdict(stats).kind is Kind.ZERO
    g = gradient_verdict(stats)
    assert g.kind is Kind.ZERO and "forward signal is exactly 0" in g.text


def test_constant_init_zero_gradients_are_saturation_not_symmetry():
    """n·c = 256 · 0.5 = 128 drives tanh to exactly ±1: φ′ = 0 exactly; that, not symmetry, zeroes every gradient."""
    stats = run(activation="tanh", init="constant", init_params={"value": 0.5}, width=256)
    g = gradient_verdict(stats)
    assert g.kind is Kind.ZERO and "saturation, not symmetry" in g.text
    small = run(activation="tanh", init="constant", init_params={"value": 0.001}, width=256)
    assert not all(r["grad_zero"] for r in small)          # tied but not saturated: gradients flow


def test_tiny_but_level_weight_gradients_are_named():
    small = run(activation="tanh", init="normal", init_params={"std": 0.01}, width=128)
    assert "barely learns" in v.tiny_weight_gradients(small).text
    assert v.tiny_weight_gradients(run(activation="tanh", init="xavier_normal", width=128)) is None
