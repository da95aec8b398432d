"""The theory page's network, opened in the other lessons: the same activation, depth, width, seed and
(sigma_w^2, sigma_b^2), written with those lessons' own controls.

Their controls have round steps, so the link rounds: N(0, std^2) weights take the std slider's nearest option to
sqrt(sigma_w^2 / n), orthogonal ones a gain to 0.01, and the bias spread sigma_b a step of 0.1. `rounded` gives
the (sigma_w^2, sigma_b^2) the linked network really has, and the page says so.
"""
from __future__ import annotations

import math
from types import MappingProxyType
from typing import NamedTuple

from lessons.catalog import LESSONS
from lessons.network import settings as network

LINKED = ("activations", "gradients", "training")    # url paths of the lessons that build this network
ICONS = MappingProxyType({"activations": ":material/bar_chart:", "gradients": ":material/trending_down:",
                          "training": ":material/model_training:"})


class Link(NamedTuple):
    script: str
    label: str
    icon: str
    query: dict


class Rounded(NamedTuple):
    """The linked network's weights and biases, and the (sigma_w^2, sigma_b^2) they give."""
    params: dict          # the initializer's own control values ({"std": ...} or {"gain": ...})
    bias_std: float
    sigma_w2: float
    sigma_b2: float


def rounded(s) -> Rounded:
    """The other lessons' nearest settings to this point: std (log options) or gain (0.01), and sigma_b (0.1)."""
    bias_std = network.BIAS_STD.check(math.sqrt(s.sigma_b2))
    if s.weights == "orthogonal":
        gain = network.INIT_PARAMS["gain"].check(math.sqrt(s.sigma_w2))
        return Rounded({"gain": gain}, bias_std, gain**2, bias_std**2)
    std = network.INIT_PARAMS["std"].check(math.sqrt(s.sigma_w2 / s.width))
    return Rounded({"std": std}, bias_std, s.width * std**2, bias_std**2)


def query(s) -> dict:
    """The link's settings, each as its control writes it in a URL."""
    r = rounded(s)
    init = "orthogonal" if s.weights == "orthogonal" else "normal"
    values = {network.ACTIVATION: s.activation, network.DEPTH: s.depth, network.WIDTH: s.width,
              network.INIT: init, network.BIAS_STD: r.bias_std, network.SEED: s.seed,
              **{network.INIT_PARAMS[k]: v for k, v in r.params.items()}}
    return {c.key: c.to_url(v) for c, v in values.items()}


def lesson_links(s) -> list[Link]:
    """A link to every registered lesson of LINKED with this network (the training lesson once it is registered)."""
    q = query(s)
    return [Link(p.script, f"Open in {p.title}", ICONS.get(p.url_path, ":material/open_in_new:"), q)
            for path in LINKED for p in LESSONS if p.url_path == path]
