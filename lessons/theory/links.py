"""The theory page's network, opened in the other lessons: the same activation, depth, width, seed and
(sigma_w^2, sigma_b^2), written with those lessons' own controls.

Their controls have round steps, so the link rounds. Gaussian weights become LeCun normal (Var(w) = g^2 / n_in:
sigma_w^2 = g^2 at any width) or He normal (Var(w) = 2 g^2 / n_in: sigma_w^2 = 2 g^2), whichever lands nearer;
orthogonal weights stay orthogonal with gain g (sigma_w^2 = g^2). The gain slider's step of 0.01 reproduces
sigma_w^2 to 2 x 0.005 / g: 1% at sigma_w^2 = 1, 3% at the smallest, 0.1 (He at relu's 2: exactly). The bias
spread sigma_b takes the bias slider's step of 0.1 (sigma_b^2 = 0, 0.01, 0.04, 0.09, ...). On the edge of chaos the
target is the edge at that rounded sigma_b^2. `rounded` gives what the linked network really has; the page says it
and that net's chi1.
"""
from __future__ import annotations

import math
from types import MappingProxyType
from typing import NamedTuple

from lessons.catalog import LESSONS
from lessons.network import settings as network
from lessons.theory.compute import critical_sigma_w2

LINKED = ("activations", "gradients", "training")    # url paths of the lessons that build this network
ICONS = MappingProxyType({"activations": ":material/bar_chart:", "gradients": ":material/trending_down:",
                          "training": ":material/model_training:"})
# initializer -> k in sigma_w^2 = k g^2 (square layers), for each kind of weights the theory page draws
GAIN_INITS = MappingProxyType({"gaussian": MappingProxyType({"lecun_normal": 1.0, "he_normal": 2.0}),
                               "orthogonal": MappingProxyType({"orthogonal": 1.0})})
NAMES = MappingProxyType({"lecun_normal": "LeCun-normal weights (Var(w) = g²/n)",
                          "he_normal": "He-normal weights (Var(w) = 2g²/n)", "orthogonal": "orthogonal weights"})


class Link(NamedTuple):
    script: str
    label: str
    icon: str
    query: dict


class Rounded(NamedTuple):
    """The linked network's initializer, gain and bias spread, and the (sigma_w^2, sigma_b^2) they give."""
    target: float         # the sigma_w^2 aimed at: this point's, or the edge of chaos at the rounded sigma_b^2
    init: str
    gain: float
    bias_std: float
    sigma_w2: float
    sigma_b2: float


def rounded(s) -> Rounded:
    """The other lessons' nearest settings to this point (on the edge of chaos: to the edge at their sigma_b^2)."""
    bias_std = network.BIAS_STD.check(math.sqrt(s.sigma_b2))
    target = critical_sigma_w2(s.activation, bias_std**2) if s.critical else s.sigma_w2
    gain = network.INIT_PARAMS["gain"]
    options = [(init, gain.check(math.sqrt(target / k)), k) for init, k in GAIN_INITS[s.weights].items()]
    init, g, k = min(options, key=lambda o: abs(o[2] * o[1] ** 2 - target))
    return Rounded(target, init, g, bias_std, k * g**2, bias_std**2)


def query(s) -> dict:
    """The link's settings, each as its control writes it in a URL."""
    r = rounded(s)
    values = {network.ACTIVATION: s.activation, network.DEPTH: s.depth, network.WIDTH: s.width,
              network.INIT: r.init, network.INIT_PARAMS["gain"]: r.gain, network.BIAS_STD: r.bias_std,
              network.SEED: s.seed}
    return {c.key: c.to_url(v) for c, v in values.items()}


def lesson_links(s) -> list[Link]:
    """A link to every registered lesson of LINKED with this network (the training lesson once it is registered)."""
    q = query(s)
    return [Link(p.script, f"Open in {p.title}", ICONS.get(p.url_path, ":material/open_in_new:"), q)
            for path in LINKED for p in LESSONS if p.url_path == path]
