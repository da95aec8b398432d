"""Init explorer: one layer, one initializer — its formula with the numbers plugged in (from the engine's own
description), the weights it draws against that promise, std against fan_in, the gain an activation wants, the
PyTorch and Keras spelling, and a tiny network showing why equal weights never break symmetry."""
