"""Weight initializers: one variance-scaling core and thin named presets (Keras layout).

Weights are stored (fan_in, fan_out) and used as x @ W. Every sampler takes an explicit
``rng: np.random.Generator``; nothing touches the global ``np.random``.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from engine import lsuv, tex
from engine.gains import _check_shape, calculate_gain, compute_fans  # noqa: F401  (public here too)
from engine.samplers import TRUNCATED_STD, normal, orthogonal, truncated_normal, uniform  # noqa: F401

MODES = ("fan_in", "fan_out", "fan_avg")
DISTRIBUTIONS = ("normal", "truncated_normal", "uniform")
DTYPES = ("float32", "float64")


def _fan(shape, mode: str) -> float:
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; valid: {', '.join(MODES)}")
    fan_in, fan_out = compute_fans(shape)
    return {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[mode]


def _dtype(dtype):
    name = np.dtype(dtype).name
    if name not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, got {name}")
    return np.dtype(name)


def variance_scaling(shape, rng, *, scale: float = 1.0, mode: str = "fan_in",
                     distribution: str = "truncated_normal", dtype=np.float64) -> np.ndarray:
    """Var(w) = scale / n_mode: normal std sqrt(scale/n); uniform limit sqrt(3 scale/n); truncated at 2 sd."""
    if distribution not in DISTRIBUTIONS:
        raise ValueError(f"unknown distribution {distribution!r}; valid: {', '.join(DISTRIBUTIONS)}")
    if not scale >= 0 or not math.isfinite(scale):
        raise ValueError(f"scale must be a finite number >= 0, got {scale}")
    shape, dtype = _check_shape(shape), _dtype(dtype)
    std = math.sqrt(scale / _fan(shape, mode))
    if distribution == "uniform":
        limit = math.sqrt(3.0) * std
        return uniform(rng, shape, limit, dtype)
    if distribution == "truncated_normal":
        return truncated_normal(rng, shape, std / TRUNCATED_STD, dtype)
    return normal(rng, shape, std, dtype)


@dataclass(frozen=True)
class Description:
    """What an initializer promises for one shape, computed from the numbers it samples with.

    kind: "normal" | "truncated_normal" | "uniform" | "orthogonal" | "constant" (every weight equal).
    bound: every |w - mean| <= bound (None: unbounded). latex: the formula, its numbers plugged in.
    """
    kind: str
    mean: float
    std: float
    bound: float | None
    latex: tuple


@dataclass(frozen=True)
class InitSpec:
    """One registry entry: sample(shape, rng, dtype, **params) and describe(shape, **params) from one formula."""
    name: str
    defaults: Mapping                      # its parameters and their defaults (read-only)
    summary: str
    sample: Callable
    describe: Callable

    def std(self, shape, **params) -> float:
        return self.describe(shape, **params).std


_FAN_TEX = {"fan_in": (r"n_{in}", 1.0), "fan_out": (r"n_{out}", 1.0), "fan_avg": (r"(n_{in}+n_{out})", 2.0)}


def _coef(c: float) -> str:
    """A coefficient for a formula: 2, 6, or a decimal when it is not whole."""
    return str(round(c)) if abs(c - round(c)) < 1e-12 else tex.num(c)


def _vs_preset(coef: float, mode: str, distribution: str, has_gain: bool = True):
    """A preset of the variance-scaling core: Var(w) = scale / n_mode with scale = coef * g^2.

    Returns (defaults, sample, describe). describe writes the lecture's closed form from the same coef,
    mode and distribution that sample passes to variance_scaling: with n = n_mode (n_avg = (n_in+n_out)/2)
    sigma = g sqrt(coef / n), and a uniform's bound a = sqrt(3) sigma = g sqrt(3 coef / n).
    """
    def scale(gain):
        return coef * (1.0 if gain is None else gain * gain)

    def sample(shape, rng, dtype, gain=None):
        return variance_scaling(shape, rng, scale=scale(gain), mode=mode, distribution=distribution, dtype=dtype)

    def describe(shape, gain=None):
        fan_in, fan_out = compute_fans(shape)
        std = math.sqrt(scale(gain) / _fan(shape, mode))
        fan_sym, times = _FAN_TEX[mode]
        fans = {"fan_in": f"{fan_in}", "fan_out": f"{fan_out}", "fan_avg": f"({fan_in}+{fan_out})"}[mode]
        g_sym, g_plug = ("g", rf"{tex.num(gain)}\cdot") if gain is not None else ("", "")
        var = rf"\operatorname{{Var}}(w) = {_var_tex(coef * times, gain is not None, fan_sym)} = {tex.num(std * std)}"
        if distribution == "uniform":
            a = math.sqrt(3.0) * std
            c = _coef(3 * coef * times)
            lines = (rf"a = {g_sym}\sqrt{{{c}/{fan_sym}}} = {g_plug}\sqrt{{{c}/{fans}}} = {tex.num(a)}",
                     rf"w \sim U(-a,\,a),\quad \sigma = a/\sqrt{{3}} = {tex.num(a)}/\sqrt{{3}} = {tex.num(std)}", var)
        else:
            c = _coef(coef * times)
            lines = (rf"\sigma = {g_sym}\sqrt{{{c}/{fan_sym}}} = {g_plug}\sqrt{{{c}/{fans}}} = {tex.num(std)}",
                     *_normal_lines(distribution, std), var)
        return Description(distribution, 0.0, std, _bound(distribution, std), lines)

    return ({"gain": 1.0} if has_gain else {}), sample, describe


def _var_tex(c: float, has_gain: bool, fan_sym: str) -> str:
    """Var(w) = c g^2 / n as a fraction: \\frac{2g^2}{n_{in}+n_{out}}, \\frac{1}{3\\,n_{in}}."""
    p, q = tex.fraction(c) or (None, None)
    g2 = "g^2" if has_gain else ""
    n = fan_sym.strip("()")
    if p is None:
        return rf"\frac{{{tex.num(c)}\,{g2}}}{{{n}}}"
    top = (str(p) if p != 1 or not g2 else "") + g2
    bottom = n if q == 1 else rf"{q}\,{fan_sym}"
    return rf"\frac{{{top}}}{{{bottom}}}"


def _bound(distribution: str, std: float) -> float | None:
    """The largest |w|: sqrt(3) sigma for uniform, 2 sd of the untruncated normal for truncated, none for normal."""
    return {"uniform": math.sqrt(3.0) * std, "truncated_normal": 2.0 * std / TRUNCATED_STD}.get(distribution)


def _normal_lines(distribution: str, std: float) -> tuple[str, ...]:
    if distribution == "truncated_normal":
        s = std / TRUNCATED_STD
        return (rf"w \sim N(0,\ s^2) \text{{ cut at }} \pm 2s,\quad s = \sigma / 0.8796 = {tex.num(s)}",)
    return (rf"w \sim N(0,\,\sigma^2) = N(0,\,{tex.num(std)}^2)",)


def _spike(value: float, line: str) -> Description:
    return Description("constant", value, 0.0, 0.0, (line + r",\quad \sigma = 0",))


def _zeros():
    return {}, lambda s, rng, dt: np.zeros(s, dt), lambda s: _spike(0.0, r"w = 0 \text{ (every weight)}")


def _constant():
    def describe(s, value):
        return _spike(value, rf"w = c = {tex.num(value)} \text{{ (every weight)}}")
    return {"value": 0.5}, lambda s, rng, dt, value: np.full(s, value, dt), describe


def _uniform():
    def describe(s, limit):
        std = limit / math.sqrt(3.0)
        return Description("uniform", 0.0, std, limit,
                           (rf"w \sim U(-a,\ a),\quad a = {tex.num(limit)},"
                            rf"\qquad \sigma = a/\sqrt{{3}} = {tex.num(std)}",))
    return {"limit": 1.0}, lambda s, rng, dt, limit: uniform(rng, s, limit, dt), describe


def _normal():
    def describe(s, std):
        return Description("normal", 0.0, std, None, (rf"w \sim N(0,\ \sigma^2),\quad \sigma = {tex.num(std)}",))
    return {"std": 0.01}, lambda s, rng, dt, std: normal(rng, s, std, dt), describe


def _orthogonal():
    def describe(s, gain):
        rows, cols = s[0], math.prod(s[1:])
        std = gain * math.sqrt(min(rows, cols) / (rows * cols))          # = g / sqrt(max(rows, cols))
        q = r"Q^\top Q = I" if rows >= cols else r"Q Q^\top = I"
        lines = (rf"W = g\,Q,\quad {q},\quad |w| \le g = {tex.num(gain)}",
                 rf"\sigma = g/\sqrt{{\max(n_{{in}}, n_{{out}})}} = {tex.num(gain)}/\sqrt{{{max(rows, cols)}}}"
                 rf" = {tex.num(std)}\quad(\text{{entries}} \approx N(0, \sigma^2) \text{{ for large }} n)")
        return Description("orthogonal", 0.0, std, abs(gain), lines)
    return {"gain": 1.0}, lambda s, rng, dt, gain: orthogonal(s, rng, gain=gain, dtype=dt), describe


def _lsuv():
    """LSUV's start is the orthogonal draw (gain 1); MLP(config) then rescales each W_l on data (engine.lsuv)."""
    _, sample, describe_orthogonal = _orthogonal()

    def describe(s):
        d = describe_orthogonal(s, 1.0)
        rule = (rf"\text{{then layer by layer: }} W_l \leftarrow W_l / \sqrt{{\operatorname{{Var}}(h_l)}}"
                rf"\text{{ until }} |\operatorname{{Var}}(h_l) - 1| < {tex.num(lsuv.TOL)}"
                rf"\text{{ (at most {lsuv.MAX_PASSES} passes, on {lsuv.BATCH} inputs }} x \sim N(0, I))")
        return Description(d.kind, d.mean, d.std, d.bound, d.latex + (rule,))
    return {}, lambda s, rng, dt: sample(s, rng, dt, 1.0), describe


