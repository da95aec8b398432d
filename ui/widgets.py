"""Bounded controls and the URL as the state.

Every control knows its key, bounds and default, turns a URL value into a checked value (clamped or
ignored, with a notice in words) and renders itself keyed. A page calls, in this order:

    notices = widgets.start(PAGE, controls)     # before any widget: seed each widget's value
    values = {c.key: c.render() for c in ...}   # draw them
    widgets.finish(PAGE, used, controls)        # the address bar := every setting that differs from its default

`start` decides where the values come from. Arriving on the page with settings in the link (a preset, a
shared link, the browser's back button), the link wins: each key is parsed and checked, keys it does not
name take their defaults. Arriving with a bare address (the sidebar), the values the student last used on
any page carry over. Otherwise the widgets keep their own state. Every value is checked against this
page's control before its widget is drawn, so no widget ever sees a value outside its bounds.
`finish` writes the values the page actually used (after clamping and budgets), so a copied link
reproduces what is on screen.
"""
from __future__ import annotations

import streamlit as st

from ui.controls import (  # noqa: F401  (the controls, re-exported: pages and lessons import them from here)
    ALL,
    RESERVED,
    SHOWN,
    Choice,
    Control,
    LogSlider,
    MultiChoice,
    Number,
    Slider,
    Toggle,
    hidden_keys,
    log_options,
    record_shown,
    shown,
)

STORE, PAGE_KEY, WRITTEN = "_lab_values", "_lab_page", "_lab_written"    # session-state bookkeeping
DRAWN = "_lab_drawn"       # {page: {key: widget value}} at the end of the page's last run (see `source`)


def _url() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def source(page: str, reserved=RESERVED) -> bool:
    """Call once per run, before any widget: True when this run's values come from the link.

    That is when the student arrives on the page with settings in the link, or the address changed under
    a page already open (the back or forward button) while no widget moved. When a widget moved, this run is
    the student's move and the widgets win: the address the browser sends can lag what the last run wrote (a
    quick second move is sent before the browser has applied the first one's address), and taking that for a
    new link would undo the move. reserved: URL keys that are not settings.
    """
    state = st.session_state
    url = _url()
    arrival = state.get(PAGE_KEY) != page
    state[PAGE_KEY] = page
    state[SHOWN] = {}                           # the controls this run renders record themselves here
    if arrival:
        return any(k not in reserved for k in url)
    drawn = state.get(DRAWN, {}).get(page, {})
    moved = any(k in state and state[k] != v for k, v in drawn.items())
    return not moved and url != state.get(WRITTEN, {}).get(page)


def seed(from_link: bool, controls) -> list[str]:
    """Give every control a checked session value before its widget is drawn; notices for bad link values."""
    state, url = st.session_state, _url()
    store = state.setdefault(STORE, {})
    notices = []
    for c in controls:
        if from_link:
            value, notice = c.parse(url[c.key]) if c.key in url else (c.check(c.default), None)
            notices += [notice] if notice else []
        elif c.key in state:
            value = c.check(state[c.key])
        else:
            value = c.check(store.get(c.key, c.default))
        if c.key not in state or state[c.key] != value:
            state[c.key] = value
    return notices


def unknown(from_link: bool, known) -> list[str]:
    """Notices for link keys that are no setting of this page (they are dropped from the address)."""
    known = set(known) | set(RESERVED)
    return [f"ignored unknown setting `{shown(k)}`" for k in _url() if k not in known] if from_link else []


def start(page: str, controls, reserved=RESERVED) -> list[str]:
    """source + seed + unknown for a page whose controls do not depend on each other; returns the notices."""
    from_link = source(page, reserved)
    return seed(from_link, controls) + unknown(from_link, [c.key for c in controls] + list(reserved))


def finish(page: str, used: dict, controls, reserved=RESERVED) -> None:
    """Write the used values that differ from their defaults into the address bar, and remember them.

    The values carried to other pages are only those that differ from this page's defaults, so a lesson's
    own default is never overridden by another lesson's default. reserved URL keys stay as they are.
    """
    by_key = {c.key: c for c in controls}
    changed = {k: v for k, v in used.items() if k in by_key and by_key[k].check(by_key[k].default) != v}
    query = {k: by_key[k].to_url(v) for k, v in changed.items()}
    query = {k: (v if isinstance(v, list) else [v]) for k, v in query.items()}
    url = _url()
    query.update({k: v for k, v in url.items() if k in reserved})
    if url != query:
        st.query_params.from_dict(query)
    st.session_state.setdefault(WRITTEN, {})[page] = query
    st.session_state.setdefault(DRAWN, {})[page] = {c.key: st.session_state.get(c.key) for c in controls}
    store = st.session_state.setdefault(STORE, {})
    for k, v in used.items():
        if k in changed:
            store[k] = v
        else:
            store.pop(k, None)


def keep_in_url(page: str, control, value) -> None:
    """Write one control's value into the address bar and the bookkeeping, as `finish` does for every control.

    For a widget inside an st.fragment: moving it reruns only the fragment, so the page's `finish` never sees
    the new value. The fragment calls this after drawing the widget; when nothing changed it writes nothing.
    """
    used = control.check(value)
    want = control.to_url(used) if used != control.check(control.default) else None
    want = [want] if isinstance(want, str) else want
    if _url().get(control.key) != want:
        if want is None:
            del st.query_params[control.key]
        else:
            st.query_params[control.key] = want
    st.session_state.setdefault(WRITTEN, {})[page] = _url()
    st.session_state.setdefault(DRAWN, {}).setdefault(page, {})[control.key] = value
    store = st.session_state.setdefault(STORE, {})
    if want is None:
        store.pop(control.key, None)
    else:
        store[control.key] = used


def canonical(params: dict, controls) -> dict[str, list[str]]:
    """A link's settings as `finish` would write them: parsed, checked, defaults dropped, lists for values."""
    by_key = {c.key: c for c in controls}
    out = {}
    for key, raw in params.items():
        c = by_key.get(key)
        if c is None:
            continue
        value, _ = c.parse(raw if isinstance(raw, list) else [raw])
        if value != c.check(c.default):
            url = c.to_url(value)
            out[key] = url if isinstance(url, list) else [url]
    return out


def current() -> dict[str, list[str]]:
    """The address bar's settings as this run wrote them."""
    return _url()


def show_notices(notices) -> None:
    """One warning box listing what was fixed in the link."""
    if notices:
        st.warning("Some settings in the link were adjusted:\n\n" + "\n".join(f"- {n}" for n in notices),
                   icon=":material/link:")
