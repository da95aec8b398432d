"""A Streamlit client that speaks the server's own websocket protocol, and nothing more.

A browser costs a core per tab to load Streamlit's front end; this client costs nothing, so a load test
with it measures the server alone. It does what the front end does over /_stcore/stream: sends
BackMsg.rerun_script (a ClientState with the page's name or script hash, the URL's query string, the
widget states and the hashes of the big messages it already holds), and reads ForwardMsgs until
script_finished, keeping the charts, widgets, the address the script wrote (page_info_changed) and any
exception. A ref_hash is resolved from the messages it cached, as the front end does.

Widget states: a rerun sends the values this client has set (the server keeps every other widget's last
value), which is what Streamlit does with a widget the front end did not report.
"""
from __future__ import annotations

import asyncio
import base64
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlparse

import numpy as np
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

FINISHED = ForwardMsg.ScriptFinishedStatus
DONE = (FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
ROUTE_COOKIE = "lab_route"        # the cookie the nginx front hashes for sticky sessions (deploy/nginx.conf)


def run_in_thread(coroutine):
    """asyncio.run in a thread of its own: the browser tests' Playwright keeps an event loop running in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class ProtocolError(RuntimeError):
    """The server answered with something a browser would show as an error."""


def decode_arrays(node):
    """Plotly's binary arrays {"dtype", "bdata", "shape"} back into NumPy; everything else as is."""
    if isinstance(node, dict):
        if "bdata" in node and "dtype" in node:
            arr = np.frombuffer(base64.b64decode(node["bdata"]), dtype=np.dtype(node["dtype"]))
            shape = node.get("shape")
            return arr.reshape([int(n) for n in str(shape).split(",")]) if shape else arr
        return {k: decode_arrays(v) for k, v in node.items()}
    if isinstance(node, list):
        return [decode_arrays(v) for v in node]
    return node


@dataclass
class Run:
    """What one script run sent: charts (raw JSON specs), widgets by key, the address, errors, timing."""
    seconds: float = 0.0
    charts: list[str] = field(default_factory=list)
    widgets: dict[str, tuple[str, object]] = field(default_factory=dict)     # key -> (element type, proto)
    errors: list[str] = field(default_factory=list)
    query: str | None = None
    bytes: int = 0
    status: int | None = None

    def figures(self) -> list[dict]:
        """Every chart of the run as a dict with NumPy arrays."""
        return [decode_arrays(json.loads(spec)) for spec in self.charts]


@dataclass
class Session:
    """One simulated browser tab on one page of the app."""
    url: str                                   # e.g. http://127.0.0.1:8501/activations?depth=7&seed=3
    route: str | None = None                   # sticky-session cookie value (None: no cookie)
    timeout: float = 120.0
    upstream: str | None = None                # which replica answered (nginx's X-Upstream header)
    session_id: str = ""
    page_hash: str = ""
    query: str = ""
    cache: dict[str, ForwardMsg] = field(default_factory=dict)
    widget_ids: dict[str, tuple[str, str]] = field(default_factory=dict)     # key -> (widget id, element type)
    states: dict[str, WidgetState] = field(default_factory=dict)
    fragment_ids: dict[str, str] = field(default_factory=dict)               # widget id -> its fragment's id
    ws: object = None

    async def __aenter__(self) -> Session:
        parts = urlparse(self.url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        headers = {"Cookie": f"{ROUTE_COOKIE}={self.route}"} if self.route else {}
        self.ws = await connect(f"{scheme}://{parts.netloc}/_stcore/stream", subprotocols=["streamlit"],
                                additional_headers=headers, max_size=None, open_timeout=self.timeout,
                                ping_interval=None, compression=None)
        self.upstream = self.ws.response.headers.get("X-Upstream")
        self.query = parts.query
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    @property
    def page_name(self) -> str:
        return urlparse(self.url).path.strip("/")

    async def open(self) -> Run:
        """The first run of the page, as a browser opening the URL."""
        return await self._rerun(widget_states=[], fragment_id="")

    async def set(self, key: str, value, fragment: bool = False) -> Run:
        """Move the widget `key` to `value` and wait for the rerun (of its fragment only, if it has one)."""
        wid, kind = self.widget_ids[key]
        state = WidgetState(id=wid)
        if kind == "slider":
            state.double_array_value.data[:] = [float(value)]
        elif kind == "select_slider":                  # the option as the widget formats it
            state.string_array_value.data[:] = [str(value)]
        elif kind == "number_input":
            state.double_value = float(value)
        elif kind == "checkbox":
            state.bool_value = bool(value)
        elif kind == "multiselect":
            state.string_array_value.data[:] = [str(v) for v in value]
        else:                                           # selectbox, radio: the option itself
            state.string_value = str(value)
        self.states[wid] = state
        return await self._rerun(list(self.states.values()), self.fragment_ids.get(wid, "") if fragment else "")

    async def navigate(self, query: dict) -> Run:
        """Rerun the open page with another address (what an edited link or the back button does)."""
        self.query = urlencode(query, doseq=True)
        return await self._rerun(list(self.states.values()), "")

    async def clear_cache(self) -> None:
        """BackMsg.clear_cache: what the front end's "Clear cache" menu item sends (it clears every user's cache)."""
        await self.ws.send(BackMsg(clear_cache=True).SerializeToString())

    async def _rerun(self, widget_states: list, fragment_id: str) -> Run:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        state.page_name = "" if self.page_hash else self.page_name
        state.fragment_id = fragment_id
        state.widget_states.widgets.extend(widget_states)
        state.cached_message_hashes.extend(self.cache)
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        run = await asyncio.wait_for(self._read_run(), self.timeout)
        run.seconds = time.perf_counter() - start
        return run

    async def _read_run(self) -> Run:
        run = Run()
        while run.status is None:
            raw = await self.ws.recv()
            run.bytes += len(raw)
            self._handle(ForwardMsg.FromString(raw), run)
        if run.status not in DONE:
            run.errors.append(f"script finished with status {FINISHED.Name(run.status)}")
        return run

    def _handle(self, msg: ForwardMsg, run: Run) -> None:
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            if msg.ref_hash not in self.cache:
                run.errors.append(f"unknown ref_hash {msg.ref_hash}")
                return
            msg, kind = self.cache[msg.ref_hash], "delta"
        elif msg.metadata.cacheable:
            self.cache[msg.hash] = msg
        if kind == "new_session":
            self.session_id = msg.new_session.initialize.session_id
        elif kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query = run.query = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            run.errors.append("page not found")
        elif kind == "script_finished":
            run.status = msg.script_finished
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg, run)

    def _element(self, msg: ForwardMsg, run: Run) -> None:
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "plotly_chart":
            run.charts.append(element.plotly_chart.spec)
        elif kind == "exception":
            run.errors.append(f"{element.exception.type}: {element.exception.message}")
        elif hasattr(getattr(element, kind), "id") and "-" in getattr(element, kind).id:
            proto = getattr(element, kind)
            if kind == "slider" and proto.type == proto.Type.SELECT_SLIDER:
                kind = "select_slider"
            key = proto.id.rsplit("-", 1)[-1]
            self.widget_ids[key] = (proto.id, kind)
            run.widgets[key] = (kind, proto)
            if msg.delta.fragment_id:
                self.fragment_ids[proto.id] = msg.delta.fragment_id


def page_url(base: str, page: str, query: dict) -> str:
    """base + /page + ?query (lists repeat their key, as the app writes them)."""
    return f"{base.rstrip('/')}/{page}" + (f"?{urlencode(query, doseq=True)}" if query else "")
