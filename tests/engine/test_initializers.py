"""Initializers against their formulas: tolerances of a few standard errors, tight enough to catch a wrong constant."""
import math

import numpy as np
import pytest

from engine import initializers as init

SHAPE = (600, 400)                   # n = 240k samples: the std's standard error is about 0.15%
N = SHAPE[0] * SHAPE[1]
FAN_IN, FAN_OUT = SHAPE


def sample(name, seed=0, shape=SHAPE, **params):
    return init.initialize(name, shape, np.random.default_rng(seed), **params)


def std_tolerance(kurtosis):
    """5 standard errors of a sample std, relative: SE(s)/sigma = sqrt((kurtosis - 1) / (4N))."""
    return 5 * math.sqrt((kurtosis - 1) / (4 * N))


# (name, params, formula std, kurtosis of the distribution: normal 3, uniform 1.8)
CASES = [
    ("xavier_uniform", {}, math.sqrt(6 / (FAN_IN + FAN_OUT)) / math.sqrt(3), 1.8),
    ("xavier_uniform", {"gain": 5 / 3}, 5 / 3 * math.sqrt(6 / (FAN_IN + FAN_OUT)) / math.sqrt(3), 1.8),
    ("xavier_normal", {}, math.sqrt(2 / (FAN_IN + FAN_OUT)), 3),
    ("xavier_normal", {"gain": 2.0}, 2.0 * math.sqrt(2 / (FAN_IN + FAN_OUT)), 3),
    ("he_uniform", {}, math.sqrt(6 / FAN_IN) / math.sqrt(3), 1.8),
    ("he_normal", {}, math.sqrt(2 / FAN_IN), 3),
    ("he_normal", {"gain": 0.5}, 0.5 * math.sqrt(2 / FAN_IN), 3),
    ("lecun_uniform", {}, math.sqrt(3 / FAN_IN) / math.sqrt(3), 1.8),
    ("lecun_normal", {}, math.sqrt(1 / FAN_IN), 3),
    ("normal", {}, 0.01, 3),
    ("normal", {"std": 1.0}, 1.0, 3),
    ("uniform", {"limit": 0.3}, 0.3 / math.sqrt(3), 1.8),
    ("torch_default", {}, 1 / math.sqrt(FAN_IN) / math.sqrt(3), 1.8),
]


@pytest.mark.parametrize("name,params,std,kurtosis", CASES)
def test_empirical_std_matches_formula(name, params, std, kurtosis):
    w = sample(name, **params)
    assert w.shape == SHAPE
    assert abs(w.std() / std - 1) < std_tolerance(kurtosis)
    assert abs(w.mean()) < 5 * std / math.sqrt(N)
    assert init.expected_std(name, SHAPE, **params) == pytest.approx(std, rel=1e-12)


def test_a_wrong_constant_would_fail():
    """sqrt(3/n) in place of sqrt(6/n) is 29% off; the tolerance is far below that."""
    assert std_tolerance(1.8) < 0.01
    w = sample("he_uniform")
    assert abs(w.std() / math.sqrt(1 / FAN_IN) - 1) > 0.2


@pytest.mark.parametrize("name,params,limit", [
    ("xavier_uniform", {}, math.sqrt(6 / (FAN_IN + FAN_OUT))),
    ("he_uniform", {"gain": math.sqrt(2)}, math.sqrt(2) * math.sqrt(6 / FAN_IN)),
    ("lecun_uniform", {}, math.sqrt(3 / FAN_IN)),
    ("uniform", {"limit": 2.0}, 2.0),
    ("torch_default", {}, 1 / math.sqrt(FAN_IN)),
])
def test_uniform_bounds_reached_never_exceeded(name, params, limit):
    w = sample(name, **params)
    assert np.abs(w).max() <= limit
    # with 240k draws the extremes sit within 1e-4 of the limit
    assert w.max() > limit * (1 - 1e-4) and w.min() < -limit * (1 - 1e-4)


