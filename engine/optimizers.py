"""First-order optimizers with torch.optim's exact update rules, in NumPy.

    opt = create("adam", lr=0.01)
    params = opt.step(params, grads)   # params/grads: one ndarray or a dict name -> ndarray

`step` never mutates its inputs and returns new arrays of the params' dtype (float32 stays
float32). The state (step count t, moment buffers) lives inside the Optimizer, one entry per
param name. Hyperparameter names and defaults are torch.optim's; the registry keys "momentum"
and "nesterov" are SGD presets (momentum=0.9, and nesterov=True).
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from engine.clipping import clip_grad_norm, grad_norm  # noqa: F401  (part of this module's API)
from engine.optimizer_checks import validate
from engine.tex import num


class Optimizer(ABC):
    """Base class: holds the resolved hyperparameters and per-parameter state; subclasses define `_update`."""

    def __init__(self, name: str, hyper: Mapping):
        self.name = name
        self.hyper = dict(hyper)
        self.state: dict = {}  # param name (None for a single array) -> {"t": step count, buffers...}

    @property
    def lr(self) -> float:
        """The learning rate of the next step (a schedule may set it between steps: opt.lr = ...)."""
        return self.hyper["lr"]

    @lr.setter
    def lr(self, value: float) -> None:
        self.hyper["lr"] = validate("lr", value)

    def step(self, params, grads):
        """Return the updated params (same kind as given: ndarray or dict); inputs are not mutated."""
        if isinstance(params, Mapping):
            if not isinstance(grads, Mapping) or set(grads) != set(params):
                raise ValueError("params and grads must be dicts with the same keys")
            return {key: self._step_one(key, params[key], grads[key]) for key in params}
        if isinstance(grads, Mapping):
            raise ValueError("params is an array but grads is a dict")
        return self._step_one(None, params, grads)

    def _step_one(self, key, p, g):
        p = np.asarray(p)
        if p.dtype.kind != "f":                          # (a dtype's kind: issubdtype costs 3 us a call)
            p = p.astype(np.float64)
        g = np.asarray(g, dtype=p.dtype)
        if g.shape != p.shape:
            raise ValueError(f"grad shape {g.shape} != param shape {p.shape} for {key!r}")
        state = self.state.setdefault(key, {"t": 0})
        state["t"] += 1
        return np.asarray(self._update(p, g, state), dtype=p.dtype)

    @abstractmethod
    def _update(self, p, g, state):
        """The new value of one parameter p from its gradient g and its state (t, buffers)."""

    @classmethod
    @abstractmethod
    def latex(cls, hyper: Mapping) -> tuple[str, ...]:
        """The update rule as an algorithm block: one LaTeX line per statement of _update, in its order,
        with these hyperparameters' numbers (w the parameter, g its gradient, t the step count)."""

    def rule(self) -> tuple[str, ...]:
        """latex() of this optimizer's own hyperparameters."""
        return type(self).latex(self.hyper)

    def __repr__(self):
        return f"{type(self).__name__}({self.name!r}, {self.hyper})"


class SGD(Optimizer):
    """p <- p - lr*g', g' = buf (or g + momentum*buf if nesterov), buf <- momentum*buf + (1-dampening)*g.

    g includes L2 weight decay (g + weight_decay*p). As in torch, the first step sets buf = g
    (undampened); without momentum the update is p - lr*g.
    """

    def _update(self, p, g, state):
        h = self.hyper
        if h["weight_decay"]:
            g = g + h["weight_decay"] * p
        if h["momentum"]:
            if "buf" not in state:
                buf = g.copy()
            else:
                buf = h["momentum"] * state["buf"] + (1.0 - h["dampening"]) * g
            state["buf"] = buf
            g = g + h["momentum"] * buf if h["nesterov"] else buf
        return p - h["lr"] * g

    @classmethod
    def latex(cls, hyper):
        lr, mu, tau, wd = hyper["lr"], hyper["momentum"], hyper["dampening"], hyper["weight_decay"]
        lines = [rf"g \leftarrow g + {num(wd)}\,w"] if wd else []
        if mu:
            first = r"b \leftarrow g \ \text{(first step)}"
            damp = "" if tau == 0 else rf"{num(1 - tau)}\,"
            lines.append(rf"{first},\qquad b \leftarrow {num(mu)}\,b + {damp}g \ \text{{(after)}}")
            step = rf"(g + {num(mu)}\,b)" if hyper["nesterov"] else "b"
            return (*lines, rf"w \leftarrow w - {num(lr)}\,{step}")
        return (*lines, rf"w \leftarrow w - {num(lr)}\,g")


