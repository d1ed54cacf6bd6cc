"""The Runs page's Sweeps section: every sweep, and the chosen one's variants, chart and curves.

The address names the sweep shown (`?sweep=ID`: Build's Sweep tab opens Runs so); the
picker lists the sweeps, newest first. What a sweep holds is read once from the store
(`tflab.sweep_results`); this module only draws it. While a variant has not finished,
the chosen sweep's part refreshes itself every `REFRESH` seconds without a page run.

"Open the best in Build" is a link, not a button that switches page from the server: this
page keeps refresh timers (its own, the sidebar's), and a timer firing during a switch
from the server blanks the new page (the README's Train section; the sidebar's links to
Train are links for the same reason).

Example:

>>> sweeps_ui(run_store())      # doctest: +SKIP
"""

from __future__ import annotations

import streamlit as st

from components import curves
from components.draft import link_params
from components.language import t, words
from components.messages import code, error_text
from components.runs_table import significant, status_word
from components.state import executor
from components.sweep_figures import (STAR, curves_chart, judged_label, parcoords_chart,
                                      setting_label, value_words)
from tflab.executor import stop_sweep
from tflab.metrics import base_name
from tflab.run import open_run
from tflab.store import RunNotFound, RunStore, Sweep
from tflab.sweep_results import SweepResults, results_of, sweep_results
from tflab.words import Words

PARAM = "sweep"
REFRESH = 1.0  # seconds between looks at an unfinished sweep: its variants' epochs are seconds
_PICK = "runs.sweep.pick"  # the picker's key
_APPLIED = "runs.sweep.applied"  # the last `?sweep=` the picker was set from
_STOPPED = "runs.sweep.stopped"  # the sweep whose stop this session asked for


def progress_line(results: SweepResults, w: Words) -> str:
    """How far the sweep is: "3 of 4 done · 1 training"; states without variants left out."""
    counts = results.counts
    parts = [w("runs.sweep.progress", done=counts["done"], total=len(results.variants))]
    parts += [w.count(f"runs.sweep.state.{state}", counts[state])
              for state in ("running", "queued", "failed", "stopped") if counts[state]]
    return " · ".join(parts)


def best_words(results: SweepResults, w: Words) -> str:
    """The best so far: "variant 3, validation accuracy 0.93", or "none yet"."""
    if results.best is None:
        return w("runs.sweep.no_best")
    value = f"{judged_label(results.metric, w)} {significant(w, results.value_of(results.best))}"
    return w("runs.sweep.best_short", number=results.best.number, value=value)


def sweep_option(sweep: Sweep, variants: int, w: Words) -> str:
    """A sweep as the picker lists it: when, recipe, settings, variants. Nothing that changes
    while it trains: Streamlit 1.67 keeps a picker's shown line when only its words change,
    so a progress here stayed at "0 of 3 done" after the sweep ended (the detail below says
    how far it is, and its best)."""
    return w("runs.sweep.option", when=w.date(sweep.created), recipe=sweep.recipe,
             settings=", ".join(setting_label(s, w) for s in sweep.varies),
             variants=w.count("runs.sweep.variants", variants)) + f" · {sweep.id}"


def variant_rows(results: SweepResults, w: Words) -> list[dict]:
    """The variants table: number (the best starred), each setting's value, state, epochs,
    the final number the sweep is judged by, and the run."""
    column = {name: w(f"runs.sweep.column.{name}") for name in ("variant", "status", "epochs", "run")}
    metric = results.metric or next((v.metric for v in results.variants if v.metric), None)
    rows = []
    for variant in results.variants:
        value = variant.run.final_metrics.get(metric) if metric else None
        rows.append({
            column["variant"]: f"{STAR} {variant.number}" if variant is results.best
            else str(variant.number),
            **{setting_label(s, w): value_words(v, w)
               for s, v in zip(results.settings, variant.values)},
            column["status"]: status_word(variant.status, w),
            column["epochs"]: f"{variant.run.epochs_done}/{variant.run.epochs or '?'}",
            **({judged_label(metric, w): significant(w, value)
                if isinstance(value, (int, float)) else ""} if metric else {}),
            column["run"]: variant.run.id,
        })
    return rows


