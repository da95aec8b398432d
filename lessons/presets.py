"""One-click scenarios (Home lists them all): a lesson page and the link settings that set it up, and its claim."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    title: str
    page: str                 # script path, as registered in app.py
    params: tuple             # (key, value) pairs for the URL; a list value repeats the key
    lesson: str

    @property
    def query(self) -> dict:
        return dict(self.params)


PRESETS = [
    Preset("Zero init: symmetry never breaks", "pages/init_explorer.py", (("init", "zeros"),),
           "Every hidden unit gets the same update, forever."),
    Preset("tanh with N(0, 0.01²): activations vanish", "pages/activations.py",
           (("act", "tanh"), ("init", "normal"), ("std", "0.01")),
           "Each layer shrinks the signal about 6x."),
    Preset("tanh with N(0, 1): saturation", "pages/activations.py",
           (("act", "tanh"), ("init", "normal"), ("std", "1.0")),
           "Units pinned at ±1, slope 0."),
    Preset("tanh with Xavier: healthy", "pages/activations.py", (("act", "tanh"), ("init", "xavier_normal")),
           "Var(w) = 2/(n_in + n_out) keeps the spread."),
    Preset("ReLU with Xavier: slowly vanishes", "pages/activations.py",
           (("act", "relu"), ("init", "xavier_normal"), ("depth", "30")),
           "ReLU halves the variance each layer."),
    Preset("ReLU with He: healthy", "pages/activations.py",
           (("act", "relu"), ("init", "he_normal"), ("depth", "30")),
           "Var(w) = 2/n_in makes up for the half."),
    Preset("Batch norm rescues a bad init", "pages/activations.py",
           (("act", "tanh"), ("init", "normal"), ("std", "0.01"), ("bn", "true")),
           "Same tiny weights, every layer re-normalized."),
    Preset("Adam vs SGD on a ravine", "pages/optimizer_race.py",
           (("surface", "bowl"), ("condition", "50"), ("angle", "30"), ("opt", ["sgd", "adam"])),
           "A narrow tilted valley: SGD zig-zags, Adam rescales."),
]
