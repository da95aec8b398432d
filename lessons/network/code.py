"""The network on screen as runnable code: a PyTorch script and a Keras snippet that build the same network with
the same initializer, feed it the same kind of batch and print each layer's std of z and of a = phi(z).

The script draws its own weights and inputs (torch's generator, not the lab's), so its numbers agree with the
lesson's within sampling error: tests/parity/test_exported_code.py runs it and checks that.
"""
from __future__ import annotations

TORCH_ACTIVATION = {"linear": "nn.Identity()", "sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()", "relu": "nn.ReLU()",
                    "leaky_relu": "nn.LeakyReLU(0.01)", "elu": "nn.ELU(alpha=1.0)", "selu": "nn.SELU()",
                    "gelu": 'nn.GELU(approximate="tanh")', "softplus": "nn.Softplus()", "swish": "nn.SiLU()"}
KERAS_ACTIVATION = {"linear": '"linear"', "sigmoid": '"sigmoid"', "tanh": '"tanh"', "relu": '"relu"',
                    "leaky_relu": "layers.LeakyReLU(negative_slope=0.01)", "elu": '"elu"', "selu": '"selu"',
                    "gelu": "lambda x: keras.activations.gelu(x, approximate=True)", "softplus": '"softplus"',
                    "swish": '"silu"'}
LSUV_TORCH = """    # LSUV (Mishkin & Matas 2016): orthogonal start, then rescale on a batch until |Var(h) - 1| < 0.1
    with torch.no_grad():
        a = torch.randn(256, WIDTH)
        for block in net:
            for _ in range(10):
                v = block[0](a).var()
                if abs(v - 1) < 0.1:
                    break
                block[0].weight.div_(v.sqrt())
            a = block(a)
"""


def torch_init(init: str, params: dict, w: str = "layer.weight") -> list[str]:
    """torch.nn.init calls giving `w` (PyTorch's (out, in) layout) the lab's distribution for this initializer."""
    g = params.get("gain", 1.0)
    scale = [] if g == 1 else [f"{w}.mul_({g:g})  # the lab's gain g (kaiming_* take none)"]
    calls = {
        "zeros": [f"nn.init.zeros_({w})"],
        "constant": [f"nn.init.constant_({w}, {params.get('value', 0.5):g})"],
        "uniform": [f"nn.init.uniform_({w}, -{params.get('limit', 1.0):g}, {params.get('limit', 1.0):g})"],
        "normal": [f"nn.init.normal_({w}, 0.0, {params.get('std', 0.01):g})"],
        "xavier_uniform": [f"nn.init.xavier_uniform_({w}, gain={g:g})"],
        "xavier_normal": [f"nn.init.xavier_normal_({w}, gain={g:g})"],
        "he_uniform": [f'nn.init.kaiming_uniform_({w}, nonlinearity="relu")', *scale],
        "he_normal": [f'nn.init.kaiming_normal_({w}, nonlinearity="relu")', *scale],
        "lecun_uniform": [f'nn.init.kaiming_uniform_({w}, nonlinearity="linear")', *scale],
        "lecun_normal": [f'nn.init.kaiming_normal_({w}, nonlinearity="linear")', *scale],
        "orthogonal": [f"nn.init.orthogonal_({w}, gain={g:g})"],
        "torch_default": [f"bound = 1 / math.sqrt({w}.shape[1])", f"nn.init.uniform_({w}, -bound, bound)"],
        "lsuv": [f"nn.init.orthogonal_({w})  # LSUV rescales it below"],
    }
    return calls[init]


def _input(dist: str, batch: int, width: int) -> str:
    if dist == "uniform":
        return f"x = (torch.rand({batch}, {width}) * 2 - 1) * math.sqrt(3)   # U(-sqrt 3, sqrt 3): variance 1"
    return f"x = torch.randn({batch}, {width})   # N(0, 1)"


def _loss(kind: str) -> str:
    """The lab's loss at the output (engine.probe.loss_and_grad): MSE against random targets, or a random projection."""
    if kind == "projection":
        return "r = torch.randn_like(a)          # a random direction\nloss = (a * r).sum() / x.shape[0]"
    return ("y = torch.randn_like(a)          # random targets, as the lab\n"
            "loss = ((a - y) ** 2).sum() / (2 * x.shape[0])")