class Adagrad(Optimizer):
    """p <- p - clr * g / (sqrt(sum) + eps), sum <- sum + g^2, clr = lr / (1 + (t-1)*lr_decay).

    g includes L2 weight decay; sum starts at initial_accumulator_value.
    """

    def _update(self, p, g, state):
        h = self.hyper
        if h["weight_decay"]:
            g = g + h["weight_decay"] * p
        clr = h["lr"] / (1.0 + (state["t"] - 1) * h["lr_decay"])
        sum_sq = state.get("sum", np.full_like(p, h["initial_accumulator_value"])) + g * g
        state["sum"] = sum_sq
        return p - clr * (g / (np.sqrt(sum_sq) + h["eps"]))

    @classmethod
    def latex(cls, hyper):
        lr, decay, wd = hyper["lr"], hyper["lr_decay"], hyper["weight_decay"]
        lines = [rf"g \leftarrow g + {num(wd)}\,w"] if wd else []
        clr = rf"\frac{{{num(lr)}}}{{1 + (t-1)\cdot {num(decay)}}}" if decay else num(lr)
        s0 = hyper["initial_accumulator_value"]
        lines.append(rf"s \leftarrow s + g^2 \quad (s_0 = {num(s0)})")
        return (*lines, rf"w \leftarrow w - {clr}\,\frac{{g}}{{\sqrt{{s}} + {num(hyper['eps'])}}}")


class RMSprop(Optimizer):
    """p <- p - lr * g / (sqrt(v_hat) + eps), v <- alpha*v + (1-alpha)*g^2, v_hat = v (- g_avg^2 if centered).

    centered: g_avg <- alpha*g_avg + (1-alpha)*g. With momentum > 0:
    buf <- momentum*buf + g / (sqrt(v_hat) + eps) and p <- p - lr*buf. g includes L2 weight decay.
    v_hat is clamped at 0 (it is >= 0 in exact arithmetic; rounding could make it -1e-17).
    """

    def _update(self, p, g, state):
        h = self.hyper
        alpha = h["alpha"]
        if h["weight_decay"]:
            g = g + h["weight_decay"] * p
        v = alpha * state.get("v", np.zeros_like(p)) + (1.0 - alpha) * g * g
        state["v"] = v
        v_hat = v
        if h["centered"]:
            g_avg = alpha * state.get("g_avg", np.zeros_like(p)) + (1.0 - alpha) * g
            state["g_avg"] = g_avg
            v_hat = np.maximum(v - g_avg * g_avg, 0.0)
        denom = np.sqrt(v_hat) + h["eps"]
        if h["momentum"] > 0:
            buf = h["momentum"] * state.get("buf", np.zeros_like(p)) + g / denom
            state["buf"] = buf
            return p - h["lr"] * buf
        return p - h["lr"] * (g / denom)

    @classmethod
    def latex(cls, hyper):
        lr, alpha, mu, wd, eps = hyper["lr"], hyper["alpha"], hyper["momentum"], hyper["weight_decay"], hyper["eps"]
        lines = [rf"g \leftarrow g + {num(wd)}\,w"] if wd else []
        lines.append(rf"v \leftarrow {num(alpha)}\,v + {num(1 - alpha)}\,g^2")
        v_hat = "v"
        if hyper["centered"]:
            lines.append(rf"\bar g \leftarrow {num(alpha)}\,\bar g + {num(1 - alpha)}\,g,\qquad \hat v = v - \bar g^2")
            v_hat = r"\hat v"
        step = rf"\frac{{g}}{{\sqrt{{{v_hat}}} + {num(eps)}}}"
        if mu > 0:
            lines.append(rf"b \leftarrow {num(mu)}\,b + {step}")
            return (*lines, rf"w \leftarrow w - {num(lr)}\,b")
        return (*lines, rf"w \leftarrow w - {num(lr)}\,{step}")


