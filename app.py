"""TF Lab: the notes' neural networks, live in the browser. This file only routes.

Run: streamlit run app.py
"""

import streamlit as st

from components.language import language_switch, t
from components.sidebar import active_runs_ui
from components.state import keep_keras_state, settle_heap
from components.streamlit_words import streamlit_words

st.set_page_config(page_title="TF Lab", page_icon=":material/neurology:", layout="wide")
settle_heap()  # garbage collection after each run skips the libraries' objects
keep_keras_state()  # no Keras reset after each script run: sessions share this process
with st.sidebar:
    language_switch()  # first: the pages' titles below are in the language it picks
streamlit_words()

recipes = st.Page("app_pages/recipes.py", title=t("nav.recipes"), icon=":material/menu_book:",
                  default=True)
build = st.Page("app_pages/build.py", title=t("nav.build"), icon=":material/tune:")
navigation = st.navigation([
    recipes,
    build,
    train := st.Page("app_pages/train.py", title=t("nav.train"), icon=":material/monitoring:"),
    st.Page("app_pages/predict.py", title=t("nav.predict"), icon=":material/online_prediction:"),
    st.Page("app_pages/runs.py", title=t("nav.runs"), icon=":material/table_chart:"),
])
if navigation != train:  # Train draws the list itself: it knows when its own view refreshes
    with st.sidebar:
        # Recipes and Build open another page from the server (st.switch_page): they keep
        # no refresh timer, whose rerun of the old page would blank the new one (sidebar.py).
        active_runs_ui(live=navigation not in (recipes, build))
navigation.run()
