"""Bounded caches for engine calls and for the charts drawn from them: a classroom trying settings must not grow
memory without limit, and a rerun with a setting someone already tried must not redo any work.

Each cached function keeps at most MAX_ENTRIES results *and* at most its max_size of pickled bytes, for one
hour. Entry sizes, measured (pickled):
- engine results: a probe (activations, gradients) 16 KB at depth 10, 140 KB at depth 100; a race or an
  init-explorer layer well under that; batch norm's walk-through (activations) 2.6 MB at width 256 and batch
  256, ~33 MB at width 1024. RESULT_SIZE (16 MB) never bites on the probes (64 of the largest take 9 MB) and
  keeps the ~6 last walk-throughs (a larger one alone: Streamlit keeps one oversized value).
- charts (the Plotly JSON the browser gets): 3-70 KB for a lesson's line or heatmap chart, up to ~0.65 MB for
  the race's animation (bench/page_bench.py's "max fig KB"). CHART_SIZE (16 MB) holds the 64 last charts of
  every lesson but only the ~25 last races of the largest kind.
So the caches hold at most 16 MB a function (about 20 functions: under 350 MB in the worst case, 30-100 MB
in a class), whatever a class tries; tests/load/test_memory.py shows the server's memory levelling off.
"""
from __future__ import annotations

import functools

import streamlit as st

from ui.chartspec import to_chart

MAX_ENTRIES = 64          # per cached function: the settings a class has recently tried
RESULT_SIZE = "16MB"      # per engine-result function (64 of the largest probes take 9 MB)
CHART_SIZE = "16MB"       # per chart function (~20 of the largest race animations)
TTL = "1h"


def cached(func=None, *, max_size: str = RESULT_SIZE):
    """st.cache_data with this app's bounds: values are copied out per call, so no user shares a mutable object."""
    if func is None:
        return functools.partial(cached, max_size=max_size)
    return st.cache_data(max_entries=MAX_ENTRIES, max_size=max_size, ttl=TTL, show_spinner=False)(func)


def cached_charts(func):
    """Cache a function of settings that returns a figure (or a tuple of them) as Chart specs.

    The figures are built and encoded once per setting; a rerun with the same arguments sends the stored JSON
    (ui.show puts a Chart on the page without re-encoding it). Arguments must be small and hashable (the frozen
    Settings), never a result: hashing a result would cost what the cache saves.
    """
    @functools.wraps(func)
    def charts(*args, **kwargs):
        out = func(*args, **kwargs)
        return tuple(to_chart(fig) for fig in out) if isinstance(out, (tuple, list)) else to_chart(out)
    return cached(charts, max_size=CHART_SIZE)

