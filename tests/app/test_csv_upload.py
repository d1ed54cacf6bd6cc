"""Build: a person's CSV becomes the series a run trains on."""

from apptest_support import no_exception, open_page
from shown import shown
from components.urlspec import decode


def spec_in(at):
    value = at.query_params["spec"]
    return decode(value[0] if isinstance(value, list) else value)


def test_an_uploaded_csv_column_becomes_the_series(tflab_home):
    at = no_exception(open_page("app_pages/build.py", recipe="time_series"))
    rows = "\n".join(f"{i},{20 + (i % 12) * 3.5}" for i in range(300))
    [uploader] = [u for u in at.get("file_uploader") if "CSV" in u.label]
    uploader.upload("sales.csv", ("day,sales\n" + rows).encode(), "text/csv").run()
    no_exception(at)
    [column] = [s for s in at.selectbox if shown(s.label).startswith("Column of sales.csv")]
    assert column.value == "sales" and column.options == ["day", "sales"]
    spec = spec_in(at)
    assert spec.data.options["csv_column"] == "sales"
    csv_id = spec.data.options["csv_id"]  # the kept file's id, not a path
    assert (tflab_home / "datasets" / "csv" / f"{csv_id}.csv").read_text().startswith("day,sales")


def test_a_binary_file_named_csv_gets_a_message_and_the_page_keeps_working():
    at = no_exception(open_page("app_pages/build.py", recipe="time_series"))
    [uploader] = [u for u in at.get("file_uploader") if "CSV" in u.label]
    uploader.upload("sales.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "text/csv").run()
    no_exception(at)
    assert any("'sales.csv'" in shown(e.value) for e in at.error)
    assert spec_in(at).data.options["csv_id"] == ""