@pytest.mark.parametrize("gain,shape", [(1.0, (300, 200)), (5 / 3, (256, 256)), (math.sqrt(2), (64, 16))])
def test_orthogonal_columns_are_orthonormal_times_gain(gain, shape):
    w = sample("orthogonal", shape=shape, gain=gain)
    np.testing.assert_allclose(w.T @ w, gain**2 * np.eye(shape[1]), atol=1e-12)
    assert init.expected_std("orthogonal", shape, gain=gain) == pytest.approx(gain / math.sqrt(shape[0]))


def test_orthogonal_wide_matrix_has_orthonormal_rows():
    w = sample("orthogonal", shape=(16, 64))
    np.testing.assert_allclose(w @ w.T, np.eye(16), atol=1e-12)


def test_orthogonal_sign_fix_makes_it_unique():
    """Q times sign(diag R): the QR of the same Gaussian gives the same W (PyTorch's rule)."""
    rng = np.random.default_rng(3)
    a = rng.standard_normal((50, 20))
    q, r = np.linalg.qr(a)
    expected = q * np.sign(np.diag(r))
    np.testing.assert_allclose(init.orthogonal((50, 20), np.random.default_rng(3)), expected, atol=1e-12)


@pytest.mark.parametrize("mode,n", [("fan_in", FAN_IN), ("fan_out", FAN_OUT), ("fan_avg", (FAN_IN + FAN_OUT) / 2)])
def test_truncated_normal_is_cut_at_two_sd_with_asked_variance(mode, n):
    scale = 2.0
    w = init.variance_scaling(SHAPE, np.random.default_rng(1), scale=scale, mode=mode,
                              distribution="truncated_normal")
    std = math.sqrt(scale / n)
    sd_before_cut = std / init.TRUNCATED_STD
    assert np.abs(w).max() <= 2 * sd_before_cut
    assert np.abs(w).max() > 2 * sd_before_cut * 0.999
    # kurtosis of a 2-sd truncated normal is about 2.37
    assert abs(w.std() / std - 1) < std_tolerance(2.4)


def test_truncated_constant_is_the_std_of_a_cut_normal():
    from math import erf, exp, pi, sqrt
    phi2 = exp(-2) / sqrt(2 * pi)                      # density at 2
    mass = erf(2 / sqrt(2))                            # P(|z| < 2)
    assert init.TRUNCATED_STD == pytest.approx(sqrt(1 - 2 * 2 * phi2 / mass), rel=1e-15)


@pytest.mark.parametrize("distribution,kurtosis", [("normal", 3), ("uniform", 1.8)])
def test_variance_scaling_core(distribution, kurtosis):
    w = init.variance_scaling(SHAPE, np.random.default_rng(2), scale=3.0, mode="fan_out",
                              distribution=distribution)
    assert abs(w.std() / math.sqrt(3.0 / FAN_OUT) - 1) < std_tolerance(kurtosis)


@pytest.mark.parametrize("name,expected", [
    ("linear", 1.0), ("sigmoid", 1.0), ("tanh", 5 / 3), ("relu", math.sqrt(2)),
    ("leaky_relu", math.sqrt(2 / (1 + 0.01**2))), ("selu", 0.75), ("conv2d", 1.0),
])
def test_gain_table(name, expected):
    assert init.calculate_gain(name) == pytest.approx(expected, rel=1e-15)


def test_leaky_relu_gain_with_param():
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04), rel=1e-15)
    assert init.calculate_gain("leaky_relu", 0) == pytest.approx(math.sqrt(2), rel=1e-15)


def test_compute_fans():
    assert init.compute_fans((4, 2)) == (4, 2)
    assert init.compute_fans((3, 3, 16, 32)) == (144, 288)     # Keras conv layout (kh, kw, in, out)


def test_zero_and_constant():
    assert not sample("zeros").any()
    assert np.all(sample("constant", value=0.25) == 0.25)
    assert init.expected_std("constant", SHAPE, value=3.0) == 0.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(init.INITIALIZERS))
