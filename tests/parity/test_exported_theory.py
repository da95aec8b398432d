"""The theory lesson's exported PyTorch script, run under torch: its per-layer variance q_l and correlation c_l agree
with the mean-field prediction within the finite width's error (the script draws its own weights and inputs: compare
the means over seeds, each within 4 standard errors plus a finite-width bias allowance)."""
import contextlib
import io
import math
import re
import subprocess
import sys

import numpy as np
import pytest

from engine import theory
from engine.mlp import MLPConfig
from lessons.theory.code import torch_script
from lessons.theory.settings import Settings

SEEDS = range(6)
LINE = re.compile(r"layer (\d+): q = ([-\d.e+]+), c = ([-\d.e+]+)")
Q_BIAS = 0.03            # relative: a 512-wide layer's E[q_l] is off the mean field by O(1/n), ~1% over 20 layers
C_BIAS = 0.02            # absolute: c_l's finite-width bias, O(1/n) a layer, summed where the c-map's slope is near 1

CASES = {
    "tanh, chaotic (the page's default point)": Settings(depth=20, width=512),
    "tanh, ordered": Settings(sigma_w2=0.8, depth=20, width=512),
    "tanh, chaotic, nearby inputs": Settings(sigma_w2=4.0, c0=0.99, depth=20, width=512),
    "tanh on the edge, orthogonal": Settings(sigma_w2=theory.critical_sigma_w2("tanh", 0.05), critical=True,
                                             weights="orthogonal", depth=20, width=512),
    "relu at He, no bias": Settings(activation="relu", sigma_w2=2.0, sigma_b2=0.0, depth=20, width=512),
}


def q0_of(s: Settings) -> float:
    """The page's input variance: q* when finite and positive, else 1 (engine.theory_network.default_q0)."""
    config = MLPConfig((s.width,) * (s.depth + 1), activation=s.activation, init="normal",
                       init_params={"std": math.sqrt(s.sigma_w2 / s.width)}, bias_std=math.sqrt(s.sigma_b2))
    return theory.default_q0(config)


def run_script(s: Settings, q0: float) -> np.ndarray:
    """Run the exported script as it is (in this process: torch is imported once); rows (q_l, c_l)."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(torch_script(s, q0), "exported_theory.py", "exec"), {"__name__": "__main__"})
    return np.array([[float(q), float(c)] for _, q, c in LINE.findall(printed.getvalue())])


def mean_field(s: Settings, q0: float) -> tuple[np.ndarray, np.ndarray]:
    """The mean-field q_l and c_l, l = 1..L, from (q0, c0): the engine's recursion."""
    config = MLPConfig((8,) * (s.depth + 1), activation=s.activation, init="normal",
                       init_params={"std": math.sqrt(s.sigma_w2 / 8)}, bias_std=math.sqrt(s.sigma_b2))
    c = theory.correlation_through_depth(config, s.c0, q0=q0).predicted
    return theory.predicted_q(s.activation, s.sigma_w2, s.sigma_b2, q0, s.depth), c


@pytest.mark.parity
def test_the_script_runs_as_a_file():
    pytest.importorskip("torch")
    s = Settings(depth=3, width=16)
    out = subprocess.run([sys.executable, "-c", torch_script(s, 0.7)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert len(LINE.findall(out.stdout)) == 3


@pytest.mark.parity
@pytest.mark.parametrize("name", list(CASES))
def test_the_scripts_q_and_c_follow_the_mean_field(name):
    pytest.importorskip("torch")
    s = CASES[name]
    q0 = q0_of(s)
    runs = np.array([run_script(Settings(**{**s.__dict__, "seed": k}), q0) for k in SEEDS])   # (seeds, L, 2)
    assert runs.shape == (len(SEEDS), s.depth, 2)
    q_mf, c_mf = mean_field(s, q0)
    se = runs.std(axis=0, ddof=1) / math.sqrt(len(SEEDS))
    q_gap = np.abs(runs[:, :, 0].mean(axis=0) - q_mf)
    c_gap = np.abs(runs[:, :, 1].mean(axis=0) - c_mf)
    assert np.all(q_gap <= 4 * se[:, 0] + Q_BIAS * q_mf), (name, (q_gap / q_mf).max())
    assert np.all(c_gap <= 4 * se[:, 1] + C_BIAS), (name, c_gap.max())
