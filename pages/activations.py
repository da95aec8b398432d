"""Activations: every layer's histogram, spread, saturation and dead units for one forward pass."""
import streamlit as st

from lessons import presets
from lessons.activations import charts, compute, settings, text
from lessons.network import code
from lessons.network import text as network_text
from lessons.network import theory as mean_field
from ui import classroom, predict
from ui.show import notes, show, verdict_box

st.title("Activations per layer")
st.markdown(text.INTRO)
s, budget_notes = settings.render()
notes(budget_notes)
presets.show_for("pages/activations.py", settings.CONTROLS)
classroom.apply()
classroom.share_panel(settings.CONTROLS)
result = compute.run(s)

verdict = text.verdict(result, s.view)
predict.gate(network_text.PREDICT_FORWARD, network_text.PREDICT_OPTIONS, network_text.trend_word(verdict),
             s)
verdict_box(verdict)
for note in text.broken_notes(result):
    st.caption(f":material/warning: {note}")

heatmap, lines = charts.histograms(s)
left, right = st.columns([3, 2])
show(heatmap, left)
show(lines, right)
std, fractions = charts.spread(s)
left, right = st.columns(2)
show(std, left)
show(fractions, right)
mean_field_note = mean_field.std_note(s.probe.net, result.stats, s.view)
if mean_field_note:
    st.caption(f":material/functions: {mean_field_note}")
for note in (text.saturation_note(s, result), text.backward_note(result, verdict)):
    if note:
        st.info(note, icon=":material/compare_arrows:")

st.subheader("What to notice")
st.markdown(text.notice(s, result))
st.latex(text.FORWARD_RULE)
show(charts.activation_curve(s))

walk = st.expander("Batch norm, step by step (Ioffe & Szegedy's Algorithm 1, on layer 1 of this network)",
                   key="bn_walk", on_change="rerun")
if walk.open:                      # computed only while open: its 50 warm-up batches would cost every new setting
    with walk:
        steps = compute.batch_norm_steps(s)
        intro, algorithm, modes = text.batch_norm_algorithm(steps)
        st.markdown(intro)
        for line in algorithm:
            st.latex(line)
        show(charts.batch_norm_histograms(s))
        st.markdown(modes)

code.panel(s.probe)

with st.expander("Per-layer numbers (download as CSV)"):
    table = text.table(result)
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button("Download CSV", lambda: table.to_csv(index=False), "activations_per_layer.csv", "text/csv",
                       key="download_csv")
