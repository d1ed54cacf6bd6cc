"""The run store: every training run, its metrics and its saved model, on disk.

A `RunStore` keeps runs in a SQLite database (`runs.sqlite3`) and each run's model
beside it (`models/<run_id>.keras`), in one folder: `TFLAB_HOME`, else `~/.tflab`
(`tflab.home` holds the layout). A training worker thread writes to it while the
dashboard reads from other threads (or other processes); SQLite's WAL journal lets
readers see the latest committed epochs without waiting for the writer.

Opening a store also tidies up after a crash: a run left `running` or `queued` by a
process that no longer exists becomes `interrupted`, its metrics kept.

The package's modules, one job each: `schema` (the tables, connections and
transactions), `records` (what the store gives back, made from rows), `runs`,
`metrics`, `views`, `sweeps`, `finder_jobs` (each table's part of `RunStore`),
`recovery` (after a process died) and `run_store` (`RunStore` itself).

Example:

>>> import tempfile
>>> folder = tempfile.TemporaryDirectory()
>>> store = RunStore(folder.name)
>>> run_id = store.create_run("mlp", {"fit": {"epochs": 2}}, epochs=2)
>>> store.mark_running(run_id)
>>> store.add_epochs(run_id, [(0, {"loss": 0.9}), (1, {"loss": 0.5})])
>>> store.history(run_id)
{'loss': [(0, 0.9), (1, 0.5)]}
>>> store.finish(run_id, "completed", final_metrics={"loss": 0.5})
>>> store.get_run(run_id).status
'completed'
>>> store.close(); folder.cleanup()
"""

from tflab.store.records import (FINISHED, MAX_LABEL, STATUSES, FinderJob, Run, RunNotFound,
                                 RunSnapshot, Sweep)
from tflab.store.run_store import RunStore, start_new_store
from tflab.store.schema import SCHEMA_VERSION
from tflab.store.views import MAX_VIEW_SNAPSHOTS, kept_view_epochs

__all__ = ["FINISHED", "MAX_LABEL", "MAX_VIEW_SNAPSHOTS", "SCHEMA_VERSION", "STATUSES",
           "FinderJob", "Run", "RunNotFound", "RunSnapshot", "RunStore", "Sweep",
           "kept_view_epochs", "start_new_store"]
