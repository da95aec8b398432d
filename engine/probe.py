"""One forward + backward pass of an MLP on random data: what the activations and gradients pages plot."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.mlp import MLP, MLPConfig
from engine.stats import mean_square, moments, rms
from engine.verdict import diagnose

INPUTS = ("normal", "uniform")
LOSSES = ("mse", "projection")
HIST_SAMPLES = 1_000_000      # entries binned over all layers together (stats use every entry)
HIST_PER_LAYER = 8_192        # enough for 50 bins: a 2% share is good to about 0.15% (the heatmap is on a log scale)


@dataclass(frozen=True)
class Histograms:
    """counts[l, k]: share of layer l+1's values in bin k; bins share `edges`."""
    edges: np.ndarray         # (bins + 1,)
    counts: np.ndarray        # (L, bins), each row sums to 1 (0 where nothing is finite)
    log10: bool = False       # True when the values binned were log10 |v|


@dataclass(frozen=True)
class ProbeResult:
    config: MLPConfig
    stats: list               # MLP.layer_stats() rows, plus "factor_measured"/"factor_predicted"
    messages: list            # verdict.diagnose(): first layer of overflow / collapse, with its kind
    hist_z: Histograms
    hist_a: Histograms
    hist_grad: Histograms     # log10 |dL/da_l|
    loss: float


def make_inputs(rng, batch: int, n_in: int, dist: str, dtype) -> np.ndarray:
    """x ~ N(0, 1) or U(-sqrt 3, sqrt 3): unit variance either way."""
    if dist not in INPUTS:
        raise ValueError(f"unknown input distribution {dist!r}; valid: {', '.join(INPUTS)}")
    if dist == "normal":
        return rng.standard_normal((batch, n_in)).astype(dtype)
    return rng.uniform(-math.sqrt(3), math.sqrt(3), (batch, n_in)).astype(dtype)


def loss_and_grad(a_out: np.ndarray, kind: str, rng) -> tuple[float, np.ndarray]:
    """mse: L = 1/(2B) sum ||a - y||^2, y ~ N(0, I); projection: L = 1/B sum r.a, r ~ N(0, I). Returns (L, dL/da)."""
    if kind not in LOSSES:
        raise ValueError(f"unknown loss {kind!r}; valid: {', '.join(LOSSES)}")
    batch = a_out.shape[0]
    target = rng.standard_normal(a_out.shape).astype(a_out.dtype)
    with np.errstate(all="ignore"):
        if kind == "mse":
            diff = a_out - target
            return float(np.sum(diff.astype(np.float64) ** 2) / (2 * batch)), diff / batch
        return float(np.sum(a_out.astype(np.float64) * target) / batch), target / batch


