"""A training preset (engine/training_presets.py) as the training page's link: the first run through the page's own
controls, the second through the comparison's "cmp_*" controls. Settings equal to the page's defaults are left out.

tests/app/test_training.py checks that the page opened at each link trains exactly the preset's two runs.
"""
from __future__ import annotations

from engine import data, initializers
from engine.training_presets import PRESETS, run_settings
from lessons.training import settings as page


def _batching(batch_size) -> str:
    return {None: "full", 1: "stochastic"}.get(batch_size, "mini")


def _first(net: dict, train: dict) -> dict:
    """{key: value} of the first run's network and training."""
    out = {"depth": len(net["widths"]) - 2, "width": net["widths"][1], "act": net.get("activation", "tanh"),
           "init": net.get("init", "xavier_normal"), "bn": net.get("batch_norm", False),
           "optimizer": train.get("optimizer", "adam"), "lr": train["hyper"]["lr"],
           "batching": _batching(train.get("batch_size")), "clip_on": train.get("clip") is not None,
           "schedule": train.get("schedule", "constant")}
    out.update(net.get("init_params", {}))
    if out["batching"] == "mini":
        out["batch_size"] = train["batch_size"]
    if out["clip_on"]:
        out["clip"] = train["clip"]
    return out


def _second(first: dict, net: dict, train: dict) -> dict:
    """{cmp key: value} for what the second run changes (an initializer only with its default parameters)."""
    other = _first(net, train)
    init = other["init"]
    if init != first["init"]:
        defaults = dict(initializers.INITIALIZERS[init].defaults)
        assert {**defaults, **net.get("init_params", {})} == defaults, init
    out = {"cmp_init": init if init != first["init"] else page.SAME,
           "cmp_bn": ("on" if other["bn"] else "off") if other["bn"] != first["bn"] else page.SAME,
           "cmp_opt": other["optimizer"] if other["optimizer"] != first["optimizer"] else page.SAME,
           "cmp_lr": other["lr"] / first["lr"],
           "cmp_batching": other["batching"] if other["batching"] != first["batching"] else page.SAME,
           "cmp_clip": ("on" if other["clip_on"] else "off") if other["clip_on"] != first["clip_on"] else page.SAME}
    for key in ("batch_size", "clip"):
        if key in other:
            out[key] = other[key]
    return out


def _length(name: str, labels, trains) -> dict:
    """steps, or epochs when the two runs take different steps for the same epochs (their batch sizes differ)."""
    steps = [t.get("steps", 300) for t in trains]
    if len(set(steps)) == 1:
        return {"unit": "steps", "steps": steps[0]}
    n_train = len(data.make(**run_settings(name, labels[0])[0]).y_train)
    epochs = {s // (1 if t.get("batch_size") is None else n_train // t["batch_size"]) for s, t in zip(steps, trains)}
    assert len(epochs) == 1, (name, epochs)
    return {"unit": "epochs", "epochs": epochs.pop()}


def _url(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def query(name: str) -> tuple:
    """(key, value) pairs of the page's link for preset `name`, in the order of the page's controls."""
    labels = list(PRESETS[name]["runs"])[:2]
    (data_kw, net, train), (_, net2, train2) = (run_settings(name, label) for label in labels)
    first = _first(net, train)
    wanted = {"data": data_kw["name"], "points": data_kw["n"], "data_noise": data_kw["noise"], **first,
              **_second(first, net2, train2), **_length(name, labels, (train, train2))}
    controls = {c.key: c for c in page.CONTROLS}
    return tuple((c.key, _url(wanted[c.key])) for c in page.CONTROLS
                 if c.key in wanted and controls[c.key].check(wanted[c.key]) != controls[c.key].check(c.default))
