"""What the activations lesson says: the verdict, notes on broken layers, the forward rule with this setting's
numbers."""
from __future__ import annotations

import pandas as pd

from engine import initializers
from engine.verdict import Kind, activation_verdict

INTRO = ("A batch of random inputs flows through a deep network. **Watch the spread of each layer's values**: "
         "if it shrinks layer after layer the signal **vanishes**, if it grows it **explodes**, and tanh/sigmoid "
         "units pushed to ±1 **saturate** (their slope is 0, so they stop learning). A good initializer keeps "
         "every layer's spread within the same order of magnitude as the first's.")
COLUMNS = ["layer", "z_mean", "z_std", "a_mean", "a_std", "saturated", "dead", "dead_units", "nonfinite"]
FORWARD_RULE = (r"\operatorname{Var}(z_l) \approx n_{l-1}\,\operatorname{Var}(w)\,\mathbb{E}[a_{l-1}^2],"
                r"\qquad \operatorname{Var}_{\text{Xavier}}(w) = \frac{2}{n_{in}+n_{out}},"
                r"\quad \operatorname{Var}_{\text{He}}(w) = \frac{2}{n_{in}}")


def verdict(result, view: str):
    return activation_verdict(result.stats, f"{view}_std")


def broken_notes(result) -> list[str]:
    """Sentences for layers left out of the charts (overflow or exactly zero)."""
    return [f"{m.text}. Layers past that point are left out of the charts." for m in result.messages
            if m.kind in (Kind.OVERFLOW, Kind.ZERO)]


def notice(s) -> str:
    """What to notice: the forward rule with this network's n·Var(w)."""
    net = s.probe.net
    n = net.width
    var_w = (initializers.expected_std(net.init, (n, n), **dict(net.init_params)) * net.weight_scale) ** 2
    bn = ("With batch norm on, every layer's z is re-normalized to mean 0 and variance 1 whatever the weights."
          if net.batch_norm else "Batch norm (sidebar) re-normalizes z in every layer, whatever the weights.")
    return (f"Going forward, each layer gives Var(z) ≈ n · Var(w) · E[a²] of the layer before. With these settings "
            f"**n · Var(w) = {n * var_w:.3g}** (n = {n}). Xavier makes it 1, which keeps tanh's spread (tanh is "
            "nearly linear around 0); ReLU zeroes half its inputs, so E[a²] = Var(z)/2 and He makes n · Var(w) = 2. "
            "Much smaller and the spread shrinks geometrically; much larger and tanh saturates or ReLU explodes. "
            + bn)


def table(result) -> pd.DataFrame:
    """The per-layer numbers the charts show, for the table and its CSV."""
    return pd.DataFrame(result.stats)[COLUMNS]
