"""Time series: a generated one like the course's, a column of a CSV, and its windows.

The generated series is the Coursera pattern: baseline + trend + seasonality + noise,
where each period starts as a cosine for its first 40% and then decays as
1/exp(3t). With the defaults (four years of days, yearly period) values run from
about -20 to 130, the scale the notes' `x * 400` output layer is meant for.

A model sees windows: inputs are `window` consecutive values, targets the same values
one step later, so `LSTM(return_sequences=True)` predicts the next value at every
step. Validation is the end of the series, never shuffled into training.

Every function is pure numpy and self-contained, so the code exporter can copy it.

Example:

>>> series = make_series(length=100, period=20, amplitude=40, slope=0.05, noise=5, seed=0)
>>> x, y = windows(series, window=10)
>>> x.shape, y.shape, bool((x[0, 1:, 0] == y[0, :-1, 0]).all())
((90, 10, 1), (90, 10, 1), True)
>>> read_csv_column("day,temp\\n1,20.5\\n2,21\\n", "temp").tolist()
[20.5, 21.0]
"""

import numpy as np


def make_series(length, period, amplitude, slope, noise, seed, baseline=10.0):
    """A seasonal series with a trend: one value per time step, float32 (length,).

    Args:
        length: how many time steps.
        period: steps in one season (365 for a year of days).
        amplitude: height of the seasonal peak above the baseline.
        slope: trend added per time step.
        noise: standard deviation of the Gaussian noise.
        seed: random seed; the same seed gives the same series.
        baseline: the level at time 0. Defaults to 10.
    """
    time = np.arange(length, dtype=np.float64)
    season = (time % period) / period
    pattern = np.where(season < 0.4, np.cos(season * 2 * np.pi), 1 / np.exp(3 * season))
    rng = np.random.default_rng(seed)
    series = baseline + slope * time + amplitude * pattern + noise * rng.standard_normal(length)
    return series.astype(np.float32)


def read_csv_column(text, column):
    """One column of CSV text as a float32 series (length,).

    The separator is a comma, or a semicolon or tab when the first line has one.
    The first line is a header when `column` names one of its cells, or when its cell
    in the chosen column is not a number. A column written as a number ("2") is an
    index when the CSV has that many columns, else a header name. Blank lines are
    skipped.

    Args:
        text: the CSV file's text.
        column: a header name, or a 0-based column index written as text ("0", "2").

    Raises:
        ValueError: naming the column, and for a bad cell its row (the line number in
            the file, as a spreadsheet numbers it) and value.
    """
    rows = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not rows:
        raise ValueError("The CSV has no rows.")
    first_line = rows[0][1]
    separator = ";" if ";" in first_line else "\t" if "\t" in first_line else ","

    def cells(line):
        return [cell.strip().strip('"').strip() for cell in line.split(separator)]

    def number(cell):
        if separator != "," and "," in cell and "." not in cell:
            cell = cell.replace(",", ".")  # a decimal comma
        value = float(cell)
        if not np.isfinite(value):
            raise ValueError(cell)
        return value

    def is_number(cell):
        try:
            number(cell)
            return True
        except ValueError:
            return False

    first = cells(first_line)
    column = str(column).strip()
    # A name that reads as a number ("0", "2020") is an index unless it cannot be one,
    # so a first row of data is not taken for a header.
    if column in first and not is_number(column):
        index, header = first.index(column), True
    elif column.isdigit() and int(column) < len(first):
        index = int(column)
        header = not is_number(first[index])
    elif column in first:
        index, header = first.index(column), True
    elif column.isdigit():
        raise ValueError(
            f"Column {column} is out of range: the CSV has {len(first)} column(s), "
            f"numbered 0 to {len(first) - 1}.")
    else:
        raise ValueError(
            f"Column {column!r} is not in the CSV; its first row has: "
            f"{', '.join(repr(c) for c in first)}. Give a header name or a 0-based index.")
    name = f"column {column!r}" if not column.isdigit() else f"column {index}"
    values = []
    for line_number, line in rows[1:] if header else rows:
        row = cells(line)
        if index >= len(row):
            raise ValueError(f"Row {line_number} has no {name}: it has {len(row)} cell(s).")
        try:
            values.append(number(row[index]))
        except ValueError:
            raise ValueError(
                f"Row {line_number}, {name}: {row[index]!r} is not a number.") from None
    return np.array(values, dtype=np.float32)


def time_split(series, validation_split):
    """Cut a series in time: the first (1 - validation_split) to train, the rest to validate."""
    cut = len(series) - int(round(len(series) * validation_split))
    return series[:cut], series[cut:]


def windows(series, window):
    """Every run of `window` values and the same run one step later.

    Returns:
        x float32 (n, window, 1) with x[i] = series[i:i+window] and y float32
        (n, window, 1) with y[i] = series[i+1:i+window+1], n = len(series) - window
        (0 when the series is too short).
    """
    series = np.asarray(series, dtype=np.float32)
    n = max(len(series) - window, 0)
    if n == 0:
        empty = np.zeros((0, window, 1), dtype=np.float32)
        return empty, empty.copy()
    runs = np.lib.stride_tricks.sliding_window_view(series, window + 1)
    x = np.ascontiguousarray(runs[:, :-1])[..., None]
    y = np.ascontiguousarray(runs[:, 1:])[..., None]
    return x, y
