"""Home: what the lab teaches."""
import streamlit as st

st.title("Training Dynamics Lab")
st.write("See why a deep network does or does not train: initialization, activations, "
         "batch normalization and optimizers, drawn from an exact NumPy engine.")
