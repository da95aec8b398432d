"""Helpers for AppTest page tests: run a page with a query string, read its widgets and Plotly specs."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

TIMEOUT = 60
ROOT = Path(__file__).resolve().parents[2]


def run_page(path: str, query: dict | None = None) -> AppTest:
    """Run one page through the router (app.py), as a browser opening its link with these query parameters."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if path != "app.py":
        at.switch_page(path)
    at.run()
    return at


def _decode(node):
    """Plotly's binary arrays {"dtype", "bdata", "shape"} back into NumPy; everything else as is."""
    if isinstance(node, dict):
        if "bdata" in node and "dtype" in node:
            arr = np.frombuffer(base64.b64decode(node["bdata"]), dtype=np.dtype(node["dtype"]))
            shape = node.get("shape")
            if shape:
                arr = arr.reshape([int(n) for n in str(shape).split(",")])
            return arr
        return {k: _decode(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_decode(v) for v in node]
    return node


def figures(at: AppTest) -> list[dict]:
    """Every st.plotly_chart on the page as a dict with decoded arrays."""
    return [_decode(json.loads(chart.proto.spec)) for chart in at.get("plotly_chart")]


def spec_sizes(at: AppTest) -> list[int]:
    """Bytes of JSON each figure sends to the browser."""
    return [len(chart.proto.spec) for chart in at.get("plotly_chart")]


def widget(at: AppTest, key: str):
    """The widget with this key, wherever it is (sidebar or main)."""
    return at.get_by_key(key)


def texts(at: AppTest) -> str:
    """All alert and caption text on the page, for assertions on what the user reads."""
    parts = [e.value for kind in ("success", "warning", "error", "info", "caption", "markdown") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def same_data(a: dict, b: dict) -> bool:
    """Whether two figures carry the same trace data (NaN gaps count as equal)."""
    def flat(fig):
        return [trace[k] for trace in fig["data"] for k in ("x", "y", "z") if k in trace]

    def equal(u, v):
        u, v = np.asarray(u), np.asarray(v)
        if u.dtype.kind in "fiu" and v.dtype.kind in "fiu":
            return u.shape == v.shape and np.array_equal(u, v, equal_nan=True)
        return np.asarray(u, dtype=object).tolist() == np.asarray(v, dtype=object).tolist()
    fa, fb = flat(a), flat(b)
    return len(fa) == len(fb) and all(equal(u, v) for u, v in zip(fa, fb))
