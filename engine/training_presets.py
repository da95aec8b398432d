"""The training lesson's presets: each one's settings as plain data and the claim its numbers bear out (written once).

A preset is `data` (engine.data.make kwargs), `net` (MLPConfig kwargs), `train` (TrainSettings kwargs) and `runs`
(label -> {"net": ..., "train": ...} overrides). The page trains the first two runs, the second as its comparison
run; a third, where there is one, is what the `why` invites the student to try (one click on the comparison).
tests/engine/test_training_claims.py checks every claim on the History numbers at 4 seeds (data, weights and batch
order all move with the seed); the training page opens each preset (lessons/presets.py) and
tests/app/test_presets.py checks the claim on the numbers the page shows (the claims are the page's words).
"""
from __future__ import annotations

from types import MappingProxyType


def _net(widths, **kwargs) -> MappingProxyType:
    return MappingProxyType({"widths": widths, "last_activation": "linear", "dtype": "float32", **kwargs})


def _preset(**fields) -> MappingProxyType:
    return MappingProxyType(fields)


CIRCLES = MappingProxyType({"name": "circles", "n": 400, "noise": 0.1})
MOONS = MappingProxyType({"name": "moons", "n": 400, "noise": 0.15})
DEEP_RELU = _net((2,) + (32,) * 6 + (2,), activation="relu", init="he_normal")

