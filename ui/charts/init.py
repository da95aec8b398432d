"""The init explorer's figures and lecture text: pure functions of engine results, no Streamlit here."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine import initializers
from ui.charts import common

BINS = 150
QR_BUDGET = 4096 * 512**2  # rows x cols^2 of the QR: 4096 x 512 takes ~0.2 s (4096 x 4096 takes ~7 s)
FANS = np.unique(np.geomspace(1, 4096, 97).round().astype(int))     # fan_in grid of the sweep
GAIN_INITS = tuple(n for n, s in initializers.INITIALIZERS.items() if "gain" in s.defaults)


def sample_shape(init: str, fan_in: int, fan_out: int) -> tuple[int, int]:
    """The shape to sample: orthogonal keeps only as many orthonormal columns (or rows) as a fast QR allows.

    Any k columns of a Haar-random orthogonal matrix are distributed exactly like the QR of an
    (n, k) Gaussian, so the capped sample has the same entry distribution and the same std.
    """
    big, small = max(fan_in, fan_out), min(fan_in, fan_out)
    k = int(math.sqrt(QR_BUDGET / big))
    if init != "orthogonal" or small <= k:
        return fan_in, fan_out
    return (fan_in, k) if fan_in >= fan_out else (k, fan_out)


def tex(x: float) -> str:
    """A number for LaTeX: 4 significant digits, 10^k instead of e-notation."""
    s = f"{x:.4g}"
    if "e" in s:
        mantissa, exp = s.split("e")
        return rf"{mantissa}\times 10^{{{int(exp)}}}"
    return s


@dataclass(frozen=True)
class Theory:
    """What the formula promises: kind normal | uniform | spike, moments, bounds (None = unbounded), LaTeX lines."""
    kind: str
    mean: float
    std: float
    lo: float | None
    hi: float | None
    latex: tuple
    approx: bool = False          # orthogonal: entries are only approximately normal


def theory(init: str, fan_in: int, fan_out: int, params: dict) -> Theory:
    """The lecture formula with the numbers plugged in; std agrees with engine.initializers.expected_std."""
    n, m, g = fan_in, fan_out, params.get("gain", 1.0)
    U = r"w \sim U(-a,\,a),\quad \sigma = a/\sqrt{3} = "
    uniform = {  # name: (formula for a, plugged, a)
        "xavier_uniform": (r"a = g\sqrt{6/(n_{in}+n_{out})}", rf"{g:g}\cdot\sqrt{{6/({n}+{m})}}", g * math.sqrt(6 / (n + m))),
        "he_uniform": (r"a = g\sqrt{6/n_{in}}", rf"{g:g}\cdot\sqrt{{6/{n}}}", g * math.sqrt(6 / n)),
        "lecun_uniform": (r"a = g\sqrt{3/n_{in}}", rf"{g:g}\cdot\sqrt{{3/{n}}}", g * math.sqrt(3 / n)),
        "torch_default": (r"a = 1/\sqrt{n_{in}}", rf"1/\sqrt{{{n}}}", 1 / math.sqrt(n)),
        "uniform": (r"a", "", params.get("limit", 0.0)),
    }
    normal = {  # name: (formula for sigma, plugged, sigma)
        "xavier_normal": (r"\sigma = g\sqrt{2/(n_{in}+n_{out})}", rf"{g:g}\cdot\sqrt{{2/({n}+{m})}}", g * math.sqrt(2 / (n + m))),
        "he_normal": (r"\sigma = g\sqrt{2/n_{in}}", rf"{g:g}\cdot\sqrt{{2/{n}}}", g * math.sqrt(2 / n)),
        "lecun_normal": (r"\sigma = g\sqrt{1/n_{in}}", rf"{g:g}\cdot\sqrt{{1/{n}}}", g * math.sqrt(1 / n)),
        "orthogonal": (r"\sigma = g/\sqrt{\max(n_{in},\,n_{out})}", rf"{g:g}/\sqrt{{{max(n, m)}}}", g / math.sqrt(max(n, m))),
        "normal": (r"\sigma", "", params.get("std", 0.0)),
    }
    if init in uniform:
        formula, plugged, a = uniform[init]
        lines = (rf"{formula} = {plugged + ' = ' if plugged else ''}{tex(a)}", rf"{U}{tex(a)}/\sqrt{{3}} = {tex(a / math.sqrt(3))}")
        return _or_spike(Theory("uniform", 0.0, a / math.sqrt(3), -a, a, lines))
    if init in normal:
        formula, plugged, s = normal[init]
        lines = [rf"{formula} = {plugged + ' = ' if plugged else ''}{tex(s)}", rf"w \sim N(0,\,\sigma^2) = N(0,\,{tex(s)}^2)"]
        if init == "orthogonal":
            q = r"Q^\top Q = I" if n >= m else r"Q Q^\top = I"
            lines = [rf"W = g\,Q,\ \ {q},\ \ \textstyle\sum w^2 = g^2\min(n_{{in}},n_{{out}}) = {tex(g * g * min(n, m))}",
                     lines[0], r"\text{entries} \approx N(0,\,\sigma^2)\ \text{for large } n"]
        return _or_spike(Theory("normal", 0.0, s, None, None, tuple(lines), approx=init == "orthogonal"))
    c = params.get("value", 0.0)
    latex = (r"w = 0\ \text{(every weight)},\quad \sigma = 0",) if init == "zeros" else \
        (rf"w = c = {tex(c)}\ \text{{(every weight)}},\quad \sigma = 0",)
    return Theory("spike", c, 0.0, c, c, latex)


def _or_spike(t: Theory) -> Theory:
    """A zero std (gain 0, limit 0) makes every weight 0: a spike."""
    return t if t.std > 0 else Theory("spike", 0.0, 0.0, 0.0, 0.0, t.latex)


def half_range(t: Theory) -> float:
    """A round x-axis half-width (1, 2, 5 x 10^k) that holds the distribution: it jumps only at round numbers."""
    need = {"normal": 4 * t.std, "uniform": 1.1 * (t.hi or 0)}.get(t.kind, max(1.25 * abs(t.mean), 1.0))
    for k in range(-10, 6):
        for mant in (1, 2, 5):
            if mant * 10.0**k >= need:
                return mant * 10.0**k
    return need


def summarize(w: np.ndarray, t: Theory) -> dict:
    """Server-side histogram (as a density) and moments of the sampled weights, in float64."""
    R = half_range(t)
    counts, edges = np.histogram(w, bins=BINS, range=(-R, R))
    return {"n": int(w.size), "shape": tuple(w.shape), "edges": edges, "counts": counts,
            "density": counts / (w.size * (edges[1] - edges[0])), "outside": int(w.size - counts.sum()),
            "mean": float(w.mean(dtype=np.float64)), "std": float(w.std(dtype=np.float64)),
            "min": float(w.min()), "max": float(w.max())}


def histogram(s: dict, t: Theory, title: str):
    """Bars of the sampled density with the theoretical density over them; a spike is one bar of share 1."""
    R = half_range(t)
    if t.kind == "spike":
        fig = common.figure(title, "weight value", "share of weights")
        fig.add_bar(x=[t.mean], y=[1.0], width=R / 40, name=f"all {s['n']:,} weights = {t.mean:g}",
                    marker_color=common.PALETTE[0])
        fig.add_annotation(x=t.mean, y=1.0, yshift=12, showarrow=False,
                           text="a spike: no spread at all, so no density to draw")
        fig.update_layout(xaxis_range=[-R, R], yaxis_range=[0, 1.2])
        return fig
    fig = common.figure(title, "weight value", "density (1 / weight unit)")
    centers = (s["edges"][:-1] + s["edges"][1:]) / 2
    fig.add_bar(x=centers, y=s["density"], width=s["edges"][1] - s["edges"][0], marker_line_width=0,
                marker_color=common.PALETTE[0], opacity=0.7, name=f"sampled: {s['n']:,} weights")
    if t.kind == "normal":
        x = np.linspace(-R, R, 401)
        y = np.exp(-0.5 * (x / t.std) ** 2) / (t.std * math.sqrt(2 * math.pi))
        name, peak = ("≈ " if t.approx else "") + f"N(0, σ²), σ = {t.std:.4g}", y.max()
    else:
        a = t.hi
        x, y = np.array([-R, -a, -a, a, a, R]), np.array([0, 0, 1, 1, 0, 0]) / (2 * a)
        name, peak = f"U(−a, a), a = {a:.4g}", 1 / (2 * a)
    fig.add_scatter(x=x, y=y, mode="lines", line=dict(color=common.PALETTE[3], width=2.5), name=f"theory: {name}")
    top = max(peak, float(s["density"].max())) * 1.15
    fig.update_layout(bargap=0, xaxis_range=[-R, R], yaxis_range=[0, top])
    return fig


def stats_table(s: dict, t: Theory) -> pd.DataFrame:
    """Theory (as text: '—' for unbounded) next to the measured numbers (floats)."""
    bound = "— (only |w| ≤ g)" if t.approx else "— (unbounded)"
    shown = lambda v: bound if v is None else f"{v:.4g}"  # noqa: E731
    return pd.DataFrame({"theory": [shown(t.mean), shown(t.std), shown(t.lo), shown(t.hi)],
                         "measured": [s["mean"], s["std"], s["min"], s["max"]]},
                        index=["mean", "std", "min", "max"])


def std_error_text(t: Theory, n: int) -> str:
    """How far the measured std may sit from σ by chance: sd of the sample std ≈ σ sqrt((κ - 1) / (4n)), κ kurtosis."""
    if t.kind == "spike":
        return "A spike has no spread: σ = 0 exactly."
    k, label = (2, "σ/√(2n)") if t.kind == "normal" else (5, "σ/√(5n)")     # normal κ = 3, uniform κ = 9/5
    return f"The measured std typically lands within {label} = {t.std / math.sqrt(k * n):.2g} of the theory."


def sweep(init: str, fan_out: int, params: dict) -> dict:
    """std against fan_in (fan_out fixed) for the variance-scaling presets at gain 1 and for the current settings.

    Presets with the same std curve (uniform and normal twins) share one line.
    """
    groups: list[tuple[list, np.ndarray]] = []
    for name in initializers.VARIANCE_SCALING:
        std = np.array([initializers.expected_std(name, (int(f), fan_out)) for f in FANS])
        twin = next((g for g in groups if np.allclose(g[1], std, rtol=1e-12, atol=0)), None)
        twin[0].append(name) if twin else groups.append(([name], std))
    current = np.array([initializers.expected_std(init, (int(f), fan_out), **params) for f in FANS])
    return {"fans": FANS, "groups": [(", ".join(names), std) for names, std in groups], "current": current}


def sweep_figure(sw: dict, init: str, fan_in: int, fan_out: int, std_now: float):
    """Log-log std vs fan_in, the current initializer as a thick line and a marker at the chosen fan_in."""
    fig = common.figure(f"std of w against fan_in (fan_out fixed at {fan_out}; presets at gain 1)",
                        "fan_in (log)", "std of w (log)")
    for i, (label, std) in enumerate(sw["groups"]):
        fig.add_scatter(x=sw["fans"], y=common.positive(std), mode="lines", name=label,
                        line=dict(color=common.PALETTE[i], width=1.8))
    if std_now > 0:
        fig.add_scatter(x=sw["fans"], y=common.positive(sw["current"]), mode="lines", name=f"{init}: your settings",
                        line=dict(color="#000000", width=3.5, dash="dot"))
        fig.add_scatter(x=[fan_in], y=[std_now], mode="markers", name=f"fan_in = {fan_in}: σ = {std_now:.3g}",
                        marker=dict(size=13, color="#000000", symbol="diamond", line=dict(color="white", width=1.5)))
    else:
        fig.add_annotation(x=0.5, y=0.05, xref="paper", yref="paper", showarrow=False,
                           text=f"{init} at these settings has std 0: it cannot be drawn on a log axis")
    everything = [std for _, std in sw["groups"]] + [sw["current"], [std_now]]
    fig.update_xaxes(type="log", range=[-0.05, math.log10(4096) + 0.05], tickvals=4 ** np.arange(7))
    fig.update_yaxes(type="log", range=_half_decades(np.concatenate([np.ravel(v) for v in everything])), dtick=1)
    fig.update_layout(legend=dict(orientation="v", x=1.02, xanchor="left", y=1.0, yanchor="top"),
                      margin=dict(r=20))
    return fig


def _half_decades(values) -> list | None:
    """A log10 axis range around the positive values, rounded out to half decades (so small changes do not jump)."""
    arr = common.positive(values)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return None
    return [math.floor(2 * math.log10(arr.min()) - 0.2) / 2, math.ceil(2 * math.log10(arr.max()) + 0.2) / 2]


def tie_figure(W: np.ndarray, distinct: int, title: str):
    """Each hidden unit's two incoming weights against the SGD step; identical units draw on top of each other."""
    fig = common.figure(title, "SGD step", "weight into the unit", height=340)
    steps = np.arange(W.shape[0])
    for j in range(W.shape[2]):
        color = common.PALETTE[j]
        for i, dash in enumerate(("solid", "dot")):
            fig.add_scatter(x=steps, y=W[:, i, j], mode="lines", line=dict(color=color, dash=dash, width=2.5 - j * 0.4),
                            name=f"unit {j + 1}", legendgroup=f"u{j}", showlegend=i == 0)
    lo, hi = float(W.min()), float(W.max())
    pad = max(0.15 * (hi - lo), 0.2)
    fig.update_layout(yaxis_range=[lo - pad, hi + pad], xaxis_range=[0, steps[-1]],
                      legend=dict(orientation="h", x=0, xanchor="left", y=-0.22, yanchor="top"),
                      margin=dict(b=80))
    fig.add_annotation(x=0.99, y=0.97, xref="paper", yref="paper", xanchor="right", showarrow=False,
                       text=f"<b>{W.shape[2]} units, {distinct} distinct</b>"
                       + ("<br>(all lines on top of each other)" if distinct == 1 else ""),
                       bgcolor="rgba(255,255,255,0.8)")
    return fig


