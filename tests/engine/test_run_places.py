"""Who trains a queued run: this machine's workers take only local runs, never one queued
for Ray (it would train twice into one run)."""

import sqlite3

import pytest

from tflab.store import RunStore


def test_a_run_queued_for_ray_is_left_to_ray(tflab_home):
    store = RunStore(tflab_home)
    on_ray = store.create_run("linear", {}, 2, place="ray")
    here = store.create_run("linear", {}, 2)
    assert store.queued_ids() == [here] and store.queued_ids("ray") == [on_ray]
    assert store.claim_next() == here
    assert store.claim_next() is None  # the Ray run stays queued, for Ray
    assert store.get_run(on_ray).status == "queued" and store.get_run(on_ray).place == "ray"
    assert store.snapshot(on_ray).place == 1  # its place in Ray's own queue


def test_an_unknown_place_is_refused_naming_it(tflab_home):
    with pytest.raises(ValueError, match="`place` must be one of local, ray; received 'gpu'"):
        RunStore(tflab_home).create_run("linear", {}, 2, place="gpu")


def test_runs_of_an_older_store_are_local(tflab_home):
    store = RunStore(tflab_home)
    run_id = store.create_run("linear", {}, 2)
    store.close()
    with sqlite3.connect(tflab_home / "runs.sqlite3") as db:
        db.execute("ALTER TABLE runs DROP COLUMN place")
        db.execute("PRAGMA user_version = 7")
    store = RunStore(tflab_home)
    assert store.get_run(run_id).place == "local" and store.claim_next() == run_id
