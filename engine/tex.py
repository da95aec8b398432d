"""Numbers written for LaTeX, so every formula the pages show is rendered from the values the engine uses."""
from __future__ import annotations

import math
from fractions import Fraction


def num(x: float, digits: int = 4) -> str:
    """x with `digits` significant digits, 10^k instead of e-notation: 7.813\\times 10^{-3}."""
    if not math.isfinite(x):
        return r"\infty" if x > 0 else (r"-\infty" if x < 0 else r"\text{NaN}")
    s = f"{x:.{digits}g}"
    if "e" in s:
        mantissa, exp = s.split("e")
        return rf"{mantissa}\times 10^{{{int(exp)}}}"
    return s


def fraction(x: float) -> tuple[int, int] | None:
    """(p, q) when x is a small fraction p/q (q <= 12), else None: 1/3 stays 1/3 in a formula."""
    f = Fraction(x).limit_denominator(12)
    return (f.numerator, f.denominator) if abs(float(f) - x) < 1e-12 else None
