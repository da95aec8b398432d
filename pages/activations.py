"""Activations: every layer's histogram, spread, saturation and dead units for one forward pass."""
import streamlit as st

from lessons.activations import compute, figures, settings, text
from ui.show import notes, show, verdict_box

st.title("Activations per layer")
st.markdown(text.INTRO)
s, budget_notes = settings.render()
notes(budget_notes)
result = compute.run(s)

verdict_box(text.verdict(result, s.view))
for note in text.broken_notes(result):
    st.caption(f":material/warning: {note}")

heatmap, lines = figures.histograms(result, s.view)
left, right = st.columns([3, 2])
show(heatmap, left)
show(lines, right)
std, fractions = figures.spread(result, s.view)
left, right = st.columns(2)
show(std, left)
show(fractions, right)

st.subheader("What to notice")
st.markdown(text.notice(s))
st.latex(text.FORWARD_RULE)

with st.expander("Per-layer numbers (download as CSV)"):
    table = text.table(result)
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button("Download CSV", table.to_csv(index=False), "activations_per_layer.csv", "text/csv",
                       key="download_csv")
