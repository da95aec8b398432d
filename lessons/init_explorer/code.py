"""How PyTorch and Keras spell the chosen initializer for this layer: code to copy, and where the libraries differ."""
from __future__ import annotations

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
                            "PyTorch's `xavier_*` take a gain; Keras' presets do not "
                            "(use `VarianceScaling(scale=g²)`)."]),
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
    entries["lsuv"] = ("nn.init.orthogonal_(w)\n# LSUV: on a batch x (rows ~ N(0, I)), repeat\n"
                       "#   w.div_((x @ w.T).var().sqrt())\n# until |Var(x @ w.T) - 1| < 0.1, layer by layer",
                       "# no built-in LSUV: orthogonal start, then the same loop\n", "keras.initializers.Orthogonal()",
                       ["Neither library ships LSUV (Mishkin & Matas 2016): start orthogonal, then rescale each layer "
                        "on a batch of data until its output variance is 1, from the first layer to the last."])
    torch, comment, expr, notes = entries[init]
    if init != "torch_default":
        torch = f"w = torch.empty({fan_out}, {fan_in})   # (out, in)\n" + torch
    keras = (f"{comment}INIT = {expr}\nlayers.Dense({fan_out}, kernel_initializer=INIT)\n"
             f"# kernel shape (in, out) = ({fan_in}, {fan_out})")
    layout = (f"PyTorch stores `nn.Linear.weight` as (out, in) = ({fan_out}, {fan_in}), this app's W transposed, "
              "and takes fan_in from `weight.shape[1]`; Keras stores the kernel (in, out) like this app. "
              "Copying a W across needs a `.T`.")
    return torch, keras, notes + [layout]
