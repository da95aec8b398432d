"""The race's sidebar: seed the widgets (the surface first, since the other defaults depend on it), draw them,
and build the race's Settings; the URL is written with what was used."""
from __future__ import annotations

import streamlit as st

from lessons.race.settings import (
    ANGLE,
    BIAS_CORRECTION,
    CLIP,
    CLIP_ON,
    CONDITION,
    EMA_BETA,
    MINIBATCH,
    MOMENTUM_NAMES,
    N_POINTS,
    NOISE,
    OPT,
    PAGE,
    SEED,
    SURFACE,
    TOL,
    TUNE,
    TUNE_BETA,
    TWIN,
    Run,
    Settings,
    controls,
    hyper_controls,
    hyper_of,
    lr_control,
    start_controls,
    steps_control,
    surface_dependent,
    twin_controls,
    twin_label,
)
from ui import widgets

LAST_SURFACE = "_race_surface"


def _seed() -> tuple[str, list[str]]:
    """Seed the surface and the copy's optimizer, then every control with that surface's defaults.

    A surface switched by its widget resets the controls whose defaults belong to the surface.
    """
    from_link = widgets.source(PAGE)
    notices = widgets.seed(from_link, [SURFACE, TWIN])
    surface, twin = st.session_state[SURFACE.key], st.session_state[TWIN.key]
    last = st.session_state.get(LAST_SURFACE)
    st.session_state[LAST_SURFACE] = surface
    if not from_link and last is not None and last != surface:
        for c in surface_dependent(surface) + twin_controls(twin, surface):
            st.session_state[c.key] = c.default
    every = controls(surface, twin)
    notices += widgets.seed(from_link, [c for c in every if c.key not in (SURFACE.key, TWIN.key)])
    return surface, notices + widgets.unknown(from_link, [c.key for c in every])


def _surface(side, surface: str, values: dict) -> dict:
    side.subheader("Surface")
    values["surface"] = SURFACE.render(side)
    shown = {"bowl": (CONDITION, ANGLE), "regression": (MINIBATCH,)}.get(surface, ())
    values.update({c.key: c.render(side) for c in shown})
    side.caption("Switching the surface resets the learning rates, β, the start and the steps to values tuned "
                 "for it.")
    names = {"condition": "condition", "angle": "angle", "minibatch": "batch_size"}
    return {names[c.key]: values[c.key] for c in shown}


def _optimizers(side, surface: str, values: dict) -> None:
    side.subheader("Optimizers")
    values["opt"] = OPT.render(side)
    values["tune"] = TUNE.render(side)
    if values["tune"] and set(MOMENTUM_NAMES) & set(values["opt"]):
        values["tune_beta"] = TUNE_BETA.render(side)
    for name in values["opt"]:
        own = hyper_controls(name, surface)
        tuned_here = values["tune"] and not (name in MOMENTUM_NAMES and not values.get("tune_beta", True))
        shown = [c for engine_name, c in own if not (tuned_here and engine_name == "momentum"
                                                     and name in MOMENTUM_NAMES)]
        if not values["tune"]:
            values[f"lr_{name}"] = lr_control(name, surface).render(side)
        if shown:
            with side.expander(f"{name}: its other hyperparameters"):
                values.update({c.key: c.render(st) for c in shown})
    if {"adam", "adamw"} & set(values["opt"]):
        values["bias_correction"] = BIAS_CORRECTION.render(side)


def _twin(side, surface: str, values: dict) -> None:
    values["twin"] = TWIN.render(side)
    if values["twin"] != "none":
        with side.expander(f"the copy of {values['twin']}", expanded=True):
            st.caption("The copy keeps the learning rate and settings you give it here (it is never tuned).")
            values.update({c.key: c.render(st) for c in twin_controls(values["twin"], surface)})


def _run(side, surface: str, values: dict, surface_params: dict) -> None:
    side.subheader("Run")
    values["steps"] = steps_control(surface).render(side)
    for c in start_controls(surface):
        values[c.key] = c.render(side)
    values["tol"] = TOL.render(side)
    values["noise"] = NOISE.render(side)
    if values["noise"] > 0 or surface_params.get("batch_size", N_POINTS) < N_POINTS:
        values["seed"] = SEED.render(side)
    values["clip_on"] = CLIP_ON.render(side)
    if values["clip_on"]:
        values["clip"] = CLIP.render(side)


def _runs(surface: str, values: dict) -> tuple:
    """Run of every chosen optimizer, then the copy (if any); tune flags from the toggles."""
    state = st.session_state
    tune, tune_beta = values["tune"], values.get("tune_beta", True)
    hyper = {}
    for name in values["opt"]:
        got = {**{c.key: state[c.key] for _, c in hyper_controls(name, surface)}, **values}
        got.setdefault(f"lr_{name}", state.get(f"lr_{name}", lr_control(name, surface).default))
        hyper[name] = hyper_of(name, got, surface)
    runs = [Run(name, name, tuple(sorted(h.items())), tune, tune and tune_beta and name in MOMENTUM_NAMES)
            for name, h in hyper.items()]
    twin = values["twin"]
    if twin != "none":
        got = {**{c.key: state[c.key] for c in twin_controls(twin, surface)}, **values}
        h = hyper_of(twin, got, surface, twin=True)
        label = twin_label(twin, {k: v for k, v in h.items() if not (tune and k == "lr")},
                           {k: v for k, v in hyper.get(twin, {}).items() if not (tune and k == "lr")}
                           if twin in hyper else None)
        runs.append(Run(label, twin, tuple(sorted(h.items()))))
    return tuple(runs)


def render() -> Settings:
    """Check the link, draw the sidebar; returns the race's settings."""
    surface, notices = _seed()
    widgets.show_notices(notices)
    side, values = st.sidebar, {}
    surface_params = _surface(side, surface, values)
    _optimizers(side, surface, values)
    _twin(side, surface, values)
    _run(side, surface, values, surface_params)
    s = Settings(surface, tuple(sorted(surface_params.items())), _runs(surface, values),
                 (values["x0"], values["y0"]), values["steps"], values["tol"], values["noise"], values.get("seed", 0),
                 values["clip"] if values["clip_on"] else None, st.session_state.get(EMA_BETA.key, EMA_BETA.default))
    widgets.finish(PAGE, {**values, "ema_beta": s.ema_beta}, controls(surface, values["twin"]))
    return s


def start_from_click() -> None:
    """on_select of the paths map: a clicked point becomes the start (x0, y0), checked by their sliders' bounds."""
    points = st.session_state["paths"].selection.points
    if not points:
        return
    surface = st.session_state[SURFACE.key]
    x0, y0 = start_controls(surface)
    st.session_state[x0.key] = x0.check(points[0]["x"])
    st.session_state[y0.key] = y0.check(points[0]["y"])
