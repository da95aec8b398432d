"""engine.data: the generators, the split and standardization, and CSV reading (every bad file named)."""
import socket

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import data, training_csv

TWO_D = ("spiral", "moons", "circles", "xor", "gaussians")


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Nothing in this module may download: any socket connection fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("engine.data tried to open a network connection")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("name", list(data.DATASETS))
def test_every_data_set_is_split_standardized_read_only_float64(name):
    ds = data.make(name, n=200, seed=1)
    k = 10 if name == "digits" else 2
    assert ds.n_features == (64 if name == "digits" else 2) and ds.classes == tuple(str(c) for c in range(k))
    assert len(ds.y_train) + len(ds.y_test) == 200 and len(ds.y_test) == pytest.approx(50, abs=k)
    for a in (ds.X_train, ds.X_test):
        assert a.dtype == np.float64 and not a.flags.writeable
    assert ds.y_train.dtype == np.int64 and not ds.y_train.flags.writeable
    assert set(np.unique(ds.y_train)) == set(range(k)) == set(np.unique(ds.y_test))
    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(ds.X_train.std(axis=0), 1, rtol=1e-12)
    assert ds.description.startswith(name)
    with pytest.raises(ValueError):
        ds.X_train[0, 0] = 1.0


@pytest.mark.parametrize("name", TWO_D)
def test_seed_decides_the_data(name):
    a, b, c = data.make(name, seed=3), data.make(name, seed=3), data.make(name, seed=4)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert not np.array_equal(a.X_train, c.X_train)


def test_split_is_stratified():
    ds = data.make("digits", n=1000, test_fraction=0.2)
    np.testing.assert_array_equal(np.bincount(ds.y_test), [20] * 10)     # 100 per class, 20% of each


def test_digits_take_all_1797_images_and_balance_a_subset():
    assert sum(len(y) for y in (data.make("digits", n=1797).y_train, data.make("digits", n=1797).y_test)) == 1797
    ds = data.make("digits", n=100, test_fraction=0.5)
    assert np.bincount(np.concatenate([ds.y_train, ds.y_test])).tolist() == [10] * 10


def test_noise_widens_the_clouds():
    tight = data.make("gaussians", noise=0.0, test_fraction=0.5)
    wide = data.make("gaussians", noise=1.0, test_fraction=0.5)
    def overlap(ds):   # how far apart the class means are, in standardized units
        return abs(ds.X_train[ds.y_train == 0, 0].mean() - ds.X_train[ds.y_train == 1, 0].mean())
    assert overlap(tight) > 1.5 > overlap(wide)


@pytest.mark.parametrize("kwargs, match", [
    ({"name": "mnist"}, "valid: spiral, moons, circles, xor, gaussians, digits"),
    ({"name": ["moons"]}, "valid: spiral"),
    ({"name": "moons", "n": 3}, "n must be an int in 8 .. 20000"),
    ({"name": "digits", "n": 30}, "n must be an int in 40 .. 20000"),
    ({"name": "moons", "noise": -0.1}, "noise"),
    ({"name": "moons", "noise": float("nan")}, "noise"),
    ({"name": "moons", "test_fraction": 1.0}, "test_fraction"),
    ({"name": "moons", "seed": -1}, "seed"),
])
def test_make_rejects_bad_arguments(kwargs, match):
    name = kwargs.pop("name")
    with pytest.raises(ValueError, match=match):
        data.make(name, **kwargs)


# --- CSV -------------------------------------------------------------------------------------------


def test_csv_text_labels_header_and_split():
    rows = ["sepal,petal,species"] + [f"{i},{i % 7},{'setosa' if i % 2 else 'virginica'}" for i in range(40)]
    ds = data.from_csv("\n".join(rows) + "\n")
    assert ds.classes == ("setosa", "virginica") and ds.n_features == 2 and ds.name == "csv"
    assert len(ds.y_test) == 10 and np.bincount(ds.y_test).tolist() == [5, 5]
    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0, atol=1e-12)
    assert "40 rows, 2 features, 2 classes" in ds.description


def test_csv_numeric_labels_sort_as_numbers_and_no_header():
    text = "".join(f"{i}.5;{-i};{[9, 10, 2][i % 3]}\r\n" for i in range(30)).encode("utf-8-sig")
    ds = data.from_csv(text)                                 # BOM, semicolons, CRLF, no header
    assert ds.classes == ("2", "9", "10")
    assert ds.n_features == 2


