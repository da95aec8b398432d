"""The mean-field prediction for a network lesson's net, drawn dashed over what the net measures.

Forward: q_l = Var(z_l) from engine.theory.predicted_q (input variance 1: both input distributions have it), so the
std of z is sqrt(q_l) and the std of a = phi(z) is sqrt(E[phi^2] - E[phi]^2) at q_l (std over every entry, as the
page measures). Backward: going from layer l to l - 1 the gradient's squared norm is multiplied on average by
chi_l = sigma_w2 E[phi'(z_l)^2] at q_l (chi1 once q_l has reached q*), so from the measured ||dL/da_L|| the
prediction is ||dL/da_l|| = ||dL/da_L|| prod_{k > l} sqrt(chi_k). Only where the theory holds: plain layers
(no batch norm), zero-mean random weights with i.i.d. or orthogonal entries, zero-mean biases.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine import activations, theory
from engine import theory_meanfield as mean_field
from engine import theory_quadrature as quadrature
from lessons.network.settings import NetworkSettings
from ui.cache import cached

GAP = 0.25          # |ln(measured / predicted)| above this (a 28% gap) is said in words: at width 256 a layer's
                    # variance is off by ~1/sqrt(256) at random, so such a gap is the finite width compounding
FLOOR = 1e-15       # values below this are not compared: their squares near float32's smallest normal number


@dataclass(frozen=True)
class MeanFieldLines:
    sigma_w2: float
    sigma_b2: float
    z_std: np.ndarray        # (L,) sqrt(q_l)
    a_std: np.ndarray        # (L,) std of phi(z), z ~ N(0, q_l)
    chi: np.ndarray          # (L,) sigma_w2 E[phi'(z_l)^2]: the mean squared backward factor of layer l

    def std(self) -> dict:
        """{"z": ..., "a": ...}: what lessons.network.figures.std_by_layer draws."""
        return {"z": self.z_std, "a": self.a_std}

    def grad_norms(self, last: float) -> np.ndarray:
        """||dL/da_l|| for l = 1..L, anchored at the measured ||dL/da_L|| = last."""
        factors = np.sqrt(np.append(self.chi[1:], 1.0))           # layer l's norm = layer l+1's times sqrt(chi_{l+1})
        with np.errstate(over="ignore", invalid="ignore"):
            return last * np.cumprod(factors[::-1])[::-1]


def why_not(net: NetworkSettings) -> str | None:
    """Why the mean field does not describe this net (None when it does)."""
    if net.batch_norm:
        return "batch norm re-normalizes every layer over the batch: the mean-field maps are for plain layers"
    if net.init in ("zeros", "constant"):
        return "every weight is the same number: the theory averages over random weights"
    if net.init == "lsuv":
        return "LSUV rescales each layer to the batch it sees, so no single σ_w² describes the net"
    if net.bias != 0:
        return f"every bias starts at {net.bias:g}: the theory takes zero-mean biases b ~ N(0, σ_b²)"
    return None


@cached
def lines(net: NetworkSettings) -> MeanFieldLines | None:
    """The mean field's per-layer std of z and a and backward factors for this net (None where it does not hold)."""
    if why_not(net):
        return None
    sw2 = theory.sigma_w2(net.config()) * net.weight_scale**2
    sb2 = net.bias_std**2
    phi = activations.get(net.activation)
    q = theory.predicted_q(net.activation, sw2, sb2, 1.0, net.depth)
    m = quadrature.single_moments(phi, mean_field.effective_q(q))
    finite = np.isfinite(q)
    a_std = np.where(finite, np.sqrt(np.maximum(m["phi2"] - m["mean"] ** 2, 0.0)), np.inf)
    chi = mean_field.chi1(phi, sw2, q) * np.ones(q.shape)
    return MeanFieldLines(sw2, sb2, np.sqrt(q), a_std, chi)


def largest_gap(measured, predicted) -> tuple[float, int] | None:
    """(measured / predicted, layer) where |ln| of it is largest, over layers where both are finite and > 0."""
    m, p = np.asarray(measured, dtype=np.float64), np.asarray(predicted, dtype=np.float64)
    ok = np.isfinite(m) & np.isfinite(p) & (m > FLOOR) & (p > FLOOR)
    if not ok.any():
        return None
    gaps = np.where(ok, np.abs(np.log(np.where(ok, m / np.where(ok, p, 1.0), 1.0))), -1.0)
    layer = int(np.argmax(gaps))
    return float(m[layer] / p[layer]), layer + 1


def note(net: NetworkSettings, measured, predicted, what: str) -> str | None:
    """The words under a chart with a mean-field line: why it is not drawn, or where finite width shows, or None."""
    reason = why_not(net)
    if reason:
        return f"The mean-field prediction is not drawn: {reason}."
    gap = largest_gap(measured, predicted)
    if gap is None or abs(math.log(gap[0])) <= GAP:
        return None
    ratio, layer = gap
    return (f"The dashed mean-field line is the infinitely wide net's {what}. At layer {layer} the measured value is "
            f"{ratio:.2g} × the prediction: a {net.width}-wide layer sums {net.width} random terms, so each layer "
            f"comes out off at random by about 1/√{net.width} = {100 / math.sqrt(net.width):.2g}%, and these errors "
            "compound over the layers.")


def std_note(net: NetworkSettings, stats, view: str) -> str | None:
    """note() for the std of z or a per layer (the activations lesson)."""
    m = lines(net)
    return note(net, [r[f"{view}_std"] for r in stats], m.std()[view] if m else None, f"std of {view}")


def grad_note(net: NetworkSettings, stats) -> str | None:
    """note() for ||dL/da_l|| (the gradients lesson), the prediction anchored at the last layer."""
    m, measured = lines(net), [r["grad_a_norm"] for r in stats]
    return note(net, measured, m.grad_norms(measured[-1]) if m else None, "‖∂L/∂a‖ (from the last layer back)")
