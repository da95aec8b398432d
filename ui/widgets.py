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

import math
from dataclasses import dataclass

import streamlit as st

from engine.tuning import MANTISSAS, round_lrs

MAX_SHOWN = 40                 # characters of a bad URL value echoed back in a notice
STORE, PAGE_KEY, WRITTEN = "_lab_values", "_lab_page", "_lab_written"    # session-state bookkeeping


def shown(raw) -> str:
    """A URL value made safe to echo: no markdown/HTML specials, truncated."""
    text = "".join(ch for ch in str(raw) if ch.isalnum() or ch in ".-+_ ")
    return text[:MAX_SHOWN] + ("…" if len(text) > MAX_SHOWN else "")


def _number(raw) -> float | None:
    try:
        v = float(raw)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


@dataclass(frozen=True)
class Slider:
    """An int or float slider with hard bounds; URL values are clamped into them and snapped to the step."""
    key: str
    label: str
    lo: float
    hi: float
    default: float
    step: float = 1
    help: str | None = None
    fmt: str | None = None

    @property
    def is_int(self) -> bool:
        return all(float(v).is_integer() for v in (self.lo, self.hi, self.default, self.step))

    def cast(self, v):
        return int(round(v)) if self.is_int else float(v)

    def check(self, v):
        """v clamped into [lo, hi] and snapped to the step grid (no 0.30000000000000004)."""
        clamped = min(max(float(v), self.lo), self.hi)
        snapped = self.cast(self.lo + round((clamped - self.lo) / self.step) * self.step)
        snapped = min(max(snapped, self.cast(self.lo)), self.cast(self.hi))
        return snapped if self.is_int else round(snapped, 10)

    def parse(self, raws: list):
        """(value, notice) from the URL's values for this key."""
        raw = raws[-1] if raws else ""
        v = _number(raw)
        if v is None:
            return self.cast(self.default), f"`{self.key}={shown(raw)}` is not a finite number; using {self.default:g}"
        value = self.check(v)
        if not self.lo <= v <= self.hi:
            return value, f"`{self.key}={shown(raw)}` is outside {self.lo:g}–{self.hi:g}; using {value:g}"
        return value, None

    def to_url(self, value) -> str:
        return f"{value:g}" if not self.is_int else str(int(value))

    def render(self, where=None):
        c = self.cast
        return (where or st.sidebar).slider(self.label, c(self.lo), c(self.hi), c(self.default), c(self.step),
                                            key=self.key, help=self.help, format=self.fmt)


@dataclass(frozen=True)
class Number(Slider):
    """A number box with the same bounds and URL rules as a slider: easy to type a small fan such as 3."""

    def render(self, where=None):
        c = self.cast
        return (where or st.sidebar).number_input(self.label, c(self.lo), c(self.hi), c(self.default), c(self.step),
                                                  key=self.key, help=self.help, format=self.fmt)


@dataclass(frozen=True)
class Choice:
    """A selectbox (or radio) over fixed options; the URL holds the option itself."""
    key: str
    label: str
    options: tuple
    default: str
    help: str | None = None
    labels: tuple = ()               # (option, caption) pairs, shown under a radio's options
    radio: bool = False

    def check(self, v):
        return v if v in self.options else self.default

    def parse(self, raws: list):
        raw = raws[-1] if raws else ""
        if raw in self.options:
            return raw, None
        return self.default, f"`{self.key}={shown(raw)}` is not one of {', '.join(self.options)}; using {self.default}"

    def to_url(self, value) -> str:
        return str(value)

    def render(self, where=None):
        where = where or st.sidebar
        index = self.options.index(self.default)
        if self.radio:
            names = dict(self.labels)
            captions = [names.get(o, "") for o in self.options] if names else None
            return where.radio(self.label, self.options, index=index, key=self.key, help=self.help,
                               captions=captions, horizontal=not captions)
        names = dict(self.labels)
        return where.selectbox(self.label, self.options, index=index, key=self.key, help=self.help,
                               format_func=(lambda o: names.get(o, o)) if names else str)


