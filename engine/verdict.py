"""Verdicts in words from layer_stats rows: do activations and gradients vanish, explode or stay healthy?

Every "first layer where ..." lives here. A Verdict and a Message carry a Kind that pages switch on
(success box, warning, error); the text is for the student and is never searched by code.
"""
from __future__ import annotations

import enum
import math
from dataclasses import dataclass, replace

VANISH = 0.01        # a layer's std below 1% of layer 1's: what reaches it is noise-sized, the signal is gone
EXPLODE = 100.0      # above 100x layer 1's: two orders of magnitude, the scale a learning rate cannot absorb
DRIFT = 2.0          # beyond 2x (either way) from layer 1 to layer L: a trend a deeper net compounds; name it
SATURATED = 0.5      # half a layer's units within 1% of a tanh/sigmoid bound: half its slopes are about 0
DEAD = 0.2           # a fifth of a layer's ReLU units never fire on the batch: that share of its width gets no
#                      gradient from it (a few dead units are normal; a fifth is capacity lost)
GRAD_VANISH = 1e-2   # first/last gradient ratio below this: the first layers learn 100x slower than the last
GRAD_EXPLODE = 1e2   # above this: the first layers take steps 100x larger than the last
GRAD_DRIFT = 4.0     # beyond 4x (either way) from layer L back to layer 1: one learning rate no longer suits
#                      both ends (gradients fluctuate more than activations, so the band is wider than DRIFT)
TINY_GRADIENT = 1e-4  # every ||dL/dW|| below this: level across depth, yet nothing learns


class Kind(enum.Enum):
    """What a verdict or message says, for the page to choose its box and icon."""
    HEALTHY = "healthy"
    VANISHING = "vanishing"
    EXPLODING = "exploding"
    SHRINKING = "shrinking"      # a steady trend down, short of vanishing
    GROWING = "growing"          # a steady trend up, short of exploding
    SATURATED = "saturated"
    DEAD = "dead"
    OVERFLOW = "overflow"        # inf/NaN: the numbers no longer fit in floating point
    ZERO = "zero"                # exactly zero: no signal at all
    TINY = "tiny"                # level but tiny everywhere

    @property
    def ok(self) -> bool:
        return self is Kind.HEALTHY


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    text: str
    layer: int | None = None     # the first layer the verdict is about, where there is one
    backward: bool = False       # about the gradients (the backward pass) rather than the activations

    @property
    def ok(self) -> bool:
        return self.kind.ok


Message = Verdict                # a side note has the same shape: a kind, a sentence, a layer


def first_layer(stats: list[dict], flag: str) -> int | None:
    """The first layer (1-based) whose row has `flag` set, or None."""
    return next((row["layer"] for row in stats if row[flag]), None)


def last_layer(stats: list[dict], flag: str) -> int | None:
    """The highest-numbered layer with `flag` set: gradients flow backward, so that is where they die first."""
    return next((row["layer"] for row in reversed(stats) if row[flag]), None)


def _first(stats, predicate):
    return next((row["layer"] for row in stats if predicate(row)), None)


def times(x: float) -> str:
    """A ratio for a sentence: 3 significant digits in plain notation from 0.001 to 99,999 (195, 0.415), else
    a power of ten (1.3×10⁴), never "2e+02"."""
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    if 1e-3 <= abs(x) < 1e5:
        return f"{x:,.3g}" if abs(x) < 1000 else f"{x:,.0f}"
    exponent = math.floor(math.log10(abs(x)))
    superscript = str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{x / 10**exponent:.2g}×10{superscript}"


def per_layer(first: float, last: float, steps: int) -> float:
    """The geometric-mean factor per layer: (last / first) ** (1 / steps)."""
    if steps < 1 or not (first > 0 and last > 0 and math.isfinite(first) and math.isfinite(last)):
        return math.nan
    return (last / first) ** (1.0 / steps)


def _trend(first: float, last: float, L: int, what: str) -> str:
    """"0.626 → 0.229 over 10 layers, ×0.89 per layer" for a quantity measured at layers 1 and L."""
    return f"{what} {first:.3g} → {last:.3g} over {L} layers, ×{per_layer(first, last, L - 1):.2g} per layer"


