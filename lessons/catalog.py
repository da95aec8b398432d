"""The app's pages in teaching order: script, title, icon, URL path and one line on what it teaches.

app.py routes to them and Home shows a card for each lesson; add a lesson here and it appears in both.
"""
from __future__ import annotations

from typing import NamedTuple


class Page(NamedTuple):
    script: str
    title: str
    icon: str
    url_path: str
    blurb: str


HOME = Page("pages/home.py", "Home", ":material/home:", "", "")
LESSONS = (
    Page("pages/init_explorer.py", "Init explorer", ":material/casino:", "init",
         "One layer, one initializer: the formula with your numbers, the sampled weights, PyTorch and Keras names."),
    Page("pages/activations.py", "Activations", ":material/bar_chart:", "activations",
         "Histograms of every layer's activations: vanishing, exploding, saturated or dead units; batch norm."),
    Page("pages/gradients.py", "Gradients", ":material/trending_down:", "gradients",
         "Gradient norm against depth, with a verdict, overlays of other initializers, and clipping."),
    Page("pages/optimizer_race.py", "Optimizer race", ":material/sports_score:", "race",
         "SGD, momentum, Nesterov, AdaGrad, RMSprop, Adam and AdamW racing across a 2-D loss surface, fairly tuned."),
    Page("pages/training.py", "Training", ":material/model_training:", "training",
         "A network learns, stalls or diverges: loss, accuracy, the decision boundary played back, every layer's "
         "gradients and updates; a second run to compare; your own CSV."),
    Page("pages/theory.py", "Theory", ":material/blur_on:", "theory",
         "Order, chaos and depth: the mean-field phase diagram, how deep a net can train, Jacobian spectra, "
         "the residual stream."),
)