class Adam(Optimizer):
    """p <- p - (lr / (1-b1^t)) * m / (sqrt(v)/sqrt(1-b2^t) + eps), m <- b1*m + (1-b1)*g, v <- b2*v + (1-b2)*g^2.

    g includes L2 weight decay (g + weight_decay*p). bias_correction=False uses m and v raw:
    p <- p - lr * m / (sqrt(v) + eps).
    """

    decoupled = False  # AdamW: weight decay shrinks p instead of entering g

    def _update(self, p, g, state):
        h = self.hyper
        lr, wd, (b1, b2), t = h["lr"], h["weight_decay"], h["betas"], state["t"]
        if wd and self.decoupled:
            p = p * (1.0 - lr * wd)
        elif wd:
            g = g + wd * p
        m = b1 * state.get("m", np.zeros_like(p)) + (1.0 - b1) * g
        v = b2 * state.get("v", np.zeros_like(p)) + (1.0 - b2) * g * g
        state["m"], state["v"] = m, v
        if not h["bias_correction"]:
            return p - lr * (m / (np.sqrt(v) + h["eps"]))
        bc1, bc2 = 1.0 - b1**t, 1.0 - b2**t
        denom = np.sqrt(v) / math.sqrt(bc2) + h["eps"]
        return p - (lr / bc1) * (m / denom)

    @classmethod
    def latex(cls, hyper):
        lr, wd, (b1, b2), eps = hyper["lr"], hyper["weight_decay"], hyper["betas"], hyper["eps"]
        lines = []
        if wd and cls.decoupled:
            lines.append(rf"w \leftarrow (1 - {num(lr)}\cdot {num(wd)})\,w")
        elif wd:
            lines.append(rf"g \leftarrow g + {num(wd)}\,w")
        lines.append(rf"m \leftarrow {num(b1)}\,m + {num(1 - b1)}\,g")
        lines.append(rf"v \leftarrow {num(b2)}\,v + {num(1 - b2)}\,g^2")
        if not hyper["bias_correction"]:
            return (*lines, rf"w \leftarrow w - {num(lr)}\,\frac{{m}}{{\sqrt{{v}} + {num(eps)}}}")
        return (*lines, rf"w \leftarrow w - \frac{{{num(lr)}}}{{1 - {num(b1)}^t}}\,"
                        rf"\frac{{m}}{{\sqrt{{v}}/\sqrt{{1 - {num(b2)}^t}} + {num(eps)}}}")


class AdamW(Adam):
    """p <- p*(1 - lr*weight_decay), then the Adam step without the L2 term (decoupled weight decay)."""

    decoupled = True


@dataclass(frozen=True)
class OptimizerSpec:
    """A registry entry: the class, its default hyperparameters (torch's) and a one-line summary."""

    cls: type
    defaults: Mapping
    summary: str


_SGD = {"lr": 1e-3, "momentum": 0.0, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0}
_ADAM = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "bias_correction": True}


def _spec(cls, defaults, summary):
    return OptimizerSpec(cls, MappingProxyType(defaults), summary)


OPTIMIZERS: dict[str, OptimizerSpec] = {
    "sgd": _spec(SGD, _SGD, "plain gradient descent"),
    "momentum": _spec(SGD, {**_SGD, "momentum": 0.9}, "SGD with heavy-ball momentum 0.9"),
    "nesterov": _spec(SGD, {**_SGD, "momentum": 0.9, "nesterov": True}, "SGD with Nesterov momentum 0.9"),
    "adagrad": _spec(
        Adagrad,
        {"lr": 1e-2, "lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 1e-10},
        "per-coordinate step lr/sqrt(sum of squared grads)",
    ),
    "rmsprop": _spec(
        RMSprop,
        {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0, "centered": False},
        "step lr/sqrt(running mean of squared grads)",
    ),
    "adam": _spec(Adam, _ADAM, "momentum + RMSprop scaling, bias-corrected"),
    "adamw": _spec(AdamW, {**_ADAM, "weight_decay": 1e-2}, "Adam with decoupled weight decay"),
}

def create(name: str, **hyper) -> Optimizer:
    """A fresh optimizer `name` (a key of OPTIMIZERS) with torch's defaults overridden by `hyper`."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; valid names: {', '.join(OPTIMIZERS)}")
    spec = OPTIMIZERS[name]
    unknown = sorted(set(hyper) - set(spec.defaults))
    if unknown:
        raise ValueError(
            f"unknown hyperparameter(s) {', '.join(unknown)} for {name!r}; "
            f"valid ones: {', '.join(spec.defaults)}"
        )
    resolved = {key: validate(key, hyper.get(key, default)) for key, default in spec.defaults.items()}
    if resolved.get("nesterov") and (resolved["momentum"] <= 0 or resolved["dampening"] != 0):
        raise ValueError("nesterov momentum requires momentum > 0 and dampening = 0")
    return spec.cls(name, resolved)


def latex(name: str, **hyper) -> tuple[str, ...]:
    """The update rule of optimizer `name` with `hyper` (torch's defaults filled in), one line per statement."""
    opt = create(name, **hyper)
    return opt.rule()
