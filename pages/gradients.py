"""Gradients: the norm of dL/dW and dL/da against depth, with a vanishing / healthy / exploding verdict."""
import streamlit as st

from lessons.gradients import compute, figures, settings, text
from ui.show import notes, show, verdict_box

st.title("Gradient norm vs depth")
st.markdown(text.INTRO)
s, budget_notes = settings.render()
notes(budget_notes)
result = compute.run(s)
runs = compute.overlays(s)

verdict_box(text.verdict(result))
for note in text.side_notes(result):
    if note.kind.value == "tiny":
        st.warning(f"Also: {note.text}.")
    else:
        st.caption(f":material/warning: {note.text}." + text.broken_suffix(note))

w_norms, a_norms = figures.norms(runs)
left, right = st.columns(2)
show(w_norms, left)
show(a_norms, right)

for column, (label, value, help_text) in zip(st.columns(4), text.metrics(result.stats)):
    column.metric(label, value, help=help_text)

left, right = st.columns([3, 2])
show(figures.histogram(result), left)
show(figures.factors(result, s.probe.net.batch_norm), right)

st.subheader("What to notice")
st.markdown(text.notice(result.stats))
st.latex(text.BACKWARD_RULE)
