"""Build: data, layers, compile and fit settings, augmentation, a sweep; checked as you type."""

import streamlit as st

from components.compare import without_augmentation
from components.draft import current_draft, remember
from components.finder_ui import finder_ui
from components.language import say, t
from components.messages import error_text, safe
from components.previews import augmentation_preview_ui, data_preview_ui, model_summary_ui
from components.spec_ui import experiment_ui, section_of
from components.state import executor
from components.store_failure_ui import store_or_stop
from components.sweep_ui import sweep_ui
from tflab.params import MissingInput
from tflab.spec import ExperimentSpec, SpecError

st.title(t("nav.build"))
store_or_stop()  # Build trains, sweeps and finds rates in the store: it says first if it cannot
draft, version = current_draft()
st.caption(t("build.caption", recipe=draft.get("recipe", "custom")))
actions = st.container()

places: dict = {}
values = experiment_ui(draft, version, places)
try:
    spec, problem = ExperimentSpec.from_dict(values), None
except SpecError as error:
    spec, problem = None, error
# Something still to give (pictures to upload) is not a mistake: a prompt, not red.
waiting = problem if isinstance(problem, MissingInput) else None
hint = safe(say(waiting.hint)) if waiting is not None else ""
finding = finder_ui(spec, places["seed"])  # after the fit settings; a seed error replaces it

if waiting is not None:
    places[section_of(waiting)].info(hint, icon=":material/upload:")
elif problem is not None:
    places[section_of(problem)].error(error_text(problem), icon=":material/error:")
else:
    remember(spec)

with places["preview"]:
    if waiting is None or section_of(waiting) != "data":
        data_preview_ui(values["data"], int(values.get("seed", 42)))
with places["summary"]:
    st.subheader(t("build.summary"))
    if spec is not None:
        unbuildable = model_summary_ui(spec)
        if unbuildable is not None:  # a valid spec whose model cannot be made here (its weights)
            spec, problem = None, unbuildable
    else:
        st.caption(t("build.summary_waits_for_data") if waiting is not None
                   else t("build.summary_waits_for_fix"))
with places["augmentation_preview"]:
    if spec is not None:
        augmentation_preview_ui(spec)
with places["sweep"]:
    if spec is not None:
        sweep_ui(spec, version)
    else:
        st.caption(t("build.sweep.waits"))

with actions:
    left, middle, right = st.columns([1, 2, 3])
    reason = hint if waiting is not None else t("build.fix_first")
    if left.button(t("build.train"), type="primary", icon=":material/play_arrow:",
                   disabled=spec is None or finding, key="build.train",
                   help=reason if spec is None else t("build.wait_for_finder") if finding
                   else t("build.train_help")):
        run_id = executor().submit(spec)
        st.switch_page("app_pages/train.py", query_params={"run": run_id})
    if spec is not None and spec.augmentation.random and middle.button(
            t("build.compare"), icon=":material/compare:", key="build.compare",
            help=t("build.compare_help")):
        pair = [executor().submit(spec), executor().submit(without_augmentation(spec))]
        st.switch_page("app_pages/runs.py", query_params={"compare": ",".join(pair)})
    if waiting is not None:
        right.caption(t("build.train_off_until_given", hint=hint))
    elif problem is not None:
        right.error(t("build.train_off_until_fixed", error=error_text(problem)),
                    icon=":material/block:")
