"""Init explorer: one layer, one initializer: the formula with the numbers plugged in, and the weights it draws."""
import streamlit as st

from engine import symmetry
from lessons import presets
from lessons.init_explorer import charts, code, compute, figures, settings, text
from ui import classroom, predict
from ui.show import show

st.title("Init explorer: one layer, one initializer")
st.write(text.INTRO)
s = settings.render()
presets.show_for("pages/init_explorer.py", settings.CONTROLS)
classroom.apply()
classroom.share_panel(settings.CONTROLS)
r = compute.run(s)
d, summary = r.description, r.summary
predict.gate(text.PREDICT, text.PREDICT_OPTIONS, text.predict_truth(s.init, s.fan_in, d, r.m2), s)
if dict(s.params).get("gain", 1.0) == 0:
    st.warning(text.SPIKE_WARNING)

st.subheader("1 · The formula, with your numbers")
for line in d.latex:
    st.latex(line)

st.subheader("2 · The weights it draws")
if summary["shape"] != s.shape:
    st.info(text.orthogonal_cap(s, summary["shape"]))
if r.lsuv is not None:
    st.info(text.lsuv_note(s, *r.lsuv), icon=":material/tune:")
left, right = st.columns([5, 2])
show(charts.histogram(s), left)
right.dataframe(figures.stats_table(summary, d), width="stretch",
                column_config={"measured": st.column_config.NumberColumn(format="%.4g")})
right.caption(f"W is {s.fan_in} × {s.fan_out}, drawn with seed {s.seed} in float32. "
              + text.std_error_text(d, summary["n"])
              + (f" {summary['outside']:,} weights fall outside the plotted range." if summary["outside"] else ""))
right.download_button("Download the histogram (CSV)", lambda: text.histogram_csv(summary), "init_weights_histogram.csv",
                      "text/csv", key="download_csv")

st.subheader("3 · How σ follows fan_in")
show(charts.sweep(s))
st.caption(text.SWEEP_CAPTION.format(fan_out=s.fan_out))

st.subheader(f"4 · Which gain for {s.activation}, and how PyTorch and Keras spell {s.init}")
gain_col, code_col = st.columns(2)
gain_col.markdown(text.gain_advice(s.activation, s.init, d.std, s.fan_in, r.gain_vp))
suggested = text.slider_gain(s.init, text.recommended_gain(s.activation))
if suggested is not None and round(suggested, 2) != dict(s.params)["gain"]:
    gain_col.button(f"Set gain to {suggested:.2f}", on_click=st.session_state.__setitem__,
                    args=("gain", round(suggested, 2)))
torch_code, keras_code, notes = code.library_code(s.init, dict(s.params), s.fan_in, s.fan_out)
code_col.markdown("**PyTorch**")
code_col.code(torch_code, language="python")
code_col.markdown("**Keras**")
code_col.code(keras_code, language="python")
code_col.markdown("\n".join(f"- {note}" for note in notes))

st.subheader("5 · Symmetry: why the weights must start different")
st.write(text.symmetry_intro(symmetry.STEPS, symmetry.LR))
for col, chart in zip(st.columns(2), charts.ties(s)):
    show(chart, col)
st.caption(text.symmetry_caption(r, symmetry.STEPS))

st.subheader("What to notice: the variance this layer passes on")
md, latex = text.notice(s.init, d, s.activation, s.fan_in, r.m2)
st.markdown(md)
st.latex(latex)
