"""Train pages watching runs share the server's refreshes (issue 12: of 10 pages watching
one run, 3 ever updated)."""

import time

from apptest_support import no_exception, open_page
from tflab.recipes import get_recipe
from tflab.store import RunStore

TRAIN = "app_pages/train.py"
LINEAR = get_recipe("linear").spec.with_setting("fit.epochs", 5)


def test_a_page_among_many_watchers_refreshes_less_often_and_says_why(tflab_home):
    from components.state import watchers

    watchers.clear()  # pages of other tests in this process watched too
    for other in ("ana", "ben"):  # two more pages watching, as the server counts them
        watchers().seen(other, time.monotonic())
    with RunStore(tflab_home) as store:
        run_id = store.create_run("linear", LINEAR.to_dict(), 5)
        assert store.claim_next() == run_id  # this test plays the worker: the run trains
        store.add_epochs(run_id, [(1, {"loss": 0.5})])

        at = no_exception(open_page(TRAIN, run=run_id))

        assert [c.value for c in at.caption if "pages are watching" in c.value] == [
            "3 pages are watching runs train on this server, so each refreshes every "
            "0.5 s: often enough for all of them to keep up."]
        # The run ends: the page no longer counts, and says nothing of it.
        store.finish(run_id, "completed")
        at.run()
        assert watchers().seen("ana", time.monotonic()) == 2
        assert not [c.value for c in at.caption if "pages are watching" in c.value]
    watchers.clear()
