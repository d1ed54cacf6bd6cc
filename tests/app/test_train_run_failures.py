"""The Train page when what it watches fails (issue 12, item 3): a run deleted while shown
says so and shows no other run in its place; the messages of a worker or an app that died
read in both languages.

Runs are written into the store by the test (no training), so this stays fast. The page's
refreshes that notice a deletion on their own (its live view, the sidebar's list) are
driven by a browser in `tests/e2e/test_run_deleted_live.py`; here the page's run after
them is checked.
"""

from apptest_support import no_exception, open_page, texts
from every_text import missing_keys
from shown import shown
from tflab.recipes import get_recipe
from tflab.store import RunStore

TRAIN = "app_pages/train.py"
SPEC = get_recipe("linear").spec.with_setting("fit.epochs", 10)


def finished_run(store, status="completed", message="") -> str:
    run_id = store.create_run("linear", SPEC.to_dict(), 10)
    store.add_epochs(run_id, [(e, {"loss": 1 / e}) for e in range(1, 5)])
    store.finish(run_id, status, message)
    return run_id


def test_a_run_deleted_while_watched_is_said_deleted_and_no_other_run_is_shown(tflab_home):
    with RunStore(tflab_home) as store:
        other, watched = finished_run(store), finished_run(store)
        at = no_exception(open_page(TRAIN, run=watched))
        assert at.get("progress")
        store.delete_run(watched)
        at.run()  # as the sidebar's refresh does when it finds the run gone
        no_exception(at)
        [said] = texts(at.warning)
        assert shown(said).startswith(f"Run {watched} was deleted while this page showed it")
        assert not at.get("progress") and "train.stop" not in [b.key for b in at.button]
        [pick] = at.selectbox
        assert pick.value is None  # the deleted run is not swapped for another
        # Picking another run shows it.
        pick.set_value(other).run()
        no_exception(at)
        assert at.query_params["run"] == other and at.get("progress") and not at.warning


def test_the_last_run_deleted_while_watched_is_said_deleted_in_spanish(tflab_home):
    with RunStore(tflab_home) as store:
        watched = finished_run(store)
        at = no_exception(open_page(TRAIN, run=watched, lang="es"))
        store.delete_run(watched)
        at.run()
        no_exception(at)
        [said] = texts(at.warning)
        assert shown(said).startswith(f"La ejecución {watched} se borró")
        assert not texts(at.info)  # not "no runs yet": there was one, and it was deleted
        assert not missing_keys(at)


def test_a_link_to_a_run_never_shown_here_still_shows_the_latest(tflab_home):
    with RunStore(tflab_home) as store:
        latest = finished_run(store)
        at = no_exception(open_page(TRAIN, run="r0000gone0000"))
        assert [shown(w) for w in texts(at.warning)] == [
            "There is no run r0000gone0000; showing the latest."]
        assert at.query_params["run"] == latest


def test_a_dead_worker_s_and_a_dead_app_s_messages_read_in_both_languages(tflab_home):
    with RunStore(tflab_home) as store:
        killed = finished_run(store, "interrupted",
                              "The training process was killed (SIGKILL) during epoch 5.")
        gone = finished_run(store, "stopped",
                            "Stopped: the app (its server) shut down during epoch 5.")
        told = finished_run(store, "stopped", "Stopped: the training process was told to end "
                                              "(SIGTERM) during epoch 5.")
        cases = {
            killed: ("error", "Interrupted: The training process was killed (SIGKILL) during "
                              "epoch 5.",
                     "Interrumpida: El proceso de entrenamiento fue terminado a la fuerza "
                     "(SIGKILL) durante la época 5."),
            gone: ("info", "Stopped: the app (its server) shut down during epoch 5.",
                   "Detenida: la aplicación (su servidor) se cerró durante la época 5."),
            told: ("info", "Stopped: the training process was told to end (SIGTERM) during "
                           "epoch 5.",
                   "Detenida: se pidió al proceso de entrenamiento que terminara (SIGTERM) "
                   "durante la época 5."),
        }
        for run_id, (kind, english, spanish) in cases.items():
            for lang, expected in (("en", english), ("es", spanish)):
                at = no_exception(open_page(TRAIN, run=run_id, lang=lang))
                assert [shown(m) for m in texts(getattr(at, kind))] == [expected]
                assert not missing_keys(at)
