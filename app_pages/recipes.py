"""Recipes: a card per section of the notes, each opening in Build."""

import streamlit as st

from tflab.recipes import RECIPES

st.title("TF Lab")
st.write("The course notes' neural networks, in today's Keras. Pick a recipe, change it, "
         "watch it train.")

columns = st.columns(2)
for index, recipe in enumerate(RECIPES):
    with columns[index % 2].container(border=True):
        st.subheader(recipe.title)
        st.caption(f"Notes: {recipe.section}")
        st.write(recipe.teaches)
        with st.expander("The notes' code, in today's Keras"):
            st.code(recipe.code, language="python")
        if st.button("Open in Build", key=f"open.{recipe.name}", type="primary",
                     icon=":material/tune:"):
            st.switch_page("app_pages/build.py", query_params={"recipe": recipe.name})