# ------------------------------------------------------------------ lecture text: gains, libraries, notice
TORCH_GAIN_ACTS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "selu")     # calculate_gain knows these
_GAIN_NAMES = {"tanh": " (5/3)", "relu": " (√2)", "leaky_relu": " (√(2/(1+0.01²)), slope 0.01)", "selu": " (3/4)"}
_NO_TORCH_GAIN = {
    "elu": "Most code uses He init (the ReLU gain √2) for ELU.",
    "gelu": "Most code uses He init (the ReLU gain √2) for GELU; GPT-2/BERT-style transformers instead draw "
            "every weight with std 0.02.",
    "softplus": "Softplus is rarely a hidden activation; people treat it like ReLU (gain √2). Its output has "
                "mean ≈ 0.81, so most of E[φ²] is mean, not spread.",
    "swish": "Most code uses He init (the ReLU gain √2) for Swish/SiLU.",
}


def recommended_gain(act: str) -> float:
    """The gain people use: PyTorch's table; SELU 1 (PyTorch's docs: nonlinearity='linear'); ReLU's √2 otherwise."""
    if act == "selu":
        return 1.0
    return initializers.calculate_gain(act) if act in TORCH_GAIN_ACTS else math.sqrt(2.0)


def slider_gain(init: str, g: float) -> float | None:
    """This page's gain slider value giving Var(w) = g² / n (he_* already hold the factor 2); None if no gain."""
    if init not in GAIN_INITS:
        return None
    return g / math.sqrt(2.0) if init.startswith("he_") else g


