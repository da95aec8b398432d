"""Hand the memory a class has freed back to the system, every TRIM_S seconds, without paying for it on every rerun.

A rerun allocates many short-lived arrays of a few hundred KB (a 256 x 256 layer: 256 KB in float32, 512 KB in
float64). If glibc serves them with mmap (MALLOC_MMAP_THRESHOLD_ below their size), every one is fresh pages from
the kernel, zeroed and faulted in, then unmapped: a class of 30 on four replicas measured 44 ms of system CPU per
rerun that way (27% of the server's CPU) against about 20 ms from the heap, and a p90 setting change of 1.3-1.4 s
against 0.7-1.1 s. From the heap, the freed memory stays in the process unless it is trimmed: malloc_trim(0)
returns every free page, wherever it is in the heap (the automatic trim only returns the heap's top). So the
servers run with a 4 MB mmap threshold (deploy/serve.py SERVER_ENV) and this thread trims;
tests/load/test_memory.py shows the memory levelling off.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import threading
import time

TRIM_S = 2.0              # seconds between two trims: a trim costs about a millisecond


def _malloc_trim():
    """glibc's malloc_trim, or None where there is no glibc (macOS, musl: nothing to do)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


_lock = threading.Lock()
_thread: threading.Thread | None = None
_looked = False           # whether malloc_trim was looked for (once: without glibc there is nothing to start)


def start_trimming() -> threading.Thread | None:
    """The process's one daemon thread calling malloc_trim(0) every TRIM_S seconds (started by the first call)."""
    global _thread, _looked
    with _lock:
        if not _looked:
            _looked = True
            trim = _malloc_trim()
            if trim is not None:
                trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
                _thread = threading.Thread(target=_loop, args=(trim,), name="malloc-trim", daemon=True)
                _thread.start()
        return _thread


def _loop(trim) -> None:
    while True:
        time.sleep(TRIM_S)
        trim(0)
