"""The exported PyTorch script of the network lessons, run under torch: its per-layer activation std agrees with the
lesson's within sampling error (both draw their own weights: compare the means over seeds, in log space)."""
import contextlib
import io
import math
import re
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from engine.probe import probe
from lessons.network.code import torch_script
from lessons.network.probe import ProbeSettings
from lessons.network.settings import NetworkSettings

SEEDS = range(6)
STDS = re.compile(r"std\(z\) = ([-\d.e+]+), std\(a\) = ([-\d.e+]+)")
GRADS = re.compile(r"\|dL/dW\| = ([-\d.e+]+), \|dL/da\| = ([-\d.e+]+)")

CASES = {
    "tanh Xavier": NetworkSettings(width=128),
    "ReLU He": NetworkSettings(activation="relu", init="he_normal", width=128),
    "tanh N(0, 0.01)": NetworkSettings(init="normal", init_params=(("std", 0.01),), width=128, depth=6),
    "ReLU He uniform + BN, biases": NetworkSettings(activation="relu", init="he_uniform", batch_norm=True,
                                                      bias=0.1, bias_std=0.5, width=128),
    "GELU, torch's default init, x1.5": NetworkSettings(activation="gelu", init="torch_default", weight_scale=1.5,
                                                        width=128),
    "tanh LSUV": NetworkSettings(init="lsuv", width=128),
    "SELU LeCun uniform, uniform input": NetworkSettings(activation="selu", init="lecun_uniform", width=128),
}


def torch_stds(s: ProbeSettings) -> np.ndarray:
    """Run the exported script as it is (in this process, so torch is imported once) and read what it prints:
    per layer std(z), std(a), ||dL/dW||, ||dL/da||."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(torch_script(s), "exported_script.py", "exec"), {"__name__": "__main__"})
    out = printed.getvalue()
    return np.array([[float(v) for v in pair + grads] for pair, grads in zip(STDS.findall(out), GRADS.findall(out))])


@pytest.mark.parity
def test_the_script_runs_as_a_file():
    pytest.importorskip("torch")
    out = subprocess.run([sys.executable, "-c", torch_script(ProbeSettings(NetworkSettings(depth=3, width=16)))],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert len(STDS.findall(out.stdout)) == 3 and len(GRADS.findall(out.stdout)) == 3


def engine_stds(s: ProbeSettings) -> np.ndarray:
    stats = probe(s.net.config(), batch=s.batch, input_dist=s.input_dist, seed=s.net.seed,
                  weight_scale=s.net.weight_scale).stats
    return np.array([[r["z_std"], r["a_std"], r["grad_W_norm"], r["grad_a_norm"]] for r in stats])


@pytest.mark.parity
@pytest.mark.parametrize("name", list(CASES))
def test_exported_script_matches_the_lesson_within_sampling_error(name):
    pytest.importorskip("torch")
    input_dist = "uniform" if "uniform input" in name else "normal"
    runs = [replace(ProbeSettings(CASES[name], batch=256, input_dist=input_dist), net=replace(CASES[name], seed=k))
            for k in SEEDS]
    ours = np.log([engine_stds(s) for s in runs])           # (seeds, layers, 2)
    theirs = np.log([torch_stds(s) for s in runs])
    assert ours.shape == theirs.shape and ours.shape[2] == 4          # std(z), std(a), ||dL/dW||, ||dL/da||
    spread = np.sqrt(ours.var(axis=0, ddof=1) / len(SEEDS) + theirs.var(axis=0, ddof=1) / len(SEEDS))
    gap = np.abs(ours.mean(axis=0) - theirs.mean(axis=0))
    assert np.all(gap <= 4 * spread + math.log(1.05)), (name, np.exp(gap).max(axis=0))


RACES = {  # name: race settings (every optimizer at its tuned default, and a copy of Adam without correction)
    "bowl": dict(),
    "rosenbrock": dict(surface="rosenbrock", steps=300),
    "regression, mini-batches, noise and clipping": dict(surface="regression", surface_params=(("batch_size", 5),),
                                                         noise=0.5, clip=1.0, seed=3),
    "beale, rotated start": dict(surface="beale", start=(2.0, -1.0), steps=200),
}
END = re.compile(r"^(.*): end \(([-\d.e+]+), ([-\d.e+]+)\), f = ([-\d.e+]+), stays at .* from step (\w+)$")


@pytest.mark.parity
@pytest.mark.parametrize("name", list(RACES))
def test_exported_race_equals_the_engines_race(name):
    pytest.importorskip("torch")
    from engine import race_defaults, surfaces, tuning
    from lessons.race import compute
    from lessons.race.code import torch_script
    from lessons.race.settings import Run, Settings
    kw = dict(RACES[name])
    surface = kw.get("surface", "bowl")
    kw.setdefault("start", surfaces.SURFACES[surface].start)
    runs = tuple(Run(n, n, tuple(sorted(race_defaults.default_hyper(surface, n).items())))
                 for n in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"))
    runs += (Run("adam (bias correction off)", "adam", (("bias_correction", False), ("lr", 0.05))),)
    s = Settings(runs=runs, **kw)
    engine_runs, f_star = compute.run(s), s.make_surface().min_value
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(torch_script(s, compute.hypers(s), f_star), "race.py", "exec"), {"__name__": "__main__"})
    lines = [END.match(line).groups() for line in printed.getvalue().splitlines()]
    assert [label for label, *_ in lines] == list(engine_runs)
    for (label, x, y, _, settled), traj in zip(lines, engine_runs.values()):
        np.testing.assert_allclose([float(x), float(y)], traj.xy[-1], rtol=1e-5, atol=1e-12)
        expected = tuning.steps_to_goal(traj.loss, f_star, s.tol)
        assert settled == str(expected), label


@pytest.mark.parity
@pytest.mark.parametrize("name", ["bowl", "rosenbrock", "beale", "himmelblau", "saddle", "rastrigin", "regression"])
def test_the_scripts_surfaces_are_the_engines(name):
    torch = pytest.importorskip("torch")
    import math as m

    from engine import surfaces
    from lessons.race.code import TORCH_F
    s = surfaces.make(name, **({"condition": 7.0, "angle": 20.0} if name == "bowl" else {}))
    p = s.params
    scope = {"torch": torch, "math": m, "KAPPA": p.get("condition"), "C": m.cos(m.radians(p.get("angle", 0))),
             "S": m.sin(m.radians(p.get("angle", 0)))}
    if name == "regression":
        xs, ys = s.data
        scope.update(XS=torch.tensor(xs), YS=torch.tensor(ys))
    (x0, x1), (y0, y1) = s.bounds
    rng = np.random.default_rng(0)
    for x, y in zip(rng.uniform(x0, x1, 20), rng.uniform(y0, y1, 20)):
        got = eval("lambda x, y, idx=slice(None): " + TORCH_F[name], scope)(torch.tensor(x), torch.tensor(y))  # noqa: S307
        assert float(got) == pytest.approx(float(s.f(x, y)), rel=1e-9, abs=1e-12)
