"""Training page: loads, every control changes the data, the URL round-trips, the numbers are the engine's, the
comparison run, the work budget says what it cut, an uploaded CSV trains and a broken one gets its message, the
presets train exactly the engine's presets, verdict words."""
import io
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from engine import data, initializers, optimizers, training
from engine.mlp import MLPConfig
from engine.training_presets import PRESETS, run_settings
from lessons.network.settings import NetworkSettings
from lessons.presets import PRESETS as LINKS
from lessons.training import compute, sidebar, text, upload
from lessons.training import settings as page
from lessons.training.settings import DataSettings, RunSettings, Settings
from tests.app.pagetest import figures, run_page, same_data, spec_sizes, texts, widget

PAGE = "pages/training.py"
SMALL = {"depth": "2", "width": "16", "steps": "50"}           # quick to train


def trace(fig, name):
    return next(t for t in fig["data"] if t.get("name") == name)


def loss_chart(at):
    return next(f for f in figures(at) if f["layout"]["title"]["text"].startswith("Loss"))


def verdicts(at):
    return [(kind, b.value) for kind in ("success", "warning", "error") for b in getattr(at, kind)
            if b.value.startswith("**Verdict")]


@pytest.fixture(scope="module")
def default_page():
    return run_page(PAGE)


def test_runs_at_defaults_with_the_engines_numbers(default_page):
    """Spiral of 400 points, 6 hidden tanh layers of 32 (Xavier), Adam 0.01, mini-batches of 128, 300 steps."""
    at = default_page
    assert not at.exception and not dict(at.query_params)
    ds = data.make("spiral", n=400, noise=0.05, seed=0)
    net = MLPConfig((2,) + (32,) * 6 + (2,), activation="tanh", last_activation="linear", dtype="float32")
    h = training.train(net, ds, training.TrainSettings(optimizer="adam", hyper={"lr": 0.01}, steps=300,
                                                       batch_size=128))
    loss = loss_chart(at)
    np.testing.assert_allclose(trace(loss, "training")["y"], h.train_loss, rtol=1e-12)
    np.testing.assert_allclose(trace(loss, "batch")["y"], h.batch_loss.astype(np.float32), rtol=1e-6)
    [(kind, words)] = verdicts(at)
    assert kind == "success" and f"test accuracy {100 * h.test_acc[-1]:.0f}%" in words
    assert any("decision boundary" in f["layout"]["title"]["text"] and len(f["frames"]) == len(h.record_steps)
               for f in figures(at))
    assert max(spec_sizes(at)) < 1_000_000


@pytest.mark.parametrize("key, value", [("data", "moons"), ("data_noise", 0.3), ("points", 300), ("depth", 3),
                                        ("width", 24), ("act", "relu"), ("init", "he_normal"), ("bn", True),
                                        ("seed", 5), ("optimizer", "sgd"), ("lr", 0.1), ("wd", 0.01),
                                        ("batching", "full"), ("batch_size", 32), ("unit", "epochs"),
                                        ("schedule", "cosine"), ("clip_on", True), ("cmp_opt", "sgd")])
def test_every_control_changes_the_data(key, value):
    steep = {"optimizer": "sgd", "clip": "0.01"} if key == "clip_on" else {}   # Adam ignores a gradient's scale
    at = run_page(PAGE, {**SMALL, **steep})
    before = loss_chart(at)
    widget(at, key).set_value(value).run()
    assert not at.exception
    assert at.query_params.get(key) is not None, f"{key} is written to the link"
    assert not same_data(before, loss_chart(at)), key


def test_the_link_round_trips():
    query = {"data": "xor", "data_noise": "0.2", "points": "250", "depth": "3", "width": "24", "act": "gelu",
             "init": "normal", "std": "0.5", "seed": "11", "optimizer": "momentum", "lr": "0.03", "momentum": "0.8",
             "batching": "full", "unit": "epochs", "epochs": "40", "schedule": "warmup_cosine", "clip_on": "true",
             "clip": "3", "cmp_init": "he_normal", "cmp_lr": "0.5"}
    first = run_page(PAGE, query)
    assert not first.exception and dict(first.query_params) == query
    again = run_page(PAGE, dict(first.query_params))
    assert dict(again.query_params) == query and not any("adjusted" in w.value for w in again.warning)
    assert all(same_data(a, b) for a, b in zip(figures(first), figures(again), strict=True))


