"""Theory: the mean-field phase diagram (order, chaos, the edge between and how deep a net trains), and actual nets
measured against it: two inputs' correlation, the Jacobian's singular values, the residual stream.
Settings -> compute -> figures / text."""
