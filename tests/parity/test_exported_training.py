"""The training lesson's exported PyTorch script, run under torch: in float64 its batch loss at every step equals the
engine's to ~1e-9 relative (the same data and weights, drawn with NumPy as the lab draws them; then torch trains)."""
import contextlib
import io
import re
import subprocess
import sys

import numpy as np
import pytest

from engine import data, training
from lessons.network.settings import NetworkSettings
from lessons.training import code
from lessons.training.settings import DataSettings, RunSettings, Settings

pytestmark = pytest.mark.parity
LOSS = re.compile(r"^step (\d+): batch loss (\S+)$", re.M)
RTOL = 1e-9


def case(name="moons", n=160, seed=2, optimizer="adam", hyper=(("lr", 0.01),), batching="full", batch_size=32,
         steps=40, schedule="constant", clip=None, **net) -> Settings:
    net = NetworkSettings(**{"depth": 2, "width": 16, "seed": seed, **net})
    run = RunSettings(net, optimizer, tuple(sorted(dict(hyper, weight_decay=0.0).items())), batching, batch_size,
                      "steps", steps, schedule, clip)
    return Settings(DataSettings(name, n, 0.15, seed), run)


CASES = {
    "Adam, full batch, cosine, clipped": case(schedule="cosine", clip=0.5),
    "SGD momentum, BN, step schedule, mini-batches": case(optimizer="momentum", hyper=(("lr", 0.1), ("momentum", 0.8)),
                                                          batch_norm=True, batching="mini", schedule="step"),
    "ReLU He, RMSprop, warm-up, biases": case(name="spiral", activation="relu", init="he_uniform", optimizer="rmsprop",
                                              schedule="warmup_cosine", bias=0.1, bias_std=0.2),
    "GELU orthogonal, AdamW, one point a step": case(name="xor", activation="gelu", init="orthogonal",
                                                     optimizer="adamw", batching="stochastic"),
    "digits, sigmoid N(0, 0.1)": case(name="digits", n=200, activation="sigmoid", init="normal",
                                      init_params=(("std", 0.1),), optimizer="sgd", hyper=(("lr", 1.0),), steps=20),
}


def engine_losses(s: Settings, ds) -> np.ndarray:
    run = s.run
    return training.train(run.config(ds.n_features, ds.n_classes, "float64"), ds,
                          run.train_settings(len(ds.y_train))).batch_loss


def script_losses(script: str) -> np.ndarray:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(script, "training_script.py", "exec"), {"__name__": "__main__"})
    steps = LOSS.findall(printed.getvalue())
    assert [int(t) for t, _ in steps] == list(range(len(steps)))
    return np.array([float(v) for _, v in steps])


@pytest.mark.parametrize("name", list(CASES))
def test_the_script_trains_as_the_engine_in_float64(name):
    pytest.importorskip("torch")
    s = CASES[name]
    ds = data.make(s.data.name, n=s.data.n, noise=s.data.noise, seed=s.data.seed)
    ours = engine_losses(s, ds)
    np.testing.assert_allclose(script_losses(code.torch_script(s, ds, "float64")), ours, rtol=RTOL, atol=0)


def test_lsuv_rescales_as_the_engine():
    """LSUV's passes run in torch here: the variances agree to float64 rounding, so the curves to ~1e-9."""
    pytest.importorskip("torch")
    s = case(init="lsuv", width=24)
    ds = data.make("moons", n=160, noise=0.15, seed=2)
    np.testing.assert_allclose(script_losses(code.torch_script(s, ds, "float64")), engine_losses(s, ds), rtol=1e-8)


def test_the_page_script_runs_as_a_file_in_float32():
    pytest.importorskip("torch")
    s = case(steps=10)
    ds = data.make("moons", n=160, noise=0.15, seed=2)
    out = subprocess.run([sys.executable, "-c", code.torch_script(s, ds)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    losses = np.array([float(v) for _, v in LOSS.findall(out.stdout)])
    h = training.train(s.run.config(2, 2), ds, s.run.train_settings(len(ds.y_train)))
    np.testing.assert_allclose(losses, h.batch_loss, rtol=1e-5)          # float32: the same start, rounding apart
    assert "test accuracy" in out.stdout
