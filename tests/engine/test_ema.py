"""engine.ema: the EMA by hand, Adam's bias correction, and lecture momentum == torch momentum."""
import numpy as np
import pytest

from engine import optimizers
from engine.ema import ema, noisy_series


def test_three_steps_by_hand():
    # beta = 0.5, x = (4, 8, 2): m1 = 0.5*0 + 0.5*4 = 2, m2 = 0.5*2 + 0.5*8 = 5, m3 = 0.5*5 + 0.5*2 = 3.5
    np.testing.assert_allclose(ema([4.0, 8.0, 2.0], 0.5), [2.0, 5.0, 3.5], rtol=0, atol=1e-15)
    # corrected: divide by 1 - 0.5^t = 0.5, 0.75, 0.875 -> 4, 6.666..., 4
    np.testing.assert_allclose(ema([4.0, 8.0, 2.0], 0.5, bias_correction=True), [4.0, 20 / 3, 4.0],
                               rtol=1e-15, atol=0)


def test_three_steps_by_hand_beta_09():
    # beta = 0.9, x = (1, 2, 3): m1 = 0.1, m2 = 0.09 + 0.2 = 0.29, m3 = 0.261 + 0.3 = 0.561
    np.testing.assert_allclose(ema([1.0, 2.0, 3.0], 0.9), [0.1, 0.29, 0.561], rtol=1e-14)
    # 1 - 0.9^t = 0.1, 0.19, 0.271
    np.testing.assert_allclose(ema([1.0, 2.0, 3.0], 0.9, True), [1.0, 0.29 / 0.19, 0.561 / 0.271], rtol=1e-14)


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.99, 0.999])
def test_bias_corrected_ema_of_a_constant_is_the_constant_from_step_1(beta):
    corrected = ema(np.full(50, 3.0), beta, bias_correction=True)
    np.testing.assert_allclose(corrected, 3.0, rtol=1e-12)


def test_uncorrected_ema_of_a_constant_starts_near_zero():
    raw = ema(np.full(50, 3.0), 0.9)
    np.testing.assert_allclose(raw, 3.0 * (1 - 0.9 ** np.arange(1, 51)), rtol=1e-12)
    assert raw[0] == pytest.approx(0.3)          # 10x too small at t = 1


def test_beta_zero_is_the_series_itself():
    x = np.array([1.0, -2.0, 5.0])
    np.testing.assert_array_equal(ema(x, 0.0), x)


@pytest.mark.parametrize("beta", [-0.1, 1.0, 1.5, float("nan"), True, "0.9"])
def test_bad_beta_raises(beta):
    with pytest.raises(ValueError, match="beta"):
        ema([1.0, 2.0], beta)


