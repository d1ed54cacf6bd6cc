"""Whether every person watching one run keeps seeing it train: N browsers on one Train page.

    python benchmarks/viewers.py [--viewers 10] [--seconds 60] [--baseline-seconds 30]
                                 [--recipe multiclass] [--stall 10] [--load 120] [--json]

A server on a fresh run store trains the recipe (multi-class digits, 10,000 epochs: longer
than any measurement) from Build's Train button. Then, on the same run:
(1) one browser context watches `/train?run=<id>` for `--baseline-seconds`;
(2) `--viewers` contexts (each its own Streamlit session, as N people) open it at once and
    watch for `--seconds`.
Each page records, every 50 ms, the epoch its progress text shows ("Epoch N of M") and
when it changed. The watch begins once every page shows an epoch (or after `--load`
seconds: loading N copies of the app and Plotly.js in one machine's browser is the
browser's work more than the server's). Per viewer: the time from opening the page to its
first epoch, and in the watch the updates seen, the longest gap (from its start to the
first update, between updates, and from the last to its end) and the median interval
between updates. A viewer kept updating when it showed an epoch and never went
`--stall` seconds without a newer one. The figure: how many of N kept
updating, and the median of the viewers' median update intervals over the single
viewer's (the baseline measured in the same session). The store's own median interval
between new epochs in each phase is printed beside them: the pages cannot update faster
than the run trains, and N browsers on the same cores slow the training too.

Per phase, the CPU seconds taken by the server, its training worker, the browser, and
other processes (the machine may be shared: its busy time from /proc/stat less this
benchmark's process tree), so a figure taken beside other work can be told apart.
Exit status 1 when a viewer did not keep updating.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from page_speed import (CHROMIUM, CHROMIUM_ARGS, REPO, VIEWPORT, Server,  # noqa: E402
                        StoreWatch)  # benchmarks/page_speed.py
from sweep import machine_busy_s  # noqa: E402  (benchmarks/sweep.py)

from components.urlspec import PARAM, encode  # noqa: E402
from tflab.recipes import get_recipe  # noqa: E402

# Runs in every page from its first document: when the progress text's epoch changes.
SEEN_JS = """
window.epochsSeen = [];
setInterval(() => {
    const progress = document.querySelector('[data-testid="stProgress"]');
    const match = progress && progress.innerText.match(/Epoch (\\d+) of/);
    const seen = window.epochsSeen;
    if (match && (!seen.length || seen[seen.length - 1][1] !== Number(match[1])))
        seen.push([Date.now() / 1000, Number(match[1])]);
}, 50);
"""


def cpu_s(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the server process, the processes it started (its
    training worker) and the rest of this benchmark's process tree (Chromium and its
    renderers, Playwright, this script), from /proc."""
    children: dict[int, list[int]] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        # Its own time and that of its children that ended (a closed page's renderer).
        cpu[int(entry)] = sum(int(n) for n in fields[11:15]) / tick

    def tree(pid: int) -> float:
        return cpu.get(pid, 0.0) + sum(tree(child) for child in children.get(pid, []))

    server, everything = tree(server_pid), tree(os.getpid())
    alone = cpu.get(server_pid, 0.0)  # its worker's time, once it ended, is counted here
    return {"server": alone, "worker": server - alone, "browser": everything - server}


def summary(seen: list[tuple[float, int]], opened: float, start: float, until: float,
            stall: float) -> dict:
    """One viewer's figures from its (time, epoch shown) changes: its first epoch after
    `opened`, and its updates in the window from `start` to `until` (the time from
    `start` to its first update in it, and from its last to `until`, count as gaps)."""
    first = next((when for when, _ in seen), None)
    window = [(when, epoch) for when, epoch in seen if start <= when <= until]
    times = [when for when, _ in window]
    intervals = [later - earlier for earlier, later in zip(times, times[1:])]
    gaps = [(times[0] if times else until) - start] + intervals + (
        [until - times[-1]] if times else [])
    longest = max(gaps)
    return {"updates": len(times),
            "first_data_s": None if first is None else first - opened,
            "longest_gap_s": longest,
            "median_interval_s": statistics.median(intervals) if intervals else None,
            "last_epoch": window[-1][1] if window else None,
            "kept_updating": first is not None and longest <= stall}


