"""The training lesson's sidebar: seed every control from the link, draw the ones this setting uses, and build the
asked Settings; `finish` writes the settings used (after the work budget) back to the link."""
from __future__ import annotations

import streamlit as st

from lessons.network import settings as network
from lessons.training.settings import (
    ADAM_LIKE,
    BATCH_SIZE,
    BATCHING,
    BETA1,
    BETA2,
    CLIP,
    CLIP_ON,
    CMP_BATCHING,
    CMP_CLIP,
    CMP_OPT,
    COMPARE,
    CONTROLS,
    DATA,
    DATA_NOISE,
    DEPTH,
    EPOCHS,
    LR,
    MOMENTUM,
    MOMENTUM_LIKE,
    OPTIMIZER,
    PAGE,
    POINTS,
    SCHEDULE,
    STEPS,
    UNIT,
    WD,
    WIDTH,
    DataSettings,
    RunSettings,
    Settings,
    compared,
    hyper_of,
    widget_values,
)
from ui import widgets


def _data(side, values: dict) -> None:
    side.subheader("Data")
    values[DATA.key] = DATA.render(side)
    if values[DATA.key] != "csv":
        values.update({c.key: c.render(side) for c in (DATA_NOISE, POINTS)})
    else:
        side.caption("Upload the file above the charts. The link keeps every setting but the file.")


def _network(side, values: dict) -> None:
    side.subheader("Network")
    values.update({c.key: c.render(side) for c in (DEPTH, WIDTH, network.ACTIVATION, network.INIT)})
    values.update({c.key: c.render(side) for c in network.init_param_controls(values[network.INIT.key])})
    values.update({c.key: c.render(side) for c in (network.BIAS, network.BIAS_STD, network.BN, network.SEED)})


def _training(side, values: dict, state) -> None:
    """The optimizer and its hyperparameters (those of the comparison's optimizer too), batches, length, clipping."""
    side.subheader("Training")
    values[OPTIMIZER.key] = OPTIMIZER.render(side)
    values[LR.key] = LR.render(side)
    used = {values[OPTIMIZER.key], state[CMP_OPT.key]}
    if used & set(MOMENTUM_LIKE):
        values[MOMENTUM.key] = MOMENTUM.render(side)
    if used & set(ADAM_LIKE):
        values.update({c.key: c.render(side) for c in (BETA1, BETA2)})
    values[WD.key] = WD.render(side)
    values[BATCHING.key] = BATCHING.render(side)
    if "mini" in (values[BATCHING.key], state[CMP_BATCHING.key]):
        values[BATCH_SIZE.key] = BATCH_SIZE.render(side)
    values[UNIT.key] = UNIT.render(side)
    length = STEPS if values[UNIT.key] == "steps" else EPOCHS
    values[length.key] = length.render(side)
    values[SCHEDULE.key] = SCHEDULE.render(side)
    values[CLIP_ON.key] = CLIP_ON.render(side)
    if values[CLIP_ON.key] or state[CMP_CLIP.key] == "on":
        values[CLIP.key] = CLIP.render(side)


def _compare(side, values: dict, state) -> None:
    differs = any(state[c.key] != c.check(c.default) for c in COMPARE)
    with side.expander("Compare with a second run", expanded=differs):
        st.caption("The same data and seed, with the settings you change here; drawn in a second colour.")
        values.update({c.key: c.render(st) for c in COMPARE})


def _first_run(values: dict, state) -> RunSettings:
    net = network.from_widgets({network.SCALE.key: network.SCALE.default, **values})   # no extra multiplier here
    pick = lambda c: values.get(c.key, state.get(c.key, c.check(c.default)))  # noqa: E731  (drawn or seeded)
    every = {c.key: pick(c) for c in (MOMENTUM, BETA1, BETA2, WD, BATCH_SIZE, CLIP)}
    unit = values[UNIT.key]
    return RunSettings(net, values[OPTIMIZER.key], hyper_of(values[OPTIMIZER.key], every, values[LR.key]),
                       values[BATCHING.key], every[BATCH_SIZE.key], unit,
                       values[(STEPS if unit == "steps" else EPOCHS).key], values[SCHEDULE.key],
                       every[CLIP.key] if values[CLIP_ON.key] else None)


def render() -> tuple[Settings, dict]:
    """Check the link, draw the sidebar; returns the asked settings (before the work budget) and the widget values."""
    widgets.show_notices(widgets.start(PAGE, CONTROLS))
    side, state, values = st.sidebar, st.session_state, {}
    _data(side, values)
    _network(side, values)
    _training(side, values, state)
    _compare(side, values, state)
    first = _first_run(values, state)
    every = {**{c.key: state.get(c.key, c.check(c.default)) for c in CONTROLS}, **values}
    data = DataSettings(values[DATA.key], values.get(POINTS.key, POINTS.default),
                        values.get(DATA_NOISE.key, DATA_NOISE.default), first.net.seed)
    return Settings(data, first, compared(first, every)), every


def finish(s: Settings, values: dict) -> None:
    """Write the settings used into the link (the uploaded file cannot go there)."""
    widgets.finish(PAGE, widget_values(s, values), CONTROLS)
