"""Training Dynamics Lab: the router. Page config and navigation only."""
import streamlit as st

st.set_page_config(page_title="Training Dynamics Lab", page_icon="🧠", layout="wide")

PAGES = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/init_explorer.py", title="Init explorer", icon=":material/casino:", url_path="init"),
    st.Page("pages/activations.py", title="Activations", icon=":material/bar_chart:", url_path="activations"),
    st.Page("pages/gradients.py", title="Gradients", icon=":material/trending_down:", url_path="gradients"),
    st.Page("pages/optimizer_race.py", title="Optimizer race", icon=":material/sports_score:", url_path="race"),
]
st.navigation(PAGES).run()
