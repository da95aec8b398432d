"""Parity with PyTorch: the same weights, data, optimizer, schedule, clipping and BN give the same batch-loss
curve, step by step, to about 1e-9 relative in float64 (torch.nn.Linear stores W transposed)."""
import inspect
import math

import numpy as np
import pytest

from engine import data, losses, optimizers, training
from engine.mlp import MLP, MLPConfig

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.parity

DS = data.make("moons", n=120, noise=0.2, seed=1)       # 90 training points
STEPS = 50
RTOL = 1e-9              # float64 rounding in another order, grown over 50 steps, stays far below this
ACTIVATIONS = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid, "linear": torch.nn.Identity}
TORCH_OPT = {"sgd": ("SGD", {}), "momentum": ("SGD", {"momentum": 0.9}), "nesterov": ("SGD", {"momentum": 0.9,
             "nesterov": True}), "adagrad": ("Adagrad", {}), "rmsprop": ("RMSprop", {}), "adam": ("Adam", {}),
             "adamw": ("AdamW", {})}


def torch_copy(config: MLPConfig):
    """torch.nn.Sequential with the engine's initial weights: Linear(W^T, b) [BatchNorm1d] activation, per layer."""
    engine_net, layers = MLP(config), []
    for l, (W, b) in enumerate(zip(engine_net.weights, engine_net.biases)):
        linear = torch.nn.Linear(*W.shape, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W.T.copy()))
            linear.bias.copy_(torch.from_numpy(b.copy()))
        layers.append(linear)
        if config.batch_norm:
            layers.append(torch.nn.BatchNorm1d(W.shape[1], momentum=0.1, eps=1e-5, dtype=torch.float64))
        last = l == engine_net.depth - 1
        layers.append(ACTIVATIONS[config.last_activation if last else config.activation]())
    return torch.nn.Sequential(*layers)


def torch_optimizer(name, hyper, params):
    """torch.optim's class for the engine's optimizer `name`, with the engine's resolved hyperparameters."""
    cls_name, preset = TORCH_OPT[name]
    cls = getattr(torch.optim, cls_name)
    resolved = optimizers.create(name, **hyper).hyper
    accepted = inspect.signature(cls).parameters
    return cls(params, **{k: v for k, v in {**resolved, **preset}.items() if k in accepted})


