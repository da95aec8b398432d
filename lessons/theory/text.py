"""What the theory lesson says: the verdict (6 xi_c against the depth), the numbers, what to see in each chart with
this setting's numbers, and where a result would surprise (ReLU's xi_c, the finite width)."""
from __future__ import annotations

import math
from types import MappingProxyType

import numpy as np
import pandas as pd

from engine.theory_meanfield import HOMOGENEOUS
from engine.verdict import Kind, Verdict
from lessons.theory import compute
from lessons.theory.links import NAMES

INTRO = ("A wide random net at initialization maps two numbers from layer to layer: the variance q of its "
         "pre-activations and the correlation c of two inputs (Poole et al. 2016; Schoenholz et al. 2017). **Click a "
         "point (σ_w², σ_b²) on the phase diagram.** In the blue, *ordered* region (χ₁ < 1) all inputs collapse onto "
         "one output and gradients vanish; in the red, *chaotic* one (χ₁ > 1) nearby inputs fly apart and gradients "
         "explode. Nets up to about 6 ξ_c layers deep train (the green band): only near the edge of chaos (χ₁ = 1, "
         "the black line) can a net be very deep.")
CLICK_HINT = "Click anywhere on the diagram to move your network (the star) there; the sliders and the link follow."
EDGE_OF_TRAINING = 1.2     # L up to 20% beyond the trainable depth: 6 xi_c is a rule of thumb whose edge is blurred
PREDICT_QUESTION = "Is this network ordered, critical (on the edge of chaos) or chaotic?"
PREDICT_OPTIONS = ("ordered", "critical", "chaotic")     # MeanField.phase: the truth the page reveals
SUPERSCRIPT = MappingProxyType(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def number(x: float, digits: int = 3) -> str:
    """x with `digits` significant digits, as 6.38 × 10⁸ when large or small, ∞ for inf."""
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if math.isnan(x):
        return "undefined"
    if x != 0 and not 1e-3 <= abs(x) < 1e4:
        mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
        return f"{float(mantissa):g} × 10{str(int(exponent)).translate(SUPERSCRIPT)}"
    return f"{x:.{digits}g}"


def _phase(mf) -> str:
    return {"ordered": f"ordered (χ₁ = {number(mf.chi1)} < 1)", "chaotic": f"chaotic (χ₁ = {number(mf.chi1)} > 1)",
            "critical": f"on the edge of chaos (χ₁ = {number(mf.chi1)})"}[mf.phase]


def _limit_name(mf) -> str:
    """What bounds the depth: 6 xi_c, or 6 / |ln chi1| where xi_c alone is infinite (compute.depth_limit)."""
    return "6 ξ_c" if math.isfinite(mf.xi_c) or math.isinf(mf.gradient_scale) else "6 / |ln χ₁|"


def verdict(mf, depth: int, limit: float) -> Verdict:
    """Will a net of this depth train at this point? limit = compute.depth_limit (about 6 xi_c) against the depth."""
    growth, name = mf.chi1**depth, _limit_name(mf)
    at = f"a {depth}-layer net at σ_w² = {mf.sigma_w2:.4g}, σ_b² = {mf.sigma_b2:g}"
    if limit >= depth:
        spread = (". That is the mean: how widely the Jacobian's singular values spread around it is another matter "
                  "(below)") if math.isinf(limit) else ""
        return Verdict(Kind.HEALTHY, f"{_phase(mf)}: {at} is within {name} = {number(limit)}: depth does not stop it "
                       f"from training (gradients change by χ₁^L = {number(growth)} over the net){spread}")
    fate = "it will not train" if depth > EDGE_OF_TRAINING * limit else "it is at the edge of what trains"
    beyond = f"{_phase(mf)}: {at} is beyond {name} = {number(limit)}: {fate}"
    if mf.phase == "ordered" and math.isfinite(mf.xi_c):
        return Verdict(Kind.VANISHING, f"{beyond}. All inputs collapse onto one output within ξ_c = "
                       f"{number(mf.xi_c)} layers and gradients shrink by χ₁^L = {number(growth)}")
    if mf.phase == "ordered":
        return Verdict(Kind.VANISHING, f"{beyond}. Gradients shrink by χ₁ = {number(mf.chi1)} a layer, χ₁^L = "
                       f"{number(growth)} over the net. Without a bias two inputs' correlation has no exponential "
                       "rate (ξ_c = ∞): the gradients, not the correlations, set the limit here")
    if math.isinf(mf.xi_c):
        return Verdict(Kind.EXPLODING, f"{beyond}. ξ_c = ∞ (two inputs' correlation stays ordered), but gradients "
                       f"grow by χ₁ = {number(mf.chi1)} a layer, χ₁^L = {number(growth)} over the net")
    return Verdict(Kind.EXPLODING, f"{beyond}. Nearby inputs decorrelate to c* = {number(mf.c_star)} within ξ_c = "
                   f"{number(mf.xi_c)} layers and gradients grow by χ₁^L = {number(growth)}")


def metrics(mf, depth: int, limit: float) -> list[tuple[str, str, str]]:
    """(label, value, help) of the numbers above the diagram."""
    q_star = "any q" if math.isnan(mf.q_star) else number(mf.q_star)       # q' = q for every q
    return [("q* (variance of z)", q_star, "the fixed point of the length map: every layer's Var(z)"),
            ("χ₁", number(mf.chi1), "σ_w² E[φ′(z)²]: a layer's mean squared gradient factor; 1 on the edge of chaos"),
            ("ξ_c (layers)", number(mf.xi_c), "the depth scale of the correlations: −1 / ln χ_c"),
            (f"{_limit_name(mf)} vs L = {depth}", number(limit), "about the deepest net that trains here")]


def relu_note(mf, depth: int) -> str | None:
    """For ReLU-like units: when xi_c is infinite (from sigma_w^2 = 2 on, and everywhere without a bias), and what
    limits depth there instead."""
    if mf.activation not in HOMOGENEOUS:
        return None
    act, growth = mf.activation, mf.chi1**depth
    slow = "not at all" if act == "linear" else "only as a power law"
    bias = (f"With a bias (here σ_b² = {mf.sigma_b2:g}) and χ₁ < 1 they align within ξ_c = −1/ln χ₁ layers: the bias's "
            f"share of q* is 1 − χ₁ whatever its size. From χ₁ = 1 on q grows without bound, the bias's share "
            f"vanishes and ξ_c = ∞: they align {slow}. " if mf.sigma_b2 > 0 else
            f"Without a bias (σ_b² = 0, as here) the correlation map is the same at every σ_w² — "
            f"{'c′ = c' if act == 'linear' else 'the arc-cosine map, whose slope at c = 1 is 1'} — so ξ_c = ∞ wherever "
            f"σ_w² is: they align {slow}. Any σ_b² > 0 would set the rate χ_c = χ₁ below the edge. ")
    return (f"**A surprise of {act}.** Its units are straight lines on each side of 0, so two inputs' correlation "
            f"never settles below 1 (c* = 1 at every point): {act} is never chaotic in the correlations. {bias}"
            "That does not make every σ_w² trainable: gradients change by χ₁ per layer, here "
            f"χ₁^L = {number(mf.chi1)}^{depth} = **{number(growth)}**. Wherever ξ_c = ∞ off the edge the gradients, "
            "not the correlations, set the limit (6 / |ln χ₁|).")


SLOPE_HALF = ("gelu", "swish")     # phi(x) = x * (a gate that is 1/2 at 0): slope 1/2 near 0, relu-like far out


def no_edge(activation: str, sigma_b2: float) -> str:
    """Why the edge-of-chaos toggle finds no sigma_w2 at this sigma_b2: where chi1 jumps over 1, by how much."""
    j = compute.chi1_jump(activation, sigma_b2)
    if j is None:
        return f"{activation} has no edge of chaos at σ_b² = {sigma_b2:g}."
    return (f"{activation} has no edge of chaos at σ_b² = {sigma_b2:g}: at σ_w² ≈ {j.sigma_w2:.3g} the variance q* "
            f"reached from q = 1 jumps from {number(j.q_below)} to {number(j.q_above)}, and χ₁ jumps over 1, from "
            f"{number(j.chi1_below)} to {number(j.chi1_above)} (the dashed line on the phase diagram).")


def jump_note(pd) -> str | None:
    """For a diagram whose boundary between order and chaos is partly a jump (pd.jump finite): what the dashed line
    is and why there is no edge of chaos there."""
    rows = np.flatnonzero(np.isfinite(pd.jump))
    if rows.size == 0:
        return None
    act, top = pd.activation, float(pd.sigma_b2[rows[-1]])
    where = "At every σ_b² shown" if rows[-1] == len(pd.sigma_b2) - 1 else f"Up to σ_b² ≈ {top:g}"
    why = (f"The {act} unit is linear with slope ½ near 0 and ReLU-like far out, so the variance map has a small "
           "stable fixed point with an unstable one above it. " if act in SLOPE_HALF else "")
    return (f"**A surprise of {act}: a cliff, not an edge.** {where} (the dashed line) χ₁ never equals "
            f"1. {why}As σ_w² crosses the dashed line, the variance q* reached from q = 1 jumps from a small value to "
            "a far larger one (to ∞ without a bias) and χ₁ jumps from below 1 to above it. There no σ_w² is critical: "
            "hover over the diagram on both sides of the line to see the jump. Where the jump falls depends on where "
            "q starts: the diagram starts every net at q = 1.")


def notice(mf, depth: int, limit: float) -> str:
    """What to see in the diagram, with this point's numbers."""
    where = "inside" if limit >= depth else "outside"
    return (f"Your network (the star) is {where} the green band, where the trainable depth {_limit_name(mf)} is at "
            f"least L = {depth}. Here **χ₁ = {number(mf.chi1)}**, ξ_c = **{number(mf.xi_c)}** layers and "
            f"{_limit_name(mf)} = **{number(limit)}**. The band widens as L shrinks and narrows onto the black line as "
            "L grows: the deeper the net, the closer to the edge of chaos it must start. Move the depth slider and "
            "watch it.")


def link_note(s, r, linked, here) -> str:
    """How the links round this point to the other lessons' controls (links.rounded r), and the chi1 of the linked
    net (mean field `linked`) against this one's (`here`)."""
    L, g2 = s.depth, "2g²" if r.init == "he_normal" else "g²"
    edge = f" (the edge of chaos at their σ_b² is σ_w² = {r.target:.4g})" if s.critical else ""
    same = here.phase == linked.phase
    phase = (f"{linked.phase}, as here" if same else
             f"{linked.phase}, where this net is {here.phase}: their steps cannot land on this point exactly")
    return (f"The links open this {L}-layer, {s.width}-wide {s.activation} net in the other lessons with "
            f"{NAMES[r.init]} of gain g = {r.gain:g}, so σ_w² = {g2} = **{r.sigma_w2:.5g}** (here "
            f"{s.sigma_w2:.4g}){edge}, and bias spread σ_b = {r.bias_std:g}, so σ_b² = **{r.sigma_b2:.4g}** (here "
            f"{s.sigma_b2:g}): their controls move in steps of 0.01 and 0.1. There χ₁ = **{number(linked.chi1, 4)}** "
            f"and χ₁^L = {number(linked.chi1**L)} (here {number(here.chi1, 4)} and {number(here.chi1**L)}): {phase}.")


def table(mf, depth: int, limit: float, spectra, cd, streams) -> pd.DataFrame:
    """Every number the charts and words use: quantity, theory, measured."""
    rows = [("q*", mf.q_star, math.nan), ("χ₁", mf.chi1, math.nan), ("χ_c", mf.chi_c, math.nan),
            ("ξ_c", mf.xi_c, math.nan), (f"trainable depth ({_limit_name(mf)})", limit, math.nan),
            ("depth L", depth, depth), (f"c at layer {len(cd.measured)}", cd.predicted[-1], cd.measured[-1]),
            ("c*", mf.c_star, math.nan)]
    for sp in spectra:
        rows += [(f"mean λ, {sp.weights}", sp.theory.mean, sp.mean), (f"std λ, {sp.weights}", sp.theory.std, sp.std),
                 (f"decades of λ, {sp.weights}", math.nan, sp.decades)]
    rows += [(f"Var(a_L), {name}", sv.predicted[-1], sv.measured[-1]) for name, sv in streams.items()]
    return pd.DataFrame([(q, float(t), float(m)) for q, t, m in rows], columns=["quantity", "theory", "measured"])
