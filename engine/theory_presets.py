"""The theory lesson's one-click settings, each with the claim its numbers bear out (written once, here).

tests/engine/test_theory_claims.py checks every claim on the engine's numbers for a DEPTH-layer, WIDTH-wide net;
the theory page opens each preset (lessons/presets.py) and tests/app/test_presets.py checks the claim on the
numbers the page shows (the claims are the page's words, hence the Greek letters). sigma_w2 "critical" stands for
critical_sigma_w2(activation, sigma_b2): the edge of chaos. c0 (optional): the two inputs' correlation the link sets.
"""
from __future__ import annotations

from types import MappingProxyType

DEPTH, WIDTH = 50, 256        # the nets the claims are measured on (the theory page's default depth and width)


def _preset(**fields) -> MappingProxyType:
    return MappingProxyType(fields)


PRESETS = MappingProxyType({
    "edge_of_chaos": _preset(
        activation="tanh", sigma_w2="critical", sigma_b2=0.05,
        claim="On the edge of chaos χ₁ = 1 and ξ_c = ∞: the mean-field signal neither dies nor explodes, so "
              "depth alone does not stop it. That is not isometry: at q* = 0.57 the 50-layer Jacobian's λ still "
              "span over 20 orders of magnitude, with orthogonal weights too; isometry needs orthogonal weights and "
              "a small q* (the next set-up)."),
    "ordered": _preset(
        activation="tanh", sigma_w2=0.8, sigma_b2=0.05,
        claim="Deep in the ordered phase (χ₁ = 0.65) all inputs collapse onto one output within ξ_c = 2.3 "
              "layers and gradients shrink 10⁹-fold over 50 layers: only about 6 ξ_c = 14 layers train."),
    "chaotic": _preset(
        activation="tanh", sigma_w2=4.0, sigma_b2=0.05, c0=0.99,
        claim="Deep in the chaotic phase (χ₁ = 1.34) nearby inputs (c₀ = 0.99) decorrelate to c* = 0.17 within "
              "ξ_c = 7 layers and gradients explode: only about 6 ξ_c = 42 layers train."),
    "orthogonal_vs_gaussian": _preset(
        activation="tanh", sigma_w2="critical", sigma_b2=1e-5,
        claim="At criticality with a small q*, orthogonal weights keep the singular values of a 50-layer "
              "Jacobian near 1 (dynamical isometry: λ spreads by 0.37); Gaussian weights spread λ "
              "by 7 and over 17 orders of magnitude."),
    "relu_he": _preset(
        activation="relu", sigma_w2=2.0, sigma_b2=0.0,
        claim="ReLU at He init keeps the mean squared singular value at χ₁^L = 1, but no ReLU net is "
              "isometric: half its units are off, so even orthogonal weights spread λ with variance L."),
})
