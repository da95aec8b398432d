"""The race's loss map: f over the surface's window as filled contour bands, drawn on the server as a small PNG.

An image, not a contour trace: plotly.js erases contour and heatmap traces while it plays frames (plotly.js
#4491), and a 240 x 240 PNG is smaller than a 120 x 120 z sent as numbers.
"""
from __future__ import annotations

import base64
import math
import struct
import zlib
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from ui.theme import finite

GRID = 240                # pixels per side of the server-drawn loss map
LEVELS = 20               # colour bands of the map
LINE_COLOR = "#5a6478"    # iso-lines between bands
HOVER_GRID = 30           # an invisible 30 x 30 grid of points tells the map's value on hover
EPS = 1e-3                # colour = log10(f - f* + EPS)
CONTOUR_SCALE = ((0.0, "#fffdf0"), (0.4, "#f0f3f7"), (0.75, "#d8e0ea"), (1.0, "#bcc8d6"))


def loss_map(surface, n: int = GRID):
    """(x, y, z, colour title) on an n x n grid over the bounds, rows from the top (y descending).

    z = log10(f - f* + EPS); on the saddle (no minimum) z = f itself.
    """
    (x0, x1), (y0, y1) = surface.bounds
    x, y = np.linspace(x0, x1, n), np.linspace(y1, y0, n)
    f = finite(surface.f(x[None, :], y[:, None]))                 # (n_y, n_x)
    f = np.where(np.isfinite(f), f, np.max(f[np.isfinite(f)], initial=0.0))   # overflow: drawn as the top band
    if surface.min_value is None:
        return x, y, f, "f(x, y)"
    return x, y, np.log10(np.maximum(f - surface.min_value, 0.0) + EPS), "f − f* (log colour scale)"


def _rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


def band_colors(levels: int) -> np.ndarray:
    """(levels, 3) RGB: CONTOUR_SCALE sampled at the middle of each band."""
    stops = np.array([s for s, _ in CONTOUR_SCALE])
    rgb = np.array([_rgb(c) for _, c in CONTOUR_SCALE])
    mid = (np.arange(levels) + 0.5) / levels
    return np.stack([np.interp(mid, stops, rgb[:, k]) for k in range(3)], axis=1)


def _png(rgb: np.ndarray) -> bytes:
    """A minimal RGB PNG (8 bit, no filter) of an (h, w, 3) uint8 array."""
    h, w, _ = rgb.shape
    raw = np.concatenate([np.zeros((h, 1), np.uint8), rgb.reshape(h, 3 * w)], axis=1).tobytes()

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def contour_image(z: np.ndarray, zmin: float, zmax: float, levels: int = LEVELS) -> str:
    """z (rows from the top) as filled contour bands with darker iso-lines between them: a PNG data URI."""
    band = np.clip(((z - zmin) / (zmax - zmin or 1.0) * levels).astype(int), 0, levels - 1)
    rgb = band_colors(levels)[band]
    edge = np.zeros(band.shape, dtype=bool)           # a pixel whose right/lower neighbour is in another band
    edge[:, :-1] |= band[:, :-1] != band[:, 1:]
    edge[:-1, :] |= band[:-1, :] != band[1:, :]
    rgb[edge] = 0.7 * rgb[edge] + 0.3 * _rgb(LINE_COLOR)
    return "data:image/png;base64," + base64.b64encode(_png(np.round(rgb).astype(np.uint8))).decode("ascii")


@dataclass(frozen=True)
class Picture:
    """What add_map draws of a surface, computed once per surface (the race caches it: see lessons/race/charts.py)."""
    png: str                   # the contour bands, a PNG data URI
    zmin: float
    zmax: float
    ztitle: str
    hover: tuple               # (x, y, z) of the invisible hover grid, float32, flattened


def picture(surface) -> Picture:
    """The loss map of the surface as an image, its colour range and the grid read on hover (~40 ms)."""
    x, y, z, ztitle = loss_map(surface)
    zmin, zmax = float(np.min(z)), float(np.max(z))
    every = max(1, len(x) // HOVER_GRID)
    hx, hy = np.meshgrid(x[::every], y[::every])
    hover = tuple(a.ravel().astype(np.float32) for a in (hx, hy, z[::every, ::every]))
    return Picture(contour_image(z, zmin, zmax), zmin, zmax, ztitle, hover)


def add_map(fig: go.Figure, surface, pic: Picture | None = None) -> None:
    """The loss map as an image under the axes, its colour bar, and an invisible grid that reads it on hover."""
    (x0, x1), (y0, y1) = surface.bounds
    ax, ay = surface.axis_labels
    pic = pic or picture(surface)
    zmin, zmax, ztitle = pic.zmin, pic.zmax, pic.ztitle
    fig.add_layout_image(source=pic.png, xref="x", yref="y", x=x0, y=y1, sizex=x1 - x0,
                         sizey=y1 - y0, sizing="stretch", layer="below")
    colorbar = dict(title=dict(text=ztitle, side="right"), thickness=12, len=0.8)
    if surface.min_value is not None:                           # log colours: a tick per decade
        ticks = list(range(math.ceil(zmin), math.floor(zmax) + 1))
        colorbar.update(tickvals=ticks,
                        ticktext=[("1", "10")[k] if k in (0, 1) else f"10<sup>{k}</sup>" for k in ticks])
    bands = [f"rgb({r:.0f},{g:.0f},{b:.0f})" for r, g, b in band_colors(LEVELS)]
    stepped = [[edge, color] for k, color in enumerate(bands) for edge in (k / LEVELS, (k + 1) / LEVELS)]
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="skip",   # colour bar only
                             marker=dict(color=[zmin], cmin=zmin, cmax=zmax, colorscale=stepped, showscale=True,
                                         colorbar=colorbar, opacity=0)))
    hx, hy, hz = pic.hover
    fig.add_trace(go.Scatter(x=hx, y=hy, mode="markers", customdata=hz, showlegend=False,
                             marker=dict(size=10, opacity=0),
                             hovertemplate=f"{ax} %{{x:.3f}}<br>{ay} %{{y:.3f}}<br>{ztitle} = %{{customdata:.2f}}"
                                           "<extra></extra>"))