def sweeps_ui(store: RunStore) -> bool:
    """The Sweeps section: nothing when there are no sweeps and the address names none.
    Returns whether it showed a sweep."""
    asked = st.query_params.get(PARAM)
    sweeps = store.list_sweeps()
    if asked and asked not in {s.id for s in sweeps}:
        try:  # older than the newest listed: still shown, and listed
            sweeps.append(store.get_sweep(asked))
        except RunNotFound:
            st.warning(t("runs.sweep.unknown", id=code(asked)), icon=":material/search_off:")
    if not sweeps:
        return False
    w = words()
    st.subheader(t("runs.sweep.heading"))
    # Only the picked sweep's variants are read: the list names the others by their size.
    listed = {s.id: s for s in sweeps}
    sizes = store.sweep_sizes(listed)
    ids = list(listed)
    if asked in listed and asked != st.session_state.get(_APPLIED):
        st.session_state[_PICK] = asked  # a new address (a link, Build's Sweep tab) picks
        st.session_state[_APPLIED] = asked
    if st.session_state.get(_PICK) not in listed:
        st.session_state[_PICK] = ids[0]
    picked = st.selectbox(t("runs.sweep.pick"), ids, key=_PICK, on_change=_picked,
                          format_func=lambda i: sweep_option(listed[i], sizes[i], w),
                          help=t("runs.sweep.pick_help"))
    read = results_of(listed[picked], store.sweep_runs(picked))
    live = not read.finished
    st.fragment(run_every=REFRESH if live else None)(_sweep_detail)(store, picked, live, w,
                                                                    [read])
    return True


def _picked() -> None:
    """The person picked a sweep: the address names it, so the link opens it."""
    st.query_params[PARAM] = st.session_state[_PICK]
    st.session_state[_APPLIED] = st.session_state[_PICK]


def _sweep_detail(store: RunStore, sweep_id: str, live: bool, w: Words,
                  page_read: list[SweepResults]) -> None:
    """The chosen sweep. Runs inside a fragment: reads the words given, never the language
    switch (which writes the address).

    `page_read` holds the sweep as the page run read it, for the fragment's first run only:
    a fragment's later runs get the same arguments, so it is emptied then and each refresh
    reads the store afresh.
    """
    try:
        results = page_read.pop() if page_read else sweep_results(store, sweep_id)
    except RunNotFound:  # deleted since the page ran
        st.warning(w("runs.sweep.unknown", id=code(sweep_id)), icon=":material/search_off:")
        return
    if live and results.finished:
        st.rerun()  # the whole page: the picker's line updates and the refreshing stops
    if any(v.status == "queued" and v.run.place == "local" for v in results.variants):
        executor().ensure_worker()  # a worker that left (idle, crashed) is replaced
    where = progress_line(results, w) if not results.finished \
        else f"{w('runs.sweep.finished')} {progress_line(results, w)}"
    places = sorted({variant.run.place for variant in results.variants})
    st.caption(" · ".join([where, *(w(f"runs.sweep.place_{place}") for place in places),
                           w("runs.sweep.best_so_far", best=best_words(results, w))]))
    _actions(store, results, w)
    st.markdown(f"**{w('runs.sweep.variants_heading')}**")
    st.dataframe(variant_rows(results, w), hide_index=True, key="runs.sweep.variants")
    st.markdown(f"**{w('runs.sweep.chart_heading')}**",
                help=w("runs.sweep.chart_help", metric=judged_label(results.metric or "val_loss", w)))
    if results.completed():
        st.plotly_chart(parcoords_chart(results, w), key="runs.sweep.parcoords")
    else:
        st.caption(w("runs.sweep.chart_waiting"))
    _curves(store, results, w)


def _actions(store: RunStore, results: SweepResults, w: Words) -> None:
    left, right = st.columns(2)
    best = results.best
    if best is None:
        left.caption(w("runs.sweep.no_winner"))
    else:
        opened = open_run(store, best.run)  # a spec an older TF Lab wrote may not read
        readable = opened.spec_error is None
        left.page_link("app_pages/build.py", label=w("runs.sweep.open_best"),
                       icon=":material/tune:", disabled=not readable,
                       query_params=link_params(opened.spec) if readable else None,
                       help=w("runs.sweep.open_best_help", number=best.number))
        if not readable:
            left.caption(error_text(opened.spec_error))
    if not results.finished:
        if right.button(w("runs.sweep.stop"), icon=":material/stop:", key="runs.sweep.stop",
                        help=w("runs.sweep.stop_help")):
            stop_sweep(executor(), results.id)
            st.session_state[_STOPPED] = results.id
        if st.session_state.get(_STOPPED) == results.id:
            right.caption(w("runs.sweep.stop_requested"))


def _curves(store: RunStore, results: SweepResults, w: Words) -> None:
    histories = {v.number: store.history(v.run.id) for v in results.variants}
    names = sorted({name for h in histories.values() for name in curves.metric_names(h)},
                   key=lambda n: (n != "loss", n))
    if not names:
        return
    st.markdown(f"**{w('runs.sweep.curves_heading')}**")
    judged = base_name(results.metric or "")
    metric = st.selectbox(w("runs.metric"), names, key="runs.sweep.metric",
                          index=names.index(judged) if judged in names else 0,
                          format_func=lambda name: curves.metric_label(name, w))
    st.plotly_chart(curves_chart(results, histories, metric, words=w), key="runs.sweep.curves")
