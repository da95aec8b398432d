"""The 7 optimizers against torch.optim, step by step, in float64 (run by `make test-parity`)."""
import numpy as np
import pytest

from engine import optimizers
from tests.engine.test_optimizers import P0, G

TORCH_CASES = [
    ("sgd", {"lr": 0.1}, "SGD", {"lr": 0.1}),
    ("sgd", {"lr": 0.1, "weight_decay": 0.1}, "SGD", {"lr": 0.1, "weight_decay": 0.1}),
    ("momentum", {"lr": 0.1, "dampening": 0.3}, "SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3}),
    ("nesterov", {"lr": 0.1, "weight_decay": 0.01}, "SGD",
     {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("adagrad", {"lr": 0.1, "lr_decay": 0.1, "initial_accumulator_value": 0.2, "weight_decay": 0.05}, "Adagrad",
     {"lr": 0.1, "lr_decay": 0.1, "initial_accumulator_value": 0.2, "weight_decay": 0.05}),
    ("rmsprop", {"lr": 0.01}, "RMSprop", {"lr": 0.01}),
    ("rmsprop", {"lr": 0.01, "alpha": 0.9, "centered": True, "momentum": 0.5, "weight_decay": 0.05}, "RMSprop",
     {"lr": 0.01, "alpha": 0.9, "centered": True, "momentum": 0.5, "weight_decay": 0.05}),
    ("adam", {"lr": 0.1, "weight_decay": 0.1}, "Adam", {"lr": 0.1, "weight_decay": 0.1}),
    ("adamw", {"lr": 0.1, "weight_decay": 0.1}, "AdamW", {"lr": 0.1, "weight_decay": 0.1}),
]


@pytest.mark.parity
@pytest.mark.parametrize("name, hyper, torch_cls, torch_hyper", TORCH_CASES)
def test_five_steps_match_torch(name, hyper, torch_cls, torch_hyper):
    torch = pytest.importorskip("torch")
    grads = [*G, np.array([-2.0, 0.7]), np.array([0.1, -0.4])]
    p_torch = torch.tensor(P0, dtype=torch.float64, requires_grad=True)
    opt_torch = getattr(torch.optim, torch_cls)([p_torch], **torch_hyper)
    p, opt = P0, optimizers.create(name, **hyper)
    for g in grads:
        p_torch.grad = torch.tensor(g, dtype=torch.float64)
        opt_torch.step()
        p = opt.step(p, g)
    np.testing.assert_allclose(p, p_torch.detach().numpy(), rtol=1e-10, atol=1e-14)
