"""Theory: the phase diagram of order and chaos (click to set the point), and actual nets measured against the mean
field: two inputs' correlation, the Jacobian's singular values, the residual stream."""
import streamlit as st

from lessons import presets
from lessons.theory import charts, code, compute, links, measured, settings, text
from ui import classroom, predict
from ui.show import notes, show, verdict_box

st.title("Theory — order, chaos and depth")
st.markdown(text.INTRO)
s, budget_notes = settings.render(compute.critical_sigma_w2, text.no_edge)
notes(budget_notes)
presets.show_for("pages/theory.py", settings.CONTROLS)
classroom.apply()
classroom.share_panel(settings.CONTROLS)
mf = compute.point(s)
limit = compute.depth_limit(mf.chi1, mf.xi_c)

predict.gate(text.PREDICT_QUESTION, text.PREDICT_OPTIONS, mf.phase, s)
verdict_box(text.verdict(mf, s.depth, limit))
show(charts.phase_diagram(s), key=settings.DIAGRAM_KEY, on_select=settings.on_click, selection_mode="points")
st.caption(f":material/touch_app: {text.CLICK_HINT}")
jump = text.jump_note(compute.diagram(s.activation))
if jump:
    st.info(jump, icon=":material/lightbulb:")
for column, (label, value, help_text) in zip(st.columns(4), text.metrics(mf, s.depth, limit)):
    column.metric(label, value, help=help_text)
st.markdown(text.notice(mf, s.depth, limit))
relu = text.relu_note(mf, s.depth)
if relu:
    st.info(relu, icon=":material/lightbulb:")
for line in mf.latex():
    st.latex(line)

st.subheader("This network in the other lessons")
for column, link in zip(st.columns(3), links.lesson_links(s)):
    presets.page_link(link.script, link.label, link.query, link.icon, column)
r = links.rounded(s)
st.caption(text.link_note(s, r, compute.mean_field(s.activation, r.sigma_w2, r.sigma_b2), mf))

st.subheader("Two inputs through depth")
show(charts.correlation(s))
correlation = compute.correlation(compute.net(s), s.c0)
st.markdown(measured.correlation_text(correlation, mf, s.width))

st.subheader("The Jacobian's singular values: orthogonal against Gaussian weights")
spectra = compute.spectra(s)
for column, chart in zip(st.columns(2), charts.spectra(s)):
    show(chart, column)
for sp in spectra:
    st.markdown(measured.spectrum_formula_label(sp))
    for line in sp.theory.latex():
        st.latex(line)
st.markdown(measured.spectrum_text(*spectra, s.depth, s.width))

st.subheader("The residual stream: plain, residual, residual + batch norm")
show(charts.stream(s))
streams = compute.streams(s)
st.markdown(measured.stream_text(streams, mf, s.width))

code.panel(s, correlation.q0)

with st.expander("Every number on this page (download as CSV)"):
    table = text.table(mf, s.depth, limit, spectra, correlation, streams)
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button("Download CSV", lambda: table.to_csv(index=False), "theory.csv", "text/csv", key="download_csv")
