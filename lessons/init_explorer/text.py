"""What the init explorer says: the intro, the gain an activation wants, what to notice, the standard error."""
from __future__ import annotations

import math

from engine import initializers
from engine.tex import num
from lessons.init_explorer.settings import gain_controls

INTRO = ("Pick an initializer and a layer size. Read its formula with your numbers plugged in, then check the "
         "weights it actually draws against it: the bars are the sampled weights, the orange-red line is what the "
         "formula promises. Then see how σ follows fan_in, which gain your activation wants, how PyTorch and "
         "Keras spell the same thing, and why a network cannot start with equal weights.")
SPIKE_WARNING = ("Gain 0 multiplies every weight by 0: this is zeros init in disguise. Every weight is exactly 0, "
                 "the histogram is a spike, and no unit can tell itself apart from the others (section 5).")
SWEEP_CAPTION = ("Each line: the std each formula gives for a fan_in × {fan_out} layer. Uniform and normal twins "
                 "have the same variance, so they share a line. Fan-in presets fall as 1/√fan_in (a slope of −1/2); "
                 "Xavier flattens while fan_in < fan_out; normal and uniform would be flat: they ignore the layer "
                 "size.")
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
    if init not in gain_controls():
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


def notice(init: str, d, act: str, fan_in: int, m2: float) -> tuple[str, str]:
    """(markdown, LaTeX) of what to notice: the variance the next layer sees, and how σ follows the fans."""
    if d.std == 0:
        return ("Every weight is the same number, so every output unit computes the same function of the input, "
                "gets the same gradient and stays a copy of the others: the layer behaves like one unit. "
                "See section 5.", r"z_j = \textstyle\sum_i w\,x_i\ \text{ is the same for every unit } j")
    factor = layer_factor(fan_in, d, m2)
    latex = (rf"\mathrm{{Var}}(z_{{out}}) = n_{{in}}\,\sigma^2\,\mathbb{{E}}[\phi(z_{{in}})^2] = "
             rf"{fan_in}\cdot {num(d.std)}^2\cdot {num(m2)} = {num(factor)}")
    if init == "lsuv":
        verdict = (f"{factor:.3g} for the orthogonal start, but LSUV then rescales each layer on data until its "
                   "output variance is 1: by construction the signal keeps its scale through every layer.")
    elif factor_word(factor) == "about the same":
        verdict = "≈ 1: the signal keeps its scale through this layer."
    elif act in ("linear", "relu", "leaky_relu"):       # phi(c z) = c phi(z): the same factor at every spread
        word, pow10 = ("grows", "explodes") if factor > 1 else ("shrinks", "vanishes")
        verdict = (f"{factor:.3g}: the variance {word} ×{factor:.3g} per layer, at any spread for {act}; through 10 "
                   f"such layers ×{factor**10:.3g}: the signal {pow10}.")
    else:
        word = "grows" if factor > 1 else "shrinks"
        verdict = (f"{factor:.3g}: the variance {word} through this layer. For {act} the factor depends on the "
                   "spread itself (a smaller z is squashed less), so it changes from layer to layer: the "
                   "activations lesson follows it through depth.")
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


def std_error_text(d, n: int) -> str:
    """How far the measured std may sit from σ by chance: sd of the sample std ≈ σ sqrt((κ - 1) / (4n)), κ kurtosis."""
    if d.std == 0:
        return "A spike has no spread: σ = 0 exactly."
    k, label = (5, "σ/√(5n)") if d.kind == "uniform" else (2, "σ/√(2n)")     # normal κ = 3, uniform κ = 9/5
    return f"The measured std typically lands within {label} = {d.std / math.sqrt(k * n):.2g} of the theory."


def tie_label(name: str, params: dict, seed: int | None = None) -> str:
    """A title for a tiny-net run: which init, with which parameter."""
    if name == "zeros":
        return "zeros"
    if name == "constant":
        return f"constant c = {params['value']:g}"
    extra = [f"{k} {v:g}" for k, v in params.items() if v != initializers.INITIALIZERS[name].defaults[k]]
    extra += [] if seed is None else [f"seed {seed}"]
    return name + (f" ({', '.join(extra)})" if extra else "")


