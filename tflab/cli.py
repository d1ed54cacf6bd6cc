"""The command line: the same experiments as the dashboard, from a terminal.

    python -m tflab recipes
    python -m tflab train linear --set fit.epochs=200 [--json]
    python -m tflab sweep multiclass --vary model.layers[1].units=32,128 \
        --vary compile.learning_rate=log:1e-4..1e-2:3 [--workers 2]
    python -m tflab runs
    python -m tflab show <run id or prefix>
    python -m tflab export <recipe or run> [-o script.py]
    python -m tflab export <run> --format keras|savedmodel|tflite|onnx [-o FILE]
    python -m tflab import sales.csv             (keep a local file in the store; prints its id)
    python -m tflab weights InceptionV3          (download ImageNet weights into the Keras cache)
    python -m tflab new-store                    (keep a damaged runs database, start anew)

Specs name files by the id TF Lab gave them, never by a path: `import` keeps a CSV, a
weights file (.h5, .weights.h5) or a saved model (.keras) in the store, as an upload in
the dashboard does, and prints the id and the --set that uses it.

`export` writes a standalone Keras script by default; with `--format` it writes the run's
trained model in that format (`tflab.exports`: how each loads back), to FILE or to the
run's id with the format's ending in the current folder.

`train` (`tflab.cli_train`) trains a recipe in this process; `sweep` (`tflab.cli_sweep`)
trains every combination of the values given to one to three settings on local worker
processes or on Ray, and prints a table with the best marked. This module reads the
command and holds the others, which only read the store or move files in and out of it.

Exit status: 0 when a run (every variant of a sweep) completes, 1 when one fails or
diverges, 2 for a bad command or setting, 3 when the runs store cannot be opened (the
message names the folder or file and the fix; `tflab.store_health`), 130 when interrupted
with Ctrl-C (runs are kept as stopped).

Example:

>>> main(["recipes"])                                     # doctest: +SKIP
linear            Linear regression: y = 2x - 1
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime

from tflab.cli_sweep import cmd_sweep
from tflab.cli_train import cmd_train
from tflab.executor import check_workers
from tflab.metrics import best_point, headline
from tflab.recipes import RECIPES, get_recipe
from tflab.spec import SpecError
from tflab.store import RunNotFound, RunStore, start_new_store
from tflab.store_health import StoreUnavailable
from tflab.words import Phrase


def cmd_recipes(args) -> int:
    for recipe in RECIPES:
        print(f"{recipe.name:<17} {recipe.title}")
    return 0


def _when(ts: float | None) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S") if ts else "-"


def cmd_runs(args) -> int:
    runs = RunStore().list_runs(limit=args.limit)
    if not runs:
        print("no runs yet: try `python -m tflab train linear`")
        return 0
    print(f"{'run':<16} {'recipe':<16} {'status':<11} {'epochs':>7} {'result':<19}  created")
    for run in runs:
        found = headline(run.final_metrics)  # the number a run is summed up by
        result = f"{found[0]} {found[1]:.4g}" if found else "-"
        print(f"{run.id:<16} {run.recipe:<16} {run.status:<11} "
              f"{run.epochs_done:>3}/{run.epochs or '?':<3} {result:<19}  {_when(run.created)}")
    return 0


def cmd_show(args) -> int:
    store = RunStore()
    run = store.get_run(store.resolve(args.run))
    print(f"run {run.id}  recipe {run.recipe}  status {run.status}")
    if run.message:
        print(f"message: {run.message}")
    print(f"created {_when(run.created)}  started {_when(run.started)}  ended {_when(run.ended)}")
    print(f"epochs {run.epochs_done}/{run.epochs}  model: "
          f"{store.model_path(run.id) if store.model_path(run.id).exists() else 'none'}")
    for name, points in store.history(run.id).items():
        best = best_point(points, name)  # the highest accuracy, the lowest loss
        print(f"  {name:<14} last {points[-1][1]:.5g} (epoch {points[-1][0]})  "
              f"best {f'{best[1]:.5g}' if best else '-'}")
    if args.spec:
        print(json.dumps(run.spec, indent=2))
    return 0


def cmd_new_store(args) -> int:
    store, copy = start_new_store()  # renames only a damaged database; raises otherwise
    store.close()
    print(Phrase("store_failures.started_new", {"copy": str(copy), "root": str(store.root)})
          if copy is not None else Phrase("store_failures.not_started_new"))
    return 0


def cmd_export(args) -> int:
    if args.format != "script":
        return _export_model(args)
    from tflab.codegen import export_script
    from tflab.run import open_run

    names = {r.name for r in RECIPES}
    if args.target in names:
        spec = get_recipe(args.target).spec
    else:
        store = RunStore()
        spec = open_run(store, store.resolve(args.target)).spec  # SpecError: said by main
    script = export_script(spec)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(script)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(script)
    return 0


def _export_model(args) -> int:
    """The run's model in `--format`, written to `-o` or `<run id><ending>` here."""
    from tflab.exports import ExportError, export_run

    if args.target in {r.name for r in RECIPES}:
        print(f"error: {args.target!r} is a recipe, which has no trained model: train it with "
              f"`python -m tflab train {args.target}`, then export the run by its id.",
              file=sys.stderr)
        return 2
    store = RunStore()
    run_id = store.resolve(args.target)
    try:
        made = export_run(store, run_id, args.format)
    except ExportError as error:  # no model, not a model, a format not installable or held
        print(f"error: {error}", file=sys.stderr)
        return 1
    path = args.output or made.name
    with open(path, "wb") as file:
        file.write(made.data)
    print(f"wrote {path} ({len(made.data):,} bytes)", file=sys.stderr)
    if made.note is not None:
        print(f"note: {made.note}", file=sys.stderr)
    return 0