def test_the_comparison_run_is_the_same_run_with_batch_norm():
    at = run_page(PAGE, {**SMALL, "cmp_bn": "on"})
    loss = loss_chart(at)
    ds = data.make("spiral", n=400, noise=0.05, seed=0)
    for name, bn in (("A (no BN)", False), ("B (BN)", True)):
        net = MLPConfig((2, 16, 16, 2), activation="tanh", batch_norm=bn, last_activation="linear")
        h = training.train(net, ds, training.TrainSettings(hyper={"lr": 0.01}, steps=50, batch_size=128))
        np.testing.assert_allclose(trace(loss, f"{name[0]}: training")["y"], h.train_loss, rtol=1e-12)
    assert [w.split(":")[0] for _, w in verdicts(at)] == ["**Verdict, A (no BN)", "**Verdict, B (BN)"] or \
        sorted(w.split(":")[0] for _, w in verdicts(at)) == ["**Verdict, A (no BN)", "**Verdict, B (BN)"]
    assert sum("decision boundary" in f["layout"]["title"]["text"] for f in figures(at)) == 2


def test_the_budget_cuts_the_steps_and_says_so():
    at = run_page(PAGE, {"depth": "8", "width": "256", "steps": "1000", "cmp_init": "he_normal"})
    assert not at.exception
    steps = int(at.query_params["steps"])
    assert steps < 1000 and f"Training {steps} steps instead of 1000" in texts(at)


def test_one_point_a_step_with_batch_norm_is_refused_in_words():
    at = run_page(PAGE, {**SMALL, "batching": "stochastic", "bn": "true"})
    assert not at.exception and not figures(at)
    assert any("cannot train as set" in w.value and "batch norm cannot train on a batch of 1" in w.value
               for w in at.warning)


def test_a_diverging_run_says_where():
    at = run_page(PAGE, {"steps": "50", "data": "moons", "act": "relu", "init": "he_normal", "optimizer": "sgd",
                         "lr": "1", "batch_size": "64"})
    [(kind, words)] = verdicts(at)
    assert kind == "error" and words.startswith("**Verdict, this run:** diverged at step ")
    assert "too large a step" in texts(at)


GOOD_CSV = "x1,x2,label\n" + "\n".join(f"{i % 7 / 7:.3f},{i % 5 / 5:.3f},{'yes' if i % 7 > 3 else 'no'}"
                                       for i in range(80)) + "\n"