def gain_advice(act: str, init: str, std_now: float, fan_in: int, empirical: float) -> str:
    """Markdown: PyTorch's gain for act (or that it has none), the variance-preserving gain, what to set here."""
    if act in TORCH_GAIN_ACTS:
        text = [f'**PyTorch:** `nn.init.calculate_gain("{act}")` = **{initializers.calculate_gain(act):.4g}**'
                f'{_GAIN_NAMES.get(act, "")}.']
        if act == "selu":
            text.append("But PyTorch's docs say: for self-normalizing networks use `nonlinearity=\"linear\"` "
                        "(gain 1, Var(w) = 1/n_in, i.e. LeCun normal — Keras' `lecun_normal`); 3/4 gives up the "
                        "self-normalizing fixed point for steadier gradients.")
    else:
        text = [f'**PyTorch has no gain for {act}:** `nn.init.calculate_gain("{act}")` raises `ValueError`. '
                + _NO_TORCH_GAIN[act]]
    text.append(f"**Variance-preserving gain** (keeps Var(z) = 1 layer to layer for z ~ N(0, 1)): "
                f"1/√E[φ(z)²] = **{empirical:.4g}**."
                + (" PyTorch's table is a convention, not this formula (tanh: 5/3 vs 1.593; sigmoid: 1 vs 1.846)."
                   if act in ("tanh", "sigmoid") else ""))
    g = recommended_gain(act)
    value = slider_gain(init, g)
    if value is None:
        text.append(f"**On this page:** `{init}` has no gain. Gain {g:.4g} asks for σ = g/√n_in = "
                    f"{g / math.sqrt(fan_in):.4g} at n_in = {fan_in}; `{init}` gives σ = {std_now:.4g}.")
    elif init.startswith("he_"):
        text.append(f"**On this page:** `{init}` already contains ReLU's factor 2 (Var(w) = 2g²/n_in, so "
                    f"g = 1 is He for ReLU). To get PyTorch's gain {g:.4g}, set the slider to "
                    f"{g:.4g}/√2 = **{value:.3g}**.")
    else:
        text.append(f"**On this page:** set the gain slider to **{value:.3g}**.")
    return "\n\n".join(text)


