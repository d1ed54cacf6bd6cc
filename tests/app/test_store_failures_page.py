"""Every page on a run store that cannot be opened, provoked for real: Recipes renders
whole, the others name the folder or file and the fix instead of a traceback, the sidebar
says it in a line, and a damaged database is kept as a copy only when the button asks.

- a database cut to half its size, and a file of random bytes named runs.sqlite3;
- a TFLAB_HOME whose parent is a regular file;
- a TFLAB_HOME holding runs, made read-only (for root: the immutable attribute).
"""


from apptest_support import RECIPES_PAGE, no_exception, open_page, texts
from every_text import missing_keys
from shown import code_spans, shown
from store_faults import files_in, read_only, store_with_runs, truncate_to_half, write_garbage
from tflab.recipes import RECIPES

PAGES = ["app_pages/build.py", "app_pages/train.py", "app_pages/predict.py", "app_pages/runs.py"]
START_NEW = "Keep a copy and start a new store"
SIDEBAR = "The runs store cannot be opened: the page says why."


def message(at) -> str:
    [error] = at.error
    return shown(error.value)


def test_every_page_names_a_truncated_database_and_recipes_still_renders(tflab_home):
    store_with_runs(tflab_home)
    truncate_to_half(tflab_home / "runs.sqlite3")
    before = files_in(tflab_home)
    database = str(tflab_home / "runs.sqlite3")

    at = no_exception(open_page(RECIPES_PAGE))
    assert sorted(texts(at.subheader)) == sorted(str(r.title) for r in RECIPES)
    assert not at.error and texts(at.sidebar.caption) == [SIDEBAR]
    for page in PAGES:
        at = no_exception(open_page(page))
        said = message(at)
        assert said.startswith(f"The runs database {database} is damaged (cut short: "), page
        assert database in code_spans(at.error[0].value)
        assert "TF Lab can keep it as a copy beside it and start a new, empty store" in said
        assert [b.label for b in at.button] == [START_NEW], page  # the page stops there
        assert texts(at.subheader) == ["TF Lab cannot open its runs store"]
    assert files_in(tflab_home) == before  # showing the pages changed nothing


def test_keep_a_copy_starts_a_new_store_and_the_old_file_stays(tflab_home):
    ids, before = store_with_runs(tflab_home)
    garbage = write_garbage(tflab_home / "runs.sqlite3")
    at = no_exception(open_page("app_pages/runs.py"))
    assert "is not a database file" in message(at)

    at.button(key="store_failures.start_new").click().run()
    no_exception(at)
    [copy] = tflab_home.glob("runs.sqlite3.damaged-*")
    assert copy.read_bytes() == garbage
    [success] = at.success
    assert shown(success.value) == (f"The damaged runs database was kept as {copy}. "
                                    f"A new, empty runs store has begun in {tflab_home}.")
    assert not at.error and texts(at.info) == ["No runs yet."]
    for run_id in ids:  # the models are where they were
        assert (tflab_home / "models" / f"{run_id}.keras").read_bytes() == \
            before[f"models/{run_id}.keras"]

    at.run()  # said once
    assert not at.success and not at.error


def test_a_home_under_a_regular_file_says_which_file_and_offers_no_button(tmp_path, monkeypatch):
    in_the_way = tmp_path / "notes.txt"
    in_the_way.write_text("my notes")
    monkeypatch.setenv("TFLAB_HOME", str(in_the_way / "tflab"))
    at = no_exception(open_page("app_pages/runs.py"))
    assert message(at) == (f"TF Lab keeps its runs in the folder {in_the_way / 'tflab'}, but "
                           f"{in_the_way} is a file, not a folder. Nothing has been changed. "
                           "Set TFLAB_HOME to a folder (or move that file elsewhere), then try "
                           "again.")
    assert not at.button and in_the_way.read_text() == "my notes"


def test_a_read_only_home_says_so_and_its_runs_stay(tflab_home):
    _, before = store_with_runs(tflab_home)
    with read_only(tflab_home):
        at = no_exception(open_page("app_pages/train.py"))
        said = message(at)
    assert said.startswith(f"TF Lab cannot write in the folder {tflab_home} (it is read-only")
    assert "Make the folder writable for this user, or set TFLAB_HOME" in said
    assert not at.button
    assert files_in(tflab_home) == before


def test_in_spanish(tflab_home):
    write_garbage(tflab_home / "runs.sqlite3")
    at = no_exception(open_page("app_pages/predict.py", lang="es"))
    assert "no es un archivo de base de datos" in message(at)
    assert [b.label for b in at.button] == ["Guardar una copia y empezar un almacén nuevo"]
    assert texts(at.subheader) == ["TF Lab no puede abrir su almacén de ejecuciones"]
    assert texts(at.sidebar.caption) == [
        "No se puede abrir el almacén de ejecuciones: la página explica por qué."]
    assert missing_keys(at) == []