def activation_verdict(stats: list[dict], key: str = "a_std") -> Verdict:
    """Compare each layer's std with layer 1's; flag overflow, collapse, saturation and dead units first.

    Thresholds: VANISH and EXPLODE (a factor of 100 either way), then SATURATED and DEAD shares, then a
    trend beyond DRIFT from layer 1 to layer L ("slowly shrinks: ×0.89 per layer"); healthy only inside it.
    """
    if not stats:
        return Verdict(Kind.HEALTHY, "no layers")
    overflow = first_layer(stats, "nonfinite")
    if overflow is not None:
        return Verdict(Kind.OVERFLOW, f"activations overflow (inf/NaN) at layer {overflow}: the numbers no longer "
                                      "fit in floating point", overflow)
    collapsed = first_layer(stats, "collapsed")
    if collapsed is not None:
        return Verdict(Kind.ZERO, f"every activation is exactly 0 from layer {collapsed}: no signal reaches "
                                  "the output", collapsed)
    s1, sL, L = stats[0][key], stats[-1][key], len(stats)
    vanish = _first(stats, lambda r: r[key] < VANISH * s1)
    if vanish is not None:
        return Verdict(Kind.VANISHING, f"std falls below 1% of layer 1's by layer {vanish} "
                                       f"({_trend(s1, sL, L, 'std')}): activations vanish", vanish)
    explode = _first(stats, lambda r: r[key] > EXPLODE * s1)
    if explode is not None:
        return Verdict(Kind.EXPLODING, f"std grows past 100x layer 1's by layer {explode} "
                                       f"({_trend(s1, sL, L, 'std')}): activations explode", explode)
    saturated = _first(stats, lambda r: r["saturated"] > SATURATED)
    if saturated is not None:
        share = max(r["saturated"] for r in stats)
        return Verdict(Kind.SATURATED, f"from layer {saturated} over half the units sit at the flat ends of the "
                                       f"activation (up to {share:.0%}): their derivative is about 0", saturated)
    dead = _first(stats, lambda r: r["dead_units"] > DEAD)
    if dead is not None:
        share = max(r["dead_units"] for r in stats)
        return Verdict(Kind.DEAD, f"from layer {dead} over {DEAD:.0%} of the units output 0 for every example of "
                                  f"the batch (up to {share:.0%} in one layer), so they pass no gradient back for it: "
                                  "dead units", dead)
    if sL < s1 / DRIFT:
        return Verdict(Kind.SHRINKING, f"the spread slowly shrinks: {_trend(s1, sL, L, 'std')} on average; a "
                                       "deeper net keeps shrinking it", L)
    if sL > s1 * DRIFT:
        return Verdict(Kind.GROWING, f"the spread slowly grows: {_trend(s1, sL, L, 'std')} on average; a "
                                     "deeper net keeps growing it", L)
    lo, hi = min(r[key] for r in stats), max(r[key] for r in stats)
    return Verdict(Kind.HEALTHY, f"std stays between {lo:.3g} and {hi:.3g} across all {L} layers "
                                 f"(×{per_layer(s1, sL, L - 1):.3g} per layer): healthy")


def gradient_ratio(stats: list[dict], key: str = "grad_a_norm") -> float:
    """||g_1|| / ||g_L|| for g = dL/da (default) or dL/dW: far below 1 the first layers get no signal."""
    first, last = stats[0][key], stats[-1][key]
    if not (math.isfinite(first) and math.isfinite(last)):
        return math.nan
    if last == 0:
        return math.inf if first > 0 else math.nan
    return first / last


def gradient_verdict(stats: list[dict], key: str = "grad_a_norm") -> Verdict:
    """The ratio of the first to the last layer's dL/da: vanishing below GRAD_VANISH, exploding above
    GRAD_EXPLODE, shrinking or growing beyond GRAD_DRIFT, healthy within it; every weight gradient exactly 0 is
    explained by what zeroed it (saturation to exactly +-1, or a forward signal of exactly 0).

    dL/da is the signal the backward pass carries; dL/dW_l = a_{l-1}^T dL/dz_l also shrinks with the
    forward signal, so with tiny weights the dW ratio can look flat while every gradient is tiny.
    """
    return replace(_gradient_verdict(stats, key), backward=True)