_TRUNC = ('Keras\' `"{name}"` is a **truncated** normal (its `VarianceScaling` reads `distribution="normal"` as '
          '`"truncated_normal"`): draws beyond 2 sd are redrawn and the rest rescaled by 1/0.8796, so the variance '
          'matches but no weight exceeds ±2.27σ. PyTorch and this app draw an untruncated normal.')
_KAIMING = ('PyTorch\'s `kaiming_*` take no gain: it comes from `nonlinearity` (and `a`, the leaky slope). Their '
            'defaults, `mode="fan_in", nonlinearity="leaky_relu", a=0`, also give √2; `mode="fan_out"` preserves '
            'the backward pass instead.')
_LECUN = 'PyTorch has no `lecun_*`: it is `kaiming_*` with `nonlinearity="linear"` (gain 1).'


def _vs(scale, mode: str, dist: str) -> str:
    """Keras' VarianceScaling call, wrapped to fit a narrow code box."""
    scale = scale if isinstance(scale, str) else f"{scale:.6g}"
    return f'keras.initializers.VarianceScaling(\n    scale={scale}, mode="{mode}",\n    distribution="{dist}")'


def _kaiming(dist: str, nonlinearity: str, g: float) -> str:
    """PyTorch's kaiming_* call; a gain other than 1 needs a multiply afterwards."""
    call = f'nn.init.kaiming_{dist}_(\n    w, mode="fan_in", nonlinearity="{nonlinearity}")'
    return call + ("" if g == 1 else f"\nwith torch.no_grad():\n    w.mul_({g:g})   # kaiming_* take no gain")


