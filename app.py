"""TF Lab: the notes' neural networks, live in the browser. This file only routes.

Run: streamlit run app.py
"""

import streamlit as st

from components.sidebar import active_runs_ui

st.set_page_config(page_title="TF Lab", page_icon=":material/neurology:", layout="wide")

navigation = st.navigation([
    st.Page("app_pages/recipes.py", title="Recipes", icon=":material/menu_book:", default=True),
    st.Page("app_pages/build.py", title="Build", icon=":material/tune:"),
    st.Page("app_pages/train.py", title="Train", icon=":material/monitoring:"),
    st.Page("app_pages/predict.py", title="Predict", icon=":material/online_prediction:"),
    st.Page("app_pages/runs.py", title="Runs", icon=":material/table_chart:"),
])
with st.sidebar:
    active_runs_ui()
navigation.run()
