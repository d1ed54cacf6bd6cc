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


def test_keep_keras_state_stops_streamlits_keras_reset_after_each_script_run():
    """In a fresh interpreter (the hook is replaced for the process): a page run resets
    Keras' global state as Streamlit ships; once `keep_keras_state` ran, page runs keep
    it, and Streamlit's hook is the one replaced."""
    script = textwrap.dedent("""
        import json
        from keras.src.backend.common import global_state
        from streamlit.testing.v1 import AppTest

        plain_page = "import streamlit as st\\nst.write('a page')"
        page_keeping_keras = ("import streamlit as st\\n"
                              "from components.state import keep_keras_state\\n"
                              "st.write(keep_keras_state())")
        kept = []
        for page in (plain_page, page_keeping_keras, plain_page):
            global_state.set_global_attribute("tflab_probe", "set before the run")
            app = AppTest.from_string(page)
            app.run()
            assert not app.exception, app.exception
            kept.append(global_state.get_global_attribute("tflab_probe"))
        print(json.dumps(kept))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=300, env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "",
                                              "PYTHONPATH": "."})
    assert result.returncode == 0, result.stderr[-2000:]
    kept = json.loads(result.stdout.strip().splitlines()[-1])
    # Streamlit's reset, then none once the hook is replaced (in that run's end already).
    assert kept == [None, "set before the run", "set before the run"]
