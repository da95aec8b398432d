"""Activations: every layer's histogram, spread, saturation and dead units for one forward pass."""
import pandas as pd
import streamlit as st

from engine import initializers
from engine.verdict import activation_verdict
from ui import cache, charts, controls

st.title("Activations per layer")
st.markdown(
    "A batch of random inputs flows through a deep network. **Watch the spread of each layer's values**: "
    "if it shrinks layer after layer the signal **vanishes**, if it grows it **explodes**, and tanh/sigmoid "
    "units pushed to ±1 **saturate** (their slope is 0, so they stop learning). A good initializer keeps "
    "every layer's spread within the same order of magnitude as the first's.")

VIEW = controls.Choice("view", "show", ("a", "z"), "a", radio=True,
                       labels=(("a", "activation a = φ(z)"), ("z", "pre-activation z")))
values = controls.network_sidebar(extra=(VIEW,))
view = values["view"]

result = cache.probe_values(values)
stats, verdict = result.stats, activation_verdict(result.stats, f"{view}_std")
broken = next((r["layer"] for r in stats if r["nonfinite"]), None)

box = {"healthy": st.success, "overflow": st.error}.get(verdict.level, st.warning)
box(f"**Verdict:** {verdict.text}.")
for message in result.messages:
    if "overflow" in message or "zero" in message:
        st.caption(f":material/warning: {message}. Layers past that point are left out of the charts.")

hist = result.hist_a if view == "a" else result.hist_z
label = "activation a = φ(z)" if view == "a" else "pre-activation z"
left, right = st.columns([3, 2])
with left:
    st.plotly_chart(charts.layers.histogram_heatmap(hist, f"Histogram of {label}, every layer",
                                                    f"{label} value", broken), width="stretch", theme=None)
with right:
    L = len(stats)
    picks = sorted({1, max(1, (L + 1) // 2), L} - ({*range(broken, L + 1)} if broken else set()))
    st.plotly_chart(charts.layers.histogram_lines(hist, picks, "First, middle and last layer", f"{label} value"),
                    width="stretch", theme=None)

left, right = st.columns(2)
left.plotly_chart(charts.layers.std_by_layer(stats, view), width="stretch", theme=None)
right.plotly_chart(charts.layers.fractions_by_layer(stats), width="stretch", theme=None)

st.subheader("What to notice")
n = values["width"]
n_var_w = n * (initializers.expected_std(values["init"], (n, n), **values["init_params"]) * values["scale"]) ** 2
st.markdown(
    f"Going forward, each layer gives Var(z) ≈ n · Var(w) · E[a²] of the layer before. With these settings "
    f"**n · Var(w) = {n_var_w:.3g}** (n = {n}). Xavier makes it 1, which keeps tanh's spread (tanh is "
    "nearly linear around 0); ReLU zeroes half its inputs, so E[a²] = Var(z)/2 and He makes n · Var(w) = 2. "
    "Much smaller and the spread shrinks geometrically; much larger and tanh saturates or ReLU explodes. "
    + ("With batch norm on, every layer's z is re-normalized to mean 0 and variance 1 whatever the weights."
       if values["bn"] else "Batch norm (sidebar) re-normalizes z in every layer, whatever the weights."))
st.latex(r"\operatorname{Var}(z_l) \approx n_{l-1}\,\operatorname{Var}(w)\,\mathbb{E}[a_{l-1}^2],"
         r"\qquad \operatorname{Var}_{\text{Xavier}}(w) = \frac{2}{n_{in}+n_{out}},"
         r"\quad \operatorname{Var}_{\text{He}}(w) = \frac{2}{n_{in}}")

with st.expander("Per-layer numbers (download as CSV)"):
    columns = ["layer", "z_mean", "z_std", "a_mean", "a_std", "saturated", "dead", "dead_units", "nonfinite"]
    table = pd.DataFrame(stats)[columns]
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button("Download CSV", table.to_csv(index=False), "activations_per_layer.csv", "text/csv",
                       key="download_csv")