PRESETS = MappingProxyType({
    "symmetry": _preset(      # 1. zero and constant init: every hidden unit stays a copy of its neighbours
        title="Constant init: symmetry never breaks",
        data=CIRCLES, net=_net((2, 16, 16, 16, 2), activation="tanh"),
        train={"optimizer": "adam", "hyper": {"lr": 0.01}, "steps": 300, "batch_size": 64},
        runs={"constant": {"net": {"init": "constant", "init_params": {"value": 0.5}}},
              "xavier": {"net": {"init": "xavier_normal"}},
              "zeros": {"net": {"init": "zeros"}}},
        claim="With every weight 0.5, each hidden layer keeps 1 distinct unit of 16 for all 300 steps, so the net "
              "can only draw one straight boundary (test accuracy below 70%); from Xavier's random start it keeps "
              "16 distinct units and learns the rings (over 90%).",
        why="Units with equal weights compute equal outputs and get equal gradients: no update can tell them apart. "
            "Zero init is the same trap, worse: every hidden gradient is 0 and the net stays at chance (set the "
            "comparison's initializer to zeros)."),
    "small_init": _preset(    # 2. N(0, 0.01) in a deep tanh net: the signal and its gradient vanish
        title="Tiny weights in a deep tanh net: nothing learns",
        data=CIRCLES, net=_net((2,) + (32,) * 6 + (2,), activation="tanh"),
        train={"optimizer": "sgd", "hyper": {"lr": 0.3}, "steps": 300, "batch_size": 64},
        runs={"small": {"net": {"init": "normal", "init_params": {"std": 0.01}}},
              "xavier": {"net": {"init": "xavier_normal"}}},
        claim="From N(0, 0.01²) weights the loss stays within 1% of its start and the test accuracy at chance for "
              "all 300 SGD steps; the same net from Xavier's start learns the rings (over 90%).",
        why="Each layer multiplies the signal's spread by about √32 · 0.01 ≈ 0.06 and the gradient on its way back "
            "by as much: after 6 layers almost nothing reaches the first weights, and nothing moves."),
    "batch_norm_lr": _preset(  # 3. BN trains at 10x the learning rate that plain SGD survives
        title="Batch norm trains at 10x the learning rate",
        data=MOONS, net=DEEP_RELU,
        train={"optimizer": "sgd", "hyper": {"lr": 1.0}, "steps": 300, "batch_size": 64},
        runs={"plain_10x": {}, "bn_10x": {"net": {"batch_norm": True}},
              "plain": {"train": {"hyper": {"lr": 0.1}}}},
        claim="At learning rate 1 the plain 6-layer ReLU net blows up in its first steps (or all its ReLUs die); "
              "with batch norm the same rate trains it to over 90% test accuracy.",
        why="Batch norm divides each layer's pre-activations by their batch std, so a large step in the weights "
            "cannot blow up the signal. Without it this net needs a tenth of the rate: at 0.1 it trains (set the "
            "learning rate to 0.1)."),
    "clipping": _preset(      # 4. the same too-large step, with the gradient's norm capped at 1
        title="Gradient clipping rescues a diverging run",
        data=MOONS, net=DEEP_RELU,
        train={"optimizer": "sgd", "hyper": {"lr": 1.0}, "steps": 300, "batch_size": 64},
        runs={"no_clip": {}, "clip": {"train": {"clip": 1.0}}},
        claim="At learning rate 1 this 6-layer ReLU net blows up in its first steps (or all its ReLUs die); with "
              "the gradient's norm clipped at 1 the same run learns (over 90% test accuracy).",
        why="The first gradients are large, and one step of lr × a large gradient throws the weights far off. "
            "Clipping rescales the gradient to norm 1 whenever it is larger, so no step is longer than the rate."),
    "he_vs_xavier": _preset(  # 5. a 20-layer ReLU net: Xavier halves the signal's variance at every layer
        title="He vs Xavier on a 20-layer ReLU net",
        data=CIRCLES, net=_net((2,) + (32,) * 20 + (2,), activation="relu"),
        train={"optimizer": "sgd", "hyper": {"lr": 0.01}, "steps": 300, "batch_size": 64},
        runs={"he": {"net": {"init": "he_normal"}}, "xavier": {"net": {"init": "xavier_normal"}}},
        claim="He init keeps the signal's variance through 20 ReLU layers and its loss falls by over 40% in 300 "
              "steps; Xavier's first-layer gradient starts over 100x smaller than He's and its loss keeps over 95% "
              "of its start.",
        why="ReLU zeroes half its inputs, so a layer passes on n·Var(w)/2 of the variance: He's Var(w) = 2/n makes "
            "up for it, Xavier's 1/n halves it at every layer ((1/√2)¹⁹ ≈ 1/700 at layer 1). Xavier's test "
            "accuracy can still wander above chance: its outputs all sit near 50/50, and tiny differences decide "
            "the class."),
    "optimizers": _preset(    # 6. the same learning rate: plain steps, accumulated steps, per-weight scaled steps
        title="SGD vs Adam at the same learning rate",
        data=MOONS, net=_net((2, 32, 32, 32, 2), activation="relu", init="he_normal"),
        train={"hyper": {"lr": 0.01}, "steps": 300, "batch_size": 64},
        runs={"sgd": {"train": {"optimizer": "sgd"}}, "adam": {"train": {"optimizer": "adam"}},
              "momentum": {"train": {"optimizer": "momentum"}}},
        claim="At learning rate 0.01, after 300 steps Adam's training loss is over 5x lower than plain SGD's.",
        why="SGD steps lr × g, tiny where the gradient is small; Adam steps about lr on every weight, whatever its "
            "gradient's scale. Momentum lies between (set the comparison's optimizer to momentum): its steps "
            "accumulate about 1/(1 − 0.9) = 10x along a steady slope."),
    "batch_size": _preset(    # 7. 10 epochs each (150 training points): 1, 10 and 150 steps an epoch
        title="Full batch vs mini-batches over the same epochs",
        data=MappingProxyType({"name": "moons", "n": 200, "noise": 0.15}), net=_net((2, 16, 16, 2), activation="tanh"),
        train={"optimizer": "sgd", "hyper": {"lr": 0.05}},
        runs={"full": {"train": {"batch_size": None, "steps": 10}},
              "mini": {"train": {"batch_size": 15, "steps": 100}},
              "stochastic": {"train": {"batch_size": 1, "steps": 1500}}},
        claim="Over the same 10 epochs, full batch takes 10 smooth steps (its loss never rises); mini-batches of 15 "
              "take 100 noisy ones (the batch loss rises on over 30% of them) and end with a lower training loss.",
        why="Each mini-batch's gradient is a noisy estimate of the full one, but there are 10 of them an epoch for "
            "the same compute. One example a step (set the comparison's batching to stochastic) is noisier still "
            "and goes further still, after 1500 steps."),
    "ioffe_szegedy": _preset(  # 8. their MNIST set-up in small: digits, 3 sigmoid layers, small Gaussian init, SGD
        title="Ioffe & Szegedy in small: digits with and without batch norm",
        data=MappingProxyType({"name": "digits", "n": 1000, "noise": 0.0}),          # 100 images of each digit
        net=_net((64, 96, 96, 96, 10), activation="sigmoid", init="normal", init_params={"std": 0.1}),
        train={"optimizer": "sgd", "hyper": {"lr": 1.0}, "steps": 300, "batch_size": 60},
        runs={"plain": {}, "bn": {"net": {"batch_norm": True}}},
        claim="Three sigmoid layers of 96 from N(0, 0.1²), SGD at rate 1: with batch norm the net passes 90% test "
              "accuracy on the digits within 50 steps; without it, it takes over 5x as long.",
        why="Their MNIST figure in small (their layers had 100 units; the width slider's step is 8). Batch norm "
            "keeps each layer's input distribution steady, so the sigmoids stay in their sensitive middle and a "
            "large rate works."),
})


def run_settings(name: str, label: str, seed: int = 0) -> tuple[dict, dict, dict]:
    """(data, net, train) kwargs of one run of a preset, every seed (data, weights, batch order) moved by `seed`."""
    preset = PRESETS[name]
    over = preset["runs"][label]
    data = {**preset["data"], "seed": preset["data"].get("seed", 0) + seed}
    net = {**preset["net"], **over.get("net", {})}
    train = {**preset["train"], **over.get("train", {})}
    net["seed"], train["seed"] = net.get("seed", 0) + seed, train.get("seed", 0) + seed
    return data, net, train