def _gradient_verdict(stats: list[dict], key: str) -> Verdict:
    overflow = first_layer(stats, "grad_nonfinite")
    if overflow is not None:
        return Verdict(Kind.OVERFLOW, f"gradients overflow (inf/NaN) at layer {overflow}", overflow)
    if len(stats) == 1:
        return Verdict(Kind.HEALTHY, "one layer: nothing to vanish through")
    if all(row["grad_zero"] for row in stats):
        return Verdict(Kind.ZERO, _why_zero(stats))
    ratio = gradient_ratio(stats, key)
    L = len(stats)
    if ratio == 0:
        dead = next(row["layer"] for row in reversed(stats) if row[key] == 0)
        return Verdict(Kind.ZERO, f"the gradient is exactly 0 from layer {dead} down: those layers cannot learn",
                       dead)
    if math.isnan(ratio):
        return Verdict(Kind.ZERO, "the weight gradients are exactly 0: nothing can learn")
    trend = f"the gradient reaching layer 1 is {times(ratio)} times the one at layer {L} " \
            f"(×{ratio ** (1 / (L - 1)):.2g} per layer going back)"
    if ratio < GRAD_VANISH:
        return Verdict(Kind.VANISHING, f"{trend}: gradients vanish on the way back, the first layers barely learn", 1)
    if ratio > GRAD_EXPLODE:
        return Verdict(Kind.EXPLODING, f"{trend}: gradients explode on the way back", 1)
    if ratio < 1 / GRAD_DRIFT:
        return Verdict(Kind.SHRINKING, f"{trend}: gradients slowly shrink on the way back", 1)
    if ratio > GRAD_DRIFT:
        return Verdict(Kind.GROWING, f"{trend}: gradients slowly grow on the way back", 1)
    return Verdict(Kind.HEALTHY, f"{trend}: every layer gets a signal of the same order")


def _why_zero(stats) -> str:
    """Why every weight gradient is exactly 0, from the forward pass that caused it."""
    if any(row["collapsed"] for row in stats):
        return ("every weight gradient is exactly 0 because the forward signal is exactly 0 (dL/dW = aᵀ dL/dz "
                "with a = 0): nothing can learn")
    saturated = [row["layer"] for row in stats if row["saturated"] >= 1.0]
    if saturated:
        return (f"every weight gradient is exactly 0 because every unit of layer {saturated[0]} is saturated to "
                "exactly ±1 (its slope φ′ is exactly 0 in floating point): this is saturation, not symmetry — "
                "equal weights alone still pass gradients back")
    return "every weight gradient is exactly 0: nothing can learn"


def tiny_weight_gradients(stats: list[dict], threshold: float = TINY_GRADIENT) -> Message | None:
    """A note when every layer's ||dL/dW|| is below threshold: flat across depth, yet nothing learns."""
    norms = [row["grad_W_norm"] for row in stats]
    if not norms or not all(math.isfinite(v) for v in norms) or max(norms) >= threshold or max(norms) == 0:
        return None
    return Message(Kind.TINY, f"every layer's ‖∂L/∂W‖ is below {threshold:g} (largest {max(norms):.2g}): the weight "
                              "gradients may look level across depth, but they are tiny everywhere, so the whole "
                              "network barely learns")


_DIAGNOSES = (  # (row flag, kind, sentence, about the backward pass: found from the output end)
    ("nonfinite", Kind.OVERFLOW, "activations overflow (inf/NaN) at layer {}", False),
    ("collapsed", Kind.ZERO, "activations are exactly zero from layer {}: the signal has died", False),
    ("grad_nonfinite", Kind.OVERFLOW, "gradients overflow (inf/NaN) at layer {}", False),
    ("grad_zero", Kind.ZERO, "weight gradients are exactly zero at layer {}: it cannot learn", True),
)
_BACKWARD_FLAGS = ("grad_nonfinite", "grad_zero")


def diagnose(stats: list[dict]) -> list[Message]:
    """Notes naming the first layer where values overflow (inf/NaN) or collapse to exactly zero."""
    messages = []
    for flag, kind, text, backward in _DIAGNOSES:
        layer = last_layer(stats, flag) if backward else first_layer(stats, flag)
        if layer is not None:
            messages.append(Message(kind, text.format(layer), layer, flag in _BACKWARD_FLAGS))
    return messages
