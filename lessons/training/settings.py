"""What the training lesson asks: the data, the shared deep-net controls, how to train, and an optional comparison run
that differs in a few settings (on the same data, from the same seed).

Keys shared with other lessons keep their bounds (the network's, the race's steps and clipping); the comparison's
controls are "cmp_*", each with "same" as its default: the comparison exists when one of them differs.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from engine import data, initializers, optimizers, schedules, training
from engine.mlp import MLPConfig
from lessons.network import settings as network
from lessons.network.settings import NetworkSettings
from lessons.race.settings import CLIP, CLIP_ON
from ui.widgets import Choice, LogSlider, Slider, log_options

PAGE = "training"
UPLOAD = "csv"                       # the data choice that trains on the student's own file
SAME = "same"                        # a comparison control's default: as in the first run
ADAM_LIKE, MOMENTUM_LIKE = ("adam", "adamw"), ("momentum", "nesterov")

DATA = Choice("data", "data set", (*data.DATASETS, UPLOAD), "spiral",
              labels=((UPLOAD, "your own CSV (upload)"),), help="Each set's own line is shown above the charts")
DATA_NOISE = Slider("data_noise", "noise σ of the data", 0.0, 1.0, 0.05, 0.05,
                    help="Gaussian noise added to every point (digits: to every pixel, in [0, 1])")
POINTS = Slider("points", "points n (training + test)", 100, 2000, 400, 50,
                help="A quarter is kept apart for testing; digits has 1797 images at most")
DEPTH = replace(network.DEPTH, label="hidden layers L", default=6)
WIDTH = replace(network.WIDTH, label="width n (units per hidden layer)", default=32)
NETWORK = (DEPTH, WIDTH, network.ACTIVATION, network.INIT, *network.INIT_PARAMS.values(), network.BIAS,
           network.BIAS_STD, network.BN, network.SEED)
OPTIMIZER = Choice("optimizer", "optimizer", tuple(optimizers.OPTIMIZERS), "adam")
LR = LogSlider("lr", "learning rate η", log_options(-5, 1), 0.01)
MOMENTUM = Slider("momentum", "momentum β", 0.01, 0.99, 0.9, 0.01, help="momentum and Nesterov: buf ← β buf + g")
BETA1 = Slider("beta1", "β₁ (average of g)", 0.0, 0.99, 0.9, 0.01)
BETA2 = Slider("beta2", "β₂ (average of g²)", 0.9, 0.9999, 0.999, 0.0001, fmt="%.4f")
WD = Slider("wd", "weight decay λ", 0.0, 0.1, 0.0, 0.0001, fmt="%.4f",
            help="AdamW: decoupled, w ← w (1 − ηλ) each step; the others add λw to the gradient (L2)")
BATCHING = Choice("batching", "each step trains on", ("full", "mini", "stochastic"), "mini", radio=True,
                  labels=(("full", "full batch: every training point"), ("mini", "a mini-batch of B points"),
                          ("stochastic", "one point (B = 1)")))
BATCH_SIZE = Slider("batch_size", "mini-batch size B", 2, 512, 128)
UNIT = Choice("unit", "train for a number of", ("steps", "epochs"), "steps", radio=True)
STEPS = replace(Slider("steps", "steps", 10, 1000, 300, 10), help="One step: one batch, one update")
EPOCHS = Slider("epochs", "epochs", 1, 100, 10, help="One epoch: every training point once")
SCHEDULE = Choice("schedule", "learning-rate schedule", schedules.SCHEDULES, "constant")
CMP_INIT = Choice("cmp_init", "initializer", (SAME, *initializers.INITIALIZERS), SAME,
                  help="With its default parameter")
CMP_BN = Choice("cmp_bn", "batch norm", (SAME, "on", "off"), SAME)
CMP_OPT = Choice("cmp_opt", "optimizer", (SAME, *optimizers.OPTIMIZERS), SAME)
CMP_LR = LogSlider("cmp_lr", "learning rate × (times the first run's)", log_options(-2, 2), 1.0)
CMP_BATCHING = Choice("cmp_batching", "each step trains on", (SAME, "full", "mini", "stochastic"), SAME)
CMP_CLIP = Choice("cmp_clip", "gradient clipping", (SAME, "on", "off"), SAME)
COMPARE = (CMP_INIT, CMP_BN, CMP_OPT, CMP_LR, CMP_BATCHING, CMP_CLIP)
TRAINING = (OPTIMIZER, LR, MOMENTUM, BETA1, BETA2, WD, BATCHING, BATCH_SIZE, UNIT, STEPS, EPOCHS, SCHEDULE, CLIP_ON,
            CLIP)
CONTROLS = (DATA, DATA_NOISE, POINTS, *NETWORK, *TRAINING, *COMPARE)


@dataclass(frozen=True)
class DataSettings:
    """A generated data set, or the student's file (by its digest: the file itself lives only in the session)."""
    name: str = DATA.default
    n: int = POINTS.default
    noise: float = DATA_NOISE.default
    seed: int = 0                      # the network's seed: the same seed draws the same data and weights
    upload: str = ""                   # digest of the uploaded file (name == UPLOAD)

    @property
    def uploaded(self) -> bool:
        return self.name == UPLOAD


