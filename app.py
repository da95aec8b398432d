"""Training Dynamics Lab: the router. Page config and navigation only (the pages are listed in lessons/catalog)."""
import streamlit as st

from lessons.catalog import HOME, LESSONS
from ui import heap

heap.start_trimming()                  # freed memory goes back to the system every few seconds (ui/heap.py)
st.set_page_config(page_title="Training Dynamics Lab", page_icon="🧠", layout="wide")
pages = [st.Page(HOME.script, title=HOME.title, icon=HOME.icon, default=True)]
pages += [st.Page(p.script, title=p.title, icon=p.icon, url_path=p.url_path) for p in LESSONS]
st.navigation(pages).run()
