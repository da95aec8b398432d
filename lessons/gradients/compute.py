"""The gradients lesson's cached engine calls: the current network and each overlay, one shared probe each."""
from __future__ import annotations

from lessons.gradients.settings import Settings
from lessons.network import probe


def run(s: Settings):
    """The current network's ProbeResult (cached in lessons.network.probe.run)."""
    return probe.run(s.probe)


def overlays(s: Settings) -> dict:
    """{label: layer stats} of the current run (first) and every overlay, for the gradient-norm charts."""
    runs = {f"{s.probe.net.label} (current)": run(s).stats}
    runs.update({label: probe.run(other).stats for label, other in s.overlays()})
    return runs
