"""What the theory lesson says about the actual nets it measures against the mean field: two inputs' correlation
(its fate, by case), the Jacobian's singular values (exact zeros, float64's floor, the finite width's scatter) and
the residual stream. Every sentence follows the numbers it is given."""
from __future__ import annotations

import math

from engine.theory_meanfield import HOMOGENEOUS
from lessons.theory.text import number

CORRELATION_GAP = 0.05     # |measured - predicted c_l| above this is the finite width: 32 pairs measure c_l to ~0.01
SPREAD_GAP = 1.5           # measured std of lambda off the theory's by more than this factor: the finite width
ISOMETRY_SPREAD = 0.5      # std of lambda, and |mean - 1|, below this: every lambda near 1 (dynamical isometry)
C_STAR_ONE = 1e-9          # c* this close to 1 is the ordered fixed point c* = 1
NAME = {"gaussian": "Gaussian", "orthogonal": "orthogonal"}


def correlation_fate(mf) -> str:
    """What happens to two inputs' correlation at this point: the c-map's fixed point c* and its rate chi_c."""
    rate, xi = number(mf.chi_c, 4), number(mf.xi_c)
    if math.isfinite(mf.xi_c) and mf.c_star < 1 - C_STAR_ONE:
        return (f"end at c* = {number(mf.c_star)} wherever they start: the net forgets how alike they were. The "
                f"distance to c* shrinks by χ_c = {rate} per layer (ξ_c = {xi} layers)")
    if math.isfinite(mf.xi_c):
        return (f"collapse onto each other (c → c* = 1): the net maps every input to the same output. 1 − c shrinks "
                f"by χ_c = {rate} per layer (ξ_c = {xi} layers)")
    if mf.activation == "linear" and mf.bias_free:
        return "keep their correlation: with no bias in q a linear net maps c to itself (χ_c = 1, ξ_c = ∞)"
    if mf.activation in HOMOGENEOUS or (mf.bias_free and mf.q_star != 0):
        return ("creep towards c* = 1 only as a power law (1 − c ∝ 1/l²): with no bias in q the c-map is the "
                f"same at every σ_w² ({'the arc-cosine map' if mf.activation == 'relu' else 'a ReLU-like one'}), "
                "and its slope at c = 1 is χ_c = 1, so there is no exponential rate (ξ_c = ∞)")
    if mf.bias_free:
        return (f"keep roughly the correlation they start with: the signal dies (q* = 0), and a vanishing signal "
                f"passes each {mf.activation} layer almost linearly, so the c-map tends to c′ = c (χ_c = 1, ξ_c = ∞)")
    return ("approach c* = 1 only as a power law (1 − c ∝ 1/l): on the edge of chaos the c-map's slope at c = 1 is "
            "χ_c = 1, so there is no exponential rate (ξ_c = ∞) and depth erases their difference only slowly")


def correlation_text(cd, mf, width: int) -> str:
    """What two inputs' correlation does through depth, and where the finite width shows."""
    L, c_L, p_L = len(cd.measured), float(cd.measured[-1]), float(cd.predicted[-1])
    text = (f"Two inputs at c₀ = {cd.c0:g} reach c = **{c_L:.3f}** after {L} layers (mean field: {p_L:.3f}). At this "
            f"point they {correlation_fate(mf)}.")
    gaps = [abs(m - p) for m, p in zip(cd.measured, cd.predicted) if math.isfinite(m) and math.isfinite(p)]
    if gaps and max(gaps) > CORRELATION_GAP:
        layer = gaps.index(max(gaps)) + 1
        text += (f" **Finite width:** the measured curve is {max(gaps):.2f} off the prediction at layer {layer}. The "
                 f"theory is for infinitely wide layers; a {width}-wide layer adds noise of about 1/√{width} = "
                 f"{1 / math.sqrt(width):.2f} to c, and the c-map shrinks such an error only by its slope each layer "
                 f"(χ_c = {number(mf.chi_c, 4)} at c*), so the errors add up over the layers.")
    return text