def _registry() -> dict[str, InitSpec]:
    """The 13 named initializers: (name, summary, (defaults, sample, describe))."""
    entries = [
        ("zeros", "every weight 0", _zeros()),
        ("constant", "every weight c", _constant()),
        ("uniform", "U(-a, a), whatever the layer size", _uniform()),
        ("normal", "N(0, sigma^2), whatever the layer size", _normal()),
        ("xavier_uniform", "Glorot: Var(w) = 2 g^2 / (n_in + n_out), uniform", _vs_preset(1.0, "fan_avg", "uniform")),
        ("xavier_normal", "Glorot: Var(w) = 2 g^2 / (n_in + n_out), normal", _vs_preset(1.0, "fan_avg", "normal")),
        ("he_uniform", "Kaiming: Var(w) = 2 g^2 / n_in, uniform", _vs_preset(2.0, "fan_in", "uniform")),
        ("he_normal", "Kaiming: Var(w) = 2 g^2 / n_in, normal", _vs_preset(2.0, "fan_in", "normal")),
        ("lecun_uniform", "LeCun: Var(w) = g^2 / n_in, uniform", _vs_preset(1.0, "fan_in", "uniform")),
        ("lecun_normal", "LeCun: Var(w) = g^2 / n_in, normal", _vs_preset(1.0, "fan_in", "normal")),
        ("orthogonal", "W = g Q with orthonormal columns (or rows)", _orthogonal()),
        ("torch_default", "nn.Linear's default: U(+-1/sqrt(n_in)), Var(w) = 1 / (3 n_in)",
         _vs_preset(1.0 / 3.0, "fan_in", "uniform", has_gain=False)),
        ("lsuv", "LSUV: orthonormal, then each W_l rescaled on a batch until Var(h_l) = 1", _lsuv()),
    ]
    return {name: InitSpec(name, MappingProxyType(defaults), summary, sample, describe)
            for name, summary, (defaults, sample, describe) in entries}


