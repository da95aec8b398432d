"""The activations lesson's one cached engine call: the shared probe (a forward and backward pass)."""
from __future__ import annotations

from lessons.activations.settings import Settings
from lessons.network import probe


def run(s: Settings):
    """engine.probe's result for these settings (cached in lessons.network.probe.run)."""
    return probe.run(s.probe)
