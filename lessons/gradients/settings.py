"""What the gradients lesson asks: the shared network and probe widgets, the loss, and the runs to overlay."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import streamlit as st

from engine import initializers
from lessons.network import budget, probe
from lessons.network import settings as network
from ui import widgets
from ui.widgets import Choice, LogSlider, MultiChoice, Toggle, log_options

PAGE = "gradients"
LOSS = Choice("loss", "loss at the output", ("mse", "projection"), "mse", radio=True,
              labels=(("mse", "MSE vs random targets"), ("projection", "random projection")))
COMPARE = MultiChoice("compare", "overlay initializers", tuple(initializers.INITIALIZERS), (),
                      help="Each with its default parameter and the same network and data")
COMPARE_BN = Toggle("compare_bn", "overlay the other batch-norm setting", False)
MAX_NORM = LogSlider("max_norm", "clip the total gradient norm to", log_options(-4, 4), 1.0,
                     help="torch.nn.utils.clip_grad_norm_: one norm over every layer's gradient")
CONTROLS = (*network.CONTROLS, *probe.CONTROLS, LOSS, COMPARE, COMPARE_BN, MAX_NORM)


@dataclass(frozen=True)
class Settings:
    probe: probe.ProbeSettings = field(default_factory=probe.ProbeSettings)
    compare: tuple = ()          # initializers to overlay, each with its default parameters
    compare_bn: bool = False     # overlay the same network with batch norm flipped
    max_norm: float = MAX_NORM.default

    def widget_values(self) -> dict:
        return {**self.probe.widget_values(), "loss": self.probe.loss, "compare": list(self.compare),
                "compare_bn": self.compare_bn, "max_norm": self.max_norm}

    def overlays(self) -> list[tuple[str, probe.ProbeSettings]]:
        """(label, settings) of every overlaid run: dataclasses.replace of the current one."""
        net = self.probe.net
        runs = [(init, replace(self.probe, net=replace(net, init=init, init_params=()))) for init in self.compare
                if init != net.init]
        if self.compare_bn:
            flipped = replace(net, batch_norm=not net.batch_norm)
            runs.append((flipped.label, replace(self.probe, net=flipped)))
        return runs


def _fit_overlays(s: Settings, depth: int) -> tuple[Settings, list[str]]:
    """Keep as many overlays as the work budget allows at this (capped) depth; say how many were left out."""
    wanted = [i for i in s.compare if i != s.probe.net.init]
    room = budget.max_runs(depth, s.probe.net.width) - 1
    kept_bn = s.compare_bn and room > len(wanted)
    kept = tuple(wanted[:room])
    dropped = len(wanted) - len(kept) + (s.compare_bn and not kept_bn)
    if not dropped:
        return s, []
    note = (f"Only {len(kept) + kept_bn} of the {len(wanted) + s.compare_bn} overlays are drawn: a "
            f"{depth}-layer, {s.probe.net.width}-wide network is too large to compute more at once.")
    return replace(s, compare=kept, compare_bn=kept_bn), [note]


def render() -> tuple[Settings, list[str]]:
    """Check the link, draw the sidebar, fit the work budget; returns the settings used and the notes."""
    widgets.show_notices(widgets.start(PAGE, CONTROLS))
    values = network.render_network()
    st.sidebar.subheader("Data and comparison")
    values.update({c.key: c.render() for c in (*probe.CONTROLS, LOSS, COMPARE, COMPARE_BN)})
    asked = probe.ProbeSettings(network.from_widgets(values), values["batch"], values["input"], values["loss"])
    wanted = Settings(asked, tuple(values["compare"]), values["compare_bn"],
                      st.session_state.get(MAX_NORM.key, MAX_NORM.default))
    s, notes = _fit_overlays(wanted, budget.cap_depth(asked.net.depth, asked.net.width, asked.net.init))
    used, budget_notes = probe.budgeted(asked, 1 + len(s.overlays()), [o.net.init for _, o in s.overlays()])
    s = replace(s, probe=used)
    widgets.finish(PAGE, s.widget_values(), CONTROLS)
    return s, budget_notes + notes
