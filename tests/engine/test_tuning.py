"""Tuning: steps_to_goal, the vectorized sweep equals race(), critical momentum, the issue's numbers,
the tuned default table and every preset's claim on the numbers the race page shows."""
import math
import time

import numpy as np
import pytest

from engine import optimizers, surfaces, tuning
from engine import race_defaults as rd

NAMES = tuple(optimizers.OPTIMIZERS)
TOL = 1e-3


def ravine(angle):
    return surfaces.make("bowl", condition=50, angle=angle)


# --- steps_to_goal -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("loss, expected", [
    ([1.0, 1e-4, 1.0, 1e-4, 1e-5], 3),        # touching the tolerance at step 1 does not count
    ([1.0, 1e-4, 2e-3], None),                # ends outside: never settled
    ([1e-4, 1e-5, 0.0], 0),
    ([1.0, TOL, TOL], None),                  # strictly below tol
    ([1.0, 1e-4, 1e-5, np.nan, np.nan], None),  # diverged (race() pads with NaN): never reaches
])
def test_steps_to_goal_counts_only_a_run_that_stays(loss, expected):
    assert tuning.steps_to_goal(loss, 0.0, TOL) == expected
    assert tuning.steps_to_goal(np.asarray(loss) + 5.0, 5.0, TOL) == expected   # measured from f*


@pytest.mark.parametrize("loss, expected", [
    ([0.0, -2.0, 0.0, -2.0, -3.0], 3),
    ([0.0, -2.0, -50.0, np.nan, np.nan], 1),   # left the window with f < -1: escaped to f -> -inf
    ([0.0, 5.0, 50.0, np.nan], None),          # blew up along the bowl direction: diverged
    ([0.0, -2.0, 5.0, np.nan], None),
])
def test_steps_to_goal_on_the_saddle_is_staying_below_minus_one(loss, expected):
    assert tuning.steps_to_goal(loss, None, TOL) == expected


def test_a_real_run_touches_the_tolerance_long_before_it_stays():
    """Momentum 0.9 on the ravine dips below 1e-3 and swings out again: the first touch is no arrival."""
    s = ravine(0)
    loss = surfaces.race(s, {"m": ("momentum", {"lr": 0.5})}, s.start, 200)["m"].loss
    first_touch = int(np.flatnonzero(loss < TOL)[0])
    settled = tuning.steps_to_goal(loss, 0.0, TOL)
    assert first_touch < settled and np.any(loss[first_touch:settled] >= TOL)


# --- the vectorized sweep is race() ------------------------------------------------------------------------

SWEEP_CASES = {   # surface, lrs (one diverges on most), race options
    "bowl-50-30": (ravine(30), (0.01, 0.3, 1.7, 30.0), {}),
    "rosenbrock": (surfaces.make("rosenbrock"), (1e-4, 2e-3, 0.05, 3.0), {}),
    "regression-noisy": (surfaces.make("regression", batch_size=10), (1e-3, 0.05, 0.5, 5.0),
                         {"grad_noise": 0.3, "clip": 1.0, "seed": 4}),
    "saddle": (surfaces.make("saddle"), (0.01, 0.3, 0.9, 10.0), {}),
    "rastrigin": (surfaces.make("rastrigin"), (1e-3, 0.01, 0.1, 1.0), {"grad_noise": 0.5}),
}
BETAS = (0.0, 0.5, 0.9, 0.99)   # momentum 0 runs the buffer path with beta 0: must equal plain SGD


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("case", SWEEP_CASES, ids=list(SWEEP_CASES))
def test_descend_grid_equals_race_run_by_run(case, name):
    """Positions bit for bit. f to 1e-12: race() evaluates f on NumPy scalars, whose x**2 calls pow(), and
    the sweep on arrays, whose x**2 squares; the two can differ in the last bit."""
    surface, lrs, options = SWEEP_CASES[case]
    betas = (BETAS if name == "momentum" else BETAS[1:] + (0.3,)) if name in tuning.MOMENTUM_OPTIMIZERS else None
    paths = tuning.descend_grid(surface, name, surface.start, 120, lrs, momentum=betas, **options)
    seed = options.get("seed", 0)
    race_options = {k: v for k, v in options.items() if k != "seed"}
    for k, lr in enumerate(lrs):
        hyper = {"lr": lr} if betas is None else {"lr": lr, "momentum": betas[k]}
        run = surfaces.race(surface, {"r": (name, hyper)}, surface.start, 120, rng=seed, **race_options)["r"]
        assert np.array_equal(paths.xy[:, k], run.xy, equal_nan=True), hyper
        np.testing.assert_allclose(paths.loss[:, k], run.loss, rtol=1e-12, atol=0, equal_nan=True)


