"""Every cache is bounded by entries and by bytes (ui/cache.py): no module calls st.cache_data itself, and the
cached functions of every lesson carry both bounds."""
import importlib
from pathlib import Path

import pytest

from ui import cache

ROOT = Path(__file__).resolve().parents[2]
MODULES = ["lessons.network.probe", "lessons.activations.compute", "lessons.activations.charts",
           "lessons.gradients.charts", "lessons.init_explorer.compute", "lessons.init_explorer.charts",
           "lessons.race.compute", "lessons.race.charts"]


def test_only_ui_cache_makes_caches():
    code = [p for d in ("app.py", "pages", "lessons", "ui", "engine") for p in ROOT.glob(d if d.endswith(".py")
                                                                                       else f"{d}/**/*.py")]
    makers = [p.relative_to(ROOT) for p in code if "cache_data(" in p.read_text() or "cache_resource" in p.read_text()]
    assert makers == [Path("ui/cache.py")]


@pytest.mark.parametrize("name", MODULES)
def test_cached_functions_have_both_bounds(name):
    module = importlib.import_module(name)
    cached = [f for f in vars(module).values() if type(f).__name__ == "CachedFunc"]
    assert cached, f"{name} caches nothing"
    for f in cached:
        assert f._info.max_entries == cache.MAX_ENTRIES
        assert f._info.max_size_bytes in (16 * 1024**2,), f"{name}: {f}"
