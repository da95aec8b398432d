"""Init explorer: one layer, one initializer: the formula with the numbers plugged in, and the weights it draws."""
import numpy as np
import streamlit as st

from engine import activations, initializers, symmetry
from ui import controls
from ui.cache import cached
from ui.charts import init as charts

INIT = controls.Choice("init", "Initializer", tuple(initializers.INITIALIZERS), "he_normal",
                       help="How the weights of one dense layer W (fan_in × fan_out) are drawn.")
PARAMS = {
    "gain": controls.Slider("gain", "gain g", 0.0, 5.0, 1.0, 0.01,
                            help="Multiplies the std and the limit. he_* already hold ReLU's √2, so g = 1 is "
                                 "right for ReLU there; section 4 gives the value for your activation."),
    "std": controls.LogSlider("std", "std σ", controls.log_options(-4, 1), 0.01),
    "limit": controls.LogSlider("limit", "limit a  (w ~ U(−a, a))", controls.log_options(-4, 1), 1.0),
    "value": controls.Slider("value", "value c  (every weight)", -2.0, 2.0, 0.5, 0.01),
}
FAN_IN = controls.Slider("fan_in", "fan_in: inputs n_in", 1, 4096, 256,
                         help="Rows of W. Click the slider and use the arrow keys for steps of 1.")
FAN_OUT = controls.Slider("fan_out", "fan_out: units n_out", 1, 4096, 128, help="Columns of W.")
ACT = controls.Choice("act", "Activation after this layer", tuple(activations.ACTIVATIONS), "relu",
                      help="Decides which gain the layer needs (section 4).")
SEED = controls.Slider("seed", "seed", 0, 9999, 0)

st.title("Init explorer: one layer, one initializer")
st.write("Pick an initializer and a layer size. Read its formula with your numbers plugged in, then check the "
         "weights it actually draws against it: the bars are the sampled weights, the orange-red line is what the "
         "formula promises. Then see how σ follows fan_in, which gain your activation wants, how PyTorch and "
         "Keras spell the same thing, and why a network cannot start with equal weights.")

controls.show_notices(controls.check_url([INIT, *PARAMS.values(), FAN_IN, FAN_OUT, ACT, SEED]))
init = INIT.render()
params = {k: float(PARAMS[k].render()) for k in initializers.INITIALIZERS[init].defaults}
fan_in, fan_out, act, seed = FAN_IN.render(), FAN_OUT.render(), ACT.render(), SEED.render()

if params.get("gain", 1.0) == 0:
    st.warning("Gain 0 multiplies every weight by 0: this is zeros init in disguise. Every weight is exactly 0, "
               "the histogram is a spike, and no unit can tell itself apart from the others (section 5).")


@cached
def explore(init: str, fan_in: int, fan_out: int, seed: int, params: tuple, act: str) -> dict:
    """Sample W (float32), bin it, sweep σ over fan_in, and train the tied and the random tiny nets."""
    p = dict(params)
    shape = charts.sample_shape(init, fan_in, fan_out)
    w = initializers.initialize(init, shape, np.random.default_rng(seed), dtype=np.float32, **p)
    t = charts.theory(init, fan_in, fan_out, p)
    tied = (init, p) if t.kind == "spike" else ("constant", {"value": 0.5})
    rand = (init, p) if t.kind != "spike" else ("xavier_uniform", {})
    return {"summary": charts.summarize(w, t), "sweep": charts.sweep(init, fan_out, p),
            "m2": symmetry.second_moment(act), "gain_vp": symmetry.variance_preserving_gain(act),
            "tied": symmetry.train_tiny(*tied, seed=seed), "tied_label": charts.tie_label(*tied),
            "random": symmetry.train_tiny(*rand, seed=seed), "random_label": charts.tie_label(*rand, seed=seed)}


def set_gain(value: float) -> None:
    st.session_state["gain"] = value


t = charts.theory(init, fan_in, fan_out, params)
r = explore(init, fan_in, fan_out, seed, tuple(sorted(params.items())), act)
s = r["summary"]

st.subheader("1 · The formula, with your numbers")
for line in t.latex:
    st.latex(line)

st.subheader("2 · The weights it draws")
if s["shape"] != (fan_in, fan_out):
    k = min(s["shape"])
    st.info(f"A {fan_in}×{fan_out} orthogonal matrix needs a QR that takes seconds, so this draws "
            f"{s['shape'][0]}×{s['shape'][1]}: exactly distributed like {k} of the full matrix's "
            "orthonormal columns (or rows), with the same σ.")
left, right = st.columns([5, 2])
left.plotly_chart(charts.histogram(s, t, f"{init}: {s['n']:,} sampled weights"), width="stretch", theme=None)
right.dataframe(charts.stats_table(s, t), width="stretch",
                column_config={"measured": st.column_config.NumberColumn(format="%.4g")})
right.caption(f"W is {fan_in} × {fan_out}, drawn with seed {seed} in float32. " + charts.std_error_text(t, s["n"])
              + (f" {s['outside']:,} weights fall outside the plotted range." if s["outside"] else ""))

st.subheader("3 · How σ follows fan_in")
st.plotly_chart(charts.sweep_figure(r["sweep"], init, fan_in, fan_out, t.std), width="stretch", theme=None)
st.caption(f"Each line: the std each formula gives for a fan_in × {fan_out} layer. Uniform and normal twins have the "
           "same variance, so they share a line. Fan-in presets fall as 1/√fan_in (a slope of −1/2); Xavier "
           "flattens while fan_in < fan_out; normal and uniform would be flat: they ignore the layer size.")

st.subheader(f"4 · Which gain for {act}, and how PyTorch and Keras spell {init}")
gain_col, code_col = st.columns(2)
gain_col.markdown(charts.gain_advice(act, init, t.std, fan_in, r["gain_vp"]))
suggested = charts.slider_gain(init, charts.recommended_gain(act))
if suggested is not None and round(suggested, 2) != params["gain"]:
    gain_col.button(f"Set gain to {suggested:.2f}", on_click=set_gain, args=(round(suggested, 2),))
torch_code, keras_code, notes = charts.library_code(init, params, fan_in, fan_out)
code_col.markdown("**PyTorch**")
code_col.code(torch_code, language="python")
code_col.markdown("**Keras**")
code_col.code(keras_code, language="python")
code_col.markdown("\n".join(f"- {note}" for note in notes))

st.subheader("5 · Symmetry: why the weights must start different")
st.write(f"A tiny 2-4-1 network (tanh hidden layer, linear output, MSE on 8 fixed points) takes {symmetry.STEPS} "
         f"plain SGD steps (lr {symmetry.LR}). Each colour is one hidden unit; solid is its weight from input 1, "
         "dotted from input 2. "
         "With equal starting weights every unit gets the same gradient, so the four lines lie on top of each "
         "other for ever: the layer is one unit wearing four names.")
for col, key in zip(st.columns(2), ("tied", "random")):
    run = r[key]
    col.plotly_chart(charts.tie_figure(run.hidden_weights, int(run.distinct[-1]), r[key + "_label"]),
                     width="stretch", theme=None)
st.caption(f"Loss after {symmetry.STEPS} steps: {r['tied'].loss[-1]:.3f} with equal weights, "
           f"{r['random'].loss[-1]:.3f} with random ones. "
           "With zeros and tanh nothing in W₁ moves at all: tanh(0) = 0 and W₂ = 0, so both layers' weight "
           "gradients are exactly 0 and only the output bias learns.")

st.subheader("What to notice: the variance this layer passes on")
md, latex = charts.notice(init, t, act, fan_in, r["m2"])
st.markdown(md)
st.latex(latex)
