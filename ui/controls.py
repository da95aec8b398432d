"""Bounded controls: each knows its key, bounds and default, turns a URL value into a checked value (clamped or
ignored, with a notice in words) and renders itself keyed. A control a classroom link hides is not drawn; its
seeded value is used (ui.classroom). ui.widgets seeds and writes their values (the URL is the state).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import streamlit as st

from engine.tuning import MANTISSAS, round_lrs

MAX_SHOWN = 40                 # characters of a bad URL value echoed back in a notice


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


RESERVED = ("hide", "prompt", "predict")    # classroom-link keys (ui.classroom): kept in the URL, not settings
ALL = "all"                                  # hide=all hides the whole sidebar
SHOWN = "_lab_shown"                         # this run's controls: {key: (label, value, hidden)} (ui.classroom)


def hidden_keys() -> set[str]:
    """The controls a classroom link hides (?hide=depth&hide=init, or hide=all for every one)."""
    return {k for raw in st.query_params.get_all("hide") for k in raw.split(",") if k}


def record_shown(key: str, label: str, value, hidden: bool) -> None:
    """What this run shows for `key`, as the classroom's set-up line lists it (ui.classroom)."""
    st.session_state.setdefault(SHOWN, {})[key] = (label, value, hidden)


class Control:
    """What every control shares: a hidden control (classroom link) is not drawn, its seeded value is used."""

    def render(self, where=None):
        hidden = hidden_keys()
        if self.key in hidden or ALL in hidden:
            value = st.session_state.get(self.key, self.check(self.default))
        else:
            value = self._draw(where)
        record_shown(self.key, self.label, value, self.key in hidden or ALL in hidden)
        return value


@dataclass(frozen=True)
class Slider(Control):
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

    def _draw(self, where=None):
        c = self.cast
        return (where or st.sidebar).slider(self.label, c(self.lo), c(self.hi), c(self.default), c(self.step),
                                            key=self.key, help=self.help, format=self.fmt)


@dataclass(frozen=True)
class Number(Slider):
    """A number box with the same bounds and URL rules as a slider: easy to type a small fan such as 3."""

    def _draw(self, where=None):
        c = self.cast
        return (where or st.sidebar).number_input(self.label, c(self.lo), c(self.hi), c(self.default), c(self.step),
                                                  key=self.key, help=self.help, format=self.fmt)


@dataclass(frozen=True)
class Choice(Control):
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

    def _draw(self, where=None):
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
class Toggle(Control):
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

    def _draw(self, where=None):
        return (where or st.sidebar).toggle(self.label, self.default, key=self.key, help=self.help)


@dataclass(frozen=True)
class MultiChoice(Control):
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

    def _draw(self, where=None):
        return (where or st.sidebar).multiselect(self.label, self.options, list(self.default), key=self.key,
                                                 help=self.help)


def log_options(lo_exp: int, hi_exp: int) -> tuple:
    """Round numbers, 15 per decade (1, 1.1, 1.2, 1.3, 1.5, 1.7, 2, 2.5, 3, 4, 5, 6, 7, 8, 9) x 10^e: a log slider.

    The same grid tune() refines on (engine.tuning), so a tuned learning rate is always one of its options.
    """
    return round_lrs(MANTISSAS, lo_exp, hi_exp)


@dataclass(frozen=True)
class LogSlider(Control):
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

    def _draw(self, where=None):
        return (where or st.sidebar).select_slider(self.label, self.options, self.default, key=self.key,
                                                   help=self.help, format_func=lambda v: f"{v:g}")
