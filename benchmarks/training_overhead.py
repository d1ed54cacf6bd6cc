"""How much the engine costs over plain Keras, measured in one process.

    python benchmarks/training_overhead.py [--repeat 3] [--json]

(a) the linear recipe, 500 epochs on six points: the notes' `model.fit(xs, ys,
    epochs=500)` against the engine (tf.data pipeline, streaming every epoch to a real
    SQLite run store).
(b) the multi-class recipe (digits, Flatten-Dense(128)-Dense(10)) for 2 epochs: plain
    `model.fit` on numpy arrays with validation against the engine.

Both sides build, compile and fit the same model from the same data; each pair runs
`--repeat` times, alternating which side goes first, and the median is reported. A
warm-up run of each side first keeps TensorFlow's one-time start-up out of the figures.
Ratios are engine / plain Keras: below 1 means the engine is faster.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import keras  # noqa: E402

from tflab.build import build_model, compile_model  # noqa: E402
from tflab.data import load_dataset  # noqa: E402
from tflab.job import StoreSink  # noqa: E402
from tflab.recipes import get_recipe  # noqa: E402
from tflab.store import RunStore  # noqa: E402
from tflab.train import train  # noqa: E402


def plain_keras(spec, data) -> float:
    """The notes' way: build, compile, model.fit on numpy arrays. Returns seconds."""
    start = time.perf_counter()
    model = build_model(spec)
    compile_model(model, spec)
    validation = (data.x_val, data.y_val) if data.has_validation else None
    model.fit(data.x_train, data.y_train, epochs=spec.fit.epochs, batch_size=spec.fit.batch_size,
              validation_data=validation, verbose=0)
    return time.perf_counter() - start


def engine(spec, data, store: RunStore) -> float:
    """The engine: tflab.train with streaming into the run store. Returns seconds."""
    run_id = store.create_run(spec.recipe, spec.to_dict(), spec.fit.epochs)
    store.mark_running(run_id)
    start = time.perf_counter()
    result = train(spec, StoreSink(store, run_id), data=data)
    seconds = time.perf_counter() - start
    if result.status != "completed" or len(store.history(run_id)["loss"]) != spec.fit.epochs:
        raise SystemExit(f"engine run did not complete every epoch: {result.status} {result.message}")
    store.finish(run_id, result.status)
    return seconds


def compare(name: str, spec, repeat: int, store: RunStore) -> dict:
    data = load_dataset(spec.data.dataset, dict(spec.data.options), spec.data.validation_split,
                        spec.seed)
    plain_keras(spec, data), engine(spec, data, store)  # warm-up
    plain, ours = [], []
    for i in range(repeat):
        if i % 2:
            ours.append(engine(spec, data, store))
            plain.append(plain_keras(spec, data))
        else:
            plain.append(plain_keras(spec, data))
            ours.append(engine(spec, data, store))
        keras.backend.clear_session()
    p, e = statistics.median(plain), statistics.median(ours)
    return {"case": name, "epochs": spec.fit.epochs, "plain_keras_s": round(p, 3),
            "engine_s": round(e, 3), "ratio": round(e / p, 3)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as root:
        store = RunStore(root)
        rows = [
            compare("(a) linear, 500 epochs", get_recipe("linear").spec, args.repeat, store),
            compare("(b) multi-class digits, 2 epochs",
                    get_recipe("multiclass").spec.with_setting("fit.epochs", 2), args.repeat, store),
        ]
        store.close()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'case':<36} {'plain Keras':>12} {'engine':>10} {'ratio':>7}")
    for row in rows:
        print(f"{row['case']:<36} {row['plain_keras_s']:>11.3f}s {row['engine_s']:>9.3f}s "
              f"{row['ratio']:>6.3f}x")
    print("ratio = engine time / plain Keras time, median of "
          f"{args.repeat} alternating runs in this process (required: (a) <= 0.25x, (b) <= 1.05x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
