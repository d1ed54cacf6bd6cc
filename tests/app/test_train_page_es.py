"""The Train page in Spanish (`?lang=es`): its words, the coach, the charts and the run's
message come from the catalog; no key is left unsaid (⟦key⟧).

Runs are written into the store by the test (no training), so this stays fast.
"""

import json

from google.protobuf.json_format import MessageToJson

from apptest_support import no_exception, open_page, texts
from shown import shown
from tflab.recipes import get_recipe
from tflab.store import RunStore

TRAIN = "app_pages/train.py"
SPEC = get_recipe("linear").spec.with_setting("fit.epochs", 10)
VAL = [0.6, 0.5, 0.45, 0.44, 0.46, 0.5, 0.55, 0.6, 0.66, 0.7]  # overfits from epoch 6


def every_text(at) -> str:
    """Every element of the page, sidebar included, as JSON: a ⟦key⟧ anywhere shows here
    (in a chart's figure, itself JSON inside the element, as `\\u27e6`)."""
    found = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            found.append(MessageToJson(proto, ensure_ascii=False))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(found).replace("\\u27e6", "⟦")


def figures(at) -> dict:
    """The live charts' figures by key, without the run id."""
    return {chart.proto.id.split("-", 2)[2].rsplit(".", 1)[0]:
            json.loads(chart.proto.json)["figure"] for chart in at.get("bidi_component")}


def overfit_run(store) -> str:
    run_id = store.create_run("linear", SPEC.to_dict(), 10)
    store.add_epochs(run_id, [(e, {"loss": 0.6 - 0.05 * e, "val_loss": v})
                              for e, v in enumerate(VAL, start=1)])
    return run_id


def test_a_finished_run_reads_in_spanish_with_the_coach(tflab_home):
    with RunStore(tflab_home) as store:
        run_id = overfit_run(store)
        store.finish(run_id, "completed")
        at = no_exception(open_page(TRAIN, run=run_id, lang="es"))

    page = every_text(at)
    assert "⟦" not in page
    assert "Consejos" in page and "mejor validaci" in page  # the walk reaches charts too
    assert [title.value for title in at.title] == ["Entrenar"]
    assert at.button(key="train.start").label == "Entrenar"
    assert at.button(key="train.stop").label == "Detener"
    assert at.toggle(key="train.follow").label == "Seguir la última época"
    [bar] = at.get("progress")
    assert bar.proto.text.startswith("Época 10 de 10 · ")
    [done] = texts(at.success)
    assert done.startswith("Completada en ") and done.endswith(" s.")

    assert "Consejos" in [h.value for h in at.subheader]
    assert "**Sobreajuste** · desde la época 6" in texts(at.markdown)
    [why] = [shown(m.value) for m in at.markdown if "pérdida de validación" in m.value]
    assert "mínima en la época 4 (0,44)" in why and "más de un 10 % por encima" in why
    assert "(de 0,4 a 0,1)" in why
    assert at.button(key=f"coach.{run_id}.overfitting").label == \
        "Probar: Parar antes, en la mejor época"

    loss = figures(at)["train.metric.loss"]
    assert loss["layout"]["title"]["text"] == "pérdida"
    assert loss["layout"]["separators"] == ",."
    assert loss["layout"]["xaxis"]["title"]["text"] == "época"
    assert [trace["name"] for trace in loss["data"]] == ["entrenamiento", "validación",
                                                         "mejor validación"]


def test_the_worker_s_english_message_reads_in_spanish(tflab_home):
    with RunStore(tflab_home) as store:
        stopped = overfit_run(store)
        store.finish(stopped, "stopped", "Stopped on request during epoch 11.")
        diverged = store.create_run("linear", SPEC.to_dict(), 10)
        store.finish(diverged, "diverged", "The val loss became nan at epoch 3, batch 2: the "
                                           "weights blew up. Lower the learning rate, or scale "
                                           "the inputs.")
        at = no_exception(open_page(TRAIN, run=stopped, lang="es"))
        assert [shown(m) for m in texts(at.info)] == [
            "Detenida a petición durante la época 11."]
        at = no_exception(open_page(TRAIN, run=diverged, lang="es"))
        assert [shown(m) for m in texts(at.error)] == [
            "Divergida: La pérdida de validación se volvió nan en la época 3, lote 2: los pesos "
            "estallaron. Baja la tasa de aprendizaje o escala las entradas."]
        assert "⟦" not in every_text(at)


def test_a_queued_run_and_the_sidebar_say_their_state_in_spanish(tflab_home):
    with RunStore(tflab_home) as store:
        first = store.create_run("linear", SPEC.to_dict(), 10)
        store.create_run("linear", SPEC.to_dict(), 10)
        store.create_run("linear", SPEC.to_dict(), 10)
        try:
            at = no_exception(open_page(TRAIN, run=first, lang="es"))  # it starts the worker
        finally:
            from components.state import executor

            executor().shutdown()  # this test needs no training
    assert texts(at.info) == ["Arrancando el proceso de entrenamiento…"]
    labels = [shown(link.proto.label) for link in at.sidebar.get("page_link")]
    assert [label.split(" · ")[0] for label in labels] == [
        "en cola, puesto 3", "en cola, puesto 2", "arrancando"]
    assert "⟦" not in every_text(at)


def test_switching_language_redraws_a_finished_run_s_charts_in_the_new_one(tflab_home):
    """A chart's figure is kept per session while its data stays the same: the language is
    part of what it was drawn from, or a switch would leave the old words on it."""
    with RunStore(tflab_home) as store:
        run_id = overfit_run(store)
        store.finish(run_id, "completed")
        at = no_exception(open_page(TRAIN, run=run_id, lang="en"))
        before = figures(at)["train.metric.loss"]["layout"]["xaxis"]["title"]["text"]
        at.sidebar.button_group[0].set_value("es").run()
        no_exception(at)
        after = figures(at)["train.metric.loss"]["layout"]["xaxis"]["title"]["text"]
    assert (before, after) == ("epoch", "época")