def test_descend_grid_validates_like_race_and_create():
    s = ravine(0)
    with pytest.raises(ValueError, match="valid names"):
        tuning.descend_grid(s, "lion", s.start, 10, [0.1])
    with pytest.raises(ValueError, match="nesterov"):
        tuning.descend_grid(s, "nesterov", s.start, 10, [0.1, 0.1], momentum=[0.5, 0.0])
    with pytest.raises(ValueError, match="as many"):
        tuning.descend_grid(s, "momentum", s.start, 10, [0.1, 0.2], momentum=[0.5])
    with pytest.raises(ValueError, match="lr must be finite"):
        tuning.descend_grid(s, "sgd", s.start, 10, [0.1, -1.0])
    with pytest.raises(ValueError, match="steps"):
        tuning.descend_grid(s, "sgd", s.start, -1, [0.1])
    with pytest.raises(ValueError, match="tune\\(\\) picks lr"):
        tuning.tune(s, "sgd", s.start, 10, TOL, fixed={"lr": 0.1})


# --- tune() ------------------------------------------------------------------------------------------------

def test_tune_returns_the_best_of_its_sweep_refined_on_the_slider_grid():
    s = ravine(30)
    best = tuning.tune(s, "momentum", s.start, 200, TOL)
    sweep = best.sweep
    assert len({(t.lr, t.momentum) for t in sweep}) == len(sweep)
    assert min(t.steps_to_goal for t in sweep if t.steps_to_goal is not None) == best.steps_to_goal
    assert (best.lr, best.momentum, best.steps_to_goal) in {(t.lr, t.momentum, t.steps_to_goal) for t in sweep}
    assert {t.lr for t in sweep} <= set(tuning.round_lrs(tuning.MANTISSAS, -4, 1))
    assert {round(t.momentum, 2) for t in sweep} == {t.momentum for t in sweep}
    assert best.hyper() == {"lr": best.lr, "momentum": best.momentum}
    run = surfaces.race(s, {"m": ("momentum", best.hyper())}, s.start, 200)["m"]
    assert tuning.steps_to_goal(run.loss, 0.0, TOL) == best.steps_to_goal


def test_a_win_far_off_the_map_ranks_last():
    """RMSprop at lr 10 jumps 100 off the axis-aligned ravine and lands back; tune() prefers a visible path."""
    s = ravine(0)
    best = tuning.tune(s, "rmsprop", s.start, 300, TOL)
    wild = next(t for t in best.sweep if t.lr == 10.0)
    assert wild.left_arena and wild.steps_to_goal <= best.steps_to_goal
    assert not any(t.left_arena for t in best.sweep if (t.lr, t.steps_to_goal) == (best.lr, best.steps_to_goal))
    assert best.lr < 1.0


# --- critical momentum -------------------------------------------------------------------------------------

BETA_SLACK = 0.04   # a finite tolerance rewards slightly under-damped runs (kappa 10: 0.30 for 0.27), and tune()'s
# lr grid rounds lr* (3 for 3.07). A wrong formula is far off: without the square, 0.52 for kappa 10, 0.75 for 50


def test_critical_momentum_formula():
    assert tuning.critical_momentum(50) == pytest.approx(0.5658, abs=1e-4)
    assert tuning.critical_momentum(1) == 0.0
    with pytest.raises(ValueError, match=">= 1"):
        tuning.critical_momentum(0.5)


@pytest.mark.parametrize("kappa", [10, 50, 100, 1000])
def test_at_the_optimal_rate_the_fastest_beta_is_critical(kappa):
    """At lr* = 4 / (1 + 1/sqrt(kappa))^2 (curvatures 1 and 1/kappa), beta swept in steps of 0.01."""
    s = surfaces.make("bowl", condition=kappa)
    betas = np.round(np.arange(0.0, 1.0, 0.01), 2)
    lr = np.full(betas.size, 4 / (1 + 1 / math.sqrt(kappa)) ** 2)
    paths = tuning.descend_grid(s, "momentum", s.start, 1500, lr, momentum=betas)
    steps = [math.inf if n is None else n for n in tuning._settled(paths.loss, 0.0, 1e-12)]
    assert abs(betas[int(np.argmin(steps))] - tuning.critical_momentum(kappa)) <= BETA_SLACK


