"""Build: data, layers, compile and fit settings, augmentation; checked as you type."""

import streamlit as st

from components.compare import without_augmentation
from components.draft import current_draft, remember
from components.messages import error_text, safe
from components.previews import augmentation_preview_ui, data_preview_ui, model_summary_ui
from components.spec_ui import experiment_ui, section_of
from components.state import executor
from tflab.spec import ExperimentSpec, SpecError
from tflab.spec.params import MissingInput

st.title("Build")
draft, version = current_draft()
st.caption(f"Recipe: {draft.get('recipe', 'custom')}. The page's address holds every setting: "
           "share it to share the experiment.")
actions = st.container()

places: dict = {}
values = experiment_ui(draft, version, places)
try:
    spec, problem = ExperimentSpec.from_dict(values), None
except SpecError as error:
    spec, problem = None, error
# Something still to give (pictures to upload) is not a mistake: a prompt, not red.
waiting = problem if isinstance(problem, MissingInput) else None

if waiting is not None:
    places[section_of(waiting)].info(safe(waiting.hint), icon=":material/upload:")
elif problem is not None:
    places[section_of(problem)].error(error_text(problem), icon=":material/error:")
else:
    remember(spec)

with places["preview"]:
    if waiting is None or section_of(waiting) != "data":
        data_preview_ui(values["data"], int(values.get("seed", 42)))
with places["summary"]:
    st.subheader("Model summary")
    if spec is not None:
        unbuildable = model_summary_ui(spec)
        if unbuildable is not None:  # a valid spec whose model cannot be made here (its weights)
            spec, problem = None, unbuildable
    else:
        st.caption("The model shows once the data is given." if waiting is not None
                   else "Fix the setting above to see the model.")
with places["augmentation_preview"]:
    if spec is not None:
        augmentation_preview_ui(spec)

with actions:
    left, middle, right = st.columns([1, 2, 3])
    reason = safe(waiting.hint) if waiting is not None else "Fix the setting marked in red first"
    if left.button("Train", type="primary", icon=":material/play_arrow:", disabled=spec is None,
                   key="build.train", help=reason if spec is None
                   else "Queue this experiment and watch it train"):
        run_id = executor().submit(spec)
        st.switch_page("app_pages/train.py", query_params={"run": run_id})
    if spec is not None and spec.augmentation.random and middle.button(
            "Train with and without augmentation", icon=":material/compare:", key="build.compare",
            help="Queue this experiment twice, the second time with no random augmentation, "
                 "and compare their training-validation gaps"):
        pair = [executor().submit(spec), executor().submit(without_augmentation(spec))]
        st.switch_page("app_pages/runs.py", query_params={"compare": ",".join(pair)})
    if waiting is not None:
        right.caption(f"{safe(waiting.hint)} Train is off until then.")
    elif problem is not None:
        right.error(f"Train is off until this is fixed: {error_text(problem)}",
                    icon=":material/block:")