def test_noisy_series_is_seeded_and_not_mutating_global_state():
    state = np.random.get_state()[1].copy()
    a, b, c = noisy_series(100, 3), noisy_series(100, 3), noisy_series(100, 4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.shape == (100,) and 1.0 < a.mean() < 3.0
    np.testing.assert_array_equal(np.random.get_state()[1], state)


# --- lecture momentum vs torch momentum -----------------------------------------------------------
#
# lecture:  v_t = beta v_{t-1} + (1 - beta) g_t,  w_t = w_{t-1} - alpha v_t
# torch:    buf_1 = g_1,  buf_t = beta buf_{t-1} + (1 - dampening) g_t,  w_t = w_{t-1} - lr buf_t
#
# With dampening = 0, torch's special first step buf_1 = g_1 is the same as starting from buf_0 = 0,
# so buf_t = sum_k beta^(t-k) g_k and the lecture's v_t (from v_0 = 0) is (1 - beta) buf_t at EVERY
# step: the two are identical when lr = alpha (1 - beta). With dampening = beta and lr = alpha, torch's
# undampened first step makes buf_t = v_t + beta^t g_1: that is the lecture form started from
# v_0 = g_1, not v_0 = 0.

GRADS = np.random.default_rng(7).standard_normal((25, 3))
W0 = np.array([0.5, -1.0, 2.0])


def lecture_momentum(grads, alpha, beta, v0):
    w, v, path = W0.copy(), np.array(v0, dtype=np.float64), []
    for g in grads:
        v = beta * v + (1 - beta) * g
        w = w - alpha * v
        path.append(w)
    return np.array(path)


def torch_momentum(grads, **hyper):
    opt, w, path = optimizers.create("sgd", **hyper), W0.copy(), []
    for g in grads:
        w = opt.step(w, g)
        path.append(w)
    return np.array(path)


@pytest.mark.parametrize("alpha, beta", [(0.1, 0.9), (0.05, 0.5), (0.3, 0.99)])
def test_lecture_momentum_equals_torch_momentum_with_lr_alpha_times_1_minus_beta(alpha, beta):
    lecture = lecture_momentum(GRADS, alpha, beta, v0=np.zeros(3))
    torch = torch_momentum(GRADS, lr=alpha * (1 - beta), momentum=beta)
    np.testing.assert_allclose(torch, lecture, rtol=1e-12, atol=1e-14)   # every step, from step 1


def test_registry_momentum_preset_is_the_same_rule():
    alpha, beta = 0.2, 0.9
    opt = optimizers.create("momentum", lr=alpha * (1 - beta))
    w, path = W0.copy(), []
    for g in GRADS:
        w = opt.step(w, g)
        path.append(w)
    np.testing.assert_allclose(path, lecture_momentum(GRADS, alpha, beta, np.zeros(3)), rtol=1e-12, atol=1e-14)


def test_dampened_torch_momentum_is_the_lecture_form_started_at_v0_equal_g1():
    alpha, beta = 0.1, 0.9
    torch = torch_momentum(GRADS, lr=alpha, momentum=beta, dampening=beta)
    np.testing.assert_allclose(torch, lecture_momentum(GRADS, alpha, beta, v0=GRADS[0]), rtol=1e-12, atol=1e-14)
    # ...and not the lecture form from v_0 = 0: the weights differ by alpha g_1 sum_{s<=t} beta^s
    lecture = lecture_momentum(GRADS, alpha, beta, v0=np.zeros(3))
    t = np.arange(1, len(GRADS) + 1)[:, None]
    offset = alpha * GRADS[0] * beta * (1 - beta**t) / (1 - beta)
    np.testing.assert_allclose(lecture - torch, offset, rtol=1e-10, atol=1e-14)
    assert np.abs(lecture - torch).max() > 0.1


def test_lr_alpha_without_the_factor_is_not_the_lecture_form():
    alpha, beta = 0.1, 0.9
    torch = torch_momentum(GRADS, lr=alpha, momentum=beta)
    lecture = lecture_momentum(GRADS, alpha, beta, v0=np.zeros(3))
    np.testing.assert_allclose(torch - W0, (lecture - W0) / (1 - beta), rtol=1e-10)  # 10x the step


@pytest.mark.parametrize("b1, b2", [(0.9, 0.999), (0.5, 0.9)])
def test_adam_without_bias_correction_first_step_is_1_minus_b1_over_sqrt_1_minus_b2_times_larger(b1, b2):
    # m_1 = (1 - b1) g and v_1 = (1 - b2) g^2 both start near 0; corrected, the first step is lr * sign(g)
    g = np.array([0.3, -2.0])
    steps = {}
    for corrected in (True, False):
        opt = optimizers.create("adam", lr=0.01, betas=(b1, b2), eps=0.0, bias_correction=corrected)
        steps[corrected] = opt.step(np.zeros(2), g)
    np.testing.assert_allclose(steps[True], -0.01 * np.sign(g), rtol=1e-12)
    np.testing.assert_allclose(steps[False], steps[True] * (1 - b1) / np.sqrt(1 - b2), rtol=1e-12)
