"""The mean-field theory against an actual MLP: its sigma_w2, its Jacobian, two inputs' correlation and the
residual stream's variance through depth, measured beside what the theory predicts."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine import activations, initializers
from engine import theory_jacobian as jac
from engine import theory_meanfield as mf
from engine import theory_quadrature as quad
from engine.mlp import MLP, MLPConfig

ORTHOGONAL_INITS = ("orthogonal", "lsuv")     # W W^T has one eigenvalue: s_1 = 0 (LSUV starts orthonormal)
PAIRS = 32                                    # input pairs averaged per layer: the noise of c_l ~ 1 / sqrt(pairs n)
STREAM_BATCH = 512                            # inputs for the measured stream variance
STREAM_Q_CAP = 1e300                          # the quadrature is exact at any finite q (its nodes scale by sqrt q);
                                              # only an overflowed q needs a finite stand-in


def layer_sigma_w2(config: MLPConfig) -> tuple[float, ...]:
    """fan_in Var(w) of every layer from its initializer's formula (LSUV's: measured on the rescaled net)."""
    pairs = list(zip(config.widths[:-1], config.widths[1:]))
    if config.init == "lsuv":
        return tuple(W.shape[0] * float(np.mean(np.square(W, dtype=np.float64))) for W in MLP(config).weights)
    return tuple(n_in * initializers.expected_std(config.init, (n_in, n_out), **config.init_params) ** 2
                 for n_in, n_out in pairs)


def sigma_w2(config: MLPConfig) -> float:
    """fan_in Var(w) of the hidden layers: layer 2's (n_1 -> n_2), or layer 1's in a one-layer net."""
    values = layer_sigma_w2(config)
    return values[1] if len(values) > 1 else values[0]


def sigma_b2(config: MLPConfig) -> float:
    """Var(b) = bias_std^2; the theory takes zero-mean biases, so a constant `bias` is refused."""
    if config.bias != 0:
        raise ValueError(f"the mean-field theory needs bias = 0 (use bias_std for sigma_b), got {config.bias}")
    return config.bias_std**2


def default_q0(config: MLPConfig) -> float:
    """q*, the steady state, when it is finite and positive; else 1 (q* = 0, inf, or every q fixed)."""
    qs = float(mf.q_star(activations.get(config.activation), sigma_w2(config), config.bias_std**2))
    return qs if 0 < qs < math.inf else 1.0


def weights_kind(config: MLPConfig) -> str:
    """'orthogonal' for orthogonal starts (s_1 = 0), else 'gaussian' (i.i.d. entries: s_1 = -1)."""
    return "orthogonal" if config.init in ORTHOGONAL_INITS else "gaussian"


def jacobian_singular_values(config: MLPConfig, seed: int = 0, q0: float | None = None) -> np.ndarray:
    """Singular values (largest first) of d a_L / d a_0 of MLP(config) at one input x ~ N(0, q0 I) drawn from seed."""
    return jacobian_spectrum(config, seed, q0).singular_values


@dataclass(frozen=True)
class JacobianSpectrum:
    """The singular values of M = W_1 D_1 ... W_L D_L at one input, and the rank its zeros force.

    A unit with phi'(z) = 0 (a ReLU that is off) zeroes a row of D_l: rank(D_l) = active_l, so rank(M) <= rank_bound
    = the fewest active units of any plain layer (or the narrowest width). At least n_0 - rank_bound singular values
    are exactly 0: rank deficiency, not rounding (the SVD returns them as ~1e-15 of the largest)."""
    singular_values: np.ndarray     # largest first; NaN everywhere if the net overflowed
    active: tuple[int, ...]         # per layer: units with phi'(z_l) != 0
    rank_bound: int

    @property
    def zeros(self) -> int:
        """How many singular values are exactly 0 (at least): n_0 - rank_bound."""
        return self.singular_values.size - self.rank_bound


def jacobian_spectrum(config: MLPConfig, seed: int = 0, q0: float | None = None) -> JacobianSpectrum:
    """The Jacobian's singular values at one input x ~ N(0, q0 I) drawn from seed, with each layer's active units."""
    q0 = default_q0(config) if q0 is None else q0
    if not (math.isfinite(q0) and q0 >= 0):
        raise ValueError(f"q0 must be a finite number >= 0, got {q0!r}")
    x = math.sqrt(q0) * np.random.default_rng(seed).standard_normal((1, config.widths[0]))
    net = MLP(config)
    sigma = jac.singular_values(jac.network_jacobian(net, x))
    active = tuple(int(np.count_nonzero(phi.derivative(t.z[0]))) for phi, t in zip(net.phis, net.trace))
    plain = [a for a, skip in zip(active, net.skips) if not skip]
    return JacobianSpectrum(sigma, active, int(min([*config.widths, *plain])))


@dataclass(frozen=True)
class CorrelationDepth:
    """c_l of two inputs' pre-activations z_l (layer l = 1..L): measured (mean over PAIRS pairs) and predicted."""
    c0: float
    q0: float
    measured: np.ndarray      # (L,)
    predicted: np.ndarray     # (L,) the mean-field (q_l, c_l) recursion from (q0, c0)


