"""The learning-rate finder on Build: run the range test, see the curve, use the rate.

The range test runs in the training worker (`tflab.finder`, `RunStore.queue_finder`):
pages never train. While it runs, a fragment reads its progress from the store twice a
second and reruns the page once it is done; the page then keeps no timer, as Build must
(a timer's rerun of Build after a click on Train would blank the Train page, see
components/sidebar.py), so the timer lives only the few seconds of the test.

Example:

>>> finder_ui(spec)          # doctest: +SKIP
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from components.draft import load_draft
from components.chart_style import ACCENT_COLOR, HEIGHT, TEMPLATE, TRAINING_COLOR
from components.language import count, say, t, words
from components.messages import safe
from components.state import executor, run_store
from tflab.finder import END, START, STEPS, RangeTest
from tflab.spec import ExperimentSpec
from tflab.store import FinderJob, RunNotFound
from tflab.words import Phrase, Words

JOB = "finder.job"  # session_state: the id of this session's latest finder job
REFRESH = 0.5  # seconds between reads of a running job's progress


def finder_ui(spec: ExperimentSpec | None, place=None) -> bool:
    """The finder for `spec` (None while a setting is wrong: the button is then off),
    drawn in `place` (a placeholder or container; Build gives the slot after the fit
    settings). Defaults to None: where it is called.

    Returns whether a test is running: Build keeps Train off meanwhile, since opening
    Train while this part's timer runs could blank it (components/sidebar.py)."""
    with (place if place is not None else st).container(border=True):
        st.markdown(f"**{t('finder.title')}**")
        st.caption(t("finder.intro", steps=STEPS, start=rate_text(START), end=rate_text(END)))
        job = _job()
        busy = job is not None and not job.done
        # Queued in the click's callback, before the page runs: the button is then drawn
        # off at once, so a second click cannot queue a second test.
        st.button(t("finder.find"), key="finder.find", icon=":material/query_stats:",
                  disabled=spec is None or busy, on_click=_find, args=(spec,),
                  help=t("finder.fix_first") if spec is None else t("finder.find_help"))
        if busy:
            st.fragment(run_every=REFRESH)(_progress)(job.id)
        elif job is not None:
            _outcome(job, spec)
    return busy


def _find(spec: ExperimentSpec) -> None:
    """Queue a range test of `spec` for the training worker, as this session's job."""
    st.session_state[JOB] = run_store().queue_finder(spec.to_dict())
    executor().ensure_worker()


def _job() -> FinderJob | None:
    job_id = st.session_state.get(JOB)
    if job_id is None:
        return None
    try:
        return run_store().finder(job_id)
    except RunNotFound:  # another store (a test) or a deleted database
        return None


def _progress(job_id: str) -> None:
    """The running job's state; once it is done, the whole page runs again to show it
    without a timer."""
    job = run_store().finder(job_id)
    if job.done:
        st.rerun()
    if job.status == "queued":
        executor().ensure_worker()  # a worker leaving on its idle timeout never takes it
        st.caption(t("finder.queued"))
    else:
        st.progress(job.progress, text=t("finder.running",
                                         percent=words().percent(job.progress, 0)))


def _outcome(job: FinderJob, spec: ExperimentSpec | None) -> None:
    """A finished job: the curve and the suggestion, or why there is none."""
    if job.status == "interrupted":
        st.warning(t("finder.interrupted"), icon=":material/warning:")
        return
    if job.status == "failed":
        phrase = job.result.get("phrase")
        reason = say(Phrase(phrase["key"], phrase.get("values", {}))) if phrase else job.message
        st.error(t("finder.failed", message=safe(reason)), icon=":material/error:")
        return
    test = RangeTest.from_dict(job.result)
    if spec is not None and not same_experiment(job.spec, spec.to_dict()):
        st.info(t("finder.stale"), icon=":material/history:")
    st.plotly_chart(finder_chart(test, words()), key="finder.chart")
    st.caption(count("finder.batches", len(test.lrs), seconds=words().number(test.seconds, 1)))
    value = test.suggestion.value
    if value is not None:
        st.markdown(t("finder.suggested", rate=rate_text(value)))
    st.write(safe(reason_text(test.suggestion.reason)))
    if value is None or spec is None:
        return
    if math.isclose(spec.compile.learning_rate, value):
        st.caption(t("finder.in_use", rate=rate_text(value)))
    else:
        st.button(t("finder.use", rate=rate_text(value)), key="finder.use", type="primary",
                  icon=":material/check:", on_click=_use, args=(spec, value),
                  help=t("finder.use_help", rate=rate_text(value)))


def _use(spec: ExperimentSpec, value: float) -> None:
    """Put `value` into the experiment's learning rate: the draft reloads, its widgets too."""
    load_draft(spec.with_setting("compile.learning_rate", value))


