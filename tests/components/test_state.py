"""settle_heap: the big libraries' objects are frozen once each, so Streamlit's
collection after every page run (0.4 s each with TensorFlow loaded) has next to nothing
to look at. What a collection looks at is counted, not timed (`gc.get_objects()`)."""

import gc
import json
import subprocess
import sys
import textwrap


def test_after_settling_a_collection_skips_tensorflows_objects_and_freezes_once():
    """In a fresh interpreter: TensorFlow imported, settle_heap freezes its objects, a
    collection then looks at a few objects instead of hundreds of thousands, and a
    second call with no new library does not freeze again (objects made since stay
    collectable)."""
    script = textwrap.dedent("""
        import gc, json
        import tensorflow, keras
        from components.state import settle_heap

        before = len(gc.get_objects())
        settle_heap()
        frozen, after = gc.get_freeze_count(), len(gc.get_objects())
        made_since = [[] for _ in range(1000)]
        settle_heap()
        print(json.dumps({"before": before, "after": after, "frozen": frozen,
                          "again": gc.get_freeze_count(), "since": len(gc.get_objects())}))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=300, env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "",
                                              "PYTHONPATH": "."})
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["before"] > 100_000 and figures["frozen"] >= figures["before"]
    assert figures["after"] < 1_000  # what a collection still looks at
    assert figures["again"] == figures["frozen"]  # the lists made since are not frozen
    assert figures["since"] > 1_000


def test_settling_without_new_libraries_keeps_the_collector_as_it_was():
    from components.state import settle_heap

    settle_heap()
    frozen = gc.get_freeze_count()
    settle_heap()
    assert gc.get_freeze_count() == frozen
