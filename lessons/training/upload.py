"""The student's own CSV: read once per file and seed, kept in their session only (never on disk, never in a cache
shared with others), gone when the session ends. A bad file gets the engine's message, which names the row and
column at fault; the page stops there, without a traceback."""
from __future__ import annotations

import hashlib

import streamlit as st

from engine import data, training_csv

MAX_MB = 5                  # the uploader refuses larger files in the browser; the reader's own limit is 5,000,000 B
KEY = "_training_upload"    # session state: {(digest, seed): Dataset} of the current file only
HOW = ("Upload a CSV: one row per example, numeric feature columns and the **label in the last column** (text or "
       "numbers, at least two classes), an optional header row; at most "
       f"{training_csv.MAX_BYTES / 1e6:g} MB, 20,000 rows and 256 features. It stays in this session only: the link "
       "reproduces every setting but the file.")


def read(raw: bytes, seed: int) -> data.Dataset:
    """The file as a Dataset split and standardized with the seed; ValueError naming the row and column at fault."""
    return data.from_csv(raw, seed=seed)


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:16]


def panel(seed: int) -> str:
    """The uploader with its rules; the digest of a readable file (kept in the session), else a message and stop."""
    st.markdown(HOW)
    file = st.file_uploader("Your CSV file", type=["csv", "tsv", "txt"], max_upload_size=MAX_MB, key="upload_csv")
    if file is None:
        st.info("Waiting for a file. Until then, pick one of the data sets in the sidebar.", icon=":material/upload:")
        st.stop()
    raw = file.getvalue()
    key = (digest(raw), seed)
    store = st.session_state.setdefault(KEY, {})
    if key not in store:
        try:
            ds = read(raw, seed)
        except ValueError as err:
            st.error(f"**{file.name}** cannot be used: {err}.", icon=":material/error:")
            st.stop()
        store.clear()                          # only the current file is kept
        store[key] = ds
    return key[0]


def dataset(file_digest: str, seed: int) -> data.Dataset:
    """The uploaded Dataset of this session (panel() put it there on this very rerun)."""
    return st.session_state[KEY][(file_digest, seed)]
