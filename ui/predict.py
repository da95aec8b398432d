"""Predict, then reveal: with ?predict=true the student answers a question before the verdict and the charts
appear; then the page says whether the numbers agree. One answer per setting: new settings, a new question."""
from __future__ import annotations

import streamlit as st


def on() -> bool:
    """Whether the link asks students to predict first."""
    return str(st.query_params.get("predict", "")).lower() in ("true", "1", "yes", "on")


def ask(question: str, options: tuple[str, ...], settings) -> str | None:
    """The student's answer for these settings, or None (the page then stops before its verdict and charts).

    The radio's key follows the settings, so changing a setting asks again.
    """
    key = f"_predict_{abs(hash(settings)) % 10**12}"
    answer = st.radio(f"**Predict first:** {question}", options, index=None, key=key, horizontal=True)
    if answer is None:
        st.caption("Answer to see the verdict and the charts.")
    return answer


def reveal(answer: str, truth: str) -> None:
    """Say whether the prediction matched what the numbers show."""
    if answer == truth:
        st.success(f"You predicted **{answer}**, and the numbers agree.", icon=":material/thumb_up:")
    else:
        st.warning(f"You predicted **{answer}**; the numbers say **{truth}**. Look at the charts below for why.",
                   icon=":material/lightbulb:")


def gate(question: str, options: tuple[str, ...], truth: str, settings) -> None:
    """In predict mode: ask, stop the page until answered, then reveal. Outside predict mode: nothing."""
    if not on():
        return
    answer = ask(question, options, settings)
    if answer is None:
        st.stop()
    reveal(answer, truth)
