"""Training Dynamics Lab engine: pure NumPy, no UI imports.

from engine import initializers, activations, batchnorm, mlp, optimizers, surfaces
"""
