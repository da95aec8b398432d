"""Gradient norm against depth: one backward pass from a loss at the output down to layer 1, with overlays of
other initializers or batch norm on the same axes, and the per-layer backward factor measured vs predicted."""
