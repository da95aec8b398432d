"""What the init explorer asks: an initializer with its parameter, a layer's fans, the activation after it, a seed."""
from __future__ import annotations

from dataclasses import dataclass, replace

from engine import initializers
from lessons.network import settings as network
from ui import widgets
from ui.widgets import Number

PAGE = "init"
INIT = replace(network.INIT, label="Initializer", default="he_normal",
               help="How the weights of one dense layer W (fan_in × fan_out) are drawn.")
ACT = replace(network.ACTIVATION, label="Activation after this layer", default="relu",
              help="Decides which gain the layer needs (section 4).")
FAN_IN = Number("fan_in", "fan_in: inputs n_in", 1, 4096, 256, help="Rows of W: type any number from 1 to 4096.")
FAN_OUT = Number("fan_out", "fan_out: units n_out", 1, 4096, 128, help="Columns of W.")
SEED = network.SEED
CONTROLS = (INIT, *network.INIT_PARAMS.values(), FAN_IN, FAN_OUT, ACT, SEED)


@dataclass(frozen=True)
class Settings:
    init: str = INIT.default
    params: tuple = (("gain", 1.0),)     # sorted (name, value) pairs of the initializer's own parameters
    fan_in: int = FAN_IN.default
    fan_out: int = FAN_OUT.default
    activation: str = ACT.default
    seed: int = SEED.default

    @property
    def shape(self) -> tuple[int, int]:
        return self.fan_in, self.fan_out

    def widget_values(self) -> dict:
        return {"init": self.init, **dict(self.params), "fan_in": self.fan_in, "fan_out": self.fan_out,
                "act": self.activation, "seed": self.seed}


def render() -> Settings:
    """Check the link and draw the sidebar; returns the settings used."""
    widgets.show_notices(widgets.start(PAGE, CONTROLS))
    init = INIT.render()
    params = tuple(sorted((c.key, float(c.render())) for c in network.init_param_controls(init)))
    s = Settings(init, params, int(FAN_IN.render()), int(FAN_OUT.render()), ACT.render(), SEED.render())
    widgets.finish(PAGE, s.widget_values(), CONTROLS)
    return s


def gain_controls() -> tuple[str, ...]:
    """The initializers with a gain parameter (the ones a 'set gain' button can change)."""
    return tuple(n for n, spec in initializers.INITIALIZERS.items() if "gain" in spec.defaults)
