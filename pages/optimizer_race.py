"""Optimizer race: optimizers descending one 2-D loss surface from the same start, animated; the EMA behind them."""
import pandas as pd
import streamlit as st

from engine import ema, surfaces
from ui import charts, controls
from ui import race_controls as rc
from ui.cache import cached

TOL = 1e-3                                   # "reached the minimum": f - f* below this

st.title("Optimizer race")
st.markdown(
    "Several optimizers start from the same point of a 2-D loss surface and take the same number of steps. "
    "**Watch their paths on the contour map** (press ▶ Play to replay the race): plain SGD zig-zags across a "
    "narrow valley or crawls along it, momentum overshoots and swings back, Adam and RMSprop rescale each "
    "coordinate. The loss chart and the table say who got closest — and who blew up.")

predicted = rc.current_surface()
changed = rc.reset_on_surface_change(predicted)
moved = {c.key for c in rc.surface_dependent(predicted)} if changed else set()   # just reset: not from the link
controls.show_notices(controls.check_url([c for c in rc.all_controls(predicted) if c.key not in moved],
                                         extra_keys=moved))

side = st.sidebar
side.subheader("Surface")
name = rc.SURFACE.render(side)
if name != predicted:                          # cannot happen with a checked link; re-run with the drawn value
    st.rerun()
params = {}
if name == "bowl":
    params = {"condition": rc.CONDITION.render(side), "angle": rc.ANGLE.render(side)}
elif name == "regression":
    params = {"batch_size": rc.BATCH.render(side)}
surface = surfaces.make(name, **params)
side.caption("Switching the surface resets the learning rates and the start point to values tuned for it.")

side.subheader("Optimizers")
chosen = rc.OPT.render(side)
values = {}
for opt in chosen:
    values[f"lr_{opt}"] = rc.lr_control(opt, name).render(side)
    if rc.HYPER_CONTROLS[opt]:
        box = side.expander(f"{opt}: its other hyperparameters")
        values.update({c.key: c.render(box) for _, c in rc.HYPER_CONTROLS[opt]})
bias_correction = rc.BIAS_CORRECTION.render(side) if {"adam", "adamw"} & set(chosen) else True

side.subheader("Run")
steps = rc.STEPS.render(side)
start = tuple(c.render(side) for c in rc.start_controls(name))
noise = rc.NOISE.render(side)
seed = rc.SEED.render(side) if noise > 0 or params.get("batch_size", rc.N_POINTS) < rc.N_POINTS else 0
clip = rc.CLIP.render(side) if rc.CLIP_ON.render(side) else None

if not chosen:
    st.warning("Pick at least one optimizer in the sidebar to start the race.")
    st.stop()

st.markdown(f"**{surface.name}** — {surface.note}.")
st.latex(surface.latex)


@cached
def run_race(surface_name: str, surface_params: tuple, runs: tuple, start: tuple, steps: int, noise: float,
             clip, seed: int):
    """surfaces.race from plain arguments; runs = ((label, optimizer, sorted hyper items), ...)."""
    s = surfaces.make(surface_name, **dict(surface_params))
    return surfaces.race(s, {label: (opt, dict(hyper)) for label, opt, hyper in runs}, start, steps, rng=seed,
                         grad_noise=noise, clip=clip)


hypers = {opt: rc.hyper_of(opt, values, bias_correction) for opt in chosen}
runs = run_race(name, tuple(sorted(params.items())), tuple((o, o, tuple(sorted(h.items()))) for o, h in hypers.items()),
                start, steps, noise, clip, seed)

for note in charts.race.notes(surface, runs):
    st.warning(note, icon=":material/warning:" if "diverged" in note or "infinity" in note else ":material/north_east:")
left, right = st.columns([3, 2])
left.plotly_chart(charts.race.paths_figure(surface, runs), width="stretch", key="paths", theme=None)
right.plotly_chart(charts.race.loss_figure(surface, runs, TOL), width="stretch", key="loss", theme=None)

