"""The first run on screen as a runnable PyTorch script (and a Keras snippet): the same data, initial weights,
network, optimizer, schedule, batches and clipping. It prints every step's batch loss, as the lab's CSV has it.

"The lab's start" block draws the data and weights with NumPy exactly as the lab does (lessons/training/start.py);
then torch trains. tests/parity/test_exported_training.py runs the script against the engine: in float64 its loss
curve equals the engine's to ~1e-9 relative (the lab trains in float32, where the two agree to float32 rounding).
"""
from __future__ import annotations

from engine import optimizers
from lessons.network.code import KERAS_ACTIVATION, TORCH_ACTIVATION, _keras_init
from lessons.race.code import TORCH_OPTIMIZER
from lessons.training import start

SCHEDULERS = {
    "constant": "None",
    "step": "torch.optim.lr_scheduler.StepLR(opt, step_size=max(1, STEPS // 3), gamma=0.1)",
    "cosine": "torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=STEPS)",
    "warmup_cosine": ("torch.optim.lr_scheduler.LambdaLR(opt, lambda t: (t + 1) / W if t < W else "
                      "(1 + math.cos(math.pi * (t - W) / (STEPS - W))) / 2)"),
}
LSUV = '''
# LSUV (engine.lsuv): on the lab's batch, rescale each W until |Var(h) - 1| < 0.1 (at most 10 passes), layer by layer
with torch.no_grad():
    a = torch.from_numpy(np.random.default_rng((SEED, 1)).standard_normal((256, WIDTHS[0])).astype(DRAW))
    for block in model:
        linear = block[0]
        hw = a @ linear.weight.T
        scale, passes = 1.0, 0
        var = torch.var(hw.double() + linear.bias.double(), unbiased=False).item()
        while abs(var - 1) >= 0.1 and passes < 10 and 0 < var < math.inf:
            scale, passes = scale / math.sqrt(var), passes + 1
            var = torch.var(scale * hw.double() + linear.bias.double(), unbiased=False).item()
        linear.weight.mul_(scale)
        h = hw * scale + linear.bias
        z = nn.functional.batch_norm(h, None, None, block[1].weight, block[1].bias, True) if BN else h
        a = block[-1](z)
'''


def _optimizer(name: str, hyper: dict) -> str:
    """torch.optim.X(model.parameters(), ...) with the engine's resolved hyperparameters (torch's names)."""
    h = dict(optimizers.create(name, **hyper).hyper)
    h.pop("bias_correction", None)                  # torch's Adam always corrects (the lab's default too)
    return f"torch.optim.{TORCH_OPTIMIZER[name]}(model.parameters(), " + \
        ", ".join(f"{k}={tuple(v) if isinstance(v, list) else v!r}" for k, v in sorted(h.items())) + ")"


def _data(d, ds) -> str:
    if d.uploaded:
        return start.csv_block("your_file.csv")
    sklearn = "" if d.name in ("spiral", "xor") else "from sklearn import datasets as skdata\n\n"
    return sklearn + start.data_block(d.name, d.n, d.noise)


def lab_start(s, ds, dtype: str = "float32") -> str:
    """The NumPy block: data, split, standardization, initial weights and biases, exactly as the lab draws them."""
    run = s.run
    net = run.config(ds.n_features, ds.n_classes, dtype)
    return (f"SEED = {run.net.seed}\nDRAW = np.{dtype}           # the lab draws the weights in {dtype}\n\n"
            f"{_data(s.data, ds)}\n{start.split_block()}\n\n{start.init_block(net.init, dict(net.init_params))}\n\n"
            f"{start.weights_block(net.widths, net.bias, net.bias_std)}")


