"""Training Dynamics Lab: the router. Page config and navigation only."""
import streamlit as st

st.set_page_config(page_title="Training Dynamics Lab", page_icon="🧠", layout="wide")

pages = [
    st.Page("pages/home.py", title="Home", icon="🏠", default=True),
]
st.navigation(pages).run()
