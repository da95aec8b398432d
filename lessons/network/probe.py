"""One forward and backward pass of the network on random data: what the activations and gradients lessons show.

ProbeSettings adds the data (batch, input distribution) and the loss to NetworkSettings; `budgeted` caps it
to the work budget and says so; `run` is the one cached engine call both lessons share.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from engine import probe as engine_probe
from lessons.network import budget
from lessons.network.settings import NetworkSettings
from ui.cache import cached
from ui.widgets import Choice, Slider

# widget / URL key -> ProbeSettings field
FIELDS = {"batch": "batch", "input": "input_dist"}
BATCH = Slider("batch", "batch B (examples)", 16, 2048, 256, 16)
INPUT = Choice("input", "input x", ("normal", "uniform"), "normal", radio=True,
               labels=(("normal", "N(0, 1)"), ("uniform", "U(−√3, √3)")))
CONTROLS = (BATCH, INPUT)


@dataclass(frozen=True)
class ProbeSettings:
    """A network, the random batch it sees and the loss at its output."""
    net: NetworkSettings = field(default_factory=NetworkSettings)
    batch: int = BATCH.default
    input_dist: str = INPUT.default
    loss: str = "mse"

    def widget_values(self) -> dict:
        return {**self.net.widget_values(), "batch": self.batch, "input": self.input_dist}


def budgeted(s: ProbeSettings, runs: int = 1, inits=()) -> tuple[ProbeSettings, list[str]]:
    """Cap depth (weights to draw) then batch (work per pass) so `runs` such networks redraw in time; notes say so."""
    notes, net = [], s.net
    worst = max((net.init, *inits), key=lambda i: budget.init_seconds(net.depth, net.width, i))
    depth = budget.cap_depth(net.depth, net.width, worst)
    if depth < net.depth:
        why = ("an orthogonal start needs a QR per layer" if worst in budget.QR_INITS
               else f"{net.depth * net.width ** 2 / 1e6:.0f}M weights are too many to draw for every slider move")
        notes.append(f"A {net.depth}-layer, {net.width}-wide network is too large here ({why}): showing its first "
                     f"{depth} layers, exactly as they are in the full network.")
        net = replace(net, depth=depth)
    batch = budget.cap_batch(net.depth, net.width, s.batch, runs, worst)
    if batch < s.batch:
        what = "network" if runs == 1 else f"network (× {runs} runs drawn together)"
        notes.append(f"Batch cut from {s.batch} to {batch} so this {net.depth}-layer, {net.width}-wide {what} "
                     "redraws in under a second.")
    return replace(s, net=net, batch=batch), notes


@cached
def run(s: ProbeSettings) -> engine_probe.ProbeResult:
    """engine.probe.probe for these settings (weights times the extra multiplier; the seed draws W and x)."""
    return engine_probe.probe(s.net.config(), batch=s.batch, input_dist=s.input_dist, loss=s.loss,
                              weight_scale=s.net.weight_scale, seed=s.net.seed)
