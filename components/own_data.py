"""Your own pictures as a dataset: a zip of class folders, or classes filled one by one.

Both end in the engine's `import_zip`, so every guard (zip bombs, paths outside the data
folder, too many files, huge or broken images) applies to both, and the dataset is kept
by content: a run that names it trains on the same pictures later.

Example:

>>> options = own_images_ui("v1.data.folder")     # doctest: +SKIP
"""

from __future__ import annotations

import io
import zipfile

import streamlit as st

from components.language import count, t
from components.messages import error_text, plain


def _import(data: bytes, name: str):
    from tflab.data.zip_import import UploadError, import_zip

    try:
        return import_zip(data, name)
    except UploadError as error:
        st.error(error_text(error), icon=":material/error:")
        return None


def _classes_zip(classes: list[tuple[str, list]]) -> bytes:
    """The pictures given class by class, as the zip of class folders import_zip reads."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for class_name, files in classes:
            for index, upload in enumerate(files):
                suffix = upload.name.rsplit(".", 1)[-1] if "." in upload.name else "png"
                archive.writestr(f"{class_name}/{index}.{suffix}", upload.getvalue())
    return buffer.getvalue()


def record_ui(record) -> None:
    """Images per class, class balance, and the files that were skipped and why."""
    counts = dict(record.counts)
    # File and folder names are the uploader's words: shown as they are, never as markdown.
    st.success(plain(t("sources.own.imported", name=record.name, pictures=sum(counts.values()),
                       classes=len(counts),
                       counts=", ".join(f"{name}: {n}" for name, n in counts.items()))))
    low, high = min(counts.values()), max(counts.values())
    if high > 2 * low:
        st.warning(t("sources.own.unbalanced", low=low, high=high))
    if record.skipped:
        with st.expander(count("sources.own.skipped", len(record.skipped))):
            st.dataframe([{t("sources.own.file"): f, t("sources.own.reason"): r}
                          for f, r in record.skipped], hide_index=True)


def own_images_ui(prefix: str) -> dict:
    """Upload widgets; returns {"dataset_id": ...} once a dataset is imported, else {}."""
    zipped, by_class = st.tabs([t("sources.own.zip_tab"), t("sources.own.classes_tab")])
    record = None
    with zipped:
        upload = st.file_uploader(t("sources.own.zip"), type=["zip"], key=f"{prefix}.zip")
        if upload is not None:
            record = _import(upload.getvalue(), upload.name)
    with by_class:
        how_many = int(st.number_input(t("sources.own.classes"), min_value=2, max_value=10,
                                       value=2, key=f"{prefix}.classes"))
        classes = []
        cells = st.columns(min(how_many, 4))
        for index in range(how_many):
            with cells[index % len(cells)]:
                name = st.text_input(t("sources.own.class", n=index + 1), value=f"class_{index + 1}",
                                     key=f"{prefix}.class.{index}")
                files = st.file_uploader(t("sources.own.pictures_of", name=name),
                                         accept_multiple_files=True,
                                         type=["png", "jpg", "jpeg", "webp", "bmp", "gif"],
                                         key=f"{prefix}.files.{index}")
                classes.append((name, files or []))
        if st.button(t("sources.own.make"), key=f"{prefix}.make", icon=":material/library_add:",
                     disabled=sum(len(f) for _, f in classes) == 0):
            record = _import(_classes_zip(classes), t("sources.own.my_classes"))
            if record is not None:
                st.session_state[f"{prefix}.made"] = record
        record = record or st.session_state.get(f"{prefix}.made")
    if record is None:
        return {}
    record_ui(record)
    return {"dataset_id": record.id}