@pytest.mark.parametrize("kappa", [50, 100, 1000])
def test_tune_finds_the_critical_momentum(kappa):
    s = surfaces.make("bowl", condition=kappa, angle=30)
    best = tuning.tune(s, "momentum", s.start, 600, 1e-8)
    assert abs(best.momentum - tuning.critical_momentum(kappa)) <= BETA_SLACK


# --- the issue's numbers -----------------------------------------------------------------------------------

ISSUE_GRID = tuning.Grid(coarse=tuple(10 ** (k / 5) for k in range(5)), fine=())   # 10^(k/5), 1e-4..10, unrefined
ISSUE = {0: {"rmsprop": 5, "nesterov": 24, "sgd": 65, "adam": 58}, 45: {"nesterov": 8, "sgd": 25, "rmsprop": 79}}
OURS = {0: {"rmsprop": 3, "nesterov": 13, "sgd": 60, "adam": 55}, 45: {"nesterov": 8, "sgd": 24, "rmsprop": 59}}


@pytest.mark.parametrize("angle", [0, 45])
def test_the_issues_numbers_come_from_a_five_per_decade_grid_with_torchs_beta(angle):
    """The issue measured on 10^(k/5) without refinement, Nesterov at torch's beta 0.9, from (-2.5, 1.5)."""
    s = ravine(angle)
    for name, steps in ISSUE[angle].items():
        fixed = {"momentum": 0.9} if name == "nesterov" else None
        assert tuning.tune(s, name, s.start, 300, TOL, grid=ISSUE_GRID, fixed=fixed).steps_to_goal == steps, name


@pytest.mark.parametrize("angle", [0, 45])
def test_the_issues_race_with_the_default_grid_and_tuned_beta(angle):
    s = ravine(angle)
    got = {name: tuning.tune(s, name, s.start, 300, TOL).steps_to_goal for name in OURS[angle]}
    assert got == OURS[angle]


def test_tuned_adam_still_loses_to_sgd_on_the_30_degree_ravine():
    """The issue's example: the old defaults gave SGD 44, Adam 183; tuned, Adam improves, SGD still wins."""
    s = ravine(30)
    old = surfaces.race(s, {"sgd": ("sgd", {"lr": 1.7}), "adam": ("adam", {"lr": 0.1})}, s.start, 300)
    assert [tuning.steps_to_goal(old[k].loss, 0.0, TOL) for k in ("sgd", "adam")] == [44, 183]
    sgd, adam = (tuning.tune(s, name, s.start, 300, TOL) for name in ("sgd", "adam"))
    assert sgd.steps_to_goal < adam.steps_to_goal < 183


# --- the default table -------------------------------------------------------------------------------------

@pytest.mark.parametrize("surface", list(rd.DEFAULTS))
def test_defaults_are_still_tuned(surface):
    s = surfaces.SURFACES[surface]
    tuned = tuning.tune_all(s, NAMES, s.start, rd.TUNED_FOR[surface], rd.TOL)
    assert {name: (t.lr, t.momentum, t.steps_to_goal) for name, t in tuned.items()} == \
        {name: tuple(cell) for name, cell in rd.DEFAULTS[surface].items()}


def test_defaults_are_slider_values_and_read_only():
    slider = set(tuning.round_lrs(tuning.MANTISSAS, -5, 1))    # the race page's lr options, 1e-5 .. 10
    for row in rd.DEFAULTS.values():
        assert set(row) == set(NAMES)
        for name, cell in row.items():
            assert cell.lr in slider
            assert (cell.momentum is None) == (name not in tuning.MOMENTUM_OPTIMIZERS)
        with pytest.raises(TypeError):
            row["sgd"] = rd.Default(1.0, None, 1)
    assert rd.default_hyper("bowl", "momentum") == {"lr": 2.0, "momentum": 0.31}
    with pytest.raises(ValueError, match="surfaces: bowl"):
        rd.default_hyper("moon", "sgd")


# --- presets: each claim on the numbers the page shows -----------------------------------------------------

@pytest.fixture(scope="module")
def raced():
    return {key: rd.run_preset(preset) for key, preset in rd.PRESETS.items()}


RESCALING_EDGE = 3        # "several times sooner": RMSprop at most a third of Nesterov's steps
UNDERDAMPED_COST = 3      # beta 0.9 needs at least 3x the steps of the critical beta
OVERSHOOTS = 3            # ... and its loss rises at least 3x as often on the way
SADDLE_EDGE = 5           # SGD needs at least 5x the steps of RMSprop and Adam to escape
CRAWL = 0.01              # "still crawling": SGD's end is this far from (1, 1); momentum's and Adam's are nearer
BIAS_STEP = 0.1 / math.sqrt(0.001)   # (1 - beta1) / sqrt(1 - beta2): the uncorrected first step's length ratio


