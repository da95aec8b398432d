"""Optimizer race: optimizers descending one 2-D loss surface from the same start, animated; the EMA behind them."""

import pandas as pd
import streamlit as st

from engine import optimizers
from lessons import presets
from lessons.race import charts, code, compute, settings, sidebar, text
from ui import classroom, predict, widgets
from ui.show import show

st.title("Optimizer race")
st.markdown(text.INTRO)
s = sidebar.render()
if not s.runs:
    st.warning("Pick at least one optimizer in the sidebar to start the race.")
    st.stop()
presets.show_for("pages/optimizer_race.py", s.controls())
classroom.apply()
classroom.share_panel(s.controls())
surface = s.make_surface()
st.markdown(f"**{surface.name}** — {surface.note}.")
st.latex(surface.latex)
with st.spinner("Tuning every learning rate for this race…"):
    used = compute.hypers(s)
    runs = compute.run(s)
if s.tuned:
    st.info(text.tuned_note(compute.tuned(s)), icon=":material/tune:")
predict.gate("Which run settles at the goal first?", (*s.labels, "none of them"),
             text.first_to_settle(surface, runs, s.tol), s)

for note in text.notes(surface, runs):
    st.warning(note, icon=":material/warning:" if "diverged" in note or "infinity" in note else ":material/north_east:")
left, right = st.columns([3, 2])
paths, loss = charts.race(s)
show(paths, left, key="paths", on_select=sidebar.start_from_click, selection_mode="points")  # a click sets the start
left.caption("Click anywhere on the map to start the race there.")
show(loss, right, key="loss")

st.markdown(f"**Who got there?** A run has *reached* the goal at the step from which {text.goal(surface, s.tol)} "
            "holds to the end of the race: touching it once and leaving again does not count.")
rows = text.summary(surface, runs, s.tol, used)
table = pd.DataFrame(rows)
column = text.reached_column(surface, s.tol)
table[column] = table[column].astype("Int64")         # whole steps; a run that never settled stays empty
st.caption(f"None means: the run did not settle there within {s.steps} steps (or, for momentum β: the optimizer "
           "has no heavy-ball β).")
plain = ("learning", "distance", "momentum")          # these as 4 digits, losses in e-notation
st.dataframe(table, hide_index=True, width="stretch", column_config={
    col: st.column_config.NumberColumn(format="%.4g" if col.startswith(plain) else "%.3e")
    for col in table.columns if col.startswith(("final", *plain))})
st.download_button("Download the loss per step (CSV)", lambda: text.loss_csv(runs),     # made on click
                   "race_loss_per_step.csv", "text/csv", key="download_csv")

code.panel(s, used)

st.subheader("What to notice")
st.markdown(text.verdict(rows, surface, s.tol, s.steps))
for run in s.runs:
    st.latex(text.rule(run.label, optimizers.latex(run.optimizer, **used[run.label])))
st.markdown("Here w is the position, g the gradient at it (plus noise, then clipped, if you chose so) and t the step.")
if s.surface == "bowl" and "sgd" in s.labels:
    md, latex = text.bowl_note(used["sgd"]["lr"], dict(s.surface_params)["condition"])
    st.markdown(md)
    st.latex(latex)



@st.fragment
def ema_panel(betas: tuple) -> None:
    """The EMA panel. A fragment: its beta slider reruns only this panel, not the race and its animation."""
    with st.expander("The exponential moving average behind momentum and Adam", expanded=True) as panel:
        beta = settings.EMA_BETA.render(panel)
        widgets.keep_in_url(settings.PAGE, settings.EMA_BETA, beta)
        show(charts.ema(beta), key="ema")
        first, rule, lecture, equal = text.ema_text(beta, betas)
        st.markdown(first)
        st.latex(rule)
        st.markdown(lecture)
        st.latex(equal)


ema_panel(next((used[r.label]["betas"] for r in s.runs if r.optimizer in ("adam", "adamw")), (0.9, 0.999)))