def store_interval(store: StoreWatch, start: float, end: float) -> float | None:
    """The median time between new epoch counts in the store from `start` to `end`."""
    times = [when for when, _ in store.seen if start <= when <= end]
    steps = [later - earlier for earlier, later in zip(times, times[1:])]
    return statistics.median(steps) if steps else None


def watch(browser, url: str, viewers: int, seconds: float, stall: float, load: float,
          store: StoreWatch, server_pid: int) -> dict:
    """Open `viewers` contexts on `url` at once; once each shows an epoch (or `load`
    seconds have passed), watch them for `seconds`; the figures."""
    contexts, opened = [], []
    try:
        for _ in range(viewers):
            context = browser.new_context(viewport=VIEWPORT)
            context.add_init_script(SEEN_JS)
            contexts.append(context)
        pages = [context.new_page() for context in contexts]
        for page in pages:
            opened.append(time.time())
            page.goto(url, wait_until="commit", timeout=120_000)
        deadline = time.time() + load
        while time.time() < deadline and not all(
                page.evaluate("() => window.epochsSeen.length > 0") for page in pages):
            time.sleep(0.5)
        busy, used = machine_busy_s(), cpu_s(server_pid)
        start = time.time()
        time.sleep(seconds)
        until = time.time()
        # Before the contexts close: their renderers' time ends with them.
        busy, used = machine_busy_s() - busy, {part: spent - used[part] for part, spent
                                               in cpu_s(server_pid).items()}
        seen = [page.evaluate("() => window.epochsSeen") for page in pages]
    finally:
        for context in contexts:
            context.close()
    others = max(0.0, busy - sum(used.values()))
    each = [summary(s, o, start, until, stall) for s, o in zip(seen, opened)]
    medians = [v["median_interval_s"] for v in each if v["median_interval_s"] is not None]
    return {"viewers": viewers, "seconds": round(until - start, 1), "each": each,
            "loading_s": round(start - opened[0], 1),
            "kept_updating": sum(v["kept_updating"] for v in each),
            "median_interval_s": statistics.median(medians) if medians else None,
            "store_interval_s": store_interval(store, start, until),
            "cpu_s": {part: round(spent, 1) for part, spent in used.items()},
            "others_cpu_s": round(others, 1)}