def torch_schedule(name, opt, steps):
    """torch's own schedulers where they exist; the warm-up by LambdaLR with the formula written out here."""
    if name == "step":
        return torch.optim.lr_scheduler.StepLR(opt, step_size=max(1, steps // 3), gamma=0.1)
    if name == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
    if name == "warmup_cosine":
        w = max(1, steps // 10)
        return torch.optim.lr_scheduler.LambdaLR(
            opt, lambda t: (t + 1) / w if t < w else (1 + math.cos(math.pi * (t - w) / (steps - w))) / 2)
    return None


def spec_batches(n, batch_size, seed):
    """The batches as the design states them, written out independently of engine.training."""
    rng = np.random.default_rng(seed)
    while True:
        perm = rng.permutation(n)
        for i in range(n // batch_size):
            yield perm[i * batch_size:(i + 1) * batch_size]


def torch_run(config, settings):
    """The batch losses of torch training torch_copy(config) as `settings` say, and the final model."""
    model = torch_copy(config)
    opt = torch_optimizer(settings.optimizer, settings.hyper, model.parameters())
    sched = torch_schedule(settings.schedule, opt, settings.steps)
    X, y = torch.from_numpy(DS.X_train.copy()), torch.from_numpy(DS.y_train.copy())
    k = len(DS.classes)
    loss_fn = torch.nn.CrossEntropyLoss() if settings.loss == "cross_entropy" else torch.nn.MSELoss()
    batches = spec_batches(len(y), settings.batch_size, settings.seed) if settings.batch_size else None
    out = []
    for _ in range(settings.steps):
        idx = next(batches) if batches else slice(None)
        xb, yb = X[idx], y[idx]
        target = yb if settings.loss == "cross_entropy" else torch.nn.functional.one_hot(yb, k).double()
        opt.zero_grad()
        loss = loss_fn(model(xb), target)
        loss.backward()
        if settings.clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), settings.clip)
        opt.step()
        if sched is not None:
            sched.step()
        out.append(loss.item())
    return np.array(out), model


def net(batch_norm=False, activation="tanh"):
    return MLPConfig((2, 16, 16, 16, 2), activation=activation, last_activation="linear", batch_norm=batch_norm,
                     dtype="float64", seed=2)


CASES = [  # optimizer, hyper (weight decay in some), schedule, clip, batch norm
    ("sgd", {"lr": 0.5}, "constant", None, False),
    ("momentum", {"lr": 0.1, "weight_decay": 1e-3}, "step", None, True),
    ("nesterov", {"lr": 0.1}, "cosine", 0.2, False),
    ("adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 1e-3}, "warmup_cosine", None, True),
    ("rmsprop", {"lr": 0.01, "momentum": 0.5, "centered": True}, "cosine", 0.3, True),
    ("adam", {"lr": 0.02, "weight_decay": 1e-3}, "warmup_cosine", 0.3, True),
    ("adamw", {"lr": 0.02, "betas": (0.8, 0.99)}, "step", 0.3, False),
]


def compare(config, settings):
    history = training.train(config, DS, settings)
    expected, model = torch_run(config, settings)
    assert history.diverged_step is None
    np.testing.assert_allclose(history.batch_loss, expected, rtol=RTOL, atol=0)
    return history, model


@pytest.mark.parametrize("name, hyper, schedule, clip, batch_norm", CASES)
def test_full_batch_loss_curve_equals_torch(name, hyper, schedule, clip, batch_norm):
    settings = training.TrainSettings(optimizer=name, hyper=hyper, steps=STEPS, clip=clip, schedule=schedule)
    history, model = compare(net(batch_norm), settings)
    if clip is not None:
        assert np.linalg.norm(history.grad_norm, axis=1).max() > 2 * clip     # clipping was at work
    if batch_norm and name not in ("sgd", "momentum", "nesterov"):
        return      # see below
    model.eval()                                     # the last record: inference mode, BN running statistics
    with torch.no_grad():
        logits = model(torch.from_numpy(DS.X_test.copy())).numpy()
    assert history.test_loss[-1] == pytest.approx(losses.cross_entropy(logits, DS.y_test)[0], rel=1e-7)


# Why not the test loss with BN and an adaptive optimizer: the bias of a layer followed by BN has a zero
# gradient in exact arithmetic, so both frameworks see rounding noise of ~1e-17 there, each its own.
# Adagrad, RMSprop and Adam divide by the gradient's own scale and turn that noise into steps of ~lr:
# the biases (and with them the BN running means) drift apart by ~1e-3 while every weight and gamma still
# agrees to 1e-8. Training mode subtracts the batch mean, so the batch losses above still agree; inference
# mode subtracts the running mean, which lags the drifting bias, so the test loss differs by ~1e-4.


@pytest.mark.parametrize("schedule", ["constant", "step", "cosine", "warmup_cosine"])
def test_every_schedule_with_sgd_momentum(schedule):
    compare(net(), training.TrainSettings(optimizer="momentum", hyper={"lr": 0.2}, steps=STEPS, schedule=schedule))


def test_mini_batches_with_the_same_indices():
    settings = training.TrainSettings(optimizer="adam", hyper={"lr": 0.01}, steps=STEPS, batch_size=16, seed=5,
                                      clip=1.0)
    compare(net(batch_norm=True), settings)


def test_mse_on_one_hot_targets_and_relu():
    compare(net(activation="relu"), training.TrainSettings(optimizer="sgd", hyper={"lr": 0.2}, steps=STEPS,
                                                           loss="mse"))


def test_losses_equal_torch():
    rng = np.random.default_rng(0)
    z, y = rng.standard_normal((7, 4)) * 5, rng.integers(0, 4, 7)
    zt = torch.from_numpy(z).requires_grad_()
    loss = torch.nn.CrossEntropyLoss()(zt, torch.from_numpy(y))
    loss.backward()
    ours, grad = losses.cross_entropy(z, y)
    assert ours == pytest.approx(loss.item(), rel=1e-14)
    np.testing.assert_allclose(grad, zt.grad.numpy(), rtol=1e-12, atol=1e-17)
    target = rng.standard_normal(z.shape)
    zt = torch.from_numpy(z).requires_grad_()
    loss = torch.nn.MSELoss()(zt, torch.from_numpy(target))
    loss.backward()
    ours, grad = losses.mse(z, target)
    assert ours == pytest.approx(loss.item(), rel=1e-14)
    np.testing.assert_allclose(grad, zt.grad.numpy(), rtol=1e-14)
