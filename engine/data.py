"""Classification data sets: five 2-D toys, the 8x8 digits, and your own CSV (engine.training_csv).

    ds = make("moons", n=400, noise=0.1, seed=0)      # Dataset: X_train y_train X_test y_test classes
    ds = from_csv(open("iris.csv", "rb").read())

Every Dataset is split per class with the seed (stratified) and standardized with the training split's
mean and std, so each feature has mean 0 and std 1 on the training set. Nothing downloads: digits is
the copy that ships inside scikit-learn. Arrays are float64 and read-only.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np
from sklearn import datasets as skdata

from engine.training_csv import parse

MAX_N = 20_000             # points a generator makes: enough for any lesson, small enough to train live


@dataclass(frozen=True, eq=False)
class Dataset:
    """A train/test split; y are ints 0 .. len(classes)-1, X standardized with the training split's moments."""
    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    classes: tuple           # label names (str), index = label
    description: str = ""    # one line for a student

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]

    @property
    def n_classes(self) -> int:
        return len(self.classes)


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a


def stratified_split(y: np.ndarray, test_fraction: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(train, test) indices: each class c of n_c >= 2 examples puts round(f n_c), clamped to 1 .. n_c - 1, in test."""
    test = []
    for c in range(int(y.max()) + 1):
        members = rng.permutation(np.flatnonzero(y == c))
        test.append(members[:min(max(round(test_fraction * len(members)), 1), len(members) - 1)])
    is_test = np.zeros(len(y), bool)
    is_test[np.concatenate(test)] = True
    return rng.permutation(np.flatnonzero(~is_test)), rng.permutation(np.flatnonzero(is_test))


def check_fraction(test_fraction) -> float:
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, numbers.Real) \
            or not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be a number strictly between 0 and 1, got {test_fraction!r}")
    return float(test_fraction)


def check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be an int in 0 .. 2**32 - 1, got {seed!r}")
    return int(seed)


def build(name: str, X, y, classes, *, test_fraction: float, seed: int, description: str = "") -> Dataset:
    """Split (stratified, seeded) and standardize: x <- (x - mean_train) / std_train (std 0 -> 1).

    y must hold every label 0 .. len(classes)-1 at least twice (one for training, one for testing).
    """
    X, y, classes = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.int64), tuple(classes)
    counts = np.bincount(y, minlength=len(classes))
    if len(counts) != len(classes) or counts.min() < 2:
        c = int(np.argmin(counts))
        raise ValueError(f"class {classes[c]!r} has {counts[c]} example(s); each class needs at least 2 "
                         f"(one to train on, one to test on)")
    train, test = stratified_split(y, check_fraction(test_fraction), np.random.default_rng(check_seed(seed)))
    mean, std = X[train].mean(axis=0), X[train].std(axis=0)
    std[std == 0] = 1.0
    X = (X - mean) / std
    return Dataset(name, _frozen(X[train]), _frozen(y[train]), _frozen(X[test]), _frozen(y[test]),
                   tuple(str(c) for c in classes), description)


# --- generators: (n, noise, rng, seed) -> (X, y), two classes of about n/2 points ----------------------


def _halves(n: int) -> tuple[int, int]:
    return n // 2, n - n // 2


def _spiral(n, noise, rng, seed):
    """Two arms of 1.5 turns: r = sqrt(u), theta = 3 pi r + pi c, x = r (cos theta, sin theta) + noise N(0, I)."""
    y = np.repeat([0, 1], _halves(n))
    r = np.sqrt(rng.uniform(0.02, 1.0, n))
    theta = 3 * np.pi * r + np.pi * y
    X = r[:, None] * np.column_stack([np.cos(theta), np.sin(theta)])
    return X + noise * rng.standard_normal((n, 2)), y


def _xor(n, noise, rng, seed):
    """x ~ U(-1, 1)^2, class 1 where x1 x2 > 0 (the first and third quadrants); then x + noise N(0, I)."""
    X = rng.uniform(-1, 1, (n, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    return X + noise * rng.standard_normal((n, 2)), y


def _moons(n, noise, rng, seed):
    """scikit-learn's make_moons: two interleaving half circles of radius 1, + noise N(0, I)."""
    return skdata.make_moons(n_samples=_halves(n), noise=noise, random_state=seed)


def _circles(n, noise, rng, seed):
    """scikit-learn's make_circles: a circle of radius 0.5 inside one of radius 1, + noise N(0, I)."""
    return skdata.make_circles(n_samples=_halves(n), noise=noise, factor=0.5, random_state=seed)


def _gaussians(n, noise, rng, seed):
    """scikit-learn's make_blobs: two Gaussian clouds at (-1, 0) and (1, 0), each std 0.4 + noise."""
    return skdata.make_blobs(n_samples=list(_halves(n)), centers=[[-1.0, 0.0], [1.0, 0.0]],
                             cluster_std=0.4 + noise, random_state=seed)


def _digits(n, noise, rng, seed):
    """scikit-learn's bundled 8x8 digits (1797 images), pixels / 16 + noise N(0, I); n images, classes balanced."""
    X, y = skdata.load_digits(return_X_y=True)
    perm = rng.permutation(len(y))
    rank = np.empty(len(y), np.int64)                      # the k-th image of its class in the shuffled order
    for c in range(10):
        rank[perm[y[perm] == c]] = np.arange(np.count_nonzero(y == c))
    keep = perm[np.argsort(rank[perm], kind="stable")[:n]]  # round-robin over the classes
    return X[keep] / 16 + noise * rng.standard_normal((len(keep), 64)), y[keep]


@dataclass(frozen=True)
class Generator:
    """A registry entry: the sampler, how many classes it makes, and a line for the student."""
    make: Callable
    n_classes: int
    summary: str


DATASETS: Mapping[str, Generator] = MappingProxyType({
    "spiral": Generator(_spiral, 2, "two interleaved spiral arms: needs a deep, curved boundary"),
    "moons": Generator(_moons, 2, "two interleaving half moons"),
    "circles": Generator(_circles, 2, "a ring around a disc: no straight line separates them"),
    "xor": Generator(_xor, 2, "the four quadrants, opposite ones alike: no single line separates them"),
    "gaussians": Generator(_gaussians, 2, "two Gaussian clouds: a straight line almost separates them"),
    "digits": Generator(_digits, 10, "8x8 images of handwritten digits 0-9 (64 pixels)"),
})


def make(name: str, *, n: int = 400, noise: float = 0.1, test_fraction: float = 0.25, seed: int = 0) -> Dataset:
    """n points of data set `name` with Gaussian noise of std `noise` (in the generator's units: the 2-D sets
    span about [-1, 1]; digits pixels are in [0, 1]), split and standardized with `seed`. Digits has 1797
    images: a larger n takes them all."""
    if not isinstance(name, str) or name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; valid: {', '.join(DATASETS)}")
    gen = DATASETS[name]
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 4 * gen.n_classes <= n <= MAX_N:
        raise ValueError(f"n must be an int in {4 * gen.n_classes} .. {MAX_N} for {name}, got {n!r}")
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not (math.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    seed = check_seed(seed)
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])   # apart from the split's stream
    X, y = gen.make(int(n), float(noise), rng, seed)
    ds = build(name, X, y, range(gen.n_classes), test_fraction=test_fraction, seed=seed)
    line = f"{name}: {gen.summary}; {len(ds.y_train)} training and {len(ds.y_test)} test points, noise {noise:g}"
    return replace(ds, description=line)


def from_csv(text_or_bytes, *, label_column=-1, max_rows: int = 20_000, max_features: int = 256,
             test_fraction: float = 0.25, seed: int = 0) -> Dataset:
    """A Dataset from CSV text: numeric feature columns and one label column (text or numbers).

    Labels are mapped to 0 .. k-1 in sorted order (numerically when every label is a number) and their
    names kept in .classes. A bad file raises ValueError naming the row (the line of the file, header
    = row 1) and column of the first bad cell. See engine.training_csv for every rule.
    """
    X, labels, classes, description = parse(text_or_bytes, label_column=label_column, max_rows=max_rows,
                                            max_features=max_features)
    return build("csv", X, labels, classes, test_fraction=test_fraction, seed=seed, description=description)
