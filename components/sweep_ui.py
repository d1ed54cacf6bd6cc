"""Build's Sweep tab: the experiment trained again with one to three settings varied.

The person picks the settings (those `tflab.sweeping.sweepable_settings` lists, named as
Build names them), each one's values (a list, even or log steps, random draws, or the
choices of a choice setting), and where the variants train: side by side on this
machine, or on a Ray cluster. The tab shows how many variants that makes, the values each
setting takes and the estimated time; Start queues them all (`tflab.sweeping.start_sweep`)
and opens Runs on the sweep. A setting or value that cannot be (a units of 0, a word in a
list of numbers, more than 64 variants) is said beside it, naming it, and Start stays off.

Example:

>>> sweep_ui(get_recipe("multiclass").spec, "v1")     # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

import streamlit as st

from components.language import count, say, t, words
from components.messages import error_text, plain
from components.setting_input import shown_decimals
from components.state import executor, ray_executor, run_store
from tflab.executor import MAX_WORKERS
from tflab.progress import about
from tflab.ray_cluster import ADDRESS_VARIABLE, LOCAL, RayMissing, RayUnreachable, import_ray
from tflab.spec import ExperimentSpec, Param, SpecError
from tflab.spec.experiment import setting_keys
from tflab.sweep import (MAX_SETTINGS, MAX_VARIANTS, SweepSpec, Vary, plain_value, setting_param,
                         setting_value, value_text)
from tflab.sweeping import estimate_seconds, machine_workers, start_sweep, sweepable_settings

SPACINGS = ("list", "lin", "log", "random")  # how a number setting's values are given
WHERE = ("local", "ray")
DEFAULT_COUNT = 3
RUNS_PAGE = "app_pages/runs.py"


def setting_label(spec: ExperimentSpec, path: str) -> str:
    """A setting's name as Build shows it: "Learning rate", "Layer 2 · Dense · Units"."""
    label = say(setting_param(spec, path).label)
    keys = setting_keys(path)
    if keys[:2] == ["model", "layers"]:
        return f"{t('build.layer', n=keys[2] + 1)} · {spec.model.layers[keys[2]].type} · {label}"
    return label


def list_default(p: Param, value: Any) -> str:
    """A number setting's first list: half, the current value and double, those allowed.

    Example:

    >>> list_default(Param("units", 32, low=1, high=8192), 128)
    '64, 128, 256'
    >>> list_default(Param("rate", 0.5, low=0.0, high=1.0, high_open=True), 0.5)
    '0.25, 0.5'
    """
    if value == 0 and p.high is not None:
        found = [0, p.high / 4, p.high / 2]
    else:
        found = [value / 2, value, value * 2]
    kept = [number for number in (_kind(p, n) for n in found) if _allowed(p, number)]
    return ", ".join(value_text(number) for number in dict.fromkeys(kept or [value]))


def list_values(text: str) -> tuple:
    """The values typed in a list, each a number where it reads as one (0.5, .5, 1e-3),
    else the text (for the setting's check to name it).

    Example:

    >>> list_values("16, 64,, .5, 1e-3, many")
    (16, 64, 0.5, 0.001, 'many')
    """
    found = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        value = plain_value(item)
        if isinstance(value, str):
            try:
                value = float(item)
            except ValueError:
                pass
        found.append(value)
    return tuple(found)