goal_text, _ = charts.race.goal(surface, TOL)
st.markdown(f"**Who got there?** A run has *reached* the goal once {goal_text}.")
rows = charts.race.summary(surface, runs, TOL)
table = pd.DataFrame(rows)
for col in table.columns:
    if col.startswith("first step"):                 # whole steps; a run that never got there stays empty
        table[col] = table[col].astype("Int64")
st.caption(f"An empty (None) step means the run did not get there within {steps} steps.")
st.dataframe(table, hide_index=True, width="stretch", column_config={
    col: st.column_config.NumberColumn(format="%.4g" if col.startswith(("learning", "distance")) else "%.3e")
    for col in table.columns if col.startswith(("final", "distance", "learning"))})

st.subheader("What to notice")
st.markdown(charts.race.verdict(rows, goal_text, steps))
for opt in chosen:
    st.latex(rc.update_rule(opt, hypers[opt]))
st.markdown("Here g is the gradient at the current point (plus noise, then clipped, if you chose so).")
if name == "bowl" and "sgd" in chosen:
    lr, kappa = hypers["sgd"]["lr"], params["condition"]
    st.markdown(
        f"On the bowl the curvatures are 1 (steep) and 1/κ = {1 / kappa:.3g} (flat). Each SGD step multiplies "
        f"the steep coordinate by 1 − η = {1 - lr:.3g} ({'it flips sign: zig-zag' if lr > 1 else 'no sign flip'}"
        f"{', and grows: divergence' if lr > 2 else ''}) and the flat one by 1 − η/κ = {1 - lr / kappa:.4g}: "
        "the flat direction sets the pace, and η cannot exceed 2 to fix it.")
    st.latex(rf"w_t^{{\text{{steep}}}} = (1-\eta)^t\,w_0,\qquad w_t^{{\text{{flat}}}} = (1-\eta/\kappa)^t\,w_0,"
             rf"\qquad \eta = {lr:g},\ \kappa = {kappa:g}")

with st.expander("The exponential moving average behind momentum and Adam", expanded=True) as panel:
    beta = rc.EMA_BETA.render(panel)
    b1, b2 = next((hypers[o]["betas"] for o in ("adam", "adamw") if o in hypers), (0.9, 0.999))
    g = ema.noisy_series(120, seed=0)
    st.plotly_chart(charts.race.ema_figure(g, ema.ema(g, beta), ema.ema(g, beta, bias_correction=True), beta),
                    width="stretch", key="ema", theme=None)
    st.markdown(
        f"Momentum and Adam average past gradients with an EMA. Started at m₀ = 0, its weights sum to "
        f"1 − βᵗ, so early values are too small: at t = 1, m₁ = {1 - beta:.3g}·g₁. Adam divides by 1 − βᵗ to undo it. "
        f"Adam's v (of g²) starts near 0 as well, so without the correction its first step is "
        f"(1 − β₁)/√(1 − β₂) = {(1 - b1) / (1 - b2) ** 0.5:.3g} times the corrected one (β₁ = {b1:g}, β₂ = {b2:g}).")
    st.latex(r"m_t = \beta\,m_{t-1} + (1-\beta)\,g_t = (1-\beta)\sum_{k=1}^{t}\beta^{t-k}g_k,\qquad"
             rf"\hat m_t = \frac{{m_t}}{{1-\beta^t}},\qquad \beta = {beta:g}")
    st.markdown(
        "The lecture's momentum, v = βv + (1−β)g and w −= αv, is torch's momentum (buf = β·buf + g, w −= lr·buf) "
        "with **lr = α(1 − β)**, exactly at every step when v₀ = 0 and torch's dampening is 0 (its default): "
        "torch's first step buf₁ = g₁ is just what buf₀ = 0 gives. (torch with dampening = β and lr = α "
        "instead equals the lecture form started from v₀ = g₁.)")
    st.latex(rf"v_t = (1-\beta)\,\mathrm{{buf}}_t \;\Rightarrow\; \alpha\,v_t = \alpha(1-\beta)\,\mathrm{{buf}}_t,"
             rf"\qquad \beta = {beta:g}:\ \alpha = 0.1 \leftrightarrow \mathrm{{lr}} = {0.1 * (1 - beta):.4g}")
