"""What the gradients lesson says: the verdict, the ratios, and the backward rule with this setting's numbers."""
from __future__ import annotations

import math

from engine.probe import FACTOR_FORMULA, FACTOR_FORMULA_BN
from engine.verdict import Kind, gradient_ratio, gradient_verdict, tiny_weight_gradients

INTRO = ("One backward pass from a loss at the output down to layer 1. **Look at the slope of ‖∂L/∂a‖** (the "
         "signal the backward pass carries): flat means every layer receives a gradient of the same size; falling "
         "towards layer 1 means it **vanishes** on the way back, rising means it **explodes**. ‖∂L/∂W‖ is what "
         "updates each layer: it also carries the size of the forward signal, so it can be flat and still tiny. "
         "Overlay other initializers or batch norm to compare them on the same axes.")
BACKWARD_RULE = (r"\frac{\partial L}{\partial a_{l-1}} = \left(\frac{\partial L}{\partial a_l} \odot "
                 r"\varphi'(z_l)\right) W_l^{\top},\qquad \frac{\operatorname{rms}(\partial L/\partial a_{l-1})}"
                 r"{\operatorname{rms}(\partial L/\partial a_l)} \approx \sqrt{n_l\,\operatorname{Var}(w)\,"
                 r"\mathbb{E}[\varphi'(z_l)^2]}")


def verdict(result):
    return gradient_verdict(result.stats)


def batch_norm_note(result) -> str | None:
    """With batch norm: why the gradients can grow although the forward spread is level (a known result)."""
    v, stats = verdict(result), result.stats
    if v.kind.value not in ("growing", "exploding"):
        return None
    a = [r["a_std"] for r in stats]
    return (f"**Batch norm fixes the forward pass, not (at initialization) the backward one.** The forward spread is "
            f"level — std {a[0]:.3g} at layer 1, {a[-1]:.3g} at layer {len(a)} (the activations lesson shows it) — "
            f"yet {v.text}. This is real and known: at initialization a batch-normalized network's gradients grow "
            "exponentially with depth (Yang et al., *A mean field theory of batch normalization*, 2019). Going back "
            "through a BN layer divides the gradient by the batch's σ_B and removes its mean and its component along "
            "x̂; the per-layer factor √(n·Var(w)·E[φ′²]·γ²/σ²_B) shown below stays a little above 1, and that "
            "compounds. What batch norm buys in training, a larger usable learning rate, shows in the training lesson.")


def side_notes(result) -> list:
    """The 'tiny everywhere' note and any overflow / exactly-zero messages, each with its kind."""
    tiny = tiny_weight_gradients(result.stats)
    return ([tiny] if tiny else []) + list(result.messages)


def broken_suffix(message) -> str:
    return " Non-finite values are left out of the charts." if message.kind is Kind.OVERFLOW else ""


def metrics(stats) -> list[tuple[str, str, str | None]]:
    """(label, value, help) of the four numbers above the charts."""
    L = len(stats)
    return [(f"‖∂L/∂a₁‖ / ‖∂L/∂a_{L}‖", f"{gradient_ratio(stats):.3g}", "below 0.01: vanishing, above 100: exploding"),
            (f"‖∂L/∂W₁‖ / ‖∂L/∂W_{L}‖", f"{gradient_ratio(stats, 'grad_W_norm'):.3g}",
             "∂L/∂W_l = a_{l-1}ᵀ ∂L/∂z_l also carries the forward signal's size"),
            ("‖∂L/∂W₁‖", f"{stats[0]['grad_W_norm']:.3g}", None),
            (f"‖∂L/∂W_{L}‖", f"{stats[-1]['grad_W_norm']:.3g}", None)]


def notice(stats, batch_norm: bool = False) -> str:
    """What to notice: the typical backward factor per layer (the formula the engine predicts it with: with batch
    norm it has BN's gain in it) and what it compounds to over depth."""
    L = len(stats)
    typical = sorted(r["factor_predicted"] for r in stats if math.isfinite(r["factor_predicted"]))
    factor = typical[len(typical) // 2] if typical else math.nan
    formula = FACTOR_FORMULA_BN if batch_norm else FACTOR_FORMULA
    why = ("With batch norm the factor carries BN's gain γ/σ_B: it divides the backward signal by each layer's batch "
           "spread, and at initialization that keeps the factor a little above 1, which compounds (see the note "
           "above)." if batch_norm else "Xavier/He choose Var(w) to make the factor about 1 (for tanh near 0 and for "
                                        "ReLU).")
    return (f"Going back through a layer multiplies the gradient by about **{formula}**; here that factor is about "
            f"**{factor:.3g}** per layer, so over the {L - 1} steps from layer {L} back to layer 1 it compounds to "
            f"about **{factor ** (L - 1):.3g}**. Small factors compound fast: 0.8^{L - 1} = {0.8 ** (L - 1):.2g} and "
            f"1.1^{L - 1} = {1.1 ** (L - 1):.3g}. " + why)


def clipping_text(c) -> str:
    """What the clip did, with the numbers: the same direction, a shorter length."""
    total = float((c.before ** 2).sum() ** 0.5)
    if total <= c.max_norm:
        return (f"The total norm ‖∂L/∂W‖ = {total:.3g} is already below {c.max_norm:g}: clipping leaves the gradient "
                "alone. Move the slider below it.")
    capped = int((c.before > c.max_norm).sum())
    each = (f"Clipping each layer on its own instead cuts only the {capped} layer{'s' if capped != 1 else ''} whose "
            f"own norm is above {c.max_norm:g} and leaves the others: the layers' relative sizes change, so the "
            f"direction does too (cosine {c.cos_per_layer:.4f})." if 0 < capped < len(c.before) else
            f"Clipping each layer on its own cuts {'every' if capped else 'no'} layer to {c.max_norm:g} here: "
            f"the layers end up {'equal' if capped else 'as they were'}, so the direction "
            f"{'changes' if capped else 'is kept'} (cosine {c.cos_per_layer:.4f}).")
    return (f"The total norm over every layer is {total:.3g}; clipping to {c.max_norm:g} multiplies **every layer by "
            f"the same {c.max_norm / total:.3g}**, so the lines stay parallel on the log axis and the update keeps its "
            f"direction exactly (cosine with the unclipped gradient: {c.cos_global:.6f}); only its length changes. "
            + each)


def table(stats):
    """The per-layer numbers the charts show, for the table and its CSV."""
    import pandas as pd
    columns = ["layer", "grad_W_norm", "grad_a_norm", "grad_z_norm", "factor_measured", "factor_predicted",
               "phi_prime_sq", "n_var_w", "bn_gain_sq", "grad_nonfinite", "grad_zero"]
    return pd.DataFrame(stats)[columns]
