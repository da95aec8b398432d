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

from ui.controls import ALL, SHOWN, hidden_keys
from ui.show import page_style
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


def active() -> bool:
    """Whether this is a classroom link (controls hidden, a question, or predict first)."""
    return any(k in st.query_params for k in ("hide", "prompt", "predict"))


def apply() -> None:
    """Page furniture: long formulas scroll on a phone; in a classroom link, the question above the lesson, the
    settings it hides in one line (so a student knows the set-up), and no sidebar for hide=all."""
    page_style()
    if ALL in hidden_keys():
        st.markdown(HIDE_SIDEBAR, unsafe_allow_html=True)
    text = prompt_text()
    if text:
        st.info(f"**Question for you:** {text}", icon=":material/co_present:")
    hidden = [(label, value) for label, value, is_hidden in st.session_state.get(SHOWN, {}).values() if is_hidden]
    if hidden:
        st.caption("Set up for you: " + "; ".join(f"{label} = {_value(value)}" for label, value in hidden) + ".")


def _value(value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return ", ".join(value) if isinstance(value, list) else str(value)


def link(query: dict[str, list[str]]) -> str:
    """The full address of this page with `query`."""
    base = st.context.url or ""
    return base + ("?" + urlencode(query, doseq=True) if query else "")


def share_panel(controls) -> None:
    """A popover with this lesson's link to copy, and a classroom link builder: hide controls, ask a question.
    Not in a classroom link itself (students get the lecturer's link, not a way to unhide its answers)."""
    if active():
        return
    drawn = st.session_state.get(SHOWN, {})
    labels = {c.key: drawn[c.key][0] for c in controls if c.key in drawn}      # the controls on screen now
    with st.popover("Share this set-up", icon=":material/share:"):
        st.caption("The link to exactly what is on screen (the copy button is at its right):")
        st.code(link(current()), language=None, wrap_lines=True)
        st.markdown("**Classroom link**: hide some controls and ask one question.")
        hide = st.multiselect("hide these controls", [ALL, *labels], key="_share_hide",
                              format_func=lambda k: "the whole sidebar" if k == ALL else labels[k])
        question = st.text_input("question shown above the lesson", key="_share_prompt", max_chars=MAX_PROMPT)
        predict = st.toggle("students predict before they see the verdict", key="_share_predict")
        query = {k: v for k, v in current().items() if k not in ("hide", "prompt", "predict")}
        query.update({"hide": hide} if hide else {})
        query.update({"prompt": [question]} if question else {})
        query.update({"predict": ["true"]} if predict else {})
        st.code(link(query), language=None, wrap_lines=True)