def start_run(browser, server: Server, recipe: str, epochs: int) -> str:
    """Press Train on Build with the recipe at `epochs`; the run's id once it trains."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        spec = get_recipe(recipe).spec.with_setting("fit.epochs", epochs)
        page.goto(f"{server.url}/build?{PARAM}={encode(spec)}")
        train = page.get_by_test_id("stMain").get_by_role("button", name="Train", exact=True)
        train.wait_for(state="visible")
        train.click()
        page.wait_for_url(re.compile(r"/train\?(.*&)?run=\w+"))
        run_id = re.search(r"run=(\w+)", page.url).group(1)
        # Measured from the first epoch on: the worker's start-up (TensorFlow's import)
        # is no viewer's doing.
        page.wait_for_function("() => /Epoch [1-9]\\d* of/.test("
                               "document.querySelector('[data-testid=\"stProgress\"]')"
                               "?.innerText || '')")
        return run_id
    finally:
        context.close()


def row(name: str, viewer: dict) -> str:
    def seconds(value):
        return "-" if value is None else f"{value:.2f}"
    return (f"{name:<10} {viewer['updates']:>8} {seconds(viewer['first_data_s']):>12} "
            f"{seconds(viewer['longest_gap_s']):>12} {seconds(viewer['median_interval_s']):>10}"
            f" {viewer['last_epoch'] if viewer['last_epoch'] is not None else '-':>7}  "
            f"{'yes' if viewer['kept_updating'] else 'NO'}")


def table(result: dict) -> str:
    base, crowd = result["baseline"], result["crowd"]
    lines = [f"{'viewer':<10} {'updates':>8} {'first data s':>12} {'longest gap':>12} "
             f"{'median s':>10} {'epoch':>7}  kept updating"]
    lines.append(row("alone", base["each"][0]))
    lines += [row(f"{index + 1} of {crowd['viewers']}", viewer)
              for index, viewer in enumerate(crowd["each"])]
    for label, phase in (("alone", base), (f"{crowd['viewers']} viewers", crowd)):
        store = phase["store_interval_s"]
        lines.append(f"{label}: store's median interval between epochs "
                     f"{'-' if store is None else f'{store:.2f} s'}; pages loaded in "
                     f"{phase['loading_s']} s; then CPU seconds over {phase['seconds']} s: " + ", ".join(
                         f"{part} {spent}" for part, spent in phase["cpu_s"].items())
                     + f", other processes {phase['others_cpu_s']}")
    return "\n".join([*lines, verdict(result)])


def verdict(result: dict) -> str:
    """The figure in one sentence: how many viewers kept updating, and how often."""
    crowd = result["crowd"]
    ratio = "-" if result["ratio"] is None else f"{result['ratio']:.2f}x"
    return (f"{crowd['kept_updating']} of {crowd['viewers']} viewers kept updating (no gap "
            f"over {result['stall_s']:g} s); median update interval {ratio} the single "
            f"viewer's ({result['recipe']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, default=10,
                        help="browser contexts watching at once (default 10)")
    parser.add_argument("--seconds", type=float, default=60,
                        help="how long they watch (default 60)")
    parser.add_argument("--baseline-seconds", type=float, default=30,
                        help="how long one viewer watches first (default 30)")
    parser.add_argument("--recipe", default="multiclass",
                        help="the recipe trained (default multiclass)")
    parser.add_argument("--stall", type=float, default=10,
                        help="the longest gap, in seconds, of a viewer that kept updating "
                             "(default 10)")
    parser.add_argument("--load", type=float, default=120,
                        help="the longest wait, in seconds, for every page to show an epoch "
                             "before the watch begins (default 120)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.viewers < 1:
        parser.error(f"--viewers must be at least 1; received {args.viewers}")
    for name in ("seconds", "baseline_seconds", "stall", "load"):
        if getattr(args, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be above 0; "
                         f"received {getattr(args, name)}")
    if not Path(CHROMIUM).exists():
        parser.error(f"no Chromium at {CHROMIUM}: install it or set CHROMIUM to its path")

    with tempfile.TemporaryDirectory(prefix="tflab-viewers-") as work, sync_playwright() as pw:
        server = Server(REPO / "app.py", Path(work))
        store = StoreWatch(server.home / "runs.sqlite3")
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            server.wait_until_healthy()
            run_id = start_run(browser, server, args.recipe, 10_000)
            store.start()  # the database's tables are made by then
            url = f"{server.url}/train?run={run_id}"
            pid = server.process.pid
            baseline = watch(browser, url, 1, args.baseline_seconds, args.stall, args.load,
                             store, pid)
            crowd = watch(browser, url, args.viewers, args.seconds, args.stall, args.load,
                          store, pid)
        finally:
            store.done.set()
            browser.close()
            server.stop()
    alone = baseline["median_interval_s"]
    result = {"recipe": args.recipe, "run": run_id, "stall_s": args.stall,
              "baseline": baseline, "crowd": crowd,
              "ratio": crowd["median_interval_s"] / alone
              if alone and crowd["median_interval_s"] is not None else None}
    print(json.dumps(result, indent=2) if args.json else table(result))
    return 0 if crowd["kept_updating"] == crowd["viewers"] else 1


if __name__ == "__main__":
    sys.exit(main())
