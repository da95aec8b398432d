"""The deep-net settings shared by the activations, gradients and training lessons, and their widgets.

One table (FIELDS) maps widget keys, which are also the URL's, to the engine's names. A page draws the
widgets with `render_network`, gets a frozen NetworkSettings, and passes it (hashable) to its cached compute.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from engine import activations, initializers
from engine.mlp import MLPConfig
from ui.widgets import Choice, LogSlider, Slider, Toggle, log_options

# widget / URL key -> NetworkSettings field
FIELDS = {"depth": "depth", "width": "width", "act": "activation", "init": "init", "scale": "weight_scale",
          "bias": "bias", "bias_std": "bias_std", "bn": "batch_norm", "seed": "seed"}

# One control per initializer parameter: the same key means the same thing, with the same bounds, on every page.
INIT_PARAMS = {
    "gain": Slider("gain", "gain g", 0.0, 5.0, 1.0, 0.01,
                   help="Multiplies the std. Xavier/LeCun: 5/3 for tanh, √2 for ReLU (PyTorch's calculate_gain). "
                        "He already holds ReLU's factor 2, so gain 1 is He."),
    "std": LogSlider("std", "std σ", log_options(-4, 1), 0.01, help="w ~ N(0, σ²)"),
    "limit": LogSlider("limit", "limit a", log_options(-4, 1), 1.0, help="w ~ U(−a, a)"),
    "value": Slider("value", "constant c", -2.0, 2.0, 0.5, 0.01, help="every weight = c"),
}
ACTIVATION = Choice("act", "activation φ", tuple(activations.ACTIVATIONS), "tanh")
INIT = Choice("init", "initializer", tuple(initializers.INITIALIZERS), "xavier_normal")
DEPTH = Slider("depth", "depth L (layers)", 1, 100, 10)
WIDTH = Slider("width", "width n (units per layer)", 8, 1024, 256, 8)
SCALE = LogSlider("scale", "extra weight multiplier × (log)", log_options(-3, 3), 1.0,
                  help="Multiplies every weight after the initializer, on top of its own gain or std. "
                       "Try 0.8 or 1.2 with a deep net: the signal changes by about that factor per layer.")
BN = Toggle("bn", "batch norm", False, help="Normalize z over the batch in every layer, before φ")
BIAS = Slider("bias", "bias init b", -1.0, 1.0, 0.0, 0.05)
BIAS_STD = Slider("bias_std", "bias spread σ_b", 0.0, 5.0, 0.0, 0.1,
                  help="Each bias b ~ N(bias, σ_b²): the mean-field theory's σ_b. Large random biases push z into "
                       "tanh's flat ends without large weights.")
SEED = Slider("seed", "seed", 0, 9999, 0, help="The same seed draws the same weights and data")
CONTROLS = (DEPTH, WIDTH, ACTIVATION, INIT, *INIT_PARAMS.values(), SCALE, BIAS, BIAS_STD, BN, SEED)


@dataclass(frozen=True)
class NetworkSettings:
    """A depth x width network as the student set it; config() builds the engine's MLPConfig."""
    depth: int = DEPTH.default
    width: int = WIDTH.default
    activation: str = ACTIVATION.default
    init: str = INIT.default
    init_params: tuple = ()          # sorted (name, value) pairs of the initializer's own parameters
    weight_scale: float = SCALE.default
    bias: float = BIAS.default
    bias_std: float = BIAS_STD.default
    batch_norm: bool = BN.default
    seed: int = SEED.default

    def config(self, widths: tuple | None = None, **override) -> MLPConfig:
        """The MLPConfig of these settings (widths default to width x depth, square)."""
        kw = dict(widths=widths or (self.width,) * (self.depth + 1), activation=self.activation, init=self.init,
                  init_params=dict(self.init_params), batch_norm=self.batch_norm, seed=self.seed, bias=self.bias,
                  bias_std=self.bias_std)
        return MLPConfig(**{**kw, **override})

    def widget_values(self) -> dict:
        """{widget key: value}, the inverse of from_widgets (init parameters under their own keys)."""
        return {**{key: getattr(self, field) for key, field in FIELDS.items()}, **dict(self.init_params)}

    @property
    def label(self) -> str:
        """A short name for a legend: the initializer (with a changed parameter) and BN."""
        changed = [f"{k} {v:g}" for k, v in self.init_params if v != initializers.INITIALIZERS[self.init].defaults[k]]
        return self.init + (f" ({', '.join(changed)})" if changed else "") + (" + BN" if self.batch_norm else "")


def from_widgets(values: dict) -> NetworkSettings:
    """NetworkSettings from {widget key: value}; the initializer keeps only its own parameters."""
    params = tuple(sorted((k, float(values[k])) for k in initializers.INITIALIZERS[values["init"]].defaults))
    fields = {field: values[key] for key, field in FIELDS.items()}
    return NetworkSettings(**{**fields, "init_params": params})


def init_param_controls(init: str) -> list:
    """The controls of the initializer's own parameters (none for zeros and torch_default)."""
    return [INIT_PARAMS[p] for p in initializers.INITIALIZERS[init].defaults]


def render_network(where=None) -> dict:
    """Draw the network and initialization widgets (sidebar); returns {widget key: value}."""
    side = where or st.sidebar
    side.subheader("Network")
    values = {c.key: c.render(side) for c in (DEPTH, WIDTH, ACTIVATION)}
    side.subheader("Initialization")
    values["init"] = INIT.render(side)
    values.update({c.key: c.render(side) for c in init_param_controls(values["init"])})
    values.update({c.key: c.render(side) for c in (SCALE, BIAS, BIAS_STD, BN, SEED)})
    return values
