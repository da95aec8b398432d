"""Home page and router: cards, presets, and each preset opening its page with the preset's values."""
import pytest

from tests.app.pagetest import run_page, widget
from ui.presets import PRESETS

PAGE_FILES = ["pages/home.py", "pages/init_explorer.py", "pages/activations.py", "pages/gradients.py",
              "pages/optimizer_race.py"]


def test_router_starts_on_home():
    at = run_page("app.py")
    assert not at.exception
    assert at.title[0].value == "Training Dynamics Lab"


def test_home_links_every_page_and_every_preset():
    at = run_page("app.py")
    links = at.get("page_link")
    targets = [link.proto.page for link in links]
    for page in PAGE_FILES[1:]:
        assert any(t.endswith(page.split("/")[-1]) or page in t for t in targets), page
    labels = [link.proto.label for link in links]
    for preset in PRESETS:
        assert preset.title in labels
    assert len(PRESETS) == 8


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