def _training(run, n_train: int) -> str:
    settings = run.train_settings(n_train)
    B = settings.batch_size
    clip = f"    torch.nn.utils.clip_grad_norm_(model.parameters(), {run.clip!r})\n" if run.clip else ""
    warm = "W = max(1, STEPS // 10)\n" if run.schedule == "warmup_cosine" else ""
    return f'''STEPS, BATCH = {settings.steps}, {B!r}      # BATCH None: the whole training set every step
opt = {_optimizer(run.optimizer, dict(run.hyper))}
{warm}sched = {SCHEDULERS[run.schedule]}
loss_fn = nn.CrossEntropyLoss()
X, Y = torch.from_numpy(X_train).to(DTYPE), torch.from_numpy(y_train)


def batches(n):
    """The lab's order: each epoch a permutation from one generator, cut into n // BATCH batches."""
    order = np.random.default_rng(SEED)
    while True:
        if BATCH is None:
            yield slice(None)
            continue
        perm = order.permutation(n)
        for i in range(n // BATCH):
            yield torch.from_numpy(perm[i * BATCH:(i + 1) * BATCH])


model.train()
for t, idx in zip(range(STEPS), batches(len(Y))):
    opt.zero_grad()
    loss = loss_fn(model(X[idx]), Y[idx])
    loss.backward()
{clip}    opt.step()
    if sched is not None:
        sched.step()
    print(f"step {{t}}: batch loss {{loss.item():.17g}}")

model.eval()                                   # inference mode: batch norm's running statistics
with torch.no_grad():
    right = (model(torch.from_numpy(X_test).to(DTYPE)).argmax(dim=1).numpy() == y_test).mean()
print(f"test accuracy {{right:.4f}}")
'''


def torch_script(s, ds, dtype: str = "float32") -> str:
    """A runnable PyTorch script for the first run of Settings s on the Dataset ds."""
    run = s.run
    net = run.config(ds.n_features, ds.n_classes, dtype)
    bn = "nn.BatchNorm1d(n_out, momentum=0.1, eps=1e-5, dtype=DTYPE), " if net.batch_norm else ""
    lsuv = LSUV if net.init == "lsuv" else ""
    return f'''"""Training Dynamics Lab: {net.depth - 1} hidden layers of {run.net.width} {net.activation} units,
{net.init} init, {run.optimizer} at lr {run.lr:g}, on {ds.name} ({len(ds.y_train)} training points).
Prints every step's batch loss."""
import math

import numpy as np
import torch
from torch import nn

DTYPE = torch.{dtype}

# ---- the lab's start: the same data and initial weights, drawn with NumPy exactly as the lab draws them ----
{lab_start(s, ds, dtype)}
# ---- the network in torch, from those weights (torch's Linear stores W transposed: (out, in)) ----
BN = {net.batch_norm}
blocks = []
for l, (W, b) in enumerate(zip(weights, biases)):
    n_in, n_out = W.shape
    linear = nn.Linear(n_in, n_out, dtype=DTYPE)
    with torch.no_grad():
        linear.weight.copy_(torch.from_numpy(W.T.copy()))
        linear.bias.copy_(torch.from_numpy(b.copy()))
    last = l == len(weights) - 1               # the output layer: logits (batch norm on it too, as the lab)
    blocks.append(nn.Sequential(linear, {bn}nn.Identity() if last else {TORCH_ACTIVATION[net.activation]}))
model = nn.Sequential(*blocks)
{lsuv}
# ---- training: the lab's optimizer, schedule, clipping and batches ----
{_training(run, len(ds.y_train))}'''


KERAS_OPTIMIZER = {"sgd": "SGD", "momentum": "SGD", "nesterov": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop",
                   "adam": "Adam", "adamw": "AdamW"}
KERAS_SCHEDULE = {   # the lab's schedules in Keras, over the run's steps (the step schedule: 0.1 every third)
    "constant": "{lr!r}",
    "step": "keras.optimizers.schedules.PiecewiseConstantDecay([{s3}, {s6}], [{lr!r}, {lr10!r}, {lr100!r}])",
    "cosine": "keras.optimizers.schedules.CosineDecay({lr!r}, decay_steps={steps})",
    "warmup_cosine": "keras.optimizers.schedules.CosineDecay(0.0, decay_steps={rest}, warmup_target={lr!r}, "
                     "warmup_steps={w})",
}


