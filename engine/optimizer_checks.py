"""The optimizers' hyperparameter checks: every value create() accepts is finite, >= 0, within its bound."""
from __future__ import annotations

import math
import numbers

import numpy as np

_BOOLS = {"nesterov", "centered", "bias_correction"}
_UPPER = {"dampening": (1.0, True), "alpha": (1.0, True), "betas": (1.0, False)}  # (bound, inclusive)


def _real(key, value):
    """A finite float >= 0, below the key's upper bound if it has one; ValueError otherwise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{key} must be a real number, got {value!r}")
    value = float(value)
    upper, inclusive = _UPPER.get(key.split("[")[0], (math.inf, True))
    if not (math.isfinite(value) and value >= 0.0 and (value <= upper if inclusive else value < upper)):
        bound = f"[0, {upper:g}{']' if inclusive else ')'}" if math.isfinite(upper) else ">= 0"
        raise ValueError(f"{key} must be finite and in {bound}, got {value!r}")
    return value


def validate(key, value):
    """A hyperparameter checked and normalized: bools stay bools, betas a pair of reals, the rest reals."""
    if key in _BOOLS:
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"{key} must be True or False, got {value!r}")
        return bool(value)
    if key == "betas":
        if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {value!r}")
        return (_real("betas[0]", value[0]), _real("betas[1]", value[1]))
    return _real(key, value)
