"""The training page's Streamlit pieces that are more than one call: set-up (sidebar, data or upload, budget, link),
training with progress, the verdicts with their notes, the per-layer tabs, and the numbers."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from engine import activations, training
from engine.training_verdict import verdict
from lessons.training import budget, charts, compute, sidebar, text, upload
from lessons.training.layers import QUANTITIES
from ui.show import show


def setup():
    """(settings used, data set, budget notes): the sidebar, the upload when asked, the work budget, the link.

    Stops the page, with words, when no file is uploaded yet, the file is bad, or the runs cannot train as set."""
    asked, values = sidebar.render()
    if asked.data.uploaded:
        sidebar.finish(asked, values)                     # the link says csv while the page waits for the file
        asked = replace(asked, data=replace(asked.data, upload=upload.panel(asked.data.seed)))
    ds = compute.dataset(asked.data)
    s, notes = budget.fit(asked, ds)
    sidebar.finish(s, values)
    for run, label in zip(s.runs, text.labels(s)):
        try:
            training.check(run.config(ds.n_features, ds.n_classes), ds, run.train_settings(len(ds.y_train)))
        except ValueError as err:
            st.warning(f"**{label}** cannot train as set: {err}.", icon=":material/block:")
            st.stop()
    return s, ds, notes


def train(s):
    """Every run (trained Results); a progress bar while a run trains, nothing when all were stored."""
    slot, labels = st.empty(), text.labels(s)

    def report(fraction: float, i: int) -> None:
        slot.progress(min(1.0, fraction), text=f"Training {labels[i]}: {fraction:.0%}")
    trained = compute.runs(s, report)
    slot.empty()
    return trained


def verdicts(trained) -> list:
    return [verdict(t.history) for t in trained]


def show_verdicts(found, trained, ds, labels) -> None:
    """A verdict box per run, then the notes that explain a surprising one."""
    for v, label in zip(found, labels):
        box, words, icon = text.verdict_box(v, label)
        getattr(st, box)(words, icon=icon)
    for v, t, label in zip(found, trained, labels):
        for note in text.notes(v, t.history, ds, label):
            st.info(note, icon=":material/lightbulb:")


def side_by_side(figs) -> None:
    """One chart, or two in columns (the comparison run's on the right)."""
    if len(figs) == 1:
        show(figs[0])
        return
    for column, fig in zip(st.columns(len(figs)), figs):
        show(fig, column)


BOUNDARY_NOTE = ("**How to read it.** The background is the class the network picks at each point, paler where it is "
                 "less sure; dots are the training points, diamonds the test points. **▶ Play** replays the whole "
                 "training in your browser, one frame per record; drag the slider to any step.")


def boundaries(s) -> None:
    """The decision boundaries (2-D data): one beside its reading guide, or two side by side above it."""
    figs = charts.boundaries(s)
    if len(figs) == 1:
        left, right = st.columns([3, 2])
        show(figs[0], left)
        right.markdown(BOUNDARY_NOTE)
        return
    side_by_side(figs)
    st.caption(BOUNDARY_NOTE)


def layer_tabs(s) -> None:
    """The per-layer heatmaps, one tab per quantity (the saturated or the dead share, where the activation has one)."""
    phi = activations.get(s.run.net.activation)
    shares = ["saturated"] if phi.bounds is not None else ["dead"] if phi.relu_like else []
    keys = ["grad", "ratio", "std", *shares, "distinct"]
    for tab, key in zip(st.tabs([QUANTITIES[k].title.split(" (")[0] for k in keys]), keys):
        with tab:
            side_by_side(charts.layer_maps(s, key))


def numbers(trained, found, labels) -> None:
    """The runs' summary table and every step's numbers as CSV."""
    histories = [t.history for t in trained]
    with st.expander("The numbers (summary, and every step as CSV)"):
        st.dataframe(text.summary(histories, found, labels), hide_index=True, width="stretch")
        st.download_button("Download every step (CSV)", lambda: text.steps_csv(histories, labels),   # on click
                           "training_per_step.csv", "text/csv", key="download_csv")