@dataclass(frozen=True)
class RunSettings:
    """One training run: the network (depth = hidden layers) and how it trains."""
    net: NetworkSettings
    optimizer: str = OPTIMIZER.default
    hyper: tuple = (("lr", LR.default),)   # sorted (name, value) pairs for engine.optimizers.create
    batching: str = BATCHING.default
    batch_size: int = BATCH_SIZE.default   # B of a mini-batch
    unit: str = UNIT.default
    length: int = STEPS.default            # in steps or epochs (unit)
    schedule: str = SCHEDULE.default
    clip: float | None = None

    @property
    def lr(self) -> float:
        return dict(self.hyper)["lr"]

    def config(self, n_features: int, n_classes: int, dtype: str = "float32") -> MLPConfig:
        """n_features -> width x depth -> n_classes, a linear last layer (the logits)."""
        widths = (n_features,) + (self.net.width,) * self.net.depth + (n_classes,)
        return self.net.config(widths=widths, last_activation="linear", dtype=dtype)

    def batch(self, n_train: int) -> int | None:
        """None for full batch, 1 for stochastic, else B."""
        return {"full": None, "stochastic": 1}.get(self.batching, self.batch_size)

    def steps(self, n_train: int) -> int:
        """Steps of the run: `length` steps, or `length` epochs of n_train // B steps (1 for full batch)."""
        if self.unit == "steps":
            return self.length
        B = self.batch(n_train)
        return self.length * (1 if B is None else n_train // B)

    def train_settings(self, n_train: int) -> training.TrainSettings:
        return training.TrainSettings(optimizer=self.optimizer, hyper=dict(self.hyper), steps=self.steps(n_train),
                                      batch_size=self.batch(n_train), clip=self.clip, schedule=self.schedule,
                                      seed=self.net.seed)


@dataclass(frozen=True)
class Settings:
    data: DataSettings
    run: RunSettings
    compare: RunSettings | None = None     # the comparison run: dataclasses.replace of `run`
    grid: int = 0                          # the decision boundary's grid (points per side; 0: not 2-D data)

    @property
    def runs(self) -> tuple[RunSettings, ...]:
        return (self.run,) if self.compare is None else (self.run, self.compare)

    def each(self, **fields) -> Settings:
        """These RunSettings fields set on both runs (the budget caps both alike)."""
        return replace(self, run=replace(self.run, **fields),
                       compare=None if self.compare is None else replace(self.compare, **fields))

    def each_net(self, **fields) -> Settings:
        """These NetworkSettings fields set on both runs' networks."""
        nets = [replace(r.net, **fields) for r in self.runs]
        return replace(self, run=replace(self.run, net=nets[0]),
                       compare=None if self.compare is None else replace(self.compare, net=nets[1]))


def hyper_of(optimizer: str, values: dict, lr: float) -> tuple:
    """The engine hyperparameters of `optimizer` from the widget values: lr, its own, and weight decay."""
    hyper = {"lr": lr, "weight_decay": values[WD.key]}
    if optimizer in MOMENTUM_LIKE:
        hyper["momentum"] = values[MOMENTUM.key]
    if optimizer in ADAM_LIKE:
        hyper["betas"] = (values[BETA1.key], values[BETA2.key])
    return tuple(sorted(hyper.items()))


def compared(first: RunSettings, values: dict) -> RunSettings | None:
    """The comparison run: the first with what the cmp_* values change (None when none changes anything)."""
    net, init = first.net, values[CMP_INIT.key]
    if init != SAME:
        net = replace(net, init=init, init_params=tuple(sorted(initializers.INITIALIZERS[init].defaults.items())))
    if values[CMP_BN.key] != SAME:
        net = replace(net, batch_norm=values[CMP_BN.key] == "on")
    optimizer = first.optimizer if values[CMP_OPT.key] == SAME else values[CMP_OPT.key]
    lr = LR.check(first.lr * values[CMP_LR.key])
    batching = first.batching if values[CMP_BATCHING.key] == SAME else values[CMP_BATCHING.key]
    clip = {"on": values[CLIP.key], "off": None}.get(values[CMP_CLIP.key], first.clip)
    second = replace(first, net=net, optimizer=optimizer, hyper=hyper_of(optimizer, values, lr), batching=batching,
                     clip=clip)
    return None if second == first else second


def widget_values(s: Settings, values: dict) -> dict:
    """{widget key: value} the page used: the data, the network, the first run, and the comparison's keys."""
    run, net = s.run, s.run.net
    used = {DATA.key: s.data.name, **net.widget_values(), DEPTH.key: net.depth, WIDTH.key: net.width}
    used.pop(network.SCALE.key, None)
    if not s.data.uploaded:
        used.update({POINTS.key: s.data.n, DATA_NOISE.key: s.data.noise})
    used.update({OPTIMIZER.key: run.optimizer, LR.key: run.lr, WD.key: dict(run.hyper)["weight_decay"],
                 BATCHING.key: run.batching, UNIT.key: run.unit, SCHEDULE.key: run.schedule,
                 CLIP_ON.key: run.clip is not None, (STEPS if run.unit == "steps" else EPOCHS).key: run.length})
    optimizers_used = {r.optimizer for r in s.runs}
    if optimizers_used & set(MOMENTUM_LIKE):
        used[MOMENTUM.key] = values[MOMENTUM.key]
    if optimizers_used & set(ADAM_LIKE):
        used.update({BETA1.key: values[BETA1.key], BETA2.key: values[BETA2.key]})
    if "mini" in {r.batching for r in s.runs}:
        used[BATCH_SIZE.key] = s.compare.batch_size if s.compare else run.batch_size
    if any(r.clip is not None for r in s.runs):
        used[CLIP.key] = next(r.clip for r in s.runs if r.clip is not None)
    used.update({c.key: values[c.key] for c in COMPARE})
    return used