def _pairs(rng, n_in: int, c0: float, q0: float, pairs: int) -> np.ndarray:
    """Rows 2k, 2k+1: x1, x2 with |x|^2 = q0 n_in each and cosine exactly c0 (Gram-Schmidt on Gaussians)."""
    g = rng.standard_normal((pairs, 2, n_in))
    e1 = g[:, 0] / np.linalg.norm(g[:, 0], axis=1, keepdims=True)
    r = g[:, 1] - np.sum(g[:, 1] * e1, axis=1, keepdims=True) * e1
    e2 = r / np.linalg.norm(r, axis=1, keepdims=True)
    x2 = c0 * e1 + math.sqrt(max(0.0, 1 - c0 * c0)) * e2
    return (math.sqrt(q0 * n_in) * np.stack([e1, x2], axis=1)).reshape(2 * pairs, n_in)


def _check_plain(config: MLPConfig) -> None:
    if config.batch_norm or config.residual:
        raise ValueError("the (q, c) prediction is for plain nets: batch_norm=False and residual=False")


def correlation_through_depth(config: MLPConfig, c0: float, seed: int = 0, q0: float | None = None,
                              pairs: int = PAIRS) -> CorrelationDepth:
    """Measured c_l = <z_l(x1), z_l(x2)> / (|z_l(x1)| |z_l(x2)|) against the mean-field recursion

        q_1 = sigma_w2 q0 + sigma_b2,  c_1 = (sigma_w2 q0 c0 + sigma_b2) / q_1,
        q_{l+1} = sigma_w2 E[phi(u1)^2] + sigma_b2,  c_{l+1} = (sigma_w2 E[phi(u1) phi(u2)] + sigma_b2) / q_{l+1}
    with (u1, u2) ~ N(0, q_l [[1, c_l], [c_l, 1]]) and each layer's own sigma_w2 (a fan_in that differs counts).
    """
    if not -1 <= c0 <= 1:
        raise ValueError(f"c0 must be in [-1, 1], got {c0!r}")
    _check_plain(config)
    sb, sws, q0 = sigma_b2(config), layer_sigma_w2(config), default_q0(config) if q0 is None else q0
    net = MLP(config)
    net.forward(_pairs(np.random.default_rng(seed), config.widths[0], c0, q0, pairs).astype(net.dtype))
    measured = np.array([_cosine(t.z) for t in net.trace])
    return CorrelationDepth(c0, q0, measured, _predicted_c(activations.get(config.activation), sws, sb, q0, c0))


def _cosine(z: np.ndarray) -> float:
    """Mean cosine of rows 2k and 2k+1, in float64."""
    z = z.astype(np.float64).reshape(-1, 2, z.shape[1])
    with np.errstate(all="ignore"):
        dots = np.sum(z[:, 0] * z[:, 1], axis=1)
        return float(np.mean(dots / np.sqrt(np.sum(z[:, 0] ** 2, axis=1) * np.sum(z[:, 1] ** 2, axis=1))))


def _predicted_c(phi, sws, sb: float, q0: float, c0: float) -> np.ndarray:
    q, cross = sws[0] * q0 + sb, sws[0] * q0 * c0 + sb
    out = []
    for sw_next in [*sws[1:], None]:
        with np.errstate(all="ignore"):
            c = cross / q if q > 0 else 1.0
            out.append(c)
            if sw_next is not None:
                m = quad.pair_moments(phi, q, np.clip(c, -1.0, 1.0), derivative=False)
                q, cross = sw_next * float(m["self"]) + sb, sw_next * float(m["cross"]) + sb
    return np.array(out)


@dataclass(frozen=True)
class StreamVariance:
    """Var(a_l) over every entry of layer l's output (l = 1..L): measured on STREAM_BATCH inputs and predicted."""
    measured: np.ndarray      # (L,)
    predicted: np.ndarray     # (L,)


def stream_variance(config: MLPConfig, seed: int = 0, q0: float = 1.0, batch: int = STREAM_BATCH) -> StreamVariance:
    """The stream a_l = phi(z_l) (+ a_{l-1} on a skip) for x ~ N(0, q0 I). Mean-field, per unit:

        z_l ~ N(0, q_l), q_l = sigma_w2 s_{l-1} + sigma_b2 (= 1 after batch norm), mu_l = E[phi(z_l)], nu_l = E[phi^2]
        skip:  m_l = m_{l-1} + mu_l,  s_l = s_{l-1} + 2 m_{l-1} mu_l + nu_l   (phi(z_l) is independent of a_{l-1})
        plain: m_l = mu_l,  s_l = nu_l;   Var(a_l) = s_l - m_l^2, from m_0 = 0, s_0 = q0.
    """
    sb, sws = sigma_b2(config), layer_sigma_w2(config)
    net = MLP(config)
    x = math.sqrt(q0) * np.random.default_rng(seed).standard_normal((batch, config.widths[0]))
    net.forward(x.astype(net.dtype))
    measured = np.array([float(np.var(t.a, dtype=np.float64)) for t in net.trace])
    m, s, predicted = 0.0, q0, []
    with np.errstate(all="ignore"):
        for l, sw in enumerate(sws):
            q = 1.0 if config.batch_norm else sw * s + sb
            moments = quad.single_moments(net.phis[l], min(q, STREAM_Q_CAP))
            mu, nu = float(moments["mean"]), float(moments["phi2"])
            m, s = (m + mu, s + 2 * m * mu + nu) if net.skips[l] else (mu, nu)
            predicted.append(s - m * m)
    return StreamVariance(measured, np.array(predicted))