def symmetry_intro(steps: int, lr: float) -> str:
    return (f"A tiny 2-4-1 network (tanh hidden layer, linear output, MSE on 8 fixed points) takes {steps} plain SGD "
            f"steps (lr {lr}). Each colour is one hidden unit; solid is its weight from input 1, dotted from input 2. "
            "With equal starting weights every unit gets the same gradient, so the four lines lie on top of each "
            "other for ever: the layer is one unit wearing four names.")


def symmetry_caption(r, steps: int) -> str:
    """The two runs' losses, and what they do and do not show: breaking the tie is necessary, not sufficient."""
    tied, rand = r.tied.loss[-1], r.random.loss[-1]
    text = (f"Loss after {steps} steps: {tied:.3f} with equal weights ({int(r.tied.distinct[-1])} distinct unit), "
            f"{rand:.3f} with random ones ({int(r.random.distinct[-1])} distinct units). ")
    if rand >= tied:
        text += ("Here the random start has **not** won yet: its weights are so small that tanh's units barely move "
                 "in 20 steps. Random weights break the tie (4 distinct units, which can learn 4 different things), "
                 "but they still need a sensible size: breaking symmetry is necessary, not sufficient. ")
    return text + ("With zeros and tanh nothing in W₁ moves at all: tanh(0) = 0 and W₂ = 0, so both layers' weight "
                   "gradients are exactly 0 and only the output bias learns.")


def orthogonal_cap(s, shape) -> str:
    k = min(shape)
    return (f"A {s.fan_in}×{s.fan_out} orthogonal matrix needs a QR that takes seconds, so this draws "
            f"{shape[0]}×{shape[1]}: exactly distributed like {k} of the full matrix's orthonormal columns (or rows), "
            "with the same σ.")


def lsuv_note(s, passes: int, std_after: float) -> str:
    """What LSUV did to this layer: its passes and the std it ended at."""
    return (f"**LSUV** starts from the orthogonal draw shown below, then rescales the layer on a batch of 256 inputs "
            f"x ~ N(0, I) until its output variance is within 0.1 of 1: this layer took **{passes} pass"
            f"{'es' if passes != 1 else ''}** and ended at σ = {std_after:.4g} (1/√n_in = {s.fan_in ** -0.5:.4g} gives "
            "unit output variance for unit-variance inputs). In a deep network every layer is rescaled in turn on "
            "the activations the layers before it produce.")


PREDICT = ("This layer is fed φ(z) of a layer before it whose z has variance 1. Will this layer's own z have a "
           "smaller, about the same, or a larger variance?")
PREDICT_OPTIONS = ("smaller", "about the same", "larger")
KEEPS_SCALE = (0.8, 1.25)        # n_in sigma^2 E[phi^2] in this band: "about the same" (and the notice says "≈ 1")


def layer_factor(fan_in: int, d, m2: float) -> float:
    """Var(z_out) / Var(z_in) = n_in sigma^2 E[phi(z)^2] at Var(z_in) = 1."""
    return fan_in * d.std**2 * m2


def factor_word(factor: float) -> str:
    lo, hi = KEEPS_SCALE
    return "smaller" if factor < lo else "larger" if factor > hi else "about the same"


def histogram_csv(summary: dict) -> str:
    """The sampled weights' histogram (the bars the chart draws) and their moments, as CSV."""
    import pandas as pd
    edges = summary["edges"]
    table = pd.DataFrame({"bin_left": edges[:-1], "bin_right": edges[1:], "count": summary["counts"],
                          "density": summary["density"]})
    moments = ", ".join(f"{k} = {summary[k]:.6g}" for k in ("mean", "std", "min", "max"))
    return f"# {summary['n']} weights of shape {summary['shape']}: {moments}\n" + table.to_csv(index=False)


def predict_truth(init: str, fan_in: int, d, m2: float) -> str:
    """The prediction the numbers bear out; LSUV rescales the layer to unit output variance by construction."""
    return "about the same" if init == "lsuv" else factor_word(layer_factor(fan_in, d, m2))
