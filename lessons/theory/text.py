"""What the theory lesson says: the verdict (6 xi_c against the depth), the numbers, what to see in each chart with
this setting's numbers, and where a result would surprise (ReLU's xi_c, the finite width)."""
from __future__ import annotations

import math
from types import MappingProxyType

import pandas as pd

from engine.theory_meanfield import HOMOGENEOUS
from engine.verdict import Kind, Verdict

INTRO = ("A wide random net at initialization maps two numbers from layer to layer: the variance q of its "
         "pre-activations and the correlation c of two inputs (Poole et al. 2016; Schoenholz et al. 2017). **Click a "
         "point (σ_w², σ_b²) on the phase diagram.** In the blue, *ordered* region (χ₁ < 1) all inputs collapse onto "
         "one output and gradients vanish; in the red, *chaotic* one (χ₁ > 1) nearby inputs fly apart and gradients "
         "explode. Nets up to about 6 ξ_c layers deep train (the green band): only near the edge of chaos (χ₁ = 1, "
         "the black line) can a net be very deep.")
CLICK_HINT = "Click anywhere on the diagram to move your network (the star) there; the sliders and the link follow."
CORRELATION_GAP = 0.05     # |measured - predicted c_l| above this is the finite width: 32 pairs measure c_l to ~0.01
SPREAD_GAP = 1.5           # measured std of lambda off the theory's by more than this factor: the finite width
ISOMETRY_SPREAD = 0.5      # std of lambda below this: every singular value near 1 (dynamical isometry)
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
    """What bounds the depth: 6 xi_c, or 6 / ln chi1 where xi_c is infinite (compute.depth_limit)."""
    return "6 ξ_c" if math.isfinite(mf.xi_c) or mf.chi1 == 1 else "6 / |ln χ₁|"


def verdict(mf, depth: int, limit: float) -> Verdict:
    """Will a net of this depth train at this point? limit = compute.depth_limit (about 6 xi_c) against the depth."""
    growth, name = mf.chi1**depth, _limit_name(mf)
    at = f"a {depth}-layer net at σ_w² = {mf.sigma_w2:.4g}, σ_b² = {mf.sigma_b2:g}"
    beyond = f"{_phase(mf)}: {at} is beyond {name} = {number(limit)}: it will not train"
    if limit >= depth:
        return Verdict(Kind.HEALTHY, f"{_phase(mf)}: {at} is within {name} = {number(limit)}: depth does not stop it "
                       f"from training (gradients change by χ₁^L = {number(growth)} over the net)")
    if mf.phase == "ordered":
        return Verdict(Kind.VANISHING, f"{beyond}. All inputs collapse onto one output within ξ_c = "
                       f"{number(mf.xi_c)} layers and gradients shrink by χ₁^L = {number(growth)}")
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
    """For ReLU-like units: why xi_c is infinite from sigma_w^2 = 2 on, and what limits depth there instead."""
    if mf.activation not in HOMOGENEOUS:
        return None
    growth = mf.chi1**depth
    return (f"**A surprise of {mf.activation}.** Its units are straight lines on each side of 0, so two inputs' "
            f"correlation never settles below 1 (c* = 1 at every point): {mf.activation} is never chaotic in the "
            "correlations. Below χ₁ = 1 they align within ξ_c = −1/ln χ₁ layers; from χ₁ = 1 on ξ_c = ∞, because "
            "they no longer converge exponentially (ReLU's align polynomially slowly, a linear net's not at all). "
            "That does not make every σ_w² trainable: gradients change by χ₁ per layer, here "
            f"χ₁^L = {number(mf.chi1)}^{depth} = **{number(growth)}**. Above the edge the gradients, not the "
            "correlations, set the limit — the red half of the diagram.")


def notice(mf, depth: int, limit: float) -> str:
    """What to see in the diagram, with this point's numbers."""
    where = "inside" if limit >= depth else "outside"
    return (f"Your network (the star) is {where} the green band, where the trainable depth {_limit_name(mf)} is at "
            f"least L = {depth}. Here **χ₁ = {number(mf.chi1)}**, ξ_c = **{number(mf.xi_c)}** layers and "
            f"{_limit_name(mf)} = **{number(limit)}**. The band widens as L shrinks and narrows onto the black line as "
            "L grows: the deeper the net, the closer to the edge of chaos it must start. Move the depth slider and "
            "watch it.")


def correlation_text(cd, mf, width: int) -> str:
    """What two inputs' correlation does through depth, and where the finite width shows."""
    L, c_L, p_L = len(cd.measured), float(cd.measured[-1]), float(cd.predicted[-1])
    fate = ("collapse onto each other (c → 1): the net maps every input to the same output" if mf.c_star >= 1 - 1e-9
            else f"end at c* = {number(mf.c_star)} wherever they start: the net forgets how alike they were")
    text = (f"Two inputs at c₀ = {cd.c0:g} reach c = **{c_L:.3f}** after {L} layers (mean field: {p_L:.3f}). At this "
            f"point they {fate}, approaching at the rate χ_c = {number(mf.chi_c, 4)} per layer.")
    gaps = [abs(m - p) for m, p in zip(cd.measured, cd.predicted) if math.isfinite(m) and math.isfinite(p)]
    if gaps and max(gaps) > CORRELATION_GAP:
        layer = gaps.index(max(gaps)) + 1
        text += (f" **Finite width:** the measured curve is {max(gaps):.2f} off the prediction at layer {layer}. The "
                 f"theory is for infinitely wide layers; a {width}-wide layer adds noise of about 1/√{width} = "
                 f"{1 / math.sqrt(width):.2f} to c, and where the c-map's slope χ_c is near 1 nothing damps it: it "
                 "accumulates from layer to layer.")
    return text


