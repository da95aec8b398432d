"""The theory lesson's net as a PyTorch script: the same activation, depth, width and (sigma_w^2, sigma_b^2), two
inputs of correlation c0 sent through it, and every layer's variance q_l and correlation c_l printed, the two numbers
the mean field predicts.

The script draws its own weights and inputs (torch's generator), so its q_l and c_l agree with the mean field within
finite-width error: tests/parity/test_exported_theory.py runs it and checks that.
"""
from __future__ import annotations

from engine.theory_network import PAIRS
from lessons.network.code import TORCH_ACTIVATION

WEIGHTS_TORCH = {"gaussian": "nn.init.normal_(layer.weight, 0.0, math.sqrt(SIGMA_W2 / WIDTH))  # Var(w) = σ_w²/n",
                 "orthogonal": "nn.init.orthogonal_(layer.weight, gain=math.sqrt(SIGMA_W2))        # W = σ_w Q"}


def torch_script(s, q0: float) -> str:
    """A runnable script for theory Settings s; q0 = the inputs' variance per coordinate (the page's: q*, or 1)."""
    return f'''"""Training Dynamics Lab, theory: {s.depth} layers of {s.width} {s.activation} units,
sigma_w^2 = {s.sigma_w2:.6g}, sigma_b^2 = {s.sigma_b2:g}, {s.weights} weights. The mean field predicts each layer's
variance q_l of z_l and the correlation c_l of two inputs' z_l; this prints both, measured on one random net
({PAIRS} pairs of inputs)."""
import math

import torch
from torch import nn

torch.manual_seed({s.seed})
WIDTH, DEPTH, PAIRS = {s.width}, {s.depth}, {PAIRS}
SIGMA_W2, SIGMA_B2 = {s.sigma_w2!r}, {s.sigma_b2!r}   # fan_in * Var(w), Var(b)
C0, Q0 = {s.c0!r}, {q0!r}   # the inputs' cosine, and their variance per coordinate

layers = [nn.Linear(WIDTH, WIDTH, dtype=torch.float64) for _ in range(DEPTH)]
phi = {TORCH_ACTIVATION[s.activation]}
with torch.no_grad():
    for layer in layers:
        {WEIGHTS_TORCH[s.weights]}
        nn.init.normal_(layer.bias, 0.0, math.sqrt(SIGMA_B2))                     # b ~ N(0, σ_b²)

# x1, x2 with |x|^2 = Q0 * WIDTH each and cosine exactly C0 (Gram-Schmidt on Gaussians), PAIRS pairs of them
g = torch.randn(PAIRS, 2, WIDTH, dtype=torch.float64)
e1 = g[:, 0] / g[:, 0].norm(dim=1, keepdim=True)
r = g[:, 1] - (g[:, 1] * e1).sum(dim=1, keepdim=True) * e1
e2 = r / r.norm(dim=1, keepdim=True)
a1, a2 = math.sqrt(Q0 * WIDTH) * e1, math.sqrt(Q0 * WIDTH) * (C0 * e1 + math.sqrt(1 - C0**2) * e2)

with torch.no_grad():
    for l, layer in enumerate(layers, start=1):
        z1, z2 = layer(a1), layer(a2)
        q = (z1.pow(2).mean() + z2.pow(2).mean()) / 2                      # q_l: Var(z_l) over units and inputs
        c = ((z1 * z2).sum(dim=1) / (z1.norm(dim=1) * z2.norm(dim=1))).mean()   # c_l: mean cosine of the pairs
        print(f"layer {{l}}: q = {{q.item():.6g}}, c = {{c.item():.6g}}")
        a1, a2 = phi(z1), phi(z2)
'''


def panel(s, q0: float) -> None:
    """An expander with the PyTorch script (copy or download)."""
    import streamlit as st
    with st.expander("This network as code: a PyTorch script"):
        st.caption("The script builds this net at the same σ_w² and σ_b², sends pairs of inputs of correlation c₀ "
                   "through it and prints every layer's variance q_l and correlation c_l: it draws its own weights, "
                   "so its numbers agree with the mean field within the finite width's error.")
        script = torch_script(s, q0)
        st.code(script, language="python")
        st.download_button("Download the PyTorch script", script, "training_dynamics_lab_theory.py", "text/x-python",
                           key="download_torch")
