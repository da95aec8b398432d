"""Optimizer race: optimizers descending one 2-D loss surface from the same start, animated; the EMA behind them."""
import pandas as pd
import streamlit as st

from engine import optimizers
from lessons.race import compute, figures, settings, text
from ui.show import show

TOL = 1e-3                                   # "reached the minimum": f - f* below this

st.title("Optimizer race")
st.markdown(text.INTRO)
s, values = settings.render()
if not s.runs:
    st.warning("Pick at least one optimizer in the sidebar to start the race.")
    st.stop()
surface = s.make_surface()
st.markdown(f"**{surface.name}** — {surface.note}.")
st.latex(surface.latex)
runs = compute.run(s)

for note in text.notes(surface, runs):
    st.warning(note, icon=":material/warning:" if "diverged" in note or "infinity" in note else ":material/north_east:")
left, right = st.columns([3, 2])
show(figures.paths_figure(surface, runs), left, key="paths")
show(figures.loss_figure(surface, runs, TOL), right, key="loss")

goal_text, _ = text.goal(surface, TOL)
st.markdown(f"**Who got there?** A run has *reached* the goal once {goal_text}.")
table = pd.DataFrame(text.summary(surface, runs, TOL))
for col in table.columns:
    if col.startswith("first step"):                 # whole steps; a run that never got there stays empty
        table[col] = table[col].astype("Int64")
st.caption(f"An empty (None) step means the run did not get there within {s.steps} steps.")
st.dataframe(table, hide_index=True, width="stretch", column_config={
    col: st.column_config.NumberColumn(format="%.4g" if col.startswith(("learning", "distance")) else "%.3e")
    for col in table.columns if col.startswith(("final", "distance", "learning"))})

st.subheader("What to notice")
st.markdown(text.verdict(text.summary(surface, runs, TOL), goal_text, s.steps))
for name in s.optimizers:
    st.latex(text.rule(name, optimizers.latex(name, **s.hyper(name))))
st.markdown("Here w is the position, g the gradient at it (plus noise, then clipped, if you chose so) and t the step.")
if s.surface == "bowl" and "sgd" in s.optimizers:
    md, latex = text.bowl_note(s.hyper("sgd")["lr"], dict(s.surface_params)["condition"])
    st.markdown(md)
    st.latex(latex)

with st.expander("The exponential moving average behind momentum and Adam", expanded=True) as panel:
    beta = settings.EMA_BETA.render(panel)
    betas = next((s.hyper(o)["betas"] for o in ("adam", "adamw") if o in s.optimizers), (0.9, 0.999))
    g, raw, corrected = compute.ema_panel(beta)
    show(figures.ema_figure(g, raw, corrected, beta), key="ema")
    first, rule, lecture, equal = text.ema_text(beta, betas)
    st.markdown(first)
    st.latex(rule)
    st.markdown(lecture)
    st.latex(equal)
