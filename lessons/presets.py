"""One-click scenarios: a lesson page, the link settings that set it up, and the claim the page's numbers bear out.

Home lists them all; each lesson page lists its own and, when its settings are a preset's, says the preset's
claim and why. tests/app/test_presets.py opens every link and checks its claim on the numbers the page shows.
The race presets' words and settings come from engine.race_defaults, the theory presets' from
engine.theory_presets, the training presets' from engine.training_presets (written once, tested there too).
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from engine import race_defaults, theory_presets, training_presets
from lessons.training import links as training_links
from ui import widgets


@dataclass(frozen=True)
class Preset:
    key: str
    title: str
    page: str                 # script path, as registered in app.py
    params: tuple             # (key, value) pairs for the URL; a list value repeats the key
    claim: str                # what the page's numbers show (checked by a test)
    why: str = ""             # the reason, in a sentence or two

    @property
    def query(self) -> dict:
        return dict(self.params)


_RACE_LINKS = {   # race_defaults preset -> the race page's link settings for it
    "ravine_axis": (("condition", "50"), ("opt", ["sgd", "nesterov", "rmsprop", "adam"]), ("tune", "true")),
    "ravine_rotated": (("condition", "50"), ("angle", "45"), ("opt", ["sgd", "nesterov", "rmsprop", "adam"]),
                       ("tune", "true")),
    "momentum_beta": (("condition", "50"), ("opt", ["momentum"]), ("tune", "true"), ("tune_beta", "false"),
                      ("mom_momentum", "0.9"), ("twin", "momentum"), ("mom_twin", f"{race_defaults.BETA_CRITICAL:g}"),
                      ("lr_twin", "2.5")),
    "rosenbrock_valley": (("surface", "rosenbrock"), ("steps", "1000"), ("tol", "0.0001"), ("tune", "true")),
    "saddle_escape": (("surface", "saddle"), ("opt", ["sgd", "momentum", "rmsprop", "adam"]), ("tune", "true")),
    "minibatch_noise": (("surface", "regression"), ("minibatch", "1"), ("tune", "true")),
    "adam_bias_correction": (("surface", "rosenbrock"), ("steps", "1000"), ("opt", ["adam"]), ("tune", "true"),
                             ("twin", "adam"), ("lr_twin", "0.9"), ("bc_twin", "false")),
}


def _race(key: str) -> Preset:
    p = race_defaults.PRESETS[key]
    return Preset(key, p.title, "pages/optimizer_race.py", _RACE_LINKS[key], p.claim, p.reason)


_THEORY = MappingProxyType({   # theory_presets preset -> (title, why); its settings and claim come from the engine
    "edge_of_chaos": ("tanh on the edge of chaos: the signal crosses any depth, the Jacobian still spreads",
                      "χ₁ is the mean squared factor by which a layer multiplies gradients: at 1 they neither shrink "
                      "nor grow on average, and two inputs' correlation no longer approaches its fixed point "
                      "exponentially. An average of 1 is not every singular value near 1: see the spectra."),
    "ordered": ("Deep in the ordered phase: inputs collapse, gradients vanish",
                "Each layer shrinks the difference between two inputs by χ₁ < 1: after a few ξ_c layers every input "
                "gives the same output, and the backward pass shrinks gradients by the same factor."),
    "chaotic": ("Deep in the chaotic phase: inputs decorrelate, gradients explode",
                "Each layer stretches small differences by χ₁ > 1 until nearby inputs are as unlike as any two at "
                "c*; the backward pass stretches gradients by the same factor."),
    "orthogonal_vs_gaussian": ("Orthogonal vs Gaussian weights at criticality: dynamical isometry",
                               "Gaussian matrices add their own spread at every layer (s₁ = −1); orthogonal ones add "
                               "none (s₁ = 0), so only tanh's slope spreads λ, and at a small q* tanh is almost "
                               "linear."),
    "relu_he": ("ReLU at He (σ_w² = 2): never isometric",
                "ReLU's slope is 0 or 1, so E[φ′⁴]/E[φ′²]² = 2 whatever the weights: each layer adds 1 to the "
                "normalized variance of λ."),
})


def _theory(key: str) -> Preset:
    p = theory_presets.PRESETS[key]
    point = (("critical", "true"),) if p["sigma_w2"] == "critical" else (("sw2", f"{p['sigma_w2']:g}"),)
    params = (("act", p["activation"]), *point, ("sb2", f"{p['sigma_b2']:g}"),
              *((("c0", f"{p['c0']:g}"),) if "c0" in p else ()))
    return Preset(f"theory_{key}", _THEORY[key][0], "pages/theory.py", params, p["claim"], _THEORY[key][1])


def _training(key: str) -> Preset:
    p = training_presets.PRESETS[key]
    return Preset(f"training_{key}", p["title"], "pages/training.py", training_links.query(key), p["claim"], p["why"])


PRESETS = [
    Preset("zero_init", "Zero init: symmetry never breaks", "pages/init_explorer.py", (("init", "zeros"),),
           "Every hidden unit gets the same update, forever: the tied net keeps 1 distinct unit of 4."),
    Preset("lecture_fans", "The lecture's layer: fan_in 3, fan_out 2", "pages/init_explorer.py",
           (("init", "xavier_uniform"), ("fan_in", "3"), ("fan_out", "2")),
           "Xavier's bound for a 3 → 2 layer is a = √(6/(3+2)) = 1.095, and every drawn weight lies within ±a."),
    Preset("tanh_small", "tanh with N(0, 0.01²): activations vanish", "pages/activations.py",
           (("act", "tanh"), ("init", "normal"), ("std", "0.01")),
           "Each layer multiplies the spread by about √256 · 0.01 = 0.16: below 1% of layer 1's by layer 4."),
    Preset("tanh_unit", "tanh with N(0, 1): saturation", "pages/activations.py",
           (("act", "tanh"), ("init", "normal"), ("std", "1")),
           "Most units are pinned at ±1, where tanh's slope is almost 0."),
    Preset("tanh_unit_gradients", "tanh with N(0, 1): saturated, yet gradients explode", "pages/gradients.py",
           (("act", "tanh"), ("init", "normal"), ("std", "1")),
           "The same saturated net passes gradients back growing: the factor √(n·Var(w)·E[φ′²]) is about 3 per "
           "layer, because n·Var(w) = 256 outweighs the small slope E[φ′²] ≈ 0.03.",
           "Saturation makes each unit's slope small, but the backward pass sums over 256 units with weights of "
           "variance 1."),
    Preset("bn_gradients", "Batch norm at init: gradients explode", "pages/gradients.py",
           (("act", "relu"), ("init", "he_normal"), ("depth", "30"), ("bn", "true")),
           "With batch norm the forward spread is exactly level, yet the gradient reaching layer 1 is about 200x "
           "the last layer's: a known result for batch-normalized networks at initialization.",
           "Each BN layer divides the backward signal by the batch std and removes its mean and the component "
           "along x̂; at initialization this compounds into a gradient explosion (Yang et al. 2019)."),
    Preset("tanh_xavier", "tanh with Xavier: slowly shrinks", "pages/activations.py",
           (("act", "tanh"), ("init", "xavier_normal")),
           "Var(w) = 2/(n_in + n_out) keeps a linear layer's spread, but tanh squashes a little every layer: the "
           "spread shrinks slowly (0.626 → 0.229 over 10 layers), and ever more slowly, since a smaller z is "
           "squashed less: like 1/√(2l), not geometrically (0.074 at 100 layers)."),
    Preset("tanh_xavier_gain", "tanh with Xavier and gain 5/3: healthy", "pages/activations.py",
           (("act", "tanh"), ("init", "xavier_normal"), ("gain", "1.67")),
           "PyTorch's tanh gain 5/3 makes up for tanh's squashing: the spread stays level."),
    Preset("relu_xavier", "ReLU with Xavier: vanishes", "pages/activations.py",
           (("act", "relu"), ("init", "xavier_normal"), ("depth", "30")),
           "ReLU zeroes half its inputs, so each layer halves E[a²]: the spread falls ×0.71 per layer."),
    Preset("relu_he", "ReLU with He: healthy", "pages/activations.py",
           (("act", "relu"), ("init", "he_normal")),
           "Var(w) = 2/n_in makes up for the half: the spread stays level over 10 layers."),
    Preset("relu_he_deep", "ReLU with He, 30 layers: units die", "pages/activations.py",
           (("act", "relu"), ("init", "he_normal"), ("depth", "30")),
           "The spread stays level, but from about layer 13 over a fifth of the units output 0 for every example.",
           "Deep ReLU layers make the examples' activations more and more alike, so a unit that is off for one "
           "example tends to be off for all of them."),
    Preset("tanh_saturated_vanishing", "Saturated and vanishing: tanh with large random biases",
           "pages/gradients.py", (("act", "tanh"), ("init", "xavier_normal"), ("bias_std", "4")),
           "Biases N(0, 4²) push over half of tanh's units into its flat ends while n·Var(w) = 1: the backward "
           "factor √(n·Var(w)·E[φ′²]) is well below 1 and the gradients vanish.",
           "Saturation kills gradients only when the weights cannot make up for the small slope; with N(0, 1) "
           "weights in a 256-wide layer they can (see the N(0, 1) preset)."),
    Preset("bn_forward", "Batch norm fixes the forward pass of a bad init", "pages/activations.py",
           (("act", "tanh"), ("init", "normal"), ("std", "0.01"), ("bn", "true")),
           "The same tiny weights, every layer re-normalized: the spread no longer vanishes."),
    *(_race(key) for key in _RACE_LINKS),
    *(_theory(key) for key in _THEORY),
    *(_training(key) for key in training_presets.PRESETS),
]


def of_page(page: str) -> list[Preset]:
    return [p for p in PRESETS if p.page == page]


def matching(page: str, url: dict, controls) -> Preset | None:
    """The preset of this page whose link, written as the page writes links, is exactly `url` (if any)."""
    return next((p for p in of_page(page) if widgets.canonical(p.query, controls) == url), None)


def show_for(page: str, controls) -> Preset | None:
    """On a lesson page: the matching preset's claim and reason (if the settings are a preset's), then a
    collapsed list of this lesson's presets as links. Returns the matching preset."""
    import streamlit as st

    from ui import classroom
    if classroom.active():                      # a classroom link: no claims that give the answer away
        return None
    hit = matching(page, widgets.current(), controls)
    if hit is not None:
        st.info(f"**{hit.title}.** {hit.claim}" + (f"\n\n*Why:* {hit.why}" if hit.why else ""),
                icon=":material/school:")
    with st.expander("Classic set-ups for this lesson, one click each"):
        for p in of_page(page):
            link(p)
            st.caption(p.claim)
    return hit


def link(p: Preset) -> None:
    """A link that opens the preset."""
    page_link(p.page, p.title, p.query, ":material/play_arrow:")


def page_link(script: str, label: str, query: dict, icon: str, where=None) -> None:
    """st.page_link when the page runs under the router; a plain link when a page script runs on its own, as some
    tests and benchmarks run it."""
    import streamlit as st
    from streamlit.errors import StreamlitAPIException
    where = where or st
    try:
        where.page_link(script, label=label, query_params=query, icon=icon)
    except StreamlitAPIException:
        from urllib.parse import urlencode

        from lessons.catalog import LESSONS
        path = next(c.url_path for c in LESSONS if c.script == script)
        where.markdown(f"[{label}](/{path}?{urlencode(query, doseq=True)})")