def test_csv_label_column_by_index_or_name_and_constant_feature():
    text = "y,x1,x2\n" + "".join(f"{'ab'[i % 2]},{i},5\n" for i in range(20))
    for label in (0, "y", -3):
        ds = data.from_csv(text, label_column=label)
        assert ds.classes == ("a", "b") and ds.n_features == 2
        assert np.isfinite(ds.X_train).all()                 # x2 is constant: std 0 is guarded


def _err(text, **kwargs):
    with pytest.raises(ValueError) as info:
        data.from_csv(text, **kwargs)
    return str(info.value)


GOOD = "x1,x2,label\n" + "".join(f"{i},{i * 2},{'ab'[i % 2]}\n" for i in range(1, 30))


def _with_line(n, line):
    lines = GOOD.splitlines()
    lines[n - 1] = line
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("text, expected", [
    (_with_line(17, "16,abc,a"), "row 17, column 'x2': 'abc' is not a number"),
    (_with_line(5, "4,,b"), "row 5, column 'x2' is empty"),
    (_with_line(8, ",14,a"), "row 8, column 'x1' is empty"),
    (_with_line(9, "8,16,"), "row 9, column 'label': the label is empty"),
    (_with_line(6, "5,10"), "row 6 has 2 cells, expected 3"),
    (_with_line(6, "5,10,a,7"), "row 6 has 4 cells, expected 3"),
    (_with_line(12, "11,nan,a"), "row 12, column 'x2': 'nan' is not a finite number"),
    (_with_line(13, "inf,2,a"), "row 13, column 'x1': 'inf' is not a finite number"),
    (_with_line(14, "1e999,2,a"), "row 14, column 'x1': '1e999' is not a finite number"),
    ("", "empty"),
    ("\n\n  \n", "empty"),
    ("x1,x2,label\n", "header but no data rows"),
    ("x1,x2,label\n1,2,a\n3,4,a\n", "only one class ('a') in column 'label'"),
    ("x1,x2,label\n1,2,a\n3,4,a\n5,6,b\n", "class 'b' has 1 example"),
    ("x1 x2 label\n1 2 a\n", "one column"),
])
def test_csv_errors_name_row_and_column(text, expected):
    assert expected in _err(text)


def test_csv_numbers_columns_when_there_is_no_header():
    assert "row 3, column '2': 'x' is not a number" in _err("1,2,a\n3,4,b\n5,x,a\n")


def test_csv_size_limits():
    assert "too large" in _err(b"1" * (training_csv.MAX_BYTES + 1))
    assert "too many rows" in _err(GOOD, max_rows=10)
    wide = ",".join(f"x{i}" for i in range(5)) + ",y\n" + "1,2,3,4,5,a\n" * 4
    assert "too many columns: 5 features, the limit is 4" in _err(wide, max_features=4)
    labels = "x,y\n" + "".join(f"{i},{i}\n" for i in range(300))
    assert "distinct labels" in _err(labels)


def test_csv_rejects_binary_and_non_utf8_and_non_text():
    assert "not UTF-8" in _err(b"x,y\n1,\xe9\n")
    assert "NUL" in _err(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "expected CSV text" in _err(12345)
    assert "label_column" in _err(GOOD, label_column=3)
    assert "no column named 'z'" in _err(GOOD, label_column="z")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_dataset_or_a_value_error(raw):
    try:
        ds = data.from_csv(raw)
    except ValueError:
        return
    assert np.isfinite(ds.X_train).all() and len(ds.classes) >= 2


CSV_ALPHABET = "0123456789.-+e,;\t\n\r\" abxnaif_"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=CSV_ALPHABET, max_size=300), st.sampled_from([-1, 0, 1, "x", "label"]))
def test_any_csv_like_text_gives_a_dataset_or_a_value_error(text, label):
    try:
        ds = data.from_csv(text, label_column=label)
    except ValueError:
        return
    assert np.isfinite(ds.X_train).all() and np.isfinite(ds.X_test).all()
    assert ds.y_train.max() < len(ds.classes) and len(ds.y_test) >= len(ds.classes)
