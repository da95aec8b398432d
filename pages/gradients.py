"""Gradients: the norm of dL/dW and dL/da against depth, with a vanishing / healthy / exploding verdict."""
import streamlit as st

from engine.verdict import Kind
from lessons import presets
from lessons.gradients import charts, compute, settings, text
from lessons.network import code
from lessons.network import text as network_text
from lessons.network import theory as mean_field
from ui import classroom, predict
from ui.show import notes, show, verdict_box

st.title("Gradient norm vs depth")
st.markdown(text.INTRO)
s, budget_notes = settings.render()
notes(budget_notes)
presets.show_for("pages/gradients.py", settings.CONTROLS)
classroom.apply()
classroom.share_panel(settings.CONTROLS)
result = compute.run(s)

verdict = text.verdict(result)
predict.gate(network_text.PREDICT_BACKWARD, network_text.PREDICT_OPTIONS[:3],
             network_text.trend_word(verdict), s)
verdict_box(verdict)
for note in text.side_notes(result):
    if note.kind is Kind.TINY:
        st.warning(f"Also: {note.text}.")
    else:
        st.caption(f":material/warning: {note.text}." + text.broken_suffix(note))
for note in (text.batch_norm_note(result) if s.probe.net.batch_norm else None,
             network_text.saturation_note(result.stats, s.probe.net)):
    if note:
        st.info(note, icon=":material/compare_arrows:")

w_norms, a_norms = charts.norms(s)
left, right = st.columns(2)
show(w_norms, left)
show(a_norms, right)
mean_field_note = mean_field.grad_note(s.probe.net, result.stats)
if mean_field_note:
    st.caption(f":material/functions: {mean_field_note}")

for column, (label, value, help_text) in zip(st.columns(4), text.metrics(result.stats)):
    column.metric(label, value, help=help_text)

left, right = st.columns([3, 2])
show(charts.histogram(s.probe), left)
show(charts.factors(s.probe), right)

st.subheader("What to notice")
st.markdown(text.notice(result.stats, s.probe.net.batch_norm))
st.latex(text.BACKWARD_RULE)

st.subheader("Clipping a deep network's gradient")
settings.MAX_NORM.render(st)
clip = compute.clipped(result.stats, s.max_norm)
show(charts.clipping(s))
st.markdown(text.clipping_text(clip))

code.panel(s.probe)

with st.expander("Per-layer numbers (download as CSV)"):
    table = text.table(result.stats)
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button("Download CSV", lambda: table.to_csv(index=False), "gradients_per_layer.csv", "text/csv",
                       key="download_csv")