def cmd_import(args) -> int:
    """Keep a local file in the store, as an upload in Build does; print the id it gets."""
    from tflab import files, store_health
    from tflab.store import default_root

    store_health.prepare_folder(default_root())  # a file in the way, no permission: named
    name = os.path.basename(args.file)
    kind = name.lower()
    try:
        if kind.endswith((".csv", ".txt")):
            from tflab.data.csvfiles import store_csv

            kept = store_csv(files.read_capped(args.file, files.MAX_CSV_BYTES, name), name)
            usage = f"--set data.options.csv_id={kept}  (a series recipe, like time_series)"
        elif kind.endswith((".h5", ".keras")):
            from tflab.weights import store_model, store_weights

            data = files.read_capped(args.file, files.MAX_WEIGHTS_BYTES, name)
            if kind.endswith(".h5"):
                kept = store_weights(data, name)
                usage = f"--set model.base.weights={kept}  (a network base, as in transfer)"
            else:
                kept = store_model(data, name)
                usage = f"--set model.base.name=run --set model.base.weights={kept}"
        else:
            print(f"error: {name!r} is not a .csv, .txt, .h5, .weights.h5 or .keras file.",
                  file=sys.stderr)
            return 2
    except (OSError, ValueError) as error:  # no such file, too large, refused for its content
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(kept)  # alone on stdout, for scripts
    print(f"kept {name} in {default_root()} as {kept}; use it with {usage}", file=sys.stderr)
    return 0


def cmd_weights(args) -> int:
    from tflab import imagenet

    found = imagenet.cached(args.network)
    if found is not None:
        print(f"already in the Keras cache: {found}")
        return 0
    size = imagenet.FILES[args.network].megabytes
    print(f"downloading the ImageNet weights for {args.network} (about {size} MB)...",
          file=sys.stderr)
    try:
        path = imagenet.download(args.network, origin=args.origin, timeout=args.timeout)
    except imagenet.DownloadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"saved {path}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tflab", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("recipes", help="list the notes' recipes").set_defaults(handler=cmd_recipes)
    t = sub.add_parser("train", help="train a recipe, printing a line per epoch")
    t.add_argument("recipe")
    t.add_argument("--set", action="append", metavar="PATH=VALUE",
                   help="change a setting, e.g. fit.epochs=20 or model.layers[0].units=16")
    t.add_argument("--json", action="store_true", help="print the result as one JSON object")
    t.set_defaults(handler=cmd_train)
    sw = sub.add_parser("sweep", help="train a recipe with settings varied, variants side by side")
    sw.add_argument("recipe")
    sw.add_argument("--vary", action="append", required=True, metavar="SETTING=VALUES",
                    help="a setting and its values: 16,32,64 or lin:LOW..HIGH:COUNT, "
                         "log:LOW..HIGH:COUNT, random:[LOW..HIGH:]COUNT[:seed=S], lograndom:...; "
                         "up to 3 settings")
    sw.add_argument("--set", action="append", metavar="PATH=VALUE",
                    help="change a setting of every variant, e.g. fit.epochs=5")
    sw.add_argument("--executor", choices=["local", "ray"], default="local",
                    help="where the variants train (default: local worker processes)")
    sw.add_argument("--workers", type=_workers, metavar="N",
                    help="variants training at once (default: $TFLAB_WORKERS, else 1)")
    sw.set_defaults(handler=cmd_sweep)
    r = sub.add_parser("runs", help="list runs in the store")
    r.add_argument("--limit", type=int, default=50)
    r.set_defaults(handler=cmd_runs)
    s = sub.add_parser("show", help="one run's status and metrics")
    s.add_argument("run", help="run id or a unique prefix")
    s.add_argument("--spec", action="store_true", help="also print the spec as JSON")
    s.set_defaults(handler=cmd_show)
    e = sub.add_parser("export", help="a standalone Keras script for a recipe or run, or a "
                                      "run's model as .keras, SavedModel, TensorFlow Lite or ONNX")
    e.add_argument("target", help="recipe name or run id (a run id for a model format)")
    e.add_argument("--format", choices=["script", "keras", "savedmodel", "tflite", "onnx", "tfjs"],
                   default="script", help="what to write (default: the script; tfjs says why "
                                          "it cannot be made here)")
    e.add_argument("-o", "--output", help="the file to write (default: the script on stdout, "
                                          "a model as <run id> and the format's ending)")
    e.set_defaults(handler=cmd_export)
    i = sub.add_parser("import", help="keep a local CSV, weights or model file in the store; "
                                      "prints the id a spec names it by")
    i.add_argument("file", help="a .csv / .txt, .h5 / .weights.h5 or .keras file")
    i.set_defaults(handler=cmd_import)
    w = sub.add_parser("weights", help="download a base network's ImageNet weights (needs network)")
    w.add_argument("network", choices=["InceptionV3", "MobileNetV2"])
    w.add_argument("--origin", help="another address to fetch the same file from (a mirror)")
    w.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for the server")
    w.set_defaults(handler=cmd_weights)
    sub.add_parser("new-store", help="keep a damaged runs database as a copy beside it and "
                                     "start a new, empty store").set_defaults(handler=cmd_new_store)
    return p


def _workers(text: str) -> int:
    try:
        return check_workers(int(text))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    args = parser().parse_args(argv)
    try:
        return args.handler(args)
    except (SpecError, RunNotFound) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except StoreUnavailable as error:  # said plainly, with the fix: no traceback
        print(f"error: {error}", file=sys.stderr)
        if error.can_start_new:
            print(Phrase("store_failures.cli_start_new"), file=sys.stderr)
        return 3