def reason_text(reason: Phrase, w: Words | None = None) -> str:
    """A suggestion's reason in the page's language, its rates written as `rate_text`
    writes them (a phrase alone would write 9.5e-05).

    Example:

    >>> reason_text(Phrase("finder.reason.no_fall", {"low": 1e-06, "high": 10.0}),
    ...             Words.load("es"))  # doctest: +ELLIPSIS
    'La pérdida no bajó en ningún punto entre 0,000001 y 10, ...'
    """
    w = w or words()
    values = {name: rate_text(value, w) if isinstance(value, float) else value
              for name, value in reason.values.items()}
    return w(reason.key, **values)


def same_experiment(tested: dict, current: dict) -> bool:
    """Whether a finder job's spec is the current experiment but for its learning rate
    (the one setting the finder changes).

    Example:

    >>> a = {"compile": {"learning_rate": 0.001, "loss": "mse"}, "seed": 1}
    >>> same_experiment(a, {"compile": {"learning_rate": 0.02, "loss": "mse"}, "seed": 1})
    True
    >>> same_experiment(a, {"compile": {"learning_rate": 0.001, "loss": "mse"}, "seed": 2})
    False
    """
    def without_rate(spec: dict) -> dict:
        return {**spec, "compile": {k: v for k, v in spec.get("compile", {}).items()
                                    if k != "learning_rate"}}
    return without_rate(tested) == without_rate(current)


def rate_text(value: float, w: Words | None = None) -> str:
    """A learning rate as a person reads it, in the page's language: every digit it has,
    and no more (0.0046, "0,0046"; 10).

    Example:

    >>> rate_text(0.0046, Words.load("es")), rate_text(1e-06, Words.load("en"))
    ('0,0046', '0.000001')
    """
    w = w or words()
    digits = max(0, 1 - math.floor(math.log10(abs(value)))) if value else 0
    while digits > 0 and round(value, digits - 1) == value:
        digits -= 1
    return w.number(value, digits)


def finder_chart(test: RangeTest, w: Words) -> go.Figure:
    """Loss against learning rate on a log axis: each batch's loss faint, the smoothed
    loss over it, and the suggested rate marked on the smoothed curve.

    Example:

    >>> from tflab.finder import Suggestion
    >>> test = RangeTest((1e-3, 1e-2, 1e-1), (1.0, 0.5, 2.0), (1.0, 0.4, 3.0), True,
    ...                  Suggestion(0.01, Phrase("finder.reason.steepest")))
    >>> fig = finder_chart(test, Words.load("en"))
    >>> [trace.name for trace in fig.data], fig.layout.xaxis.type
    (['Loss per batch', 'Smoothed loss', 'Suggested'], 'log')
    """
    hover = (f"{w('finder.chart.lr')} %{{x:.2g}}<br>{w('finder.chart.loss')} %{{y:.4g}}"
             "<extra></extra>")
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=test.lrs, y=test.raw, name=w("finder.chart.raw"), mode="lines",
                             line={"color": TRAINING_COLOR, "width": 1}, opacity=0.3,
                             hovertemplate=hover))
    fig.add_trace(go.Scatter(x=test.lrs, y=test.losses, name=w("finder.chart.smoothed"),
                             mode="lines", line={"color": TRAINING_COLOR, "width": 2},
                             hovertemplate=hover))
    value = test.suggestion.value
    if value is not None:
        fig.add_vline(x=value, line={"color": ACCENT_COLOR, "dash": "dash", "width": 1})
        fig.add_trace(go.Scatter(x=[value], y=[_loss_at(test, value)],
                                 name=w("finder.chart.suggested"), mode="markers",
                                 marker={"color": ACCENT_COLOR, "size": 12, "symbol": "star"},
                                 hovertemplate=hover))
    fig.update_layout(title=w("finder.chart.title"), template=pio.templates[TEMPLATE],
                      height=HEIGHT, separators=w.plotly_separators,
                      margin={"l": 10, "r": 10, "t": 50, "b": 10},
                      legend={"orientation": "h", "y": -0.25})
    fig.update_xaxes(type="log", title=w("finder.chart.x"), exponentformat="power")
    fig.update_yaxes(title=w("finder.chart.y"), range=_loss_range(test))
    return fig


def _loss_range(test: RangeTest) -> list[float] | None:
    """The loss axis: from 0 (or the lowest loss, if negative) to a little above the
    smoothed curve. The raw spikes where the loss blew up would squash the curve that
    matters into a flat line."""
    low = min((v for v in test.raw + test.losses if math.isfinite(v)), default=None)
    high = max((v for v in test.losses if math.isfinite(v)), default=None)
    if low is None or high is None:
        return None
    low = min(0.0, low)
    return [low, high + 0.1 * (high - low)]


def _loss_at(test: RangeTest, value: float) -> float:
    """The smoothed loss at the tested rate nearest `value` (on the log scale)."""
    nearest = min(range(len(test.lrs)), key=lambda i: abs(math.log(test.lrs[i] / value)))
    return test.losses[nearest]
