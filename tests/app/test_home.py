"""Home page and router: cards, presets, and each preset opening its page with the preset's values."""
from urllib.parse import parse_qs

import pytest

from lessons.catalog import LESSONS
from lessons.presets import PRESETS
from tests.app.pagetest import run_page, widget


def test_router_starts_on_home():
    at = run_page("app.py")
    assert not at.exception
    assert at.title[0].value == "Training Dynamics Lab"


URL_PATHS = {p.script: p.url_path for p in LESSONS}


def test_home_links_every_page_and_every_preset():
    at = run_page("app.py")
    links = {link.proto.label: link.proto for link in at.get("page_link")}
    assert {link.page for link in links.values()} == set(URL_PATHS.values())
    assert len(PRESETS) >= 20 and len({p.key for p in PRESETS}) == len(PRESETS)
    for preset in PRESETS:
        link = links[preset.title]
        assert link.page == URL_PATHS[preset.page]
        assert parse_qs(link.query_string) == {k: v if isinstance(v, list) else [v] for k, v in preset.params}


def _expected(value):
    """What a widget holds for a URL string: numbers as numbers, true as True, lists as lists."""
    if isinstance(value, list):
        return value
    if value in ("true", "false"):
        return value == "true"
    try:
        return float(value)
    except ValueError:
        return value


@pytest.mark.parametrize("preset", PRESETS, ids=[p.title for p in PRESETS])
def test_preset_opens_its_page_with_its_values(preset):
    at = run_page(preset.page, preset.query)
    assert not at.exception
    for key, value in preset.params:
        shown = widget(at, key).value
        expected = _expected(value)
        if isinstance(expected, float):
            assert float(shown) == pytest.approx(expected), key
        else:
            assert shown == expected, key
    assert not any("adjusted" in w.value for w in at.warning), "a preset must not trigger a URL notice"
