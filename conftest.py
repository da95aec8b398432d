"""Make the repository root importable (engine, ui) for every test."""
import os
import sys
from pathlib import Path

# As the server runs (see Makefile): one BLAS thread per computation, so parallel work does not thrash.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
