"""Central finite differences in float64, shared by the engine's gradient tests."""
import numpy as np


def numerical_grad(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """dF/dx by (f(x + h e_i) - f(x - h e_i)) / 2h for every entry i; f returns a scalar."""
    x = x.astype(np.float64)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / max(||a|| + ||b||, 1): relative for gradients of norm >= 1, absolute below that.

    Central differences with h = 1e-6 are good to about 1e-9; a wrong gradient is off by far more.
    """
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1.0))
