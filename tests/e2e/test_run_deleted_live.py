"""A Train page open in Chromium whose run is deleted through the store (issue 12, item 3):
the page says so within seconds, by the refreshes it already has (its live view while
the run is queued or trains, the sidebar's list once it has ended), and shows no other
run in its place."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from conftest import DEFAULT_TIMEOUT_MS, VIEWPORT, started_server
from support import main, wait_until_idle
from tflab.recipes import get_recipe
from tflab.store import RunStore

SPEC = get_recipe("linear").spec.with_setting("fit.epochs", 10)


def test_a_watched_run_deleted_through_the_store_is_said_deleted(browser, browser_errors,
                                                                 tmp_path):
    with started_server(tmp_path, "--server.headless", "true",
                        "--browser.gatherUsageStats", "false") as port:
        store = RunStore(tmp_path / "tflab-home")
        finished = store.create_run("linear", SPEC.to_dict(), 10)
        store.add_epochs(finished, [(e, {"loss": 1 / e}) for e in range(1, 5)])
        store.finish(finished, "completed")
        # Queued for Ray, so no local worker takes it: it stays queued while watched, the
        # page refreshing its live view five times a second.
        queued = store.create_run("linear", SPEC.to_dict(), 10, place="ray")
        context = browser.new_context(viewport=VIEWPORT, base_url=f"http://localhost:{port}")
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        browser_errors.watch(context)
        try:
            for run_id, shown in ((finished, re.compile(r"^Epoch 4 of 10")),
                                  (queued, re.compile(r"^Starting the training process"))):
                page = context.new_page()
                page.goto(f"/train?run={run_id}")
                expect(main(page).get_by_text(shown)).to_be_visible()
                wait_until_idle(page)
                store.delete_run(run_id)
                expect(main(page).get_by_text(re.compile(rf"^Run {run_id} was deleted while "
                                                         "this page showed it"))).to_be_visible(
                    timeout=10_000)
                expect(main(page).get_by_text(shown)).to_have_count(0)
                assert f"run={run_id}" in page.url  # no other run put in its place
                page.wait_for_timeout(2000)  # refreshes no more: the notice stays, alone
                wait_until_idle(page)
                expect(main(page).get_by_text(re.compile(rf"^Run {run_id} was deleted"))
                       ).to_be_visible()
                expect(main(page).get_by_role("button", name="Stop")).to_have_count(0)
        finally:
            context.close()
            store.close()
