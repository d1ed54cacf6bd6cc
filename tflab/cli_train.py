"""`python -m tflab train`: one recipe trained in this process, a line printed per epoch.

    python -m tflab train linear --set fit.epochs=200 [--json]

Each `--set PATH=VALUE` changes one setting of the recipe's spec (`parse_setting`; the
values are read as `tflab.sweep.plain_value` reads them). With `--json` stdout is one JSON
object and the epochs go to stderr. A Ctrl-C stops the run after its current batch and
keeps it, as stopped.

Example:

>>> parse_setting("fit.epochs=20"), parse_setting("model.layers[1].activation=tanh")
(('fit.epochs', 20), ('model.layers[1].activation', 'tanh'))
"""

from __future__ import annotations

import json
import sys
import threading
import time

from tflab.recipes import RECIPES, get_recipe
from tflab.spec import ExperimentSpec, SpecError
from tflab.store import RunStore
from tflab.sweep import plain_value
from tflab.words import Phrase


def parse_setting(text: str) -> tuple[str, object]:
    """A `--set PATH=VALUE` as (path, value); SpecError naming `--set` without a `=`."""
    if "=" not in text:
        raise SpecError("--set", text, Phrase("allowed.set_option"))
    path, raw = text.split("=", 1)
    return path.strip(), plain_value(raw)


def spec_from(args) -> ExperimentSpec:
    """The spec of `args.recipe` with each of `args.set` applied (train and sweep)."""
    spec = get_recipe(args.recipe).spec
    for setting in args.set or []:
        spec = spec.with_setting(*parse_setting(setting))
    return spec


class _EpochPrinter:
    """Prints one line per epoch (to stderr with --json, so stdout stays one JSON object)."""

    def __init__(self, epochs: int, stream):
        self.epochs, self.stream, self.started = epochs, stream, time.monotonic()

    def epoch(self, epoch, logs):
        values = "  ".join(f"{k}={v:.4g}" for k, v in logs.items())
        print(f"epoch {epoch}/{self.epochs}  {values}  ({time.monotonic() - self.started:.1f} s)",
              file=self.stream, flush=True)

    def batch(self, epoch, step, logs):
        pass

    def view(self, epoch, kind, payload):
        pass

    def flush(self):
        pass


def _samples(spec: ExperimentSpec, model) -> list[dict]:
    """Predictions for the recipe's sample inputs (x=10 for linear), when it has any."""
    recipe = next((r for r in RECIPES if r.name == spec.recipe), None)
    if recipe is None or not recipe.samples or model is None:
        return []
    from tflab.predict import Predictor

    outputs = Predictor(model, spec).numbers([[x] for x in recipe.samples])
    return [{"x": x, "y": float(y)} for x, y in zip(recipe.samples, outputs)]


def cmd_train(args) -> int:
    spec = spec_from(args)
    from tflab.job import run_job  # loads TensorFlow: only for the commands that train

    store = RunStore()
    run_id = store.create_run(spec.recipe, spec.to_dict(), spec.fit.epochs)
    out = sys.stderr if args.json else sys.stdout
    print(f"run {run_id}: {spec.recipe}, {spec.fit.epochs} epochs (store: {store.root})", file=out)
    stop = threading.Event()
    try:
        result = _run_interruptibly(lambda: run_job(store, run_id, stop.is_set,
                                                    _EpochPrinter(spec.fit.epochs, out)), stop)
    except KeyboardInterrupt:
        return 130
    predictions = _samples(spec, result.model)
    if args.json:
        print(json.dumps({"run": run_id, "recipe": spec.recipe, "status": result.status,
                          "message": result.message, "epochs": result.epochs_done,
                          "seconds": round(result.seconds, 3), "final_metrics": result.final_metrics,
                          "predictions": predictions}))
    else:
        print(f"{result.status} after {result.epochs_done} epochs in {result.seconds:.1f} s"
              + (f": {result.message}" if result.message else ""))
        for p in predictions:
            print(f"predict x={p['x']:g}: {p['y']:.4f}")
    return 130 if result.status == "stopped" else (0 if result.status == "completed" else 1)


def _run_interruptibly(job, stop: threading.Event):
    """Run `job` in a thread so Ctrl-C becomes a stop request, not a torn-down run."""
    box = {}
    thread = threading.Thread(target=lambda: box.setdefault("result", job()), daemon=True)
    thread.start()
    while thread.is_alive():
        try:
            thread.join(0.2)
        except KeyboardInterrupt:
            print("stopping after the current batch...", file=sys.stderr)
            stop.set()
    return box["result"]
