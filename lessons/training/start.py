"""The exported script's "lab's start": the very data and initial weights the lab trains from, drawn with NumPy as
the lab draws them. The data generators, the split and the samplers are the engine's own functions, copied into
the script from their source (inspect), so the script stands alone and cannot drift from the engine;
tests/parity/test_exported_training.py checks its arrays against the engine's, bit for bit.
"""
from __future__ import annotations

import inspect

from engine import data, samplers

GENERATORS = {"spiral": data._spiral, "xor": data._xor, "moons": data._moons, "circles": data._circles,
              "gaussians": data._gaussians, "digits": data._digits}
CLASSES = {name: g.n_classes for name, g in data.DATASETS.items()}
# Var(w) = coef g^2 / n_mode of the variance-scaling initializers (engine.initializers' registry), and the draw
SCALED = {"xavier_uniform": (1.0, "fan_avg", "uniform"), "xavier_normal": (1.0, "fan_avg", "normal"),
          "he_uniform": (2.0, "fan_in", "uniform"), "he_normal": (2.0, "fan_in", "normal"),
          "lecun_uniform": (1.0, "fan_in", "uniform"), "lecun_normal": (1.0, "fan_in", "normal"),
          "torch_default": (1.0 / 3.0, "fan_in", "uniform")}
FAN = {"fan_in": "n_in", "fan_avg": "((n_in + n_out) / 2.0)"}
CSV_READER = '''
rows = [r for r in csv.reader(open(CSV_FILE, newline="")) if any(c.strip() for c in r)]
if any(not _is_number(c) for c in rows[0][:-1]):
    rows = rows[1:]                                   # a header row
X = np.array([[float(c) for c in r[:-1]] for r in rows])
labels = [r[-1].strip() for r in rows]
numeric = all(_is_number(c) for c in labels)
names = sorted(set(labels), key=float if numeric else str)       # classes in sorted order, as the lab
y = np.array([names.index(c) for c in labels])
'''


def source(*functions) -> str:
    return "\n\n\n".join(inspect.getsource(f).rstrip() for f in functions)


def data_block(name: str, n: int, noise: float) -> str:
    """The generator of `name` (the engine's own code) and the call make() makes."""
    helpers = (data._halves,) if name != "digits" else ()
    return (f"{source(*helpers, GENERATORS[name])}\n\n\n"
            f"gen = np.random.default_rng(np.random.SeedSequence(SEED).spawn(1)[0])   # the generator's own stream\n"
            f"X, y = {GENERATORS[name].__name__}({n}, {noise!r}, gen, SEED)\n"
            f"X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.int64)\n")


def csv_block(filename: str) -> str:
    return (f'import csv\n\nCSV_FILE = "{filename}"   # your file: numeric features, the label in the last column\n\n\n'
            "def _is_number(cell):\n    try:\n        float(cell)\n        return True\n    except ValueError:\n"
            f"        return False\n\n{CSV_READER}")


def split_block() -> str:
    """engine.data.build: the stratified split with the seed, then standardizing with the training split's moments."""
    return (f"{source(data.stratified_split)}\n\n\n"
            "train, test = stratified_split(y, 0.25, np.random.default_rng(SEED))\n"
            "mean, std = X[train].mean(axis=0), X[train].std(axis=0)\n"
            "std[std == 0] = 1.0\n"
            "X = (X - mean) / std\n"
            "X_train, y_train, X_test, y_test = X[train], y[train], X[test], y[test]\n")


def init_block(init: str, params: dict) -> str:
    """draw(n_in, n_out): one layer's W as the lab's initializer draws it from `gen` in the DRAW dtype."""
    if init == "zeros":
        body = "return np.zeros((n_in, n_out), DRAW)"
    elif init == "constant":
        body = f"return np.full((n_in, n_out), {params['value']!r}, DRAW)"
    elif init == "uniform":
        body = f"return uniform(gen, (n_in, n_out), {params['limit']!r}, DRAW)"
    elif init == "normal":
        body = f"return normal(gen, (n_in, n_out), {params['std']!r}, DRAW)"
    elif init in ("orthogonal", "lsuv"):
        body = f"return orthogonal((n_in, n_out), gen, gain={params.get('gain', 1.0)!r}, dtype=DRAW)"
    else:
        coef, mode, kind = SCALED[init]
        g2 = f"{coef!r} * ({params['gain']!r} * {params['gain']!r})" if "gain" in params else f"{coef!r} * 1.0"
        std = f"std = math.sqrt({g2} / {FAN[mode]})   # Var(w) = {coef:.4g} g^2 / {mode}"
        draw = ("uniform(gen, (n_in, n_out), math.sqrt(3.0) * std, DRAW)" if kind == "uniform"
                else "normal(gen, (n_in, n_out), std, DRAW)")
        body = f"{std}\n    return {draw}"
    helpers = source(samplers.normal, samplers.uniform, samplers.orthogonal)
    return f"{helpers}\n\n\ndef draw(n_in, n_out):\n    {body}\n"


def weights_block(widths: tuple, bias: float, bias_std: float) -> str:
    """Every W first, then every b = bias + bias_std N(0, 1), from one generator: MLP(config)'s order."""
    noise = f"\n    b += ({bias_std!r} * gen.standard_normal(n)).astype(DRAW)" if bias_std else ""
    return (f"WIDTHS = {widths}\n"
            "gen = np.random.default_rng(SEED)\n"
            "weights = [draw(n_in, n_out) for n_in, n_out in zip(WIDTHS, WIDTHS[1:])]     # (fan_in, fan_out)\n"
            "biases = []\n"
            "for n in WIDTHS[1:]:\n"
            f"    b = np.full(n, {bias!r}, DRAW){noise}\n"
            "    biases.append(b)\n")
