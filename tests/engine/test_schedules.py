"""engine.schedules: every schedule at several steps against numbers worked out by hand from its formula.

The steps are chosen at the edges (the last step before a drop, the first after the warm-up), where an
off-by-one in t, in steps // 3 or in the warm-up length gives a different number.
"""
import math

import pytest

from engine import schedules

LR = 0.5


@pytest.mark.parametrize("t", [0, 5, 9])
def test_constant(t):
    assert schedules.lr_at("constant", LR, t, 10) == LR


@pytest.mark.parametrize("t, expected", [(0, LR), (2, LR), (3, LR * 0.1), (5, LR * 0.1), (6, LR * 0.01),
                                         (9, LR * 0.001)])
def test_step_drops_tenfold_every_steps_over_3(t, expected):
    assert schedules.lr_at("step", LR, t, 10) == pytest.approx(expected, rel=1e-15)    # s = 10 // 3 = 3


def test_step_with_fewer_than_3_steps_drops_every_step():
    assert [schedules.lr_at("step", 1.0, t, 2) for t in range(2)] == pytest.approx([1.0, 0.1])   # s = max(1, 0)


@pytest.mark.parametrize("t, expected", [(0, LR), (5, LR / 2), (9, LR * (1 + math.cos(math.pi * 0.9)) / 2)])
def test_cosine_reaches_half_at_mid_run_and_not_zero_at_the_last_step(t, expected):
    assert schedules.lr_at("cosine", LR, t, 10) == pytest.approx(expected, rel=1e-14)


def test_cosine_last_step_by_number():
    assert schedules.lr_at("cosine", 1.0, 3, 4) == pytest.approx(0.1464466094067262, rel=1e-14)   # (1 - 1/sqrt2)/2


@pytest.mark.parametrize("t, expected", [
    (0, LR / 2),                                             # w = 20 // 10 = 2: (t + 1) / w
    (1, LR),                                                 # the end of the warm-up is lr itself
    (2, LR),                                                 # cosine over 18 steps starts at lr
    (11, LR / 2),                                            # (11 - 2) / 18 = 1/2: half way
    (19, LR * (1 + math.cos(math.pi * 17 / 18)) / 2),
])
def test_warmup_cosine(t, expected):
    assert schedules.lr_at("warmup_cosine", LR, t, 20) == pytest.approx(expected, rel=1e-14)


def test_warmup_of_short_runs_is_one_step():
    assert schedules.lr_at("warmup_cosine", 1.0, 0, 5) == 1.0      # w = max(1, 0) = 1
    assert schedules.lr_at("warmup_cosine", 1.0, 1, 2) == 1.0      # the cosine's first step


def test_registry_and_errors():
    assert schedules.SCHEDULES == ("constant", "step", "cosine", "warmup_cosine")
    with pytest.raises(ValueError, match="constant, step, cosine, warmup_cosine"):
        schedules.lr_at("linear", LR, 0, 10)
    for t, steps in [(-1, 10), (10, 10), (0, 0)]:
        with pytest.raises(ValueError, match="0 <= t < steps"):
            schedules.lr_at("constant", LR, t, steps)
    with pytest.raises(ValueError, match="lr"):
        schedules.lr_at("constant", -1.0, 0, 10)
    with pytest.raises(ValueError, match="t must be an int"):
        schedules.lr_at("constant", LR, 1.5, 10)