def _keras_optimizer(run, steps: int) -> str:
    h = dict(run.hyper)
    s3, w = max(1, steps // 3), max(1, steps // 10)
    lr = KERAS_SCHEDULE[run.schedule].format(lr=run.lr, lr10=run.lr * 0.1, lr100=run.lr * 0.01, s3=s3, s6=2 * s3,
                                             steps=steps, rest=steps - w, w=w)
    extra = {"momentum": f", momentum={h.get('momentum', 0.9)!r}",
             "nesterov": f", momentum={h.get('momentum', 0.9)!r}, nesterov=True"}.get(run.optimizer, "")
    if run.optimizer in ("adam", "adamw"):
        b1, b2 = h.get("betas", (0.9, 0.999))
        extra = f", beta_1={b1!r}, beta_2={b2!r}"
    if h.get("weight_decay"):            # Keras decouples it (AdamW's rule); the lab adds λw to g but in AdamW
        extra += f", weight_decay={h['weight_decay']!r}"
    clip = f", global_clipnorm={run.clip!r}" if run.clip else ""
    return f"keras.optimizers.{KERAS_OPTIMIZER[run.optimizer]}(learning_rate={lr}{extra}{clip})"


def keras_snippet(s, ds) -> str:
    """The same network, optimizer, schedule and clipping in Keras (kernels are (in, out), like the lab's W). Keras
    draws its own weights and batch order and keeps a short last batch, so its curve differs from the lab's by
    chance, not in kind."""
    run, net = s.run, s.run.net
    n_train = len(ds.y_train)
    steps, batch = run.steps(n_train), run.batch(n_train) or n_train
    bn = "model.add(layers.BatchNormalization(epsilon=1e-5, momentum=0.9))" if net.batch_norm else ""
    bias = (f"keras.initializers.RandomNormal({net.bias:g}, {net.bias_std:g})" if net.bias_std
            else f"keras.initializers.Constant({net.bias:g})")
    return f'''import keras
from keras import layers

# X_train, y_train, X_test, y_test: the lab's data, as the PyTorch script's start draws them
model = keras.Sequential([keras.Input(({ds.n_features},))])
for _ in range({net.depth}):
    model.add(layers.Dense({net.width}, kernel_initializer={_keras_init(net.init, dict(net.init_params))},
                           bias_initializer={bias})){bn and chr(10) + "    " + bn}
    model.add(layers.Activation({KERAS_ACTIVATION[net.activation]}))
model.add(layers.Dense({ds.n_classes}))                      # logits{bn and chr(10) + bn}
model.compile(optimizer={_keras_optimizer(run, steps)},
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
model.fit(X_train, y_train, batch_size={batch}, epochs={-(-steps // -(-n_train // batch))},   # {steps} steps
          validation_data=(X_test, y_test))
'''


def panel(s, ds) -> None:
    """An expander with the PyTorch script (copy or download) and the Keras snippet of the first run."""
    import streamlit as st
    with st.expander("This training as code: a PyTorch script and a Keras snippet"):
        st.caption("The script starts from the very same data and weights (drawn with NumPy as the lab draws them), "
                   "then trains in torch with the same optimizer, schedule, batches and clipping, and prints every "
                   "step's batch loss: in float64 it equals the lab's to about 1e-9, in float32 (as here) to "
                   "float32 rounding. The Keras snippet builds the same network and optimizer with Keras' own draws.")
        script = torch_script(s, ds)
        st.code(script, language="python")
        st.download_button("Download the PyTorch script", script, "training_dynamics_lab_training.py",
                           "text/x-python", key="download_torch")
        st.code(keras_snippet(s, ds), language="python")