def test_every_preset_is_a_plain_race_with_a_claim_and_reason():
    for preset in rd.PRESETS.values():
        settings = preset.settings()
        assert preset.claim.endswith(".") and preset.reason and preset.title
        assert isinstance(settings["runs"], dict) and isinstance(settings["params"], dict)
        settings["runs"].clear()
        assert preset.settings()["runs"]                                # a fresh copy each time
        surfaces.make(preset.surface, **dict(preset.params))


def test_ravine_along_an_axis_rescaling_wins(raced):
    n = raced["ravine_axis"].reached
    assert n["rmsprop"] == min(n.values())
    assert RESCALING_EDGE * n["rmsprop"] <= n["nesterov"] < n["adam"]
    s = ravine(0)                                   # the reason: Adam without momentum (beta1 = 0) keeps the edge
    assert tuning.tune(s, "adam", s.start, 200, TOL, fixed={"betas": (0.0, 0.999)}).steps_to_goal < n["nesterov"]


def test_rotated_ravine_momentum_wins(raced):
    n = raced["ravine_rotated"].reached
    assert n["nesterov"] == min(n.values())
    assert n["sgd"] < n["rmsprop"] and n["sgd"] < n["adam"]


def test_momentum_09_overshoots_where_057_is_critically_damped(raced):
    race = raced["momentum_beta"]
    (label_09, slow), (label_057, fast) = race.reached.items()
    assert slow >= UNDERDAMPED_COST * fast
    rises = {label: int(np.sum(np.diff(race.runs[label].loss[:race.reached[label] + 1]) > 0)) for label in race.runs}
    assert rises[label_09] >= OVERSHOOTS * rises[label_057]
    assert rd.BETA_CRITICAL == round(tuning.critical_momentum(50), 2) == 0.57


def test_rosenbrock_momentum_and_adam_arrive_sgd_crawls(raced):
    race = raced["rosenbrock_valley"]
    assert race.reached["sgd"] is None and race.reached["momentum"] and race.reached["adam"]
    distance = {label: math.dist(run.xy[-1], (1.0, 1.0)) for label, run in race.runs.items()}
    assert distance["sgd"] > CRAWL > max(distance["momentum"], distance["adam"])
    assert rd.DEFAULTS["rosenbrock"]["sgd"].steps_to_goal == 119        # the reason's "at tolerance 1e-3"


def test_saddle_adaptive_steps_escape_at_once(raced):
    race = raced["saddle_escape"]
    n = race.reached
    assert n["sgd"] >= SADDLE_EDGE * max(n["rmsprop"], n["adam"])
    assert race.tuned["sgd"].lr < 1.0                                   # capped by the steep direction


def test_minibatch_noise_nobody_settles(raced):
    assert set(raced["minibatch_noise"].reached.values()) == {None}
    assert rd.DEFAULTS["regression"]["sgd"].steps_to_goal <= 2          # the full batch


def test_adam_without_bias_correction(raced):
    race = raced["adam_bias_correction"]
    plain, uncorrected = race.runs["adam"], race.runs["adam without bias correction"]
    given = dict(dict(rd.PRESETS["adam_bias_correction"].runs)["adam without bias correction"].hyper)
    assert race.tuned["adam"].lr == given["lr"]                         # the same lr
    assert race.reached["adam"] is not None and race.reached["adam without bias correction"] is None
    first = [np.linalg.norm(run.xy[1] - run.xy[0]) for run in (plain, uncorrected)]
    assert first[1] / first[0] == pytest.approx(BIAS_STEP, rel=1e-6)
    (x0, x1), (y0, y1) = surfaces.SURFACES["rosenbrock"].bounds
    inside = [(x0 <= x <= x1) and (y0 <= y <= y1) for x, y in uncorrected.xy[:2]]
    assert inside == [True, False]
    assert np.all((plain.xy[:, 0] >= x0) & (plain.xy[:, 0] <= x1) & (plain.xy[:, 1] >= y0) & (plain.xy[:, 1] <= y1))


# --- speed -------------------------------------------------------------------------------------------------

SLOW = 4.0   # CPU seconds: the 7-optimizer tune takes ~0.5 s; a loop over the ~700 grid points would take ~30 s


def test_a_seven_optimizer_tune_is_fast():
    s = surfaces.make("rosenbrock")
    start = time.process_time()
    tuning.tune_all(s, NAMES, s.start, 1000, TOL)
    assert time.process_time() - start < SLOW