@dataclass(frozen=True)
class Toggle:
    key: str
    label: str
    default: bool = False
    help: str | None = None

    def check(self, v):
        return bool(v) if isinstance(v, bool) else self.default

    def parse(self, raws: list):
        text = str(raws[-1] if raws else "").strip().lower()
        if text in ("true", "1", "on", "yes"):
            return True, None
        if text in ("false", "0", "off", "no"):
            return False, None
        return self.default, f"`{self.key}={shown(text)}` is not true/false; using {str(self.default).lower()}"

    def to_url(self, value) -> str:
        return "true" if value else "false"

    def render(self, where=None):
        return (where or st.sidebar).toggle(self.label, self.default, key=self.key, help=self.help)


@dataclass(frozen=True)
class MultiChoice:
    """A multiselect over fixed options; the URL repeats the key (?opt=sgd&opt=adam); empty is allowed."""
    key: str
    label: str
    options: tuple
    default: tuple
    help: str | None = None

    def check(self, v):
        return [o for o in dict.fromkeys(v or ()) if o in self.options] if isinstance(v, (list, tuple)) \
            else list(self.default)

    def parse(self, raws: list):
        if raws == [""]:                                   # ?opt= : deliberately none
            return [], None
        kept = [r for r in dict.fromkeys(raws) if r in self.options]
        bad = [r for r in raws if r not in self.options]
        if not bad:
            return kept, None
        using = ", ".join(kept or self.default) or "none"
        return (kept or list(self.default)), (f"ignored `{self.key}` value(s) {', '.join(shown(b) for b in bad)}; "
                                               f"valid: {', '.join(self.options)}; using {using}")

    def to_url(self, value) -> list[str] | str:
        return list(value) if value else ""

    def render(self, where=None):
        return (where or st.sidebar).multiselect(self.label, self.options, list(self.default), key=self.key,
                                                 help=self.help)


def log_options(lo_exp: int, hi_exp: int) -> tuple:
    """Round numbers, 15 per decade (1, 1.1, 1.2, 1.3, 1.5, 1.7, 2, 2.5, 3, 4, 5, 6, 7, 8, 9) x 10^e: a log slider.

    The same grid tune() refines on (engine.tuning), so a tuned learning rate is always one of its options.
    """
    return round_lrs(MANTISSAS, lo_exp, hi_exp)


@dataclass(frozen=True)
class LogSlider:
    """A select_slider over log-spaced round numbers; URL values snap to the nearest option in log space."""
    key: str
    label: str
    options: tuple
    default: float
    help: str | None = None

    def check(self, v):
        v = _number(v)
        if v is None or v <= 0:
            return self.default
        return min(self.options, key=lambda o: abs(math.log(o) - math.log(v)))

    def parse(self, raws: list):
        raw = raws[-1] if raws else ""
        v = _number(raw)
        if v is None or v <= 0:
            return self.default, f"`{self.key}={shown(raw)}` must be a positive number; using {self.default:g}"
        nearest = self.check(v)
        if v < self.options[0] or v > self.options[-1]:
            return nearest, (f"`{self.key}={shown(raw)}` is outside {self.options[0]:g}–{self.options[-1]:g}; "
                             f"using {nearest:g}")
        return nearest, None

    def to_url(self, value) -> str:
        return f"{value:g}"

    def render(self, where=None):
        return (where or st.sidebar).select_slider(self.label, self.options, self.default, key=self.key,
                                                   help=self.help, format_func=lambda v: f"{v:g}")


# --------------------------------------------------------------------------- the URL as the state
def _url() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def source(page: str, reserved=()) -> bool:
    """Call once per run, before any widget: True when this run's values come from the link.

    That is when the student arrives on the page with settings in the link, or the address changed under
    a page already open (the back button, an edited link). reserved: URL keys that are not settings.
    """
    state = st.session_state
    url = _url()
    arrival = state.get(PAGE_KEY) != page
    state[PAGE_KEY] = page
    if arrival:
        return any(k not in reserved for k in url)
    return url != state.get(WRITTEN, {}).get(page)


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
    return [f"ignored unknown setting `{shown(k)}`" for k in _url() if k not in set(known)] if from_link else []


def start(page: str, controls, reserved=()) -> list[str]:
    """source + seed + unknown for a page whose controls do not depend on each other; returns the notices."""
    from_link = source(page, reserved)
    return seed(from_link, controls) + unknown(from_link, [c.key for c in controls] + list(reserved))


def finish(page: str, used: dict, controls, reserved=()) -> None:
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
