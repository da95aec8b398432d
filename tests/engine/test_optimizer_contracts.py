"""Optimizers: the registry and its defaults, hyperparameter checks (engine/optimizer_checks.py), gradient clipping."""
import warnings

import numpy as np
import pytest

from engine import optimizers


def test_clip_grad_norm_scales_above_max_and_keeps_below():
    big = np.array([30.0, 40.0])
    clipped = optimizers.clip_grad_norm(big, 5.0)
    assert optimizers.grad_norm(clipped) == pytest.approx(5.0, rel=1e-6)
    np.testing.assert_allclose(clipped, [3.0, 4.0], rtol=1e-6)
    np.testing.assert_array_equal(big, [30.0, 40.0])
    small = np.array([0.3, 0.4], dtype=np.float32)
    kept = optimizers.clip_grad_norm(small, 5.0)
    np.testing.assert_array_equal(kept, small)
    assert kept is not small and kept.dtype == np.float32


def test_clip_grad_norm_dict_uses_total_norm():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[0.0], [4.0]])}
    assert optimizers.grad_norm(grads) == 5.0
    clipped = optimizers.clip_grad_norm(grads, 1.0)
    np.testing.assert_allclose(clipped["a"], [0.6, 0.0], rtol=1e-6)
    np.testing.assert_allclose(clipped["b"], [[0.0], [0.8]], rtol=1e-6)
    np.testing.assert_array_equal(grads["a"], [3.0, 0.0])
    np.testing.assert_array_equal(grads["b"], [[0.0], [4.0]])


def test_clip_grad_norm_of_non_finite_grads_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clipped = optimizers.clip_grad_norm({"a": np.array([np.inf, 1.0]), "b": np.array([1e300])}, 1.0)
    assert not np.all(np.isfinite(clipped["a"]))


def test_registry_and_defaults():
    assert list(optimizers.OPTIMIZERS) == ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"]
    assert optimizers.create("nesterov").hyper["nesterov"] is True
    assert optimizers.create("adam").hyper == {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8,
                                               "weight_decay": 0.0, "bias_correction": True}
    assert optimizers.create("rmsprop").hyper["alpha"] == 0.99
    assert optimizers.create("adagrad").hyper["eps"] == 1e-10
    for spec in optimizers.OPTIMIZERS.values():
        assert spec.cls.__doc__.splitlines()[0].startswith("p <- ")


def test_unknown_name_and_hyperparameter():
    with pytest.raises(ValueError, match="sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw"):
        optimizers.create("adamax")
    with pytest.raises(ValueError, match=r"momentum.*valid ones: lr, betas, eps, weight_decay, bias_correction"):
        optimizers.create("adam", momentum=0.9)


@pytest.mark.parametrize("name, hyper", [
    ("sgd", {"lr": -0.1}), ("adam", {"eps": -1e-8}), ("adam", {"betas": (0.9, 1.0)}), ("adam", {"betas": (-0.1, 0.9)}),
    ("adam", {"betas": 0.9}), ("rmsprop", {"alpha": 1.5}), ("sgd", {"momentum": -0.5}), ("sgd", {"lr": float("nan")}),
    ("nesterov", {"momentum": 0.0}), ("nesterov", {"dampening": 0.1}), ("rmsprop", {"centered": 1}),
    ("adagrad", {"lr": "0.1"}), ("sgd", {"weight_decay": -1e-4}),
])
def test_invalid_hyperparameters(name, hyper):
    with pytest.raises(ValueError):
        optimizers.create(name, **hyper)
