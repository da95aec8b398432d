"""The lecturer's classroom link and the share panel of every lesson.

A classroom link is the lesson's own link plus three keys that are not settings (ui.controls.RESERVED):

    ?hide=depth&hide=init     those controls are not drawn; the link's values are used (hide=all: no sidebar)
    &prompt=Will the spread vanish by layer 20?      a question shown above the lesson
    &predict=true             the student answers before the verdict and the charts appear (ui.predict)

`apply` puts the prompt on the page and hides the sidebar for hide=all; `share_panel` shows the lesson's
current link (with a copy button) and builds a classroom link from the controls the lecturer picks.
"""
from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from ui.controls import ALL, hidden_keys
from ui.widgets import current

MAX_PROMPT = 200          # characters of a prompt shown from a link
HIDE_SIDEBAR = ("<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'], "
                "[data-testid='stExpandSidebarButton'] {display: none !important;}</style>")


def prompt_text() -> str | None:
    """The link's prompt, as plain text (no markdown or HTML from a link), at most MAX_PROMPT characters."""
    raw = st.query_params.get("prompt")
    if not raw:
        return None
    text = "".join(ch for ch in raw if ch.isprintable())[:MAX_PROMPT]
    for special in "\\`*_[]()#<>|~$":
        text = text.replace(special, "\\" + special)
    return text


def apply() -> None:
    """Show the link's prompt above the lesson; hide the whole sidebar when the link says hide=all."""
    if ALL in hidden_keys():
        st.markdown(HIDE_SIDEBAR, unsafe_allow_html=True)
    text = prompt_text()
    if text:
        st.info(f"**Question for you:** {text}", icon=":material/co_present:")


def link(query: dict[str, list[str]]) -> str:
    """The full address of this page with `query`."""
    base = st.context.url or ""
    return base + ("?" + urlencode(query, doseq=True) if query else "")


def share_panel(controls) -> None:
    """A popover with this lesson's link to copy, and a classroom link builder: hide controls, ask a question."""
    with st.popover("Share this set-up", icon=":material/share:"):
        st.caption("The link to exactly what is on screen (the copy button is at its right):")
        st.code(link(current()), language=None, wrap_lines=True)
        st.markdown("**Classroom link**: hide some controls and ask one question.")
        keys = [c.key for c in controls]
        hide = st.multiselect("hide these controls", [ALL, *keys], key="_share_hide",
                              help=f"'{ALL}' hides the whole sidebar")
        question = st.text_input("question shown above the lesson", key="_share_prompt", max_chars=MAX_PROMPT)
        predict = st.toggle("students predict before they see the verdict", key="_share_predict")
        query = {k: v for k, v in current().items() if k not in ("hide", "prompt", "predict")}
        query.update({"hide": hide} if hide else {})
        query.update({"prompt": [question]} if question else {})
        query.update({"predict": ["true"]} if predict else {})
        st.code(link(query), language=None, wrap_lines=True)
