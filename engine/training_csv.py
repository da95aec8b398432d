"""Reading a CSV of training data: every bad file is a ValueError that names the row and column at fault.

Rules, in the order they are checked:
  - at most MAX_BYTES bytes of UTF-8 text (a byte-order mark is dropped), no NUL bytes;
  - the delimiter is the one of , ; tab found most often in the first line (a comma if none);
  - rows are lines of the file as a spreadsheet numbers them (row 1 = the first line); blank lines and
    rows whose every cell is blank are skipped;
  - the first row is a header when one of its feature cells is not a number (else columns are named
    by their number, 1 = the first);
  - every row has as many cells as the first; at most max_rows data rows and max_features features;
  - every feature cell is a finite number; no label cell is empty;
  - at least two classes, at most MAX_CLASSES.
"""
from __future__ import annotations

import csv
import io
import math
import numbers

import numpy as np

MAX_BYTES = 5_000_000        # 5 MB: a class's own data, never a dump; checked before anything is parsed
MAX_CLASSES = 100            # more distinct labels than this is a regression target, not classes
DELIMITERS = (",", ";", "\t")


def _positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def decode(data) -> str:
    """The text of str or UTF-8 bytes, after the size check; ValueError for anything else."""
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, (str, bytes)):
        raise ValueError(f"expected CSV text (str or bytes), got {type(data).__name__}")
    if len(data) > MAX_BYTES:
        raise ValueError(f"the file is too large: {len(data):,} bytes, the limit is {MAX_BYTES:,}")
    nul = "\x00" if isinstance(data, str) else b"\x00"
    if nul in data:
        raise ValueError("not a CSV text file: it contains NUL bytes (a binary file?)")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise ValueError(f"not UTF-8 text (byte {err.start} cannot be decoded); save the file as "
                             f"CSV UTF-8") from None
    return data


def _delimiter(text: str) -> str:
    first = text.lstrip("\r\n").split("\n", 1)[0]
    counts = [first.count(d) for d in DELIMITERS]
    return DELIMITERS[counts.index(max(counts))] if max(counts) else ","


def read_rows(text: str, max_rows: int) -> list[tuple[int, list[str]]]:
    """(row number, stripped cells) of every non-blank row; at most max_rows + 1 (a header) rows."""
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for cells in reader:
            cells = [c.strip() for c in cells]
            if not any(cells):
                continue
            if len(rows) > max_rows:
                raise ValueError(f"too many rows: more than {max_rows:,} data rows (the limit)")
            rows.append((reader.line_num, cells))
    except csv.Error as err:
        raise ValueError(f"row {reader.line_num + 1}: not valid CSV ({err})") from None
    return rows


def _number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def _label_index(label_column, names: list[str]) -> int:
    width = len(names)
    if isinstance(label_column, str):
        if label_column not in names:
            raise ValueError(f"no column named {label_column!r}; columns: {', '.join(names)}")
        return names.index(label_column)
    if isinstance(label_column, bool) or not isinstance(label_column, numbers.Integral) \
            or not -width <= label_column < width:
        raise ValueError(f"label_column must be a column name or an index in {-width} .. {width - 1}, "
                         f"got {label_column!r}")
    return int(label_column) % width


def _header(rows, label_column):
    """(column names, label index, data rows): the first row is a header if a feature cell is not a number."""
    width = len(rows[0][1])
    if width < 2:
        raise ValueError("row 1 has one column; need at least one feature column and a label column "
                         "(is the delimiter , ; or tab?)")
    numbered = [str(j + 1) for j in range(width)]
    label = _label_index(label_column, rows[0][1] if isinstance(label_column, str) else numbered)
    first = rows[0][1]
    if any(_number(c) is None for j, c in enumerate(first) if j != label) or isinstance(label_column, str):
        return first, label, rows[1:]
    return numbered, label, rows


def _bad_cell(rows, features, names) -> ValueError:
    """The first feature cell, in file order, that is empty, not a number or not finite."""
    for line, cells in rows:
        for j in features:
            cell = cells[j]
            where = f"row {line}, column {names[j]!r}"
            if not cell:
                return ValueError(f"{where} is empty; every feature cell needs a number")
            value = _number(cell)
            if value is None:
                return ValueError(f"{where}: {cell[:40]!r} is not a number")
            if not math.isfinite(value):
                return ValueError(f"{where}: {cell[:40]!r} is not a finite number")
    return ValueError("a feature cell is not a finite number")


def _features(rows, features, names) -> np.ndarray:
    """The feature cells as float64; the first bad cell is named by row and column."""
    try:
        with np.errstate(all="ignore"):
            X = np.array([[cells[j] for j in features] for _, cells in rows], dtype=object).astype(np.float64)
    except (ValueError, OverflowError):
        X = None
    if X is None or not np.isfinite(X).all():
        raise _bad_cell(rows, features, names)
    return X


def _labels(rows, label, names) -> tuple[np.ndarray, tuple[str, ...]]:
    """Labels as ints 0 .. k-1 in sorted order (numeric when all are numbers) and their names."""
    cells = [cells[label] for _, cells in rows]
    for (line, _), cell in zip(rows, cells):
        if not cell:
            raise ValueError(f"row {line}, column {names[label]!r}: the label is empty")
    values = [_number(c) for c in cells]
    if all(v is not None and math.isfinite(v) for v in values):
        classes, y = np.unique(np.array(values), return_inverse=True)
        names_ = tuple(f"{v:.12g}" for v in classes)
    else:
        classes, y = np.unique(np.array(cells, dtype=np.str_), return_inverse=True)
        names_ = tuple(str(c) for c in classes)
    if len(names_) < 2:
        raise ValueError(f"only one class ({names_[0]!r}) in column {names[label]!r}; a classifier needs at least 2")
    if len(names_) > MAX_CLASSES:
        raise ValueError(f"{len(names_)} distinct labels in column {names[label]!r} (the limit is {MAX_CLASSES}); "
                         f"is it the label column?")
    return y.astype(np.int64), names_


def parse(data, *, label_column=-1, max_rows: int = 20_000, max_features: int = 256):
    """(X float64 (n, d), y ints, class names, a one-line description) of CSV text or bytes."""
    max_rows, max_features = _positive_int("max_rows", max_rows), _positive_int("max_features", max_features)
    rows = read_rows(decode(data), max_rows)
    if not rows:
        raise ValueError("the file is empty")
    names, label, body = _header(rows, label_column)
    width = len(names)
    if width - 1 > max_features:
        raise ValueError(f"too many columns: {width - 1} features, the limit is {max_features}")
    for line, cells in body:
        if len(cells) != width:
            raise ValueError(f"row {line} has {len(cells)} cells, expected {width} (as in row {rows[0][0]})")
    if not body:
        raise ValueError("the file has a header but no data rows")
    if len(body) > max_rows:
        raise ValueError(f"too many rows: {len(body):,} data rows, the limit is {max_rows:,}")
    features = [j for j in range(width) if j != label]
    X = _features(body, features, names)
    y, classes = _labels(body, label, names)
    shown = ", ".join(classes[:5]) + (", ..." if len(classes) > 5 else "")
    description = f"your CSV: {len(body)} rows, {len(features)} features, {len(classes)} classes ({shown})"
    return X, y, classes, description
