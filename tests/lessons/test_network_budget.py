"""The work budget: every allowed setting, once capped, fits the time a rerun may spend."""
import itertools

import pytest

from lessons.network import budget, probe
from lessons.network import settings as controls


@pytest.mark.parametrize("depth,width,batch", list(itertools.product(
    [controls.DEPTH.lo, 10, 50, controls.DEPTH.hi], [controls.WIDTH.lo, 256, 512, controls.WIDTH.hi],
    [probe.BATCH.lo, 512, probe.BATCH.hi])))
def test_capped_settings_fit_the_budget(depth, width, batch):
    d = budget.cap_depth(depth, width)
    b = budget.cap_batch(d, width, batch)
    assert d * width * width <= budget.WEIGHT_BUDGET or d == 1
    assert budget.cost_seconds(d, width, b) <= budget.SECONDS or b == budget.MIN_BATCH
    runs = budget.max_runs(d, width)
    assert runs * budget.cost_seconds(d, width, budget.cap_batch(d, width, batch, runs)) <= budget.SECONDS * 1.01 \
        or runs == 1


def test_small_settings_are_left_alone():
    assert budget.cap_depth(10, 256) == 10 and budget.cap_batch(10, 256, 512) == 512


def test_the_largest_network_is_cut_in_depth_then_batch():
    assert budget.cap_depth(100, 1024) == 38
    assert budget.cap_batch(38, 1024, 2048) < 2048


@pytest.mark.parametrize("width", [256, 512, 1024])
def test_orthogonal_pays_for_its_qr(width):
    """A QR per layer: an orthogonal 100 x 1024 network would take ~17 s to draw; the cap keeps it in budget."""
    d = budget.cap_depth(100, width, "orthogonal")
    assert budget.init_seconds(d, width, "orthogonal") <= budget.INIT_SECONDS
    assert d < budget.cap_depth(100, width, "xavier_normal") or width < 512
    b = budget.cap_batch(d, width, 2048, 1, "orthogonal")
    assert budget.cost_seconds(d, width, b, "orthogonal") <= budget.SECONDS or b == budget.MIN_BATCH
