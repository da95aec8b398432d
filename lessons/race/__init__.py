"""Optimizer race: optimizers descend one 2-D loss surface from the same start, animated in the browser; the loss
per step, who reached the minimum and stayed there, each optimizer's update rule (rendered by the engine), and the
exponential moving average behind momentum and Adam."""
