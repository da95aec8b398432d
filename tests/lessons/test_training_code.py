"""The exported script's "lab's start" (NumPy only): its data, split and initial weights are the engine's, bit for
bit, for every data set and every initializer (the torch part is tests/parity/test_exported_training.py)."""
import math

import numpy as np
import pytest

from engine import data, initializers
from engine.mlp import MLP
from lessons.network.settings import NetworkSettings
from lessons.training import code
from lessons.training.settings import DataSettings, RunSettings, Settings


def settings(name="spiral", n=120, noise=0.1, seed=3, **net) -> Settings:
    net = {"depth": 2, "width": 8, "seed": seed, **net}
    return Settings(DataSettings(name, n, noise, seed), RunSettings(NetworkSettings(**net)))


def lab_start(s: Settings, dtype: str = "float32") -> dict:
    """The namespace the script's NumPy block leaves: X_train .. y_test, weights, biases."""
    ds = data.make(s.data.name, n=s.data.n, noise=s.data.noise, seed=s.data.seed)
    scope = {"np": np, "math": math}
    exec(compile("from sklearn import datasets as skdata\n" + code.lab_start(s, ds, dtype), "start.py", "exec"), scope)
    return scope


@pytest.mark.parametrize("name", list(data.DATASETS))
def test_the_data_is_the_engines(name):
    s = settings(name, n=160 if name != "digits" else 300, noise=0.2)
    scope, ds = lab_start(s), data.make(name, n=s.data.n, noise=0.2, seed=3)
    for part in ("X_train", "y_train", "X_test", "y_test"):
        np.testing.assert_array_equal(scope[part], getattr(ds, part), err_msg=part)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("init", [i for i in initializers.INITIALIZERS if i != "lsuv"])
def test_the_weights_are_the_engines(init, dtype):
    params = tuple(sorted({k: 1.3 * v + 0.1 for k, v in initializers.INITIALIZERS[init].defaults.items()}.items()))
    s = settings(init=init, init_params=params, bias=0.1, bias_std=0.5, seed=7)
    scope = lab_start(s, dtype)
    engine = MLP(s.run.config(2, 2, dtype))
    for ours, theirs in zip(scope["weights"] + scope["biases"], engine.weights + engine.biases, strict=True):
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs)
