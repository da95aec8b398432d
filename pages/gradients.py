"""Gradients: the norm of dL/dW and dL/da against depth, with a vanishing / healthy / exploding verdict."""
import streamlit as st

from engine import initializers
from engine.verdict import gradient_ratio, gradient_verdict, tiny_weight_gradients
from ui import budget, cache, charts, controls

st.title("Gradient norm vs depth")
st.markdown(
    "One backward pass from a loss at the output down to layer 1. **Look at the slope of ‖∂L/∂a‖** (the "
    "signal the backward pass carries, right chart): flat means every layer receives a gradient of the same "
    "size; falling towards layer 1 means it **vanishes** on the way back, rising means it **explodes**. "
    "‖∂L/∂W‖ (left) is what updates each layer: it also carries the size of the forward signal, so it can be "
    "flat and still tiny. Overlay other initializers or batch norm to compare them on the same axes.")

LOSS = controls.Choice("loss", "loss at the output", ("mse", "projection"), "mse", radio=True,
                       labels=(("mse", "MSE vs random targets"), ("projection", "random projection")))
COMPARE = controls.MultiChoice("compare", "overlay initializers", tuple(initializers.INITIALIZERS), (),
                               help="Each with its default parameter and the same network and data")
COMPARE_BN = controls.Toggle("compare_bn", "overlay the other batch-norm setting", False)


def overlays(v) -> list:
    """(label, settings that differ) of each overlaid run, as many as the weight budget allows."""
    wanted = [(init, {"init": init, "init_params": {}}) for init in v["compare"] if init != v["init"]]
    if v["compare_bn"]:
        wanted.append((f"{v['init']}{'' if v['bn'] else ' + BN'}", {"bn": not v["bn"]}))
    depth = budget.cap_depth(v["depth"], v["width"])
    return wanted[:budget.max_runs(depth, v["width"]) - 1]


values = controls.network_sidebar(extra=(LOSS, COMPARE, COMPARE_BN), runs=lambda v: 1 + len(overlays(v)))
result = cache.probe_values(values)
stats = result.stats
runs = {f"{values['init']}{' + BN' if values['bn'] else ''} (current)": stats}
for label, override in overlays(values):
    runs[label] = cache.probe_values(values, **override).stats
wanted = len([i for i in values["compare"] if i != values["init"]]) + int(values["compare_bn"])
if len(runs) - 1 < wanted:
    st.info(f"Only {len(runs) - 1} of the {wanted} overlays are drawn: a {values['depth']}-layer, "
            f"{values['width']}-wide network is too large to compute more at once.", icon=":material/timer:")

verdict = gradient_verdict(stats)
box = {"healthy": st.success, "overflow": st.error}.get(verdict.level, st.warning)
box(f"**Verdict:** {verdict.text}.")
tiny = tiny_weight_gradients(stats)
if tiny:
    st.warning(f"Also: {tiny}.")
for message in result.messages:
    st.caption(f":material/warning: {message}." + (" Non-finite values are left out of the charts." if "overflow" in message else ""))

left, right = st.columns(2)
left.plotly_chart(charts.layers.grad_norms(runs, "grad_W_norm", "‖∂L/∂W‖ per layer", "‖∂L/∂W_l‖ (log scale)"),
                  width="stretch", theme=None)
right.plotly_chart(charts.layers.grad_norms(runs, "grad_a_norm", "‖∂L/∂a‖ per layer", "‖∂L/∂a_l‖ (log scale)"),
                   width="stretch", theme=None)

L = len(stats)
c1, c2, c3, c4 = st.columns(4)
c1.metric(f"‖∂L/∂a₁‖ / ‖∂L/∂a_{L}‖", f"{gradient_ratio(stats):.3g}", help="below 0.01: vanishing, above 100: exploding")
c2.metric(f"‖∂L/∂W₁‖ / ‖∂L/∂W_{L}‖", f"{gradient_ratio(stats, 'grad_W_norm'):.3g}",
          help="∂L/∂W_l = a_{l-1}ᵀ ∂L/∂z_l also carries the forward signal's size")
c3.metric("‖∂L/∂W₁‖", f"{stats[0]['grad_W_norm']:.3g}")
c4.metric(f"‖∂L/∂W_{L}‖", f"{stats[-1]['grad_W_norm']:.3g}")

left, right = st.columns([3, 2])
broken = next((r["layer"] for r in stats if r["grad_nonfinite"]), None)
left.plotly_chart(charts.layers.histogram_heatmap(result.hist_grad, "Histogram of log₁₀|∂L/∂a|, every layer",
                                                  "log₁₀ |∂L/∂a| (order of magnitude)", broken), width="stretch", theme=None)
right.plotly_chart(charts.layers.gradient_factors(stats), width="stretch", theme=None)

st.subheader("What to notice")
typical = [r["factor_predicted"] for r in stats if r["factor_predicted"] == r["factor_predicted"]]
factor = sorted(typical)[len(typical) // 2] if typical else float("nan")
st.markdown(
    f"Going back through a layer multiplies the gradient by about **√(n · Var(w) · E[φ′(z)²])**; here that "
    f"factor is about **{factor:.3g}** per layer, so over the {L - 1} steps from layer {L} back to layer 1 it "
    f"compounds to about **{factor ** (L - 1):.3g}**. Small factors compound fast: 0.8^{L - 1} = "
    f"{0.8 ** (L - 1):.2g} and 1.1^{L - 1} = {1.1 ** (L - 1):.3g}. "
    "Xavier/He choose Var(w) to make the factor 1; batch norm divides by each layer's spread so it stays near 1.")
st.latex(r"\frac{\partial L}{\partial a_{l-1}} = \left(\frac{\partial L}{\partial a_l} \odot \varphi'(z_l)\right)"
         r"W_l^{\top},\qquad \frac{\operatorname{rms}(\partial L/\partial a_{l-1})}{\operatorname{rms}"
         r"(\partial L/\partial a_l)} \approx \sqrt{n_l\,\operatorname{Var}(w)\,\mathbb{E}[\varphi'(z_l)^2]}")
