"""Training: a network learns, stalls or diverges on a small data set (or the student's CSV); the loss and accuracy,
the decision boundary played back, every layer's gradients, updates, activations and distinct units, a comparison
run, and the run as a PyTorch script. Settings -> compute.runs -> figures / text."""