def _sample(v: np.ndarray, n_layers: int) -> np.ndarray:
    """The first rows of v, at most HIST_PER_LAYER entries and a share of HIST_SAMPLES (rows are i.i.d.)."""
    per_layer = min(HIST_PER_LAYER, HIST_SAMPLES // max(1, n_layers))
    rows = max(1, per_layer // max(1, v.shape[1]))
    return v[:rows].ravel()


def histograms(layers: list, bins: int = 50, log10: bool = False, value_range=None) -> Histograms:
    """Bin every layer on one shared range (symmetric around 0, or of log10 |v|)."""
    with np.errstate(all="ignore"):
        samples = [_sample(v, len(layers)) for v in layers]
        if log10:
            samples = [np.log10(np.abs(s[s != 0])) for s in samples]
        finite = [s[np.isfinite(s)] for s in samples]
    if value_range is None:
        value_range = _shared_range(finite, log10)
    lo, hi = value_range
    return Histograms(np.linspace(lo, hi, bins + 1), _bin_all(finite, lo, hi, bins), log10)


def _bin_all(finite: list, lo: float, hi: float, bins: int) -> np.ndarray:
    """counts[l, k] = share of layer l's values in equal-width bin k of [lo, hi] (outliers in the end bins).

    One bincount over all layers: bin k + l * bins for each value of layer l.
    """
    sizes = np.array([s.size for s in finite])
    if not sizes.sum():
        return np.zeros((len(finite), bins))
    values = np.concatenate(finite).astype(np.float64)
    k = np.clip(((values - lo) * (bins / (hi - lo))).astype(np.int64), 0, bins - 1)   # (N,)
    k += np.repeat(np.arange(len(finite)) * bins, sizes)
    counts = np.bincount(k, minlength=len(finite) * bins).reshape(len(finite), bins)
    return counts / np.maximum(sizes, 1)[:, None]


def _shared_range(finite: list, log10: bool) -> tuple[float, float]:
    """[min, max] over all layers (symmetric when nearly so, always containing 0); for log10 whole decades."""
    nonempty = [s for s in finite if s.size]
    if not nonempty:
        return (-1.0, 1.0)
    if log10:
        lo, hi = min(float(s.min()) for s in nonempty), max(float(s.max()) for s in nonempty)
        return (math.floor(lo), max(math.ceil(hi), math.floor(lo) + 1))
    lo = min(float(s.min()) for s in nonempty)
    hi = max(float(s.max()) for s in nonempty)
    lo, hi = min(lo, 0.0), max(hi, 0.0)              # always show 0; ReLU-like outputs get [0, max]
    if lo < 0 < hi and min(-lo, hi) > 0.5 * max(-lo, hi):
        lo, hi = -max(-lo, hi), max(-lo, hi)         # nearly symmetric: make it symmetric
    return (lo, hi) if hi > lo else (-1.0, 1.0)


# What gradient_factors predicts, in words for a legend: without and with batch norm.
FACTOR_FORMULA = "√(n·Var(w)·E[φ′²])"
FACTOR_FORMULA_BN = "√(n·Var(w)·E[φ′²]·γ²/σ_B²)"


def gradient_factors(net: MLP) -> list[dict]:
    """Per layer, how much the backward pass multiplies the gradient's rms: measured, rms(dL/da_{l-1}) /
    rms(dL/da_l), and predicted, sqrt(n_l Var(W_l) E[phi'(z_l)^2] (gamma/sigma_B)^2), with its parts.

    n_l is the layer's fan_out: dL/da_{l-1} = dL/dh_l W_l^T sums n_l terms. The BN gain is 1 without BN.
    """
    factors = []
    grad_rms = [rms(g) for g in [net.grad_input, *net.grads_a]]     # dL/da_0 .. dL/da_L, each read once
    with np.errstate(all="ignore"):
        for l in range(net.depth):
            phi_prime_sq = mean_square(_phi_prime(net.phis[l], net.trace[l]))
            n_var_w = net.weights[l].shape[1] * moments(net.weights[l])[1] ** 2
            bn_gain_sq = _bn_gain_sq(net, l)
            factors.append({"factor_measured": _ratio(grad_rms[l], grad_rms[l + 1]),
                            "factor_predicted": math.sqrt(n_var_w * phi_prime_sq * bn_gain_sq),
                            "phi_prime_sq": phi_prime_sq, "n_var_w": n_var_w, "bn_gain_sq": bn_gain_sq})
    return factors


def _bn_gain_sq(net: MLP, l: int) -> float:
    """(gamma / sigma_B)^2 averaged over features: what BN multiplies the backward signal by (1 without BN)."""
    if not net.bns:
        return 1.0
    h = net.trace[l].h.astype(np.float64)
    return float(np.mean(net.bns[l].gamma.astype(np.float64) ** 2 / (h.var(axis=0) + net.bns[l].eps)))


def _phi_prime(phi, t) -> np.ndarray:
    """phi'(z) for a layer's trace, from the cached output when that is cheaper."""
    if phi.derivative_from_a is not None:
        return np.broadcast_to(np.asarray(phi.derivative_from_a(t.f), dtype=t.f.dtype), t.f.shape)
    return phi.derivative(t.z)


def _ratio(num: float, den: float) -> float:
    """num / den, NaN when undefined (0/0, inf/inf) and inf for x/0."""
    if den == 0 or not math.isfinite(den):
        return math.nan if num == 0 or not math.isfinite(num) or not math.isfinite(den) else math.inf
    return num / den


def probe(config: MLPConfig, *, batch: int = 256, input_dist: str = "normal", loss: str = "mse",
          weight_scale: float = 1.0, bins: int = 50, seed: int = 0) -> ProbeResult:
    """Build the net (weights times weight_scale; biases as the config says), run x -> a_L -> loss -> backward."""
    if batch < 1 or (config.batch_norm and batch < 2):
        raise ValueError(f"batch must be >= 1 (>= 2 with batch norm), got {batch}")
    if not math.isfinite(weight_scale):
        raise ValueError("weight_scale must be a finite number")
    net = MLP(config)
    if weight_scale != 1.0:
        for W in net.weights:
            W *= weight_scale
    rng = np.random.default_rng(seed)
    x = make_inputs(rng, batch, config.widths[0], input_dist, net.dtype)
    a_out = net.forward(x)
    value, grad_out = loss_and_grad(a_out, loss, rng)
    net.backward(grad_out)
    stats = net.layer_stats()
    for row, factor in zip(stats, gradient_factors(net)):
        row.update(factor)
    zs, acts = [t.z for t in net.trace], [t.a for t in net.trace]
    return ProbeResult(config, stats, diagnose(stats), histograms(zs, bins), histograms(acts, bins),
                       histograms(net.grads_a, bins, log10=True), value)
