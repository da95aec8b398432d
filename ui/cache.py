"""Bounded caches for engine calls: a classroom trying settings must not grow memory without limit."""
import streamlit as st

MAX_ENTRIES = 64          # per cached function; one entry is at most a few hundred KB of stats and bins
TTL = "1h"


def cached(func):
    """st.cache_data with this app's bounds: values are copied out per call, so no user shares a mutable object."""
    return st.cache_data(max_entries=MAX_ENTRIES, ttl=TTL, show_spinner=False)(func)
