"""Data that is not 2-D: the confusion matrix of the test set, and for the digits a few test images the trained
network gets wrong (drawn as the images were, ink dark)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.theme import FONT

SHOWN = 8                 # misclassified images drawn (two rows of four)
SIDE = 8                  # the digits are 8 x 8 pixels
ANNOTATE = 12             # write the counts into the cells up to this many classes


def confusion(y_true: np.ndarray, y_pred: np.ndarray, k: int) -> np.ndarray:
    """(k, k) counts: row = the true class, column = the class the network picked."""
    return np.bincount(y_true * k + y_pred, minlength=k * k).reshape(k, k)


def confusion_figure(trained, ds, label: str) -> go.Figure:
    k = ds.n_classes
    counts = confusion(ds.y_test, trained.predicted, k)
    right = int(np.trace(counts))
    names = [str(c) for c in ds.classes]
    written = k <= ANNOTATE
    fig = go.Figure(go.Heatmap(z=counts, x=names, y=names, colorscale="Blues", showscale=False,
                               text=counts if written else None, texttemplate="%{text}" if written else None,
                               hovertemplate="true %{y}, picked %{x}: %{z} test examples<extra></extra>"))
    fig.update_layout(template={}, font=FONT, paper_bgcolor="white", plot_bgcolor="white", height=420,
                      margin=dict(l=60, r=20, t=50, b=50),
                      title=dict(text=f"{label}: confusion matrix ({right} of {len(ds.y_test)} test examples right)",
                                 x=0, font=dict(size=15)))
    fig.update_xaxes(title="picked by the network", type="category")
    fig.update_yaxes(title="true class", type="category", autorange="reversed", scaleanchor="x")
    return fig


def wrong(trained, ds, most: int = SHOWN) -> np.ndarray:
    """Indices of the first `most` test examples the network gets wrong."""
    return np.flatnonzero(trained.predicted != ds.y_test)[:most]


GAP_X, GAP_Y = 2, 4       # blank pixels between tiles (the rows leave room for the labels)


def mosaic(images: np.ndarray, cols: int) -> np.ndarray:
    """(n, SIDE * SIDE) images as one array of tiles, cols a row, NaN gaps (drawn white) between them."""
    rows = (len(images) + cols - 1) // cols
    step_y, step_x = SIDE + GAP_Y, SIDE + GAP_X
    out = np.full((rows * step_y - GAP_Y, cols * step_x - GAP_X), np.nan, np.float32)
    for n, image in enumerate(images):
        r, c = divmod(n, cols)
        out[r * step_y:r * step_y + SIDE, c * step_x:c * step_x + SIDE] = image.reshape(SIDE, SIDE)
    return out


def mistakes_figure(trained, ds, label: str, pixels) -> go.Figure | None:
    """Up to SHOWN misclassified digits (pixels: the test images in [0, 1]) as one mosaic, 'true 3 → 8' above each
    tile; None when there is none."""
    picks = wrong(trained, ds)
    if not len(picks):
        return None
    cols = 4
    rows = (len(picks) + cols - 1) // cols
    fig = go.Figure(go.Heatmap(z=mosaic(pixels[picks], cols), colorscale="Greys", zmin=0, zmax=1, showscale=False,
                               hoverinfo="skip"))
    for n, i in enumerate(picks):
        r, c = divmod(n, cols)
        words = f"true {ds.classes[ds.y_test[i]]} → {ds.classes[trained.predicted[i]]}"
        fig.add_annotation(x=c * (SIDE + GAP_X) + (SIDE - 1) / 2, y=r * (SIDE + GAP_Y) - 0.6, yanchor="bottom",
                           showarrow=False, text=words)
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", constrain="domain")
    fig.update_layout(template={}, font=FONT, paper_bgcolor="white", plot_bgcolor="white", height=100 + 150 * rows,
                      margin=dict(l=20, r=20, t=70, b=10),
                      title=dict(text=f"{label}: test digits it gets wrong", x=0, font=dict(size=15)))
    return fig
