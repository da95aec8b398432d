"""Activations per layer: a batch of random inputs flows through a deep network; every layer's spread, histogram,
saturated and dead units, and a verdict in words. Settings -> compute.run -> figures / text."""
