"""Home: what the lab teaches, a card per page, and one-click classic scenarios."""
import streamlit as st

from lessons.presets import PRESETS
from ui import widgets

st.title("Training Dynamics Lab")
widgets.show_notices(widgets.start("home", []))       # home has no settings: any in the link is ignored
widgets.finish("home", {}, [])
st.markdown(
    "Why does one deep network train and another not? Drag a slider and **see** it: the spread of every "
    "layer's activations, the size of the gradient at every depth, and optimizers racing down a loss surface. "
    "Every number comes from an exact NumPy engine whose gradients are checked against finite differences.")

CARDS = [
    ("pages/init_explorer.py", "Init explorer", ":material/casino:",
     "One layer, one initializer: the formula with your numbers, the sampled weights, PyTorch and Keras names."),
    ("pages/activations.py", "Activations", ":material/bar_chart:",
     "Histograms of every layer's activations: vanishing, exploding, saturated or dead units."),
    ("pages/gradients.py", "Gradients", ":material/trending_down:",
     "Gradient norm against depth, with a vanishing / healthy / exploding verdict and overlays."),
    ("pages/optimizer_race.py", "Optimizer race", ":material/sports_score:",
     "SGD, momentum, Nesterov, AdaGrad, RMSprop, Adam and AdamW racing across a 2-D loss surface."),
]

columns = st.columns(len(CARDS))
for column, (page, title, icon, text) in zip(columns, CARDS):
    with column.container(border=True):
        st.page_link(page, label=f"**{title}**", icon=icon)
        st.caption(text)

st.subheader("Classic scenarios, one click each")
st.caption("Each opens a page with the settings of a lecture's classic figure; change anything from there.")
columns = st.columns(2)
for i, preset in enumerate(PRESETS):
    with columns[i % 2].container(border=True):
        st.page_link(preset.page, label=preset.title, query_params=preset.query, icon=":material/play_arrow:")
        st.caption(preset.lesson)

st.subheader("What it teaches")
st.markdown(
    "- **Zero or constant init** never breaks symmetry: all units in a layer stay copies of each other.\n"
    "- **Too-small weights** make signals and gradients vanish; **too-large** ones make them explode or saturate.\n"
    "- **Xavier/Glorot, He/Kaiming and LeCun** scale the weights by fan-in/fan-out to keep the variance steady.\n"
    "- **Batch normalization** re-normalizes every layer, whatever the weights.\n"
    "- **Momentum, RMSprop and Adam** smooth and rescale the steps; **gradient clipping** caps exploding ones.")
