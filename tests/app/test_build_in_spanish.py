"""Build in Spanish: every word from the catalog, none missing (no ⟦key⟧ anywhere)."""

from __future__ import annotations

import pandas as pd

from apptest_support import no_exception, open_page

BUILD = "app_pages/build.py"
_TEXTS = ("label", "help", "placeholder", "body", "text")


def shown_texts(at) -> list[str]:
    """Every text of the page's elements a person can read: values, labels, help, options,
    a table's column names."""
    found = []
    for node in at._tree:
        for name in (*_TEXTS, "value", "options"):
            try:
                value = getattr(node, name, None)
            except Exception:  # noqa: BLE001 - a property this element cannot give
                continue
            if isinstance(value, str):
                found.append(value)
            elif isinstance(value, (list, tuple)):
                found += [v for v in value if isinstance(v, str)]
            elif isinstance(value, pd.DataFrame):
                found += [str(c) for c in value.columns]
    return found


def assert_no_missing_key(at) -> None:
    missing = [text for text in shown_texts(at) if "⟦" in text]
    assert not missing


def pick(at, box, value: str) -> None:
    """Choose `value` in a select whose options the page words: the test's own format_func
    would say them in English, so the choice goes in through the session."""
    at.session_state[box.key] = value
    at.run()


def widget(widgets, label: str):
    [found] = [w for w in widgets if w.label == label]
    return found


def test_build_speaks_spanish_in_every_tab():
    at = no_exception(open_page(BUILD, recipe="multiclass", lang="es"))
    assert [t.value for t in at.title] == ["Construir"]
    assert at.caption[0].value.startswith("Receta: multiclass.")
    assert [tab.label for tab in at.tabs] == ["Datos", "Capas", "Compilar y entrenar",
                                              "Aumento de datos", "Barrido"]
    assert widget(at.selectbox, "Conjunto de datos").value == "digits"
    assert [w.value for w in at.number_input if w.label == "Unidades"] == [128, 10]
    assert widget(at.number_input, "Épocas").help == "Pasadas por el conjunto de entrenamiento."
    layer = widget(at.selectbox, "Capa 1")
    assert layer.value == "Flatten"
    assert layer.help == "Extiende una imagen o una secuencia en una sola fila larga de números."
    assert "Resumen del modelo" in [s.value for s in at.subheader]
    assert at.button(key="build.train").label == "Entrenar"
    [summary] = at.dataframe
    assert list(summary.value.columns) == ["capa", "tipo", "forma de salida", "parámetros",
                                           "entrenable"]
    assert any(c.value.endswith("congelados") for c in at.caption)
    assert "Activa una rotación, un desplazamiento, una cizalla, un zoom o un volteo para ver lo " \
           "que ve el entrenamiento." in [c.value for c in at.caption]
    assert_no_missing_key(at)


def test_your_own_pictures_and_a_pretrained_base_in_spanish():
    at = no_exception(open_page(BUILD, recipe="multiclass", lang="es"))
    pick(at, widget(at.selectbox, "Conjunto de datos"), "folder")
    no_exception(at)
    assert {"Un zip de carpetas por clase", "Clase por clase"} <= {tab.label for tab in at.tabs}
    assert widget(at.text_input, "Clase 1").value == "class_1"
    assert at.button(key=[b.key for b in at.button if b.label == "Crear el conjunto de datos"][0])
    assert_no_missing_key(at)
    widget(at.toggle, "Base preentrenada (aprendizaje por transferencia)").set_value(True).run()
    pick(at, widget(at.selectbox, "Red base"), "run")
    no_exception(at)
    assert any(i.value.startswith("Ninguna ejecución terminada tiene un modelo guardado")
               for i in at.info)
    assert_no_missing_key(at)


def test_english_stays_as_it_was():
    at = no_exception(open_page(BUILD, recipe="multiclass"))
    assert at.caption[0].value.startswith("Recipe: multiclass. The page's address holds every")
    assert widget(at.number_input, "Epochs").help == "Passes over the training data."
    assert widget(at.toggle, "Input shape from the data").help == (
        "The input shape is one example's shape, without the batch axis.")
    assert_no_missing_key(at)