def range_default(p: Param, value: Any) -> tuple[Any, Any]:
    """A number setting's first range: a tenth to ten times a decimal (a learning rate
    0.01 gives 0.001..0.1), half to double a whole number, within its bounds.

    Example:

    >>> range_default(Param("learning_rate", 0.001, low=0.0, low_open=True, high=10.0), 0.01)
    (0.001, 0.1)
    >>> range_default(Param("rate", 0.5, low=0.0, high=1.0, high_open=True), 0.5)
    (0.05, 0.75)
    """
    if value == 0:
        low, high = p.low or 0, p.high if p.high is not None else 1
    elif p.type is int:
        low, high = max(1, value // 2), value * 2
    else:
        low, high = value / 10, value * 10
    if p.low is not None and (low < p.low or (p.low_open and low <= p.low)):
        low = value / 2 if p.low_open else p.low
    if p.high is not None and (high > p.high or (p.high_open and high >= p.high)):
        high = (value + p.high) / 2 if p.high_open else p.high
    return _kind(p, low), _kind(p, high)


def _kind(p: Param, number: float) -> Any:
    return int(round(number)) if p.type is int else float(f"{number:.6g}")


def _allowed(p: Param, value: Any) -> bool:
    try:
        p.check(value)
    except SpecError:
        return False
    return True


def _number_input(label: str, p: Param, value: Any, key: str, **options) -> Any:
    """A number box for a range's end in the setting's own kind. Unbounded: a value out of
    the setting's bounds is said beside it, naming the setting, not silently clamped."""
    if p.type is int:
        return int(st.number_input(label, value=int(value), step=1, key=key, **options))
    decimals = shown_decimals(p, float(value))
    return float(st.number_input(label, value=float(value), step=float(p.step or 10 ** -decimals),
                                 format=f"%.{decimals}f", key=key, **options))


def vary_ui(spec: ExperimentSpec, path: str, key: str) -> Vary:
    """One chosen setting's values, drawn as widgets; the `Vary` they make (SpecError
    naming the setting when they cannot)."""
    p = setting_param(spec, path)
    current = setting_value(spec.to_dict(), path)
    current = p.default if current is None else current  # a data option left at its default
    if p.choices is not None:
        chosen = st.multiselect(t("build.sweep.values"), list(p.choices), default=[current],
                                key=f"{key}.choices", placeholder=t("common.choose"),
                                help=t("build.sweep.choices_help"))
        return Vary(path, tuple(chosen))
    said = words()
    left, right = st.columns(2, vertical_alignment="bottom")
    how = left.radio(t("build.sweep.how"), SPACINGS, horizontal=True, key=f"{key}.how",
                     format_func=lambda spacing: said(f"build.sweep.spacing.{spacing}"))
    if how == "list":
        text = right.text_input(t("build.sweep.values"), value=list_default(p, current),
                                key=f"{key}.values", help=t("build.sweep.values_help"))
        return Vary(path, list_values(text))
    low, high = range_default(p, current)
    with right:
        cells = st.columns(4 if how == "random" else 3)
    with cells[0]:
        low = _number_input(t("build.sweep.low"), p, low, f"{key}.{how}.low")
    with cells[1]:
        high = _number_input(t("build.sweep.high"), p, high, f"{key}.{how}.high")
    with cells[2]:
        number = int(st.number_input(t("build.sweep.count"), min_value=1, max_value=MAX_VARIANTS,
                                     value=DEFAULT_COUNT, step=1, key=f"{key}.{how}.count"))
    seed = 0
    if how == "random":
        with cells[3]:
            seed = int(st.number_input(t("build.sweep.draw_seed"), min_value=0, value=0, step=1,
                                       key=f"{key}.random.seed",
                                       help=t("build.sweep.draw_seed_help")))
    return Vary(path, spacing=how, low=low, high=high, count=number, seed=seed)


def _labelled(error: SpecError, labels: dict[str, str]) -> str:
    """The error's text, after the name of the setting it is about when it names one."""
    label = labels.get(error.field)
    text = error_text(error)
    return f"{plain(label)}: {text}" if label else text


def settings_ui(spec: ExperimentSpec, key: str) -> tuple[SweepSpec | None, str]:
    """The settings to vary and their values; the sweep they make, or None with why not."""
    paths = sweepable_settings(spec)
    labels = {path: setting_label(spec, path) for path in paths}
    chosen = st.multiselect(t("build.sweep.settings", max=MAX_SETTINGS), paths,
                            format_func=labels.get, max_selections=MAX_SETTINGS,
                            key=f"{key}.settings", placeholder=t("build.sweep.settings_placeholder"),
                            help=t("build.sweep.settings_help", max=MAX_SETTINGS))
    if not chosen:
        return None, t("build.sweep.pick_one")
    varies, problem = [], None
    for path in chosen:
        with st.container(border=True):
            st.markdown(f"**{plain(labels[path])}**")
            try:
                vary = vary_ui(spec, path, f"{key}.{path}")
                values = vary.resolve(spec)
            except SpecError as error:
                st.error(_labelled(error, labels), icon=":material/error:")
                problem = problem or error
                continue
            varies.append(vary)
            st.caption(t("build.sweep.takes", values=plain(", ".join(map(value_text, values)))))
    if problem is not None:
        return None, _labelled(problem, labels)
    try:
        return SweepSpec(spec, tuple(varies)), ""
    except SpecError as error:
        text = _labelled(error, labels)
        st.error(text, icon=":material/error:")
        return None, text


def where_ui(key: str, variants: int) -> tuple[str, int | None, str, BaseException | None]:
    """Where the variants train: (kind, local workers, Ray address, why Ray cannot)."""
    said = words()
    left, right = st.columns(2, vertical_alignment="bottom")
    where = left.radio(t("build.sweep.where"), WHERE, horizontal=True, key=f"{key}.where",
                       format_func=lambda kind: said(f"build.sweep.where_choice.{kind}"),
                       help=t("build.sweep.where_help"))
    if where == "local":
        most = min(machine_workers(), MAX_WORKERS)
        workers = int(right.number_input(t("build.sweep.workers"), min_value=1, max_value=most,
                                      value=max(1, min(most, variants)), step=1,
                                      key=f"{key}.workers.{variants}",
                                      help=t("build.sweep.workers_help", max=most)))
        return where, workers, "", None
    address = right.text_input(t("build.sweep.address"),
                            value=os.environ.get(ADDRESS_VARIABLE) or LOCAL,
                            key=f"{key}.address", help=t("build.sweep.address_help")).strip()
    try:
        import_ray()
    except RayMissing as error:
        st.error(error_text(error), icon=":material/error:")
        return where, None, address, error
    return where, None, address or LOCAL, None


def estimate_text(sweep: SweepSpec, where: str, workers: int | None, address: str) -> str:
    """The estimated time in words, or why there is none."""
    if where == "local":
        seconds = estimate_seconds(run_store(), sweep, workers, workers_up=executor().alive())
        text = t("build.sweep.estimate_local", time=say(about(seconds)), workers=workers) \
            if seconds is not None else None
    elif address == LOCAL:  # a Ray of this machine's cores, started for the sweep
        cpus = os.cpu_count() or 1
        seconds = estimate_seconds(run_store(), sweep, min(cpus, MAX_WORKERS))
        text = t("build.sweep.estimate_ray", time=say(about(seconds)), cpus=cpus) \
            if seconds is not None else None
    else:
        return t("build.sweep.no_estimate_cluster")
    return text if text is not None else t("build.sweep.no_estimate")


def sweep_ui(spec: ExperimentSpec, version: str) -> None:
    """The Sweep tab for the valid experiment `spec`; widgets keyed under `version`."""
    key = f"{version}.sweep"
    st.caption(t("build.sweep.intro", max=MAX_SETTINGS))
    sweep, reason = settings_ui(spec, key)
    n = len(sweep.variants()) if sweep is not None else 0
    if sweep is not None:
        st.markdown(f"**{count('build.sweep.variants', n)}**")
    where, workers, address, unready = where_ui(key, n)
    if sweep is not None:
        st.caption(estimate_text(sweep, where, workers, address))
    if unready is not None:
        reason = error_text(unready)
    left, right = st.columns([1, 2], vertical_alignment="center")
    label = count("build.sweep.start", n) if n else t("build.sweep.start_empty")
    pressed = left.button(label, type="primary", key="build.sweep.start",
                          icon=":material/play_arrow:", disabled=bool(reason),
                          help=reason or t("build.sweep.start_help"))
    if reason:
        right.caption(t("build.sweep.start_off", reason=reason))
    if pressed and sweep is not None:
        try:
            connecting = st.spinner(t("build.sweep.connecting")) if where == "ray" \
                else contextlib.nullcontext()
            with connecting:
                runner = executor() if where == "local" else ray_executor(address)
                sweep_id = start_sweep(runner.store, runner, sweep, workers)
        except (RayMissing, RayUnreachable) as error:  # the cluster went away, or never was
            st.error(error_text(error), icon=":material/error:")
        else:
            st.switch_page(RUNS_PAGE, query_params={"sweep": sweep_id})