BAD = {
    "text in a numeric column": (b"a,b,y\n1,2,x\n3,oops,y\n5,6,x\n", "row 3, column 'b': 'oops' is not a number"),
    "one class": (b"a,b,y\n1,2,x\n3,4,x\n5,6,x\n", "only one class"),
    "empty": (b"", "the file is empty"),
    "too many columns": (("," .join(f"f{j}" for j in range(300)) + ",y\n").encode(), "too many columns"),
    "not CSV": (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a CSV text file"),
    "too large": (b"a,b,y\n" + b"1,2,x\n" * 900_000, "the file is too large"),
}


def _upload(at, name: str, content: bytes):
    at.file_uploader(key="upload_csv").set_value((name, content, "text/csv")).run()
    return at


def test_an_uploaded_csv_trains_and_is_kept_out_of_the_link():
    at = run_page(PAGE, {**SMALL, "data": "csv"})
    assert "Waiting for a file" in texts(at) and not figures(at)
    _upload(at, "mine.csv", GOOD_CSV.encode())
    assert not at.exception
    assert "your CSV: 80 rows, 2 features, 2 classes (no, yes)" in texts(at)
    assert any("decision boundary" in f["layout"]["title"]["text"] for f in figures(at))
    assert dict(at.query_params) == {**SMALL, "data": "csv", "batch_size": "60"}, "every setting but the file"
    assert "Mini-batches of 128 are more than the 60 training points: using B = 60" in texts(at)
    assert "the link reproduces every setting but the file" in texts(at)


@pytest.mark.parametrize("problem", list(BAD))
def test_a_broken_csv_gets_a_clear_message(problem):
    content, words = BAD[problem]
    at = _upload(run_page(PAGE, {**SMALL, "data": "csv"}), "broken.csv", content)
    assert not at.exception and not figures(at)
    message = next(e.value for e in at.error)
    assert message.startswith("**broken.csv** cannot be used: ") and words in message


def test_the_digits_images_are_the_test_set_before_standardizing():
    """Drawn again as make() draws them, the pixels standardize (with the training images' moments) to X_test."""
    for seed, noise in ((0, 0.0), (4, 0.2)):
        ds = data.make("digits", n=600, noise=noise, seed=seed)
        gen = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
        raw, y = data.DATASETS["digits"].make(600, noise, gen, seed)
        train, _ = data.stratified_split(np.asarray(y), 0.25, np.random.default_rng(seed))
        mean, std = raw[train].mean(axis=0), raw[train].std(axis=0)
        std[std == 0] = 1
        pixels = compute.digit_pixels(DataSettings("digits", 600, noise, seed))
        np.testing.assert_allclose(pixels, np.clip(ds.X_test * std + mean, 0, 1), atol=1e-6)


def full(config: MLPConfig) -> MLPConfig:
    """The config with its initializer's parameters spelled out (a default left out draws the same weights)."""
    return replace(config, init_params={**initializers.INITIALIZERS[config.init].defaults, **config.init_params})


def _page_runs(name: str):
    """The two runs the training page trains for preset `name`, from its link, without a page."""
    link = next(p for p in LINKS if p.key == f"training_{name}")
    values = {c.key: c.check(c.default) for c in page.CONTROLS}
    values.update({c.key: c.parse([dict(link.params)[c.key]])[0] for c in page.CONTROLS if c.key in dict(link.params)})
    first = sidebar._first_run(values, values)
    return first, page.compared(first, values), values


@pytest.mark.parametrize("name", list(PRESETS))
def test_each_preset_link_trains_the_engines_preset(name):
    first, second, values = _page_runs(name)
    labels = list(PRESETS[name]["runs"])[:2]
    data_kw = run_settings(name, labels[0])[0]
    assert (values["data"], values["points"], values["data_noise"]) == (data_kw["name"], data_kw["n"],
                                                                       data_kw["noise"])
    n_train = len(data.make(**data_kw).y_train)
    for run, label in zip((first, second), labels):
        _, net, train = run_settings(name, label)
        assert full(run.config(*((64, 10) if data_kw["name"] == "digits" else (2, 2)))) == full(MLPConfig(**net))
        ours, theirs = run.train_settings(n_train), training.TrainSettings(**train)
        assert optimizers.create(ours.optimizer, **ours.hyper).hyper == \
            optimizers.create(theirs.optimizer, **theirs.hyper).hyper
        for field in ("optimizer", "steps", "batch_size", "clip", "schedule", "loss", "seed"):
            assert getattr(ours, field) == getattr(theirs, field), (label, field)


def test_predict_first_then_the_verdict():
    at = run_page(PAGE, {"depth": "6", "width": "16", "steps": "50", "init": "normal", "optimizer": "sgd",
                         "lr": "0.3", "predict": "true"})                     # N(0, 0.01^2), 6 tanh layers: it stalls
    assert not figures(at) and not verdicts(at)
    radio = next(r for r in at.radio if r.key.startswith("_predict_"))
    assert list(radio.options) == ["learn", "stall", "diverge"] and "learn, stall, or diverge" in radio.label
    radio.set_value("learn").run()
    assert "the numbers say **stall**" in texts(at) and figures(at) and "stalled" in verdicts(at)[0][1]


def test_the_lesson_as_a_pytorch_script():
    at = run_page(PAGE, {**SMALL, "optimizer": "momentum", "clip_on": "true", "schedule": "cosine", "bn": "true"})
    script = next(c.value for c in at.code if c.value.startswith('"""Training Dynamics Lab'))
    assert "torch.optim.SGD(model.parameters(), " in script and "momentum=0.9" in script
    assert "clip_grad_norm_(model.parameters(), 1.0)" in script and "CosineAnnealingLR(opt, T_max=STEPS)" in script
    assert "nn.BatchNorm1d(n_out" in script and "# ---- the lab's start" in script
    compile(script, "script.py", "exec")
    assert "Download the PyTorch script" in [b.label for b in at.download_button]


def test_a_cold_run_reports_progress_a_stored_one_does_not():
    s = Settings(DataSettings(seed=4321), RunSettings(NetworkSettings(depth=2, width=8, seed=4321), length=40))
    seen = []
    compute.runs(s, lambda fraction, run: seen.append((fraction, run)))
    assert seen and seen[-1] == (1.0, 0) and all(0 <= f <= 1 for f, _ in seen)
    again = []
    compute.runs(s, lambda fraction, run: again.append(fraction))
    assert not again, "a stored run is not trained again"


def test_an_uploaded_run_is_kept_in_the_session_only():
    at = _upload(run_page(PAGE, {**SMALL, "data": "csv"}), "mine.csv", GOOD_CSV.encode())
    keys = list(at.session_state["_training_upload_runs"])
    assert keys and all(d.uploaded and d.upload == upload.digest(GOOD_CSV.encode()) for d, _, _ in keys)
    for key in keys:
        with pytest.raises(compute._NotStored):
            compute._stored(*key)                       # never in the cache every session shares


def test_every_step_downloads_as_csv(default_page):
    assert "Download every step (CSV)" in [b.label for b in default_page.download_button]
    histories = [t.history for t in compute.runs(Settings(DataSettings(), RunSettings(NetworkSettings(depth=6,
                                                                                                      width=32))))]
    table = pd.read_csv(io.StringIO(text.steps_csv(histories, ("this run",))))
    assert len(table) == 301 and "this run: layer 1 grad norm" in table and "this run: test acc" in table
    np.testing.assert_allclose(table["this run: batch loss"][:300], histories[0].batch_loss, rtol=1e-12)


def _preset(key):
    link = next(p for p in LINKS if p.key == f"training_{key}")
    at = run_page(PAGE, link.query)
    assert not at.exception
    return at


def test_a_run_that_blows_up_does_not_flatten_the_other():
    """The plain run diverges at lr 1: its loss leaves the axis through the top (1000x the start loss, about
    ln 2 here), and its heatmap gets its own colour range, so the batch-norm run stays readable."""
    at = _preset("batch_norm_lr")
    assert np.isclose(loss_chart(at)["layout"]["yaxis"]["range"][1], np.ceil(np.log10(1e3 * np.log(2)) + 0.3),
                      atol=1)
    grads = [f for f in figures(at) if "‖∂L/∂W‖ per layer" in f["layout"]["title"]["text"]]
    assert len(grads) == 2
    assert len({(f["data"][0]["zmin"], f["data"][0]["zmax"]) for f in grads}) == 2
    assert "its own range" in str(grads[0]["data"][0]["colorbar"])


def test_the_gap_between_training_and_test_loss_is_explained(default_page):
    ds = data.make("spiral", n=400, noise=0.05, seed=0)
    net = MLPConfig((2,) + (32,) * 6 + (2,), activation="tanh", last_activation="linear", dtype="float32")
    h = training.train(net, ds, training.TrainSettings(optimizer="adam", hyper={"lr": 0.01}, steps=300,
                                                       batch_size=128))
    gap = [i.value for i in default_page.info if "below the test loss" in i.value]
    assert bool(gap) == (h.test_loss[-1] >= text.GAP * h.train_loss[-1])
    if gap:
        assert "overfitting" in gap[0] and f"{h.train_loss[-1]:.2g}" in gap[0]