def spectrum_text(orth, gauss, depth: int, width: int) -> str:
    """Orthogonal against Gaussian weights: the spread of lambda, measured and predicted, in words."""
    if not (orth.finite and gauss.finite):
        return "The net overflowed (its Jacobian has inf or NaN entries): no spectrum to compare."
    spectra = (orth, gauss)
    parts = [f"{sp.weights.capitalize()} W: std of λ **{number(sp.std)}** (theory {number(sp.theory.std)}), its "
             f"nonzero λ spanning {number(sp.decades, 2)} orders of magnitude" for sp in spectra]
    text = (f"The squared singular values λ of the {depth}-layer Jacobian say how much each input direction is "
            f"stretched on its way to the output. {parts[0]}; {parts[1]}. Both have mean χ₁^L = "
            f"{number(gauss.theory.mean)}; Gaussian weights add L to the normalized variance (s₁ = −1 in the "
            "formula), orthogonal ones nothing (s₁ = 0).")
    if orth.theory.activation == "relu":
        text += (" **No ReLU net is isometric**: half its units are off (E[φ′⁴]/E[φ′²]² = 2), so even orthogonal "
                 "weights spread λ with variance L · (χ₁^L)².")
    elif orth.std < ISOMETRY_SPREAD and abs(orth.mean - 1) < ISOMETRY_SPREAD:
        text += (" With orthogonal weights every λ stays near 1: **dynamical isometry**, the start from which very "
                 "deep nets train fastest (Pennington et al. 2017).")
    return text + _zeros(spectra, width) + _unresolved(spectra) + _finite_width(spectra, depth, width)


def _zeros(spectra, width: int) -> str:
    """Exact zeros: units with phi' = 0 make J rank-deficient (not a rounding artefact)."""
    hit = [sp for sp in spectra if sp.zeros]
    if not hit:
        return ""
    counts = " and ".join(f"{sp.zeros} of the {width} with {NAME[sp.weights]} weights (rank ≤ {sp.rank})" for sp in hit)
    return (f" **Exact zeros:** {counts}. A unit that is off (φ′(z) = 0) zeroes a row of its layer's D, so "
            "J = W₁D₁⋯W_LD_L has rank at most the fewest active units of any layer: those λ are exactly 0 — rank "
            "deficiency, not rounding. They count in the std (as in the theory), are drawn in the first bin, and the "
            "span above is over the nonzero λ.")


def _unresolved(spectra) -> str:
    """Nonzero lambda too small for float64 to tell from 0: the true span is wider."""
    hit = [f"{sp.unresolved} of the nonzero λ with {NAME[sp.weights]} weights" for sp in spectra if sp.unresolved]
    if not hit:
        return ""
    said = " and ".join(hit)
    return (f" {said[0].upper() + said[1:]} are below what float64 resolves (10⁻²⁸ of the largest): they are "
            "drawn in the first bin, and the true span of the nonzero λ is wider still.")


def _finite_width(spectra, depth: int, width: int) -> str:
    """A measured std off the theory's by more than SPREAD_GAP, in the direction it is off."""
    ratios = {sp.weights: sp.std / sp.theory.std for sp in spectra if sp.theory.std > 0}
    off = {w: r for w, r in ratios.items() if not 1 / SPREAD_GAP <= r <= SPREAD_GAP}
    if not off:
        return ""
    q_star, activation = spectra[0].theory.q_star, spectra[0].theory.activation
    if activation not in HOMOGENEOUS and not 0 < q_star < math.inf:
        return (f" The theory takes every layer at q* = {number(q_star)}, the limit of the signal's variance; this "
                "net's input has q = 1, so its first layers are not there yet and the theory's spread is only a rough "
                "guide here.")
    said = " and ".join(f"{number(r, 2)} × the theory's with {NAME[w]} weights" for w, r in off.items())
    text = (f" **Finite width:** the measured spread is {said}. The std of λ is set by its few largest values, so in "
            f"a {width}-wide net it fluctuates strongly from draw to draw (try other seeds).")
    if any(r < 1 for r in off.values()):
        text += (f" Falling short is the usual case: the theory's spread at L = {depth} comes from rare huge λ that "
                 "one finite draw seldom contains.")
    high = [NAME[w] for w, r in off.items() if r > 1]
    if high:
        text += (f" Above it, as with {' and '.join(high)} weights here, means this draw has a few unusually large λ"
                 + ("; more often a finite draw falls short." if len(high) == len(off) else "."))
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