def torch_script(s) -> str:
    """A runnable PyTorch script for ProbeSettings s: build, initialize, run one batch, print per-layer stds."""
    net = s.net
    init = "\n".join("        " + line for line in torch_init(net.init, dict(net.init_params)))
    bias = (f"        nn.init.normal_(layer.bias, {net.bias:g}, {net.bias_std:g})" if net.bias_std
            else f"        nn.init.constant_(layer.bias, {net.bias:g})")
    bn = "nn.BatchNorm1d(WIDTH), " if net.batch_norm else ""
    scale = "" if net.weight_scale == 1 else f"        layer.weight.mul_({net.weight_scale:g})   # extra multiplier\n"
    lsuv = LSUV_TORCH if net.init == "lsuv" else ""
    return f'''"""Training Dynamics Lab: {net.depth} layers of {net.width} {net.activation} units, {net.label} init."""
import math

import torch
from torch import nn

torch.manual_seed({net.seed})
WIDTH, DEPTH = {net.width}, {net.depth}
net = nn.Sequential(*[nn.Sequential(nn.Linear(WIDTH, WIDTH), {bn}{TORCH_ACTIVATION[net.activation]})
                      for _ in range(DEPTH)])
with torch.no_grad():
    for block in net:
        layer = block[0]
{init}
{scale}{bias}
{lsuv}
{_input(s.input_dist, s.batch, net.width)}
acts = []
a = x
for l, block in enumerate(net, start=1):
    z = block[:-1](a)          # Linear (and BatchNorm1d, in training mode: batch statistics)
    a = block[-1](z)
    a.retain_grad()
    acts.append(a)
    print(f"layer {{l}}: std(z) = {{z.std(unbiased=False).item():.6g}}, "
          f"std(a) = {{a.std(unbiased=False).item():.6g}}")
{_loss(s.loss)}
loss.backward()
for l, (block, a) in enumerate(zip(net, acts), start=1):
    print(f"layer {{l}}: |dL/dW| = {{block[0].weight.grad.norm().item():.6g}}, "
          f"|dL/da| = {{a.grad.norm().item():.6g}}")
'''


def keras_snippet(s) -> str:
    """The same network in Keras (kernels are (in, out), like the lab's W)."""
    net = s.net
    init = _keras_init(net.init, dict(net.init_params))
    bn = "\n    model.add(layers.BatchNormalization(epsilon=1e-5, momentum=0.9))" if net.batch_norm else ""
    bias = (f"keras.initializers.RandomNormal({net.bias:g}, {net.bias_std:g})" if net.bias_std
            else f"keras.initializers.Constant({net.bias:g})")
    return f'''import keras
from keras import layers

model = keras.Sequential([keras.Input(({net.width},))])
for _ in range({net.depth}):
    model.add(layers.Dense({net.width}, kernel_initializer={init}, bias_initializer={bias}))   # z{bn}
    model.add(layers.Activation({KERAS_ACTIVATION[net.activation]}))
# weight multiplier {net.weight_scale:g}: multiply each kernel after building if it is not 1
'''


def _keras_init(init: str, params: dict) -> str:
    g = params.get("gain", 1.0)
    vs = 'keras.initializers.VarianceScaling(scale={:.6g}, mode="{}", distribution="{}")'
    return {
        "zeros": '"zeros"', "constant": f"keras.initializers.Constant({params.get('value', 0.5):g})",
        "uniform": f"keras.initializers.RandomUniform({-params.get('limit', 1.0):g}, {params.get('limit', 1.0):g})",
        "normal": f"keras.initializers.RandomNormal(0.0, {params.get('std', 0.01):g})",
        "xavier_uniform": vs.format(g * g, "fan_avg", "uniform"),
        "xavier_normal": vs.format(g * g, "fan_avg", "untruncated_normal"),
        "he_uniform": vs.format(2 * g * g, "fan_in", "uniform"),
        "he_normal": vs.format(2 * g * g, "fan_in", "untruncated_normal"),
        "lecun_uniform": vs.format(g * g, "fan_in", "uniform"),
        "lecun_normal": vs.format(g * g, "fan_in", "untruncated_normal"),
        "orthogonal": f"keras.initializers.Orthogonal(gain={g:g})",
        "torch_default": vs.format(1 / 3, "fan_in", "uniform"),
        "lsuv": "keras.initializers.Orthogonal()  # then LSUV's rescaling, as in the PyTorch script",
    }[init]


def panel(s) -> None:
    """An expander with the PyTorch script (copy or download) and the Keras snippet for ProbeSettings s."""
    import streamlit as st
    with st.expander("This network as code: a PyTorch script and a Keras snippet"):
        st.caption("The script builds the same network with the same initializer, feeds it the same kind of batch and "
                   "prints every layer's std of z and of a, then the gradient norms of one backward pass from the same "
                   "loss: it draws its own weights, so its numbers agree with this page's within sampling error.")
        script = torch_script(s)
        st.code(script, language="python")
        st.download_button("Download the PyTorch script", script, "training_dynamics_lab_network.py", "text/x-python",
                           key="download_torch")
        st.code(keras_snippet(s), language="python")
