"""Bounded caches for engine calls: a classroom of users trying settings must not grow memory without limit."""
import streamlit as st

MAX_ENTRIES = 64          # per cached function; one entry is at most a few hundred KB of stats and bins
TTL = "1h"


def cached(func):
    """st.cache_data with this app's bounds: values are copied out per call, so no user shares a mutable object."""
    return st.cache_data(max_entries=MAX_ENTRIES, ttl=TTL, show_spinner=False)(func)


@cached
def probe(depth: int, width: int, batch: int, act: str, init: str, init_params: tuple, scale: float,
          bias: float, bn: bool, input_dist: str, seed: int, loss: str = "mse"):
    """engine.probe.probe for a depth x width network, from plain (hashable) arguments."""
    from engine.mlp import MLPConfig
    from engine.probe import probe as run
    config = MLPConfig((width,) * (depth + 1), activation=act, init=init, init_params=dict(init_params),
                       batch_norm=bn, seed=seed)
    return run(config, batch=batch, input_dist=input_dist, loss=loss, weight_scale=scale, bias=bias, seed=seed)


def probe_values(values: dict, **override):
    """probe() for the values network_sidebar returned (with some replaced, e.g. another init)."""
    v = {**values, **override}
    return probe(v["depth"], v["width"], v["batch"], v["act"], v["init"], tuple(sorted(v["init_params"].items())),
                 v["scale"], v["bias"], v["bn"], v["input"], v["seed"], v.get("loss", "mse"))
