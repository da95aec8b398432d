"""Home: what the lab teaches, a card per lesson, and one-click classic set-ups grouped by lesson."""
import streamlit as st

from lessons.catalog import LESSONS
from lessons.presets import of_page
from ui import widgets
from ui.show import page_style

st.title("Training Dynamics Lab")
page_style()
widgets.show_notices(widgets.start("home", []))       # home has no settings: any in the link is ignored
widgets.finish("home", {}, [])
st.markdown(
    "Why does one deep network train and another not? Drag a slider and **see** it: the spread of every "
    "layer's activations, the size of the gradient at every depth, and optimizers racing down a loss surface. "
    "Every number comes from an exact NumPy engine whose gradients are checked against finite differences.")

for start in range(0, len(LESSONS), 3):               # three cards a row: their titles fit
    for column, page in zip(st.columns(3), LESSONS[start:start + 3]):
        with column.container(border=True):
            st.page_link(page.script, label=f"**{page.title}**", icon=page.icon)
            st.caption(page.blurb)

st.subheader("Classic set-ups, one click each")
st.caption("Each opens a lesson with the settings of a lecture's classic figure and says what its numbers show; "
           "change anything from there.")
for page in LESSONS:
    shown = of_page(page.script)
    if not shown:
        continue
    st.markdown(f"**{page.title}**")
    for start in range(0, len(shown), 2):              # row by row, so a phone stacks them in teaching order
        for column, preset in zip(st.columns(2), shown[start:start + 2]):
            with column.container(border=True):
                st.page_link(preset.page, label=preset.title, query_params=preset.query,
                             icon=":material/play_arrow:")
                st.caption(preset.claim)

st.subheader("What it teaches")
st.markdown(
    "- **Zero or constant init** never breaks symmetry: all units in a layer stay copies of each other.\n"
    "- **Too-small weights** make signals and gradients vanish; **too-large** ones make them explode or saturate.\n"
    "- **Xavier/Glorot, He/Kaiming and LeCun** scale the weights by fan-in/fan-out to keep the variance steady.\n"
    "- **Batch normalization** re-normalizes every layer's forward pass, whatever the weights.\n"
    "- **Momentum, RMSprop and Adam** smooth and rescale the steps; **gradient clipping** caps exploding ones.")
