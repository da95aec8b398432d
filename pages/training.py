"""Training: a network learns, stalls or diverges on a small data set; its loss, accuracy, decision boundary (played
back), and every layer's gradients, updates, activations and distinct units; a comparison run in a second colour."""
import streamlit as st

from lessons import presets
from lessons.training import charts, code, panels, settings, text
from ui import classroom, predict
from ui.show import notes, show

st.title("Training")
st.markdown(text.INTRO)
s, ds, budget_notes = panels.setup()
notes(budget_notes)
presets.show_for("pages/training.py", settings.CONTROLS)
classroom.apply()
classroom.share_panel(settings.CONTROLS)
st.caption(f":material/dataset: {ds.description}")
trained = panels.train(s)
labels = text.labels(s)

verdicts = panels.verdicts(trained)
predict.gate(text.PREDICT, text.PREDICT_OPTIONS, verdicts[0].prediction, s)
panels.show_verdicts(verdicts, trained, ds, labels)
loss, accuracy = charts.curves(s)
left, right = st.columns(2)
show(loss, left)
show(accuracy, right)
if s.grid:
    panels.boundaries(s)
else:
    panels.side_by_side(charts.confusions(s))
    panels.side_by_side(charts.mistakes(s))

st.subheader("Inside the network, layer by layer")
panels.layer_tabs(s)
show(charts.distinct_units(s))
for t, label in zip(trained, labels):
    note = text.ratio_note(t.history, label)
    if note:
        st.caption(f":material/straighten: {note}")

code.panel(s, ds)
panels.numbers(trained, verdicts, labels)