def test_every_initializer_keeps_dtype_and_is_reproducible(name, dtype):
    a = init.initialize(name, (20, 10), np.random.default_rng(5), dtype=dtype)
    b = init.initialize(name, (20, 10), np.random.default_rng(5), dtype=dtype)
    assert a.dtype == dtype and a.shape == (20, 10)
    np.testing.assert_array_equal(a, b)


def test_registry_has_the_thirteen_names():
    assert set(init.INITIALIZERS) == {
        "zeros", "constant", "uniform", "normal", "xavier_uniform", "xavier_normal", "he_uniform",
        "he_normal", "lecun_uniform", "lecun_normal", "orthogonal", "torch_default", "lsuv"}


@pytest.mark.parametrize("call,match", [
    (lambda: init.initialize("glorot", (2, 2), np.random.default_rng()), "valid: zeros"),
    (lambda: init.initialize("normal", (2, 2), np.random.default_rng(), gain=2), "valid: std"),
    (lambda: init.initialize("normal", (0, 2), np.random.default_rng()), "positive"),
    (lambda: init.initialize("normal", (5,), np.random.default_rng()), "at least 2"),
    (lambda: init.compute_fans("ab"), "shape"),
    (lambda: init.calculate_gain("swish"), "valid: linear"),
    (lambda: init.variance_scaling((2, 2), np.random.default_rng(), scale=1, mode="avg",
                                   distribution="normal"), "fan_in, fan_out, fan_avg"),
    (lambda: init.variance_scaling((2, 2), np.random.default_rng(), scale=1, mode="fan_in",
                                   distribution="gauss"), "normal, truncated_normal, uniform"),
    (lambda: init.initialize("normal", (2, 2), np.random.default_rng(), std=float("nan")), "finite"),
])
def test_clear_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def _numbers(latex: str) -> list[float]:
    """Every number written in a LaTeX line (a\\times 10^{k} read as one number)."""
    import re
    text = re.sub(r"([-\d.]+)\\times 10\^\{(-?\d+)\}", lambda m: f"{m.group(1)}e{m.group(2)}", latex)
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


@pytest.mark.parametrize("name", list(init.INITIALIZERS))
@pytest.mark.parametrize("shape", [(256, 128), (3, 2), (1000, 4000)])
def test_shown_formula_holds_the_std_and_bound_it_samples_with(name, shape):
    params = {"gain": 1.7, "std": 0.03, "limit": 0.4, "value": -0.3}
    params = {k: params[k] for k in init.INITIALIZERS[name].defaults}
    d = init.describe(name, shape, **params)
    assert d.std == init.expected_std(name, shape, **params)
    shown = [v for line in d.latex for v in _numbers(line)]
    expected = [d.std] + ([d.bound] if d.bound else []) + ([d.mean] if d.kind == "constant" else [])
    for value in expected:
        assert any(v == pytest.approx(value, rel=5e-4) for v in shown), (value, d.latex)
    w = init.initialize(name, shape, np.random.default_rng(0), **params)
    if d.bound is not None:
        assert np.abs(w - d.mean).max() <= d.bound * (1 + 1e-12)
    for key, value in params.items():            # the parameter itself is in the formula
        assert any(v == pytest.approx(value, rel=1e-3) for v in shown), (key, d.latex)


def test_shown_variance_uses_the_fans_of_its_mode():
    d = init.describe("xavier_uniform", (300, 100))
    assert r"\sqrt{6/(300+100)}" in d.latex[0] and d.bound == pytest.approx(math.sqrt(6 / 400))
    assert r"\sqrt{2/300}" in init.describe("he_normal", (300, 100)).latex[0]
    assert r"2\cdot\sqrt{2/(1+100)}" in init.describe("xavier_normal", (1, 100), gain=2.0).latex[0]
    assert init.describe("zeros", (4, 4)).kind == "constant"