def spectrum_text(orth, gauss, depth: int, width: int) -> str:
    """Orthogonal against Gaussian weights: the spread of lambda, measured and predicted, in words."""
    if not (orth.finite and gauss.finite):
        return "The net overflowed (its Jacobian has inf or NaN entries): no spectrum to compare."
    spectra = (orth, gauss)
    parts = [f"{sp.weights.capitalize()} W: std of λ **{number(sp.std)}** (theory {number(sp.theory.std)}), spanning "
             f"{number(sp.decades, 2)} orders of magnitude" for sp in spectra]
    text = (f"The squared singular values λ of the {depth}-layer Jacobian say how much each input direction is "
            f"stretched on its way to the output. {parts[0]}; {parts[1]}. Both have mean χ₁^L = "
            f"{number(gauss.theory.mean)}; Gaussian weights add L to the normalized variance (s₁ = −1 in the "
            "formula), orthogonal ones nothing (s₁ = 0).")
    if orth.std < ISOMETRY_SPREAD:
        text += (" With orthogonal weights every λ stays near 1: **dynamical isometry**, the start from which very "
                 "deep nets train fastest (Pennington et al. 2017).")
    elif orth.theory.mu2 / orth.theory.mu1**2 >= 2 - 1e-9:
        text += (" **No ReLU net is isometric**: half its units are off (E[φ′⁴]/E[φ′²]² = 2), so even orthogonal "
                 "weights spread λ with variance L · (χ₁^L)².")
    unresolved = [f"{sp.unresolved} of the {sp.weights}" for sp in spectra if sp.unresolved]
    if unresolved:
        text += (f" {' and '.join(unresolved).capitalize()} λ are below what float64 resolves (10⁻²⁸ of the largest): "
                 "numerically 0, drawn in the first bin; the true spread is wider still.")
    off = [f"{sp.std / sp.theory.std:.2g} × the theory's with {sp.weights} weights" for sp in spectra
           if sp.theory.std > 0 and not 1 / SPREAD_GAP <= sp.std / sp.theory.std <= SPREAD_GAP]
    if off:
        text += (f" **Finite width:** the measured spread is {' and '.join(off)}. Free probability holds "
                 f"for infinitely wide layers; a {width}-wide net rarely draws the few huge λ that dominate the "
                 f"theory's spread at L = {depth}.")
    return text


def spectrum_formula_label(sp) -> str:
    """The line above a spectrum's free-probability formulas."""
    return (f"**{sp.weights.capitalize()} W** (s₁ = {sp.theory.s1:g}), from the {sp.theory.depth} layers' "
            f"μ₁ = E[φ′²] = {number(sp.theory.mu1, 4)} and μ₂ = E[φ′⁴] = {number(sp.theory.mu2, 4)} at q*:")


def stream_text(streams: dict, mf, width: int) -> str:
    """Plain, residual and residual + BN streams after L layers, measured and predicted; the finite width's share."""
    parts = [f"{name} **{number(float(sv.measured[-1]))}** (mean field {number(float(sv.predicted[-1]))})"
             for name, sv in streams.items()]
    return (f"After {len(next(iter(streams.values())).measured)} layers Var(a_L) is: " + "; ".join(parts) + ". A plain "
            "net settles at its fixed point. A skip connection adds each layer's φ(z_l) to the stream, so the variance "
            "keeps growing: with batch norm each layer sees z ~ N(0, 1) and adds the same amount (linear growth); "
            "without it the branch also multiplies what is already there, and for unbounded units such as ReLU the "
            "growth compounds. (These nets use Gaussian weights: the stream's variance does not depend on their kind.)"
            + _stream_gap(streams, mf, width))


def _stream_gap(streams: dict, mf, width: int) -> str:
    """A sentence when a measured stream ends more than SPREAD_GAP times off its mean field (or '')."""
    ratios = {name: float(sv.measured[-1] / sv.predicted[-1]) for name, sv in streams.items() if sv.predicted[-1] > 0}
    off = {k: r for k, r in ratios.items() if math.isfinite(r) and not 1 / SPREAD_GAP <= r <= SPREAD_GAP}
    if not off:
        return ""
    name, ratio = max(off.items(), key=lambda kv: abs(math.log(kv[1])))
    why = ("here every q is a fixed point, so nothing pulls the variance back and the errors compound"
           if math.isnan(mf.q_star) else "where nothing pulls the variance back to a fixed point, the errors compound")
    return (f" **Finite width:** the {name} stream ends at {ratio:.2g} × its mean field. A {width}-wide layer's "
            f"variance is a sum over {width} units and comes out a few percent off at random; {why} over the layers.")


def link_note(s, r) -> str:
    """How the links round this point to the other lessons' controls, with the sigma^2 the linked net has."""
    weights = (f"orthogonal weights with gain {r.params['gain']:g}, so σ_w² = {r.params['gain']:g}² = "
               if "gain" in r.params else
               f"N(0, std²) weights with std = {r.params['std']:g} (the std slider's nearest round value to "
               f"√(σ_w²/n) = {math.sqrt(s.sigma_w2 / s.width):.3g}), so σ_w² = n · std² = ")
    return (f"The links open this {s.depth}-layer, {s.width}-wide {s.activation} net in the other lessons with "
            f"{weights}**{r.sigma_w2:.4g}** (here {s.sigma_w2:.4g}) and bias spread σ_b = {r.bias_std:g}, so "
            f"σ_b² = **{r.sigma_b2:.4g}** (here {s.sigma_b2:g}): their controls move in round steps.")


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
