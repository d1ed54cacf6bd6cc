"""Recipes: a card per section of the notes, each opening in Build."""

import streamlit as st

from components.language import say, t
from components.messages import safe
from tflab.recipes import RECIPES, Recipe


def notes_quote(recipe: Recipe) -> str:
    """The notes' own Spanish words for the recipe, as a markdown quotation.

    A quotation stays in Spanish whatever the reader's language; only its label changes.
    """
    label = f"*{safe(t('recipes.from_notes', heading=recipe.notes_heading))}*"
    return "\n>\n".join(f"> {line}" for line in (label, *map(safe, recipe.notes_quote)))


st.title("TF Lab")
st.write(t("recipes.intro"))

columns = st.columns(2)
for index, recipe in enumerate(RECIPES):
    with columns[index % 2].container(border=True):
        st.subheader(say(recipe.title))
        st.caption(safe(t("recipes.notes_section", section=recipe.section)))
        st.write(safe(say(recipe.teaches)))
        st.markdown(notes_quote(recipe))
        with st.expander(t("recipes.code")):
            st.code(recipe.code, language="python")
        if st.button(t("recipes.open"), key=f"open.{recipe.name}", type="primary",
                     icon=":material/tune:"):
            st.switch_page("app_pages/build.py", query_params={"recipe": recipe.name})