INITIALIZERS: Mapping[str, InitSpec] = MappingProxyType(_registry())

# Initializers whose std follows a fan (the variance-scaling family, plotted against fan_in).
VARIANCE_SCALING = ("xavier_uniform", "xavier_normal", "he_uniform", "he_normal",
                    "lecun_uniform", "lecun_normal", "orthogonal", "torch_default")


def _resolve(name: str, params: dict) -> tuple[InitSpec, dict]:
    """The spec and its full parameter dict; ValueError names the valid choices."""
    if name not in INITIALIZERS:
        raise ValueError(f"unknown initializer {name!r}; valid: {', '.join(INITIALIZERS)}")
    spec = INITIALIZERS[name]
    unknown = set(params) - set(spec.defaults)
    if unknown:
        valid = ", ".join(spec.defaults) or "none"
        raise ValueError(f"{name} got unknown parameter(s) {sorted(unknown)}; valid: {valid}")
    resolved = {**spec.defaults, **params}
    for key, value in resolved.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
                or not math.isfinite(value):
            raise ValueError(f"{name}: {key} must be a finite number, got {value!r}")
        if key in ("std", "limit") and value < 0:
            raise ValueError(f"{name}: {key} must be >= 0, got {value}")
    return spec, {k: float(v) for k, v in resolved.items()}


def initialize(name: str, shape, rng: np.random.Generator, dtype=np.float64, **params) -> np.ndarray:
    """Sample a (fan_in, fan_out) weight matrix from the named initializer."""
    spec, params = _resolve(name, params)
    shape = _check_shape(shape)
    return spec.sample(shape, rng, _dtype(dtype), **params)


def describe(name: str, shape, **params) -> Description:
    """What the named initializer promises for this shape: kind, mean, std, bound and its LaTeX, numbers plugged in."""
    spec, params = _resolve(name, params)
    return spec.describe(_check_shape(shape), **params)


def expected_std(name: str, shape, **params) -> float:
    """The standard deviation the initializer's formula promises for this shape."""
    return float(describe(name, shape, **params).std)