def library_code(init: str, params: dict, fan_in: int, fan_out: int) -> tuple[str, str, list[str]]:
    """(PyTorch code, Keras code, notes on where they differ) for the same initializer and settings."""
    g, c = params.get("gain", 1.0), params.get("value", 0.0)
    a, s = params.get("limit", 0.0), params.get("std", 0.0)
    untruncated = '# untruncated normal, exactly this app\'s\n# (the named "{}" is truncated at 2 sd)\n'
    entries = {  # init: (PyTorch code, Keras comment, Keras initializer expression, notes)
        "zeros": ("nn.init.zeros_(w)", "", '"zeros"', []),
        "constant": (f"nn.init.constant_(w, {c:g})", "", f"keras.initializers.Constant({c:g})", []),
        "uniform": (f"nn.init.uniform_(w, a={-a:g}, b={a:g})", "", f"keras.initializers.RandomUniform({-a:g}, {a:g})",
                    ["PyTorch's `uniform_` defaults to U(0, 1), not centred: always pass `a` and `b`. Keras' "
                     "`RandomUniform` defaults to ±0.05."]),
        "normal": (f"nn.init.normal_(w, mean=0.0, std={s:g})", "", f"keras.initializers.RandomNormal(0.0, {s:g})",
                   ["Both untruncated (Keras' truncated one is `TruncatedNormal`). Defaults differ: PyTorch std 1, "
                    "Keras 0.05."]),
        "xavier_uniform": (f"nn.init.xavier_uniform_(w, gain={g:g})", "",
                           '"glorot_uniform"' if g == 1 else _vs(g * g, "fan_avg", "uniform"),
                           ["Xavier = Glorot; `glorot_uniform` is the default kernel initializer of Keras' `Dense`. "
                            "PyTorch's `xavier_*` take a gain; Keras' presets do not (use `VarianceScaling(scale=g²)`)."]),
        "xavier_normal": (f"nn.init.xavier_normal_(w, gain={g:g})", untruncated.format("glorot_normal") * (g == 1),
                          _vs(g * g, "fan_avg", "untruncated_normal"), [_TRUNC.format(name="glorot_normal")]),
        "he_uniform": (_kaiming("uniform", "relu", g), "",
                       '"he_uniform"' if g == 1 else _vs(2 * g * g, "fan_in", "uniform"), [_KAIMING]),
        "he_normal": (_kaiming("normal", "relu", g), untruncated.format("he_normal") * (g == 1),
                      _vs(2 * g * g, "fan_in", "untruncated_normal"), [_KAIMING, _TRUNC.format(name="he_normal")]),
        "lecun_uniform": (_kaiming("uniform", "linear", g), "",
                          '"lecun_uniform"' if g == 1 else _vs(g * g, "fan_in", "uniform"), [_LECUN]),
        "lecun_normal": (_kaiming("normal", "linear", g), untruncated.format("lecun_normal") * (g == 1),
                         _vs(g * g, "fan_in", "untruncated_normal"), [_LECUN, _TRUNC.format(name="lecun_normal")]),
        "orthogonal": (f"nn.init.orthogonal_(w, gain={g:g})", "", f"keras.initializers.Orthogonal(gain={g:g})",
                       ["Both take a gain and make the shorter side orthonormal, so PyTorch's transposed layout "
                        "gives the same family of matrices."]),
        "torch_default": (f"layer = nn.Linear({fan_in}, {fan_out})\n# weight: kaiming_uniform_(w, a=math.sqrt(5))",
                          "# no preset; the same U(±1/√n_in):\n", _vs("1/3", "fan_in", "uniform"),
                          ["`a=√5` gives gain √(2/(1+5)) = √(1/3), so the bound is √(1/3)·√(3/n_in) = 1/√n_in. "
                           "nn.Linear's bias is also U(±1/√n_in), not 0 as in this app. Keras has no such preset."]),
    }
    torch, comment, expr, notes = entries[init]
    if init != "torch_default":
        torch = f"w = torch.empty({fan_out}, {fan_in})   # (out, in)\n" + torch
    keras = (f"{comment}INIT = {expr}\nlayers.Dense({fan_out}, kernel_initializer=INIT)\n"
             f"# kernel shape (in, out) = ({fan_in}, {fan_out})")
    layout = (f"PyTorch stores `nn.Linear.weight` as (out, in) = ({fan_out}, {fan_in}), this app's W transposed, "
              "and takes fan_in from `weight.shape[1]`; Keras stores the kernel (in, out) like this app. "
              "Copying a W across needs a `.T`.")
    return torch, keras, notes + [layout]


def notice(init: str, t: Theory, act: str, fan_in: int, m2: float) -> tuple[str, str]:
    """(markdown, LaTeX) of what to notice: the variance the next layer sees, and how σ follows the fans."""
    if t.kind == "spike":
        return ("Every weight is the same number, so every output unit computes the same function of the input, "
                "gets the same gradient and stays a copy of the others: the layer behaves like one unit. "
                "See section 5.", r"z_j = \textstyle\sum_i w\,x_i\ \text{ is the same for every unit } j")
    factor = fan_in * t.std**2 * m2
    latex = (rf"\mathrm{{Var}}(z_{{out}}) = n_{{in}}\,\sigma^2\,\mathbb{{E}}[\phi(z_{{in}})^2] = "
             rf"{fan_in}\cdot {tex(t.std)}^2\cdot {tex(m2)} = {tex(factor)}")
    if 0.8 <= factor <= 1.25:
        verdict = "≈ 1: the signal keeps its scale through this layer."
    else:
        word, pow10 = ("grows", "explodes") if factor > 1 else ("shrinks", "vanishes")
        verdict = (f"{factor:.3g}: the variance {word} ×{factor:.3g} per layer; through 10 such layers ×{factor**10:.3g}: "
                   f"the signal {pow10}.")
    fans = {"xavier": "σ depends on (n_in + n_out)/2, a compromise between the forward pass (n_in) and the "
                      "backward pass (n_out).",
            "orthogonal": "σ = g/√max(n_in, n_out); when n_in ≤ n_out it keeps every input's length exactly: "
                          "‖xW‖ = g‖x‖.",
            "normal": "σ ignores the fans, so n_in σ² grows with fan_in: right for one width, wrong for another.",
            }
    key = next((k for k in fans if init.startswith(k)), "normal" if init in ("normal", "uniform") else None)
    how = fans.get(key, "σ ∝ 1/√n_in: 4× the fan_in halves σ, so n_in σ² stays put.")
    md = (f"Feed this layer {act}(z) with Var(z) = 1 and its outputs z_out get the variance below. It is {verdict} "
          f"{how} (E[φ²] is taken at Var(z) = 1: exact at any scale for linear, ReLU and leaky ReLU, "
          "an approximation for the others.)")
    return md, latex


def tie_label(name: str, params: dict, seed: int | None = None) -> str:
    """A title for a tiny-net run: which init, with which parameter."""
    if name == "zeros":
        return "zeros"
    if name == "constant":
        return f"constant c = {params['value']:g}"
    extra = [f"{k} {v:g}" for k, v in params.items() if v != initializers.INITIALIZERS[name].defaults[k]]
    extra += [] if seed is None else [f"seed {seed}"]
    return name + (f" ({', '.join(extra)})" if extra else "")
